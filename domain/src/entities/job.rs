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
    /// What to run.
    pub kind: JobKind,
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

/// What a job runs (`jobs.kind`). A kind this version does not know (a row left by a newer or
/// an older Soco) is kept as [`JobKind::Other`]: the job fails visibly instead of the queue
/// failing to read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, DeriveValueType, serde::Serialize, serde::Deserialize)]
#[sea_orm(value_type = "String")]
#[serde(into = "String", from = "String")]
pub enum JobKind {
    /// `tiktok.sync_profile`: a TikTok account's profile snapshot.
    TikTokSyncProfile,
    /// `tiktok.sync_videos`: a TikTok account's videos and their snapshots.
    TikTokSyncVideos,
    /// A kind this version does not run.
    Other(String),
}

impl JobKind {
    /// Its name in the `kind` column and in dedupe keys.
    pub fn as_str(&self) -> &str {
        match self {
            JobKind::TikTokSyncProfile => "tiktok.sync_profile",
            JobKind::TikTokSyncVideos => "tiktok.sync_videos",
            JobKind::Other(name) => name,
        }
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for JobKind {
    type Err = std::convert::Infallible;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(JobKind::from(name.to_owned()))
    }
}

impl From<String> for JobKind {
    fn from(name: String) -> Self {
        match name.as_str() {
            "tiktok.sync_profile" => JobKind::TikTokSyncProfile,
            "tiktok.sync_videos" => JobKind::TikTokSyncVideos,
            _ => JobKind::Other(name),
        }
    }
}

impl From<JobKind> for String {
    fn from(kind: JobKind) -> Self {
        match kind {
            JobKind::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JobKind;

    #[test]
    fn kinds_read_back_and_unknown_ones_are_kept() {
        for kind in [JobKind::TikTokSyncProfile, JobKind::TikTokSyncVideos] {
            assert_eq!(JobKind::from(kind.to_string()), kind);
        }
        assert_eq!(JobKind::from("shop.sync_orders".to_owned()), JobKind::Other("shop.sync_orders".into()));
        assert_eq!(serde_json::to_string(&JobKind::TikTokSyncVideos).unwrap(), r#""tiktok.sync_videos""#);
    }
}
