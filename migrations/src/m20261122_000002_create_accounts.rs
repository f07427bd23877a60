//! Accounts and their security: credentials and preferences on `users`, server-side `sessions`,
//! single-use `account_tokens` (email verification, password reset, email change), 2FA
//! `recovery_codes`, the `security_events` audit log, and `login_throttles` for lockout.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    PasswordHash,
    Role,
    Locale,
    TimeZone,
    EmailVerifiedAt,
    AdultConfirmedAt,
    TermsVersion,
    TermsAcceptedAt,
    TotpSecret,
    TotpKeyId,
    TotpEnabledAt,
    RecoveryCodesShown,
    RecoveryCodesKeyId,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    Stage,
    Ip,
    UserAgent,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    NewEmail,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum SecurityEvents {
    Table,
    Id,
    UserId,
    Kind,
    Ip,
    UserAgent,
    Detail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    KeyHash,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

/// `users` columns added here, one `ALTER TABLE` each (SQLite allows no more per statement).
fn user_columns() -> Vec<ColumnDef> {
    vec![
        string_len(Users::PasswordHash, 255).default("").take(),
        string_len(Users::Role, 16).default("member").take(),
        string_len(Users::Locale, 8).default("en").take(),
        string_len(Users::TimeZone, 64).default("UTC").take(),
        timestamp_with_time_zone_null(Users::EmailVerifiedAt),
        timestamp_with_time_zone_null(Users::AdultConfirmedAt),
        string_len_null(Users::TermsVersion, 32),
        timestamp_with_time_zone_null(Users::TermsAcceptedAt),
        blob_null(Users::TotpSecret),
        string_len_null(Users::TotpKeyId, 32),
        timestamp_with_time_zone_null(Users::TotpEnabledAt),
        blob_null(Users::RecoveryCodesShown),
        string_len_null(Users::RecoveryCodesKeyId, 32),
    ]
}

fn user_column_names() -> Vec<Users> {
    vec![
        Users::PasswordHash,
        Users::Role,
        Users::Locale,
        Users::TimeZone,
        Users::EmailVerifiedAt,
        Users::AdultConfirmedAt,
        Users::TermsVersion,
        Users::TermsAcceptedAt,
        Users::TotpSecret,
        Users::TotpKeyId,
        Users::TotpEnabledAt,
        Users::RecoveryCodesShown,
        Users::RecoveryCodesKeyId,
    ]
}

fn owned_by_user(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in user_columns() {
            manager
                .alter_table(Table::alter().table(Users::Table).add_column(&mut column).to_owned())
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(big_pk_auto(Sessions::Id))
                    .col(big_integer(Sessions::UserId))
                    .col(string_len_uniq(Sessions::TokenHash, 64))
                    .col(string_len(Sessions::Stage, 16))
                    .col(string_len(Sessions::Ip, 45))
                    .col(string_len(Sessions::UserAgent, 512))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(&mut owned_by_user(Sessions::Table, Sessions::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountTokens::Table)
                    .col(big_pk_auto(AccountTokens::Id))
                    .col(big_integer(AccountTokens::UserId))
                    .col(string_len(AccountTokens::Purpose, 32))
                    .col(string_len_uniq(AccountTokens::TokenHash, 64))
                    .col(string_len_null(AccountTokens::NewEmail, 320))
                    .col(timestamp_with_time_zone(AccountTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AccountTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountTokens::UsedAt))
                    .foreign_key(&mut owned_by_user(AccountTokens::Table, AccountTokens::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_tokens_user")
                    .table(AccountTokens::Table)
                    .col(AccountTokens::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(big_pk_auto(RecoveryCodes::Id))
                    .col(big_integer(RecoveryCodes::UserId))
                    .col(string_len(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .foreign_key(&mut owned_by_user(RecoveryCodes::Table, RecoveryCodes::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recovery_codes_user")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SecurityEvents::Table)
                    .col(big_pk_auto(SecurityEvents::Id))
                    .col(big_integer_null(SecurityEvents::UserId))
                    .col(string_len(SecurityEvents::Kind, 32))
                    .col(string_len(SecurityEvents::Ip, 45))
                    .col(string_len(SecurityEvents::UserAgent, 512))
                    .col(string_len_null(SecurityEvents::Detail, 255))
                    .col(timestamp_with_time_zone(SecurityEvents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SecurityEvents::Table, SecurityEvents::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_security_events_user_time")
                    .table(SecurityEvents::Table)
                    .col(SecurityEvents::UserId)
                    .col(SecurityEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginThrottles::Table)
                    .col(string_len(LoginThrottles::KeyHash, 64).primary_key())
                    .col(integer(LoginThrottles::Failures))
                    .col(timestamp_with_time_zone(LoginThrottles::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(LoginThrottles::LockedUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginThrottles::Table.into_iden(),
            SecurityEvents::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            AccountTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in user_column_names() {
            manager.alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
