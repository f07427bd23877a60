//! The background work queue on the `jobs` table: enqueue (at most one queued job per dedupe key),
//! lease the next due job, then finish it or fail it with backoff.
//!
//! A lease names its worker and lapses after a while, so a worker that dies mid-job loses nothing:
//! the job becomes due again when the lease lapses. On PostgreSQL the lease takes the row with
//! `FOR UPDATE SKIP LOCKED`, so any number of workers on any number of machines share the queue;
//! SQLite serialises writers, which gives the same guarantee on one machine. Handlers must be
//! idempotent: a job may run again after a crash between its work and [`finish`]. A job that
//! runs longer than a lease renews it ([`renew`]).
//!
//! A job that fails [`MAX_ATTEMPTS`] times in a row is given up, never deleted in silence: it
//! stays with its error and the time its failures began, shown to its owner ([`troubles`]) and to
//! the operator ([`failing`]), and it no longer holds its dedupe key, so a retry or a reconnect
//! queues the work again ([`revive`]).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::entities::job::{self, JobKind};
use crate::error::Result;

/// How long a lease lasts before another worker may take the job.
pub const LEASE: Duration = Duration::minutes(5);
/// Runs a job gets in a row before it is given up (kept, with its last error, until revived).
pub const MAX_ATTEMPTS: i32 = 8;

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What to run.
    pub kind: JobKind,
    /// Its arguments as JSON.
    pub payload: serde_json::Value,
    /// With a key, enqueueing again while one is queued does nothing.
    pub dedupe_key: Option<String>,
    /// Not before.
    pub run_at: DateTime<Utc>,
}

/// Adds `job` unless one with the same dedupe key is queued (given-up jobs do not count);
/// returns whether it was added.
pub async fn enqueue(db: &impl ConnectionTrait, job: NewJob, now: DateTime<Utc>) -> Result<bool> {
    if let Some(key) = &job.dedupe_key
        && job::Entity::find()
            .filter(job::Column::DedupeKey.eq(key.as_str()))
            .filter(job::Column::GivenUpAt.is_null())
            .one(db)
            .await?
            .is_some()
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
        failing_since: Set(None),
        given_up_at: Set(None),
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
        .filter(job::Column::GivenUpAt.is_null())
        .filter(job::Column::RunAt.gt(now))
        .exec(db)
        .await?;
    Ok(moved.rows_affected > 0)
}

