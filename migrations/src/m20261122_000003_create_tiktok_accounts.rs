//! Connected TikTok accounts and their history: `tiktok_accounts` (one per user and TikTok
//! account), `tiktok_tokens` (sealed by the vault, one row per account so a disconnect deletes
//! both tokens at once), `tiktok_connect_flows` (pending OAuth `state` and PKCE verifier, bound to
//! a session), `tiktok_profile_snapshots`, `tiktok_videos` with their latest counters, and
//! `tiktok_video_snapshots`, and `tiktok_account_totals` (the sums of an account's video counters
//! after each sync pass, from which daily views, likes, comments and shares are charted); plus
//! `jobs`, the background work queue.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TiktokAccounts {
    Table,
    Id,
    UserId,
    OpenId,
    UnionId,
    Username,
    DisplayName,
    AvatarUrl,
    IsVerified,
    Bio,
    Scopes,
    Status,
    ReconnectMailedAt,
    ConnectedAt,
    DisconnectedAt,
    PurgeAfter,
    LastSyncedAt,
    BackfillDone,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TiktokTokens {
    Table,
    AccountId,
    KeyId,
    AccessToken,
    AccessExpiresAt,
    RefreshToken,
    RefreshExpiresAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TiktokConnectFlows {
    Table,
    Id,
    UserId,
    SessionHash,
    StateHash,
    KeyId,
    PkceVerifier,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum TiktokProfileSnapshots {
    Table,
    Id,
    AccountId,
    TakenAt,
    FollowerCount,
    FollowingCount,
    LikesCount,
    VideoCount,
}

#[derive(DeriveIden)]
enum TiktokVideos {
    Table,
    Id,
    AccountId,
    VideoId,
    PostedAt,
    Title,
    Description,
    Duration,
    Width,
    Height,
    CoverUrl,
    ShareUrl,
    ViewCount,
    LikeCount,
    CommentCount,
    ShareCount,
    MetricsAt,
    FirstSeenAt,
}

#[derive(DeriveIden)]
enum TiktokVideoSnapshots {
    Table,
    Id,
    VideoRowId,
    TakenAt,
    ViewCount,
    LikeCount,
    CommentCount,
    ShareCount,
}

#[derive(DeriveIden)]
enum TiktokAccountTotals {
    Table,
    Id,
    AccountId,
    TakenAt,
    Videos,
    ViewCount,
    LikeCount,
    CommentCount,
    ShareCount,
}

#[derive(DeriveIden)]
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
    CreatedAt,
    UpdatedAt,
}

fn cascade(
    from_table: impl IntoIden,
    from_column: impl IntoIden,
    to_table: impl IntoIden,
    to_column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_column)
        .to(to_table, to_column)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: Vec<impl IntoIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(column);
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TiktokAccounts::Table)
                    .col(big_pk_auto(TiktokAccounts::Id))
                    .col(big_integer(TiktokAccounts::UserId))
                    .col(string_len(TiktokAccounts::OpenId, 128))
                    .col(string_len_null(TiktokAccounts::UnionId, 128))
                    .col(string_len_null(TiktokAccounts::Username, 64))
                    .col(string_len(TiktokAccounts::DisplayName, 128).default(""))
                    .col(string_len_null(TiktokAccounts::AvatarUrl, 2048))
                    .col(boolean_null(TiktokAccounts::IsVerified))
                    .col(text_null(TiktokAccounts::Bio))
                    .col(string_len(TiktokAccounts::Scopes, 512))
                    .col(string_len(TiktokAccounts::Status, 16))
                    .col(timestamp_with_time_zone_null(TiktokAccounts::ReconnectMailedAt))
                    .col(timestamp_with_time_zone(TiktokAccounts::ConnectedAt))
                    .col(timestamp_with_time_zone_null(TiktokAccounts::DisconnectedAt))
                    .col(timestamp_with_time_zone_null(TiktokAccounts::PurgeAfter))
                    .col(timestamp_with_time_zone_null(TiktokAccounts::LastSyncedAt))
                    .col(boolean(TiktokAccounts::BackfillDone).default(false))
                    .col(timestamp_with_time_zone(TiktokAccounts::CreatedAt))
                    .col(timestamp_with_time_zone(TiktokAccounts::UpdatedAt))
                    .foreign_key(&mut cascade(
                        TiktokAccounts::Table,
                        TiktokAccounts::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_tiktok_accounts_user_open_id",
            TiktokAccounts::Table,
            vec![TiktokAccounts::UserId, TiktokAccounts::OpenId],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TiktokTokens::Table)
                    .col(big_integer(TiktokTokens::AccountId).primary_key())
                    .col(string_len(TiktokTokens::KeyId, 32))
                    .col(blob(TiktokTokens::AccessToken))
                    .col(timestamp_with_time_zone(TiktokTokens::AccessExpiresAt))
                    .col(blob(TiktokTokens::RefreshToken))
                    .col(timestamp_with_time_zone(TiktokTokens::RefreshExpiresAt))
                    .col(timestamp_with_time_zone(TiktokTokens::UpdatedAt))
                    .foreign_key(&mut cascade(
                        TiktokTokens::Table,
                        TiktokTokens::AccountId,
                        TiktokAccounts::Table,
                        TiktokAccounts::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TiktokConnectFlows::Table)
                    .col(big_pk_auto(TiktokConnectFlows::Id))
                    .col(big_integer(TiktokConnectFlows::UserId))
                    .col(string_len(TiktokConnectFlows::SessionHash, 64))
                    .col(string_len_uniq(TiktokConnectFlows::StateHash, 64))
                    .col(string_len(TiktokConnectFlows::KeyId, 32))
                    .col(blob(TiktokConnectFlows::PkceVerifier))
                    .col(timestamp_with_time_zone(TiktokConnectFlows::CreatedAt))
                    .col(timestamp_with_time_zone(TiktokConnectFlows::ExpiresAt))
                    .foreign_key(&mut cascade(
                        TiktokConnectFlows::Table,
                        TiktokConnectFlows::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TiktokProfileSnapshots::Table)
                    .col(big_pk_auto(TiktokProfileSnapshots::Id))
                    .col(big_integer(TiktokProfileSnapshots::AccountId))
                    .col(timestamp_with_time_zone(TiktokProfileSnapshots::TakenAt))
                    .col(big_integer_null(TiktokProfileSnapshots::FollowerCount))
                    .col(big_integer_null(TiktokProfileSnapshots::FollowingCount))
                    .col(big_integer_null(TiktokProfileSnapshots::LikesCount))
                    .col(big_integer_null(TiktokProfileSnapshots::VideoCount))
                    .foreign_key(&mut cascade(
                        TiktokProfileSnapshots::Table,
                        TiktokProfileSnapshots::AccountId,
                        TiktokAccounts::Table,
                        TiktokAccounts::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_tiktok_profile_snapshots_account_time",
            TiktokProfileSnapshots::Table,
            vec![TiktokProfileSnapshots::AccountId, TiktokProfileSnapshots::TakenAt],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TiktokVideos::Table)
                    .col(big_pk_auto(TiktokVideos::Id))
                    .col(big_integer(TiktokVideos::AccountId))
                    .col(string_len(TiktokVideos::VideoId, 32))
                    .col(timestamp_with_time_zone(TiktokVideos::PostedAt))
                    .col(string_len(TiktokVideos::Title, 255).default(""))
                    .col(text(TiktokVideos::Description).default(""))
                    .col(integer(TiktokVideos::Duration).default(0))
                    .col(integer(TiktokVideos::Width).default(0))
                    .col(integer(TiktokVideos::Height).default(0))
                    .col(string_len_null(TiktokVideos::CoverUrl, 2048))
                    .col(string_len_null(TiktokVideos::ShareUrl, 2048))
                    .col(big_integer(TiktokVideos::ViewCount).default(0))
                    .col(big_integer(TiktokVideos::LikeCount).default(0))
                    .col(big_integer(TiktokVideos::CommentCount).default(0))
                    .col(big_integer(TiktokVideos::ShareCount).default(0))
                    .col(timestamp_with_time_zone_null(TiktokVideos::MetricsAt))
                    .col(timestamp_with_time_zone(TiktokVideos::FirstSeenAt))
                    .foreign_key(&mut cascade(
                        TiktokVideos::Table,
                        TiktokVideos::AccountId,
                        TiktokAccounts::Table,
                        TiktokAccounts::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_tiktok_videos_account_video",
            TiktokVideos::Table,
            vec![TiktokVideos::AccountId, TiktokVideos::VideoId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_tiktok_videos_account_posted",
            TiktokVideos::Table,
            vec![TiktokVideos::AccountId, TiktokVideos::PostedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TiktokVideoSnapshots::Table)
                    .col(big_pk_auto(TiktokVideoSnapshots::Id))
                    .col(big_integer(TiktokVideoSnapshots::VideoRowId))
                    .col(timestamp_with_time_zone(TiktokVideoSnapshots::TakenAt))
                    .col(big_integer(TiktokVideoSnapshots::ViewCount))
                    .col(big_integer(TiktokVideoSnapshots::LikeCount))
                    .col(big_integer(TiktokVideoSnapshots::CommentCount))
                    .col(big_integer(TiktokVideoSnapshots::ShareCount))
                    .foreign_key(&mut cascade(
                        TiktokVideoSnapshots::Table,
                        TiktokVideoSnapshots::VideoRowId,
                        TiktokVideos::Table,
                        TiktokVideos::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_tiktok_video_snapshots_video_time",
            TiktokVideoSnapshots::Table,
            vec![TiktokVideoSnapshots::VideoRowId, TiktokVideoSnapshots::TakenAt],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TiktokAccountTotals::Table)
                    .col(big_pk_auto(TiktokAccountTotals::Id))
                    .col(big_integer(TiktokAccountTotals::AccountId))
                    .col(timestamp_with_time_zone(TiktokAccountTotals::TakenAt))
                    .col(big_integer(TiktokAccountTotals::Videos))
                    .col(big_integer(TiktokAccountTotals::ViewCount))
                    .col(big_integer(TiktokAccountTotals::LikeCount))
                    .col(big_integer(TiktokAccountTotals::CommentCount))
                    .col(big_integer(TiktokAccountTotals::ShareCount))
                    .foreign_key(&mut cascade(
                        TiktokAccountTotals::Table,
                        TiktokAccountTotals::AccountId,
                        TiktokAccounts::Table,
                        TiktokAccounts::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_tiktok_account_totals_account_time",
            TiktokAccountTotals::Table,
            vec![TiktokAccountTotals::AccountId, TiktokAccountTotals::TakenAt],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(big_pk_auto(Jobs::Id))
                    .col(string_len(Jobs::Kind, 64))
                    .col(text(Jobs::Payload))
                    .col(string_len_null(Jobs::DedupeKey, 255).unique_key())
                    .col(timestamp_with_time_zone(Jobs::RunAt))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(integer(Jobs::MaxAttempts))
                    .col(string_len_null(Jobs::LeaseOwner, 64))
                    .col(timestamp_with_time_zone_null(Jobs::LeaseExpiresAt))
                    .col(text_null(Jobs::LastError))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_jobs_run_at", Jobs::Table, vec![Jobs::RunAt], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Jobs::Table.into_iden(),
            TiktokAccountTotals::Table.into_iden(),
            TiktokVideoSnapshots::Table.into_iden(),
            TiktokVideos::Table.into_iden(),
            TiktokProfileSnapshots::Table.into_iden(),
            TiktokConnectFlows::Table.into_iden(),
            TiktokTokens::Table.into_iden(),
            TiktokAccounts::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
