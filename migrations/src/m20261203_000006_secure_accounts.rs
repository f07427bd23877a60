//! Account hardening after the security review:
//! - `users.totp_last_step`: the last TOTP time step accepted, so a code works once;
//! - `users.recovery_codes_shown_until`: new recovery codes are shown for minutes, not until
//!   acknowledged;
//! - `users.totp_setup_session_id`: a 2FA setup in progress belongs to the session that started
//!   it (no other session sees its secret or can finish it);
//! - at most one operator (`users.role = 'admin'`), enforced by a unique partial index, so two
//!   first sign-ups at once cannot both become it (extra operators an earlier race made are
//!   turned back into members, keeping the oldest);
//! - video links stored before only `https://` ones were kept (`javascript:`, `data:`, ...) are
//!   forgotten;
//! - the short recovery codes of before (50 bits, unsalted SHA-256) are deleted: users make new
//!   ones (123 bits) from the Security page, which shows that none are left.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    TotpLastStep,
    RecoveryCodesShownUntil,
    TotpSetupSessionId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            big_integer_null(Users::TotpLastStep),
            timestamp_with_time_zone_null(Users::RecoveryCodesShownUntil),
            big_integer_null(Users::TotpSetupSessionId),
        ] {
            manager.alter_table(Table::alter().table(Users::Table).add_column(column).to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE users SET role = 'member' WHERE role = 'admin' \
             AND id <> (SELECT MIN(id) FROM users WHERE role = 'admin')",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_users_one_operator ON users (role) WHERE role = 'admin'",
        )
        .await?;
        db.execute_unprepared("DELETE FROM recovery_codes").await?;
        db.execute_unprepared(
            "UPDATE tiktok_videos SET share_url = NULL WHERE share_url NOT LIKE 'https://%'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE users SET recovery_codes_shown = NULL, recovery_codes_key_id = NULL \
             WHERE recovery_codes_shown IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX idx_users_one_operator").await?;
        for column in [Users::TotpSetupSessionId, Users::RecoveryCodesShownUntil, Users::TotpLastStep] {
            manager.alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