/// Leases the most overdue job for `worker` at `now` for `lease` ([`LEASE`] unless configured),
/// if one is due and not held.
pub async fn lease(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<job::Model>> {
    // Scoped: sea-query implements this trait for every type, which would shadow `Ord::min`.
    use sea_orm::sea_query::ExprTrait as _;
    let mut due = Query::select();
    due.column(job::Column::Id)
        .from(job::Entity)
        .cond_where(
            Condition::all().add(job::Column::RunAt.lte(now)).add(job::Column::GivenUpAt.is_null()).add(
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
        .col_expr(job::Column::LeaseExpiresAt, Expr::value(now + lease))
        .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await?;
    Ok(leased.into_iter().next())
}

/// Releases the leases held by processes of this machine that have died (see
/// [`crate::instance`]): their jobs are due again at once. Returns how many were released.
pub async fn release_dead(db: &impl ConnectionTrait, instance: &crate::instance::Instance) -> Result<u64> {
    use sea_orm::QuerySelect;
    let holders: Vec<Option<String>> = job::Entity::find()
        .select_only()
        .column(job::Column::LeaseOwner)
        .distinct()
        .filter(job::Column::LeaseOwner.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut released = 0;
    for holder in holders.into_iter().flatten().filter(|h| instance.holder_is_dead(h)) {
        let freed = job::Entity::update_many()
            .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(job::Column::LeaseOwner.eq(holder.as_str()))
            .exec(db)
            .await?;
        tracing::warn!(holder = %holder, jobs = freed.rows_affected, "took back the leases of a worker that died");
        released += freed.rows_affected;
    }
    Ok(released)
}

/// Extends `worker`'s lease on a job that is still running, to `now` + `lease`. Returns false
/// when the lease was lost already (another worker may have taken the job).
pub async fn renew(
    db: &impl ConnectionTrait,
    job_id: i64,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<bool> {
    let renewed = job::Entity::update_many()
        .col_expr(job::Column::LeaseExpiresAt, Expr::value(now + lease))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::LeaseOwner.eq(worker))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected == 1)
}

/// Settles a job `worker` ran: deletes it, or keeps it for its next run, on `db` (pass the
/// transaction that wrote the job's work, so the work and its checkpoint commit together).
/// Returns false when the lease was lost: roll back, the work belongs to another worker now.
pub async fn settle(
    db: &impl ConnectionTrait,
    job: &job::Model,
    worker: &str,
    next: Next,
    now: DateTime<Utc>,
) -> Result<bool> {
    match next {
        Next::Finish => finish(db, job, worker).await,
        Next::Again(at, payload) => reschedule(db, job, worker, &payload, at, now).await,
    }
}

/// What a handler asks for its job once it ran.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Done for good: delete the job.
    Finish,
    /// Run again at this time with this payload (recurring work, or the next page).
    Again(DateTime<Utc>, serde_json::Value),
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
        .col_expr(job::Column::FailingSince, Expr::value(Option::<DateTime<Utc>>::None))
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

/// What became of a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// Due again later.
    Retrying,
    /// Out of attempts: kept, given up, until [`revive`].
    GaveUp,
    /// The lease was lost; another worker owns the job now.
    LeaseLost,
}

/// Puts a failed job back: due again at `retry_at` (or after [`backoff`] when `None`), lease
/// released, error kept, and the start of its failures remembered. After [`MAX_ATTEMPTS`] runs
/// it is given up instead.
pub async fn fail(
    db: &impl ConnectionTrait,
    job: &job::Model,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Failed> {
    let retry_at = retry_at.unwrap_or_else(|| now + backoff(job.attempts, rand::random::<f64>() * 0.25));
    let message: String = error.chars().take(2000).collect();
    let give_up = job.attempts >= job.max_attempts;
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::RunAt, Expr::value(retry_at))
        .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::LastError, Expr::value(message))
        .col_expr(job::Column::FailingSince, Expr::value(job.failing_since.unwrap_or(now)))
        .col_expr(job::Column::UpdatedAt, Expr::value(now));
    if give_up {
        update = update.col_expr(job::Column::GivenUpAt, Expr::value(now));
    }
    let updated =
        update.filter(job::Column::Id.eq(job.id)).filter(job::Column::LeaseOwner.eq(worker)).exec(db).await?;
    Ok(match (updated.rows_affected, give_up) {
        (0, _) => Failed::LeaseLost,
        (_, true) => Failed::GaveUp,
        (_, false) => Failed::Retrying,
    })
}

/// Queues again the given-up jobs with these dedupe keys, due `now` with fresh attempts (their
/// checkpointed payload kept, their failing-since kept until a success). A given-up job whose key
/// was queued again meanwhile is deleted instead. Returns how many were revived.
pub async fn revive(db: &impl ConnectionTrait, keys: &[String], now: DateTime<Utc>) -> Result<u64> {
    let given_up = job::Entity::find()
        .filter(job::Column::DedupeKey.is_in(keys.iter().map(String::as_str)))
        .filter(job::Column::GivenUpAt.is_not_null())
        .all(db)
        .await?;
    let mut revived = 0;
    for dead in given_up {
        let live = job::Entity::find()
            .filter(job::Column::DedupeKey.eq(dead.dedupe_key.clone()))
            .filter(job::Column::GivenUpAt.is_null())
            .one(db)
            .await?;
        if live.is_some() {
            job::Entity::delete_by_id(dead.id).exec(db).await?;
            continue;
        }
        let done = job::Entity::update_many()
            .col_expr(job::Column::GivenUpAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(job::Column::Attempts, Expr::value(0))
            .col_expr(job::Column::RunAt, Expr::value(now))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(dead.id))
            .filter(job::Column::GivenUpAt.is_not_null())
            .exec(db)
            .await;
        match done {
            Ok(done) => revived += done.rows_affected,
            // Queued again by someone else between the two statements: theirs stands.
            Err(error) if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                job::Entity::delete_by_id(dead.id).exec(db).await?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(revived)
}

/// The jobs with these dedupe keys that are failing (retrying or given up), oldest failure first.
pub async fn troubles(db: &impl ConnectionTrait, keys: &[String]) -> Result<Vec<job::Model>> {
    Ok(job::Entity::find()
        .filter(job::Column::DedupeKey.is_in(keys.iter().map(String::as_str)))
        .filter(job::Column::FailingSince.is_not_null())
        .order_by_asc(job::Column::FailingSince)
        .all(db)
        .await?)
}

/// Every failing job of the installation (for the operator), given-up ones first, then by how
/// long they have been failing; at most `limit`.
pub async fn failing(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<job::Model>> {
    use sea_orm::QuerySelect;
    let mut given_up = job::Entity::find()
        .filter(job::Column::GivenUpAt.is_not_null())
        .order_by_asc(job::Column::FailingSince)
        .limit(limit)
        .all(db)
        .await?;
    let left = limit.saturating_sub(given_up.len() as u64);
    if left > 0 {
        given_up.extend(
            job::Entity::find()
                .filter(job::Column::GivenUpAt.is_null())
                .filter(job::Column::FailingSince.is_not_null())
                .order_by_asc(job::Column::FailingSince)
                .limit(left)
                .all(db)
                .await?,
        );
    }
    Ok(given_up)
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
