//! `jobs`: the background work queue. A worker leases a due job (owner and expiry), runs it, then
//! deletes it or puts it back with a later `run_at` and the error; an expired lease makes the job
//! due again, so a crashed worker loses nothing. A job that runs out of attempts is given up:
//! kept with its error for the user and the operator to see, no longer holding its dedupe key.

use sea_orm::entity::prelude::*;

/// One row of `jobs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What to run, e.g. `tiktok.sync_profile`.
    pub kind: String,
    /// Its arguments, as JSON.
    pub payload: String,
    /// At most one job per key that is not given up (e.g. one profile sync per account).
    pub dedupe_key: Option<String>,
    /// Not before.
    pub run_at: DateTimeUtc,
    /// Runs started so far.
    pub attempts: i32,
    /// Runs allowed before the job is given up.
    pub max_attempts: i32,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// When the lease lapses.
    pub lease_expires_at: Option<DateTimeUtc>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When the current run of failures began (cleared by a success).
    pub failing_since: Option<DateTimeUtc>,
    /// When the job ran out of attempts; it then waits for a retry or a reconnect.
    pub given_up_at: Option<DateTimeUtc>,
    /// Enqueued.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
