//! Soco's database schema as an ordered list of sea-orm migrations.
//!
//! One set runs on SQLite and PostgreSQL: use the `schema` helpers and sea-query builders, and
//! branch on the backend only where the two really differ. Name files
//! `mYYYYMMDD_HHMMSS_<verb>_<table>.rs` and append them to [`Migrator::migrations`]; never edit
//! a migration that has shipped.

pub use sea_orm_migration::{MigrationStatus, MigratorTrait};

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_users;
mod m20261122_000002_create_accounts;
mod m20261122_000003_create_tiktok_accounts;
mod m20261201_000004_harden_jobs_and_tokens;
mod m20261202_000005_claim_owners;
mod m20261203_000006_secure_accounts;
mod m20261207_000007_create_privacy_requests;
mod m20261207_000008_schedule_erasure;

/// Runs Soco's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_users::Migration),
            Box::new(m20261122_000002_create_accounts::Migration),
            Box::new(m20261122_000003_create_tiktok_accounts::Migration),
            Box::new(m20261201_000004_harden_jobs_and_tokens::Migration),
            Box::new(m20261202_000005_claim_owners::Migration),
            Box::new(m20261203_000006_secure_accounts::Migration),
            Box::new(m20261207_000007_create_privacy_requests::Migration),
            Box::new(m20261207_000008_schedule_erasure::Migration),
        ]
    }
}
