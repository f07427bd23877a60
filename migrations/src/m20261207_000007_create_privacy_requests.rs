//! `privacy_requests`: the register of every right a user exercised (in the privacy centre, or
//! by email to the operator, who records it on their behalf), with when it was received, when it
//! is due (30 days or one calendar month, the earlier; extendable by up to two months with a
//! reason), and how it ended.

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
enum PrivacyRequests {
    Table,
    Id,
    UserId,
    Kind,
    Channel,
    Status,
    Detail,
    ReceivedAt,
    DueAt,
    ExtendedTo,
    ExtensionReason,
    ClosedAt,
    Outcome,
    RecordedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PrivacyRequests::Table)
                    .col(big_pk_auto(PrivacyRequests::Id))
                    .col(big_integer(PrivacyRequests::UserId))
                    .col(string_len(PrivacyRequests::Kind, 24))
                    .col(string_len(PrivacyRequests::Channel, 16))
                    .col(string_len(PrivacyRequests::Status, 16))
                    .col(string_len_null(PrivacyRequests::Detail, 2000))
                    .col(timestamp_with_time_zone(PrivacyRequests::ReceivedAt))
                    .col(timestamp_with_time_zone(PrivacyRequests::DueAt))
                    .col(timestamp_with_time_zone_null(PrivacyRequests::ExtendedTo))
                    .col(string_len_null(PrivacyRequests::ExtensionReason, 2000))
                    .col(timestamp_with_time_zone_null(PrivacyRequests::ClosedAt))
                    .col(string_len_null(PrivacyRequests::Outcome, 2000))
                    .col(big_integer_null(PrivacyRequests::RecordedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PrivacyRequests::Table, PrivacyRequests::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PrivacyRequests::Table, PrivacyRequests::RecordedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_privacy_requests_user")
                    .table(PrivacyRequests::Table)
                    .col(PrivacyRequests::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_privacy_requests_queue")
                    .table(PrivacyRequests::Table)
                    .col(PrivacyRequests::Status)
                    .col(PrivacyRequests::DueAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PrivacyRequests::Table).to_owned()).await
    }
}
