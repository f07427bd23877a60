//! sea-orm entities: one module per table, mirroring the migrations in the `migrations` crate.

pub mod user;
