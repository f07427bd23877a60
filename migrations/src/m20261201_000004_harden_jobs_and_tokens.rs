//! Production-true queue and tokens.
//!
//! - `jobs` gains `failing_since` (when the current run of failures began) and `given_up_at`
//!   (the job ran out of attempts). A given-up job keeps its dedupe key for inspection but no
//!   longer holds it: the key is unique only among jobs that are not given up (a partial unique
//!   index), so the same work can be queued again by a retry or a reconnect. SQLite cannot drop a
//!   column's inline `UNIQUE`, so the table is rebuilt on both databases (jobs reference nothing
//!   and nothing references them; ids are not kept, since PostgreSQL's sequence would not follow).
//! - `tiktok_tokens` gains `generation` (bumped by every refresh, the compare-and-swap that keeps
//!   two processes from both refreshing one grant) and `refresh_claimed_until` (the claim a
//!   refreshing process holds, so the others wait instead of spending the rotating refresh token).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    DedupeKey,
    RunAt,
    Attempts,
    MaxAttempts,
    LeaseOwner,
    LeaseExpiresAt,
    LastError,
    FailingSince,
    GivenUpAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JobsRebuilt {
    Table,
}

#[derive(DeriveIden)]
enum TiktokTokens {
    Table,
    Generation,
    RefreshClaimedUntil,
}

/// The columns both versions of `jobs` share, in the order they are copied.
const SHARED: &str = "kind, payload, dedupe_key, run_at, attempts, max_attempts, lease_owner, \
                      lease_expires_at, last_error, created_at, updated_at";

fn jobs_table(name: impl IntoIden, with_failure_columns: bool, unique_key: bool) -> TableCreateStatement {
    let mut dedupe = string_len_null(Jobs::DedupeKey, 255);
    if unique_key {
        dedupe.unique_key();
    }
    let mut table = Table::create()
        .table(name)
        .col(big_pk_auto(Jobs::Id))
        .col(string_len(Jobs::Kind, 64))
        .col(text(Jobs::Payload))
        .col(dedupe)
        .col(timestamp_with_time_zone(Jobs::RunAt))
        .col(integer(Jobs::Attempts).default(0))
        .col(integer(Jobs::MaxAttempts))
        .col(string_len_null(Jobs::LeaseOwner, 64))
        .col(timestamp_with_time_zone_null(Jobs::LeaseExpiresAt))
        .col(text_null(Jobs::LastError))
        .col(timestamp_with_time_zone(Jobs::CreatedAt))
        .col(timestamp_with_time_zone(Jobs::UpdatedAt))
        .to_owned();
    if with_failure_columns {
        table
            .col(timestamp_with_time_zone_null(Jobs::FailingSince))
            .col(timestamp_with_time_zone_null(Jobs::GivenUpAt));
    }
    table
}

/// Replaces `jobs` by the table `build` makes, copying the shared columns through a holding
/// table (no rename: the two databases differ on renaming a table that had indexes).
async fn rebuild_jobs(
    manager: &SchemaManager<'_>,
    build: impl Fn(&dyn Fn() -> DynIden) -> TableCreateStatement,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    manager.create_table(build(&|| JobsRebuilt::Table.into_iden())).await?;
    db.execute_unprepared(&format!("INSERT INTO jobs_rebuilt ({SHARED}) SELECT {SHARED} FROM jobs")).await?;
    manager.drop_table(Table::drop().table(Jobs::Table).to_owned()).await?;
    manager.create_table(build(&|| Jobs::Table.into_iden())).await?;
    db.execute_unprepared(&format!("INSERT INTO jobs ({SHARED}) SELECT {SHARED} FROM jobs_rebuilt")).await?;
    manager.drop_table(Table::drop().table(JobsRebuilt::Table).to_owned()).await?;
    manager
        .create_index(Index::create().name("idx_jobs_run_at").table(Jobs::Table).col(Jobs::RunAt).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on both databases: on SQLite the rebuild must run on one connection (a
    /// pool's other connections may still read the old schema mid-way), and a failure half-way
    /// must leave the old `jobs` intact.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild_jobs(manager, |name| jobs_table(name(), true, false)).await?;
        // Partial indexes read the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_jobs_dedupe_key_queued ON jobs (dedupe_key) WHERE given_up_at IS NULL",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_dedupe_key")
                    .table(Jobs::Table)
                    .col(Jobs::DedupeKey)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TiktokTokens::Table)
                    .add_column(big_integer(TiktokTokens::Generation).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TiktokTokens::Table)
                    .add_column(timestamp_with_time_zone_null(TiktokTokens::RefreshClaimedUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [TiktokTokens::RefreshClaimedUntil, TiktokTokens::Generation] {
            manager
                .alter_table(Table::alter().table(TiktokTokens::Table).drop_column(column).to_owned())
                .await?;
        }
        // Given-up jobs would collide on the old unique key: they go.
        manager.get_connection().execute_unprepared("DELETE FROM jobs WHERE given_up_at IS NOT NULL").await?;
        rebuild_jobs(manager, |name| jobs_table(name(), false, true)).await
    }
}
