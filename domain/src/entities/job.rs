//! `jobs`: the background work queue. A worker leases a due job (owner and expiry), runs it, then
//! deletes it or puts it back with a later `run_at` and the error; an expired lease makes the job
//! due again, so a crashed worker loses nothing.

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
    /// At most one queued job per key (e.g. one profile sync per account).
    #[sea_orm(unique)]
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
    /// Enqueued.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
