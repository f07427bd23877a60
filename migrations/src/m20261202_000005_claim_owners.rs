//! Who holds a refresh claim: `tiktok_tokens.refresh_claimed_by` names the process (the same
//! name its job leases carry), so a process that restarts after being killed, or a neighbour on
//! the same machine, can tell a dead holder's claim from a live one and take it back at once
//! instead of waiting for it to lapse.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TiktokTokens {
    Table,
    RefreshClaimedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TiktokTokens::Table)
                    .add_column(string_len_null(TiktokTokens::RefreshClaimedBy, 255))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TiktokTokens::Table)
                    .drop_column(TiktokTokens::RefreshClaimedBy)
                    .to_owned(),
            )
            .await
    }
}
