//! Account deletion with a grace period: `users.erasure_requested_at` (when the user asked) and
//! `users.erase_after` (when everything of theirs is deleted, unless they cancel first by
//! signing in). An index finds the accounts whose time has come. `security_events.detail` grows
//! from 255 characters to 2,000, so an erasure receipt (rows per table) fits (SQLite does not
//! enforce lengths; PostgreSQL's column is altered).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    ErasureRequestedAt,
    EraseAfter,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null(Users::ErasureRequestedAt),
            timestamp_with_time_zone_null(Users::EraseAfter),
        ] {
            manager.alter_table(Table::alter().table(Users::Table).add_column(column).to_owned()).await?;
        }
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE security_events ALTER COLUMN detail TYPE varchar(2000)")
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_users_erase_after")
                    .table(Users::Table)
                    .col(Users::EraseAfter)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_users_erase_after").table(Users::Table).to_owned())
            .await?;
        for column in [Users::EraseAfter, Users::ErasureRequestedAt] {
            manager.alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
