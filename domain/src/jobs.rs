//! The background work queue on the `jobs` table: enqueue (at most one queued job per dedupe key),
//! lease the next due job, then finish it or fail it with backoff.
//!
//! A lease names its worker and lapses after a while, so a worker that dies mid-job loses nothing:
//! the job becomes due again when the lease lapses. On PostgreSQL the lease takes the row with
//! `FOR UPDATE SKIP LOCKED`, so any number of workers on any number of machines share the queue;
//! SQLite serialises writers, which gives the same guarantee on one machine. Handlers must be
//! idempotent: a job may run again after a crash between its work and [`finish`].

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, QueryFilter, Set,
};

use crate::entities::job;
use crate::error::Result;

/// How long a lease lasts before another worker may take the job.
pub const LEASE: Duration = Duration::minutes(5);
/// Runs a job gets before it is given up (kept, with its last error, for inspection).
pub const MAX_ATTEMPTS: i32 = 8;

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What to run, e.g. `tiktok.sync_profile`.
    pub kind: String,
    /// Its arguments as JSON.
    pub payload: serde_json::Value,
    /// With a key, enqueueing again while one is queued does nothing.
    pub dedupe_key: Option<String>,
    /// Not before.
    pub run_at: DateTime<Utc>,
}

/// Adds `job` unless one with the same dedupe key is queued; returns whether it was added.
pub async fn enqueue(db: &impl ConnectionTrait, job: NewJob, now: DateTime<Utc>) -> Result<bool> {
    if let Some(key) = &job.dedupe_key
        && job::Entity::find().filter(job::Column::DedupeKey.eq(key.as_str())).one(db).await?.is_some()
    {
        return Ok(false);
    }
    let row = job::ActiveModel {
        kind: Set(job.kind),
        payload: Set(job.payload.to_string()),
        dedupe_key: Set(job.dedupe_key),
        run_at: Set(job.run_at),
        attempts: Set(0),
        max_attempts: Set(MAX_ATTEMPTS),
        lease_owner: Set(None),
        lease_expires_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // A concurrent enqueue of the same key loses on the unique index: the job is queued either way.
    match row.insert(db).await {
        Ok(_) => Ok(true),
        Err(error) if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}

/// Brings the queued job with `dedupe_key` forward to `now` if it was due later (a reconnected
/// account is read again at once, not at its next interval); returns whether one moved.
pub async fn hurry(db: &impl ConnectionTrait, dedupe_key: &str, now: DateTime<Utc>) -> Result<bool> {
    let moved = job::Entity::update_many()
        .col_expr(job::Column::RunAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::DedupeKey.eq(dedupe_key))
        .filter(job::Column::RunAt.gt(now))
        .exec(db)
        .await?;
    Ok(moved.rows_affected > 0)
}

/// Leases the most overdue job for `worker` at `now`, if one is due and not held.
pub async fn lease(db: &DatabaseConnection, worker: &str, now: DateTime<Utc>) -> Result<Option<job::Model>> {
    // Scoped: sea-query implements this trait for every type, which would shadow `Ord::min`.
    use sea_orm::sea_query::ExprTrait as _;
    let mut due = Query::select();
    due.column(job::Column::Id)
        .from(job::Entity)
        .cond_where(
            Condition::all()
                .add(job::Column::RunAt.lte(now))
                .add(Expr::col(job::Column::Attempts).lt(Expr::col(job::Column::MaxAttempts)))
                .add(
                    Condition::any()
                        .add(job::Column::LeaseExpiresAt.is_null())
                        .add(job::Column::LeaseExpiresAt.lt(now)),
                ),
        )
        .order_by(job::Column::RunAt, sea_orm::Order::Asc)
        .order_by(job::Column::Id, sea_orm::Order::Asc)
        .limit(1);
    if db.get_database_backend() == DatabaseBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let leased = job::Entity::update_many()
        .col_expr(job::Column::LeaseOwner, Expr::value(worker))
        .col_expr(job::Column::LeaseExpiresAt, Expr::value(now + LEASE))
        .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await?;
    Ok(leased.into_iter().next())
}

/// Removes a job `worker` finished. Returns false when the lease was lost (another worker took
/// the job after this one's lease lapsed); the work, being idempotent, is then done twice at worst.
pub async fn finish(db: &impl ConnectionTrait, job: &job::Model, worker: &str) -> Result<bool> {
    let deleted = job::Entity::delete_many()
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::LeaseOwner.eq(worker))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

/// Keeps a recurring job (or a checkpointed one) queued: due again at `run_at` with `payload`,
/// its attempts reset and its lease released. Returns false when the lease was lost.
pub async fn reschedule(
    db: &impl ConnectionTrait,
    job: &job::Model,
    worker: &str,
    payload: &serde_json::Value,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Payload, Expr::value(payload.to_string()))
        .col_expr(job::Column::RunAt, Expr::value(run_at))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::LeaseOwner.eq(worker))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The delay before retry `attempt` (1-based): 30 s doubling, at most 6 hours, plus up to 25 %
/// jitter so failed jobs do not retry in lockstep.
pub fn backoff(attempt: i32, jitter: f64) -> Duration {
    let base = Duration::seconds(30).num_seconds() << attempt.clamp(1, 20).saturating_sub(1);
    let capped = base.min(Duration::hours(6).num_seconds());
    Duration::seconds(capped)
        + Duration::milliseconds((capped as f64 * 1000.0 * jitter.clamp(0.0, 0.25)) as i64)
}

/// Puts a failed job back: due again at `retry_at` (or after [`backoff`] when `None`), lease
/// released, error kept. After [`MAX_ATTEMPTS`] runs it stays, given up, for inspection.
pub async fn fail(
    db: &impl ConnectionTrait,
    job: &job::Model,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let retry_at = retry_at.unwrap_or_else(|| now + backoff(job.attempts, rand::random::<f64>() * 0.25));
    let message: String = error.chars().take(2000).collect();
    job::Entity::update_many()
        .col_expr(job::Column::RunAt, Expr::value(retry_at))
        .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::LastError, Expr::value(message))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job.id))
        .filter(job::Column::LeaseOwner.eq(worker))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1, 0.0), Duration::seconds(30));
        assert_eq!(backoff(2, 0.0), Duration::seconds(60));
        assert_eq!(backoff(5, 0.0), Duration::seconds(480));
        assert_eq!(backoff(30, 0.0), Duration::hours(6));
        assert_eq!(backoff(1, 0.25), Duration::milliseconds(37_500));
        assert_eq!(backoff(1, 9.0), Duration::milliseconds(37_500), "jitter is capped at 25 %");
    }
}
