//! HTTP-level tests, one module per feature: the real router, in-process, on a throwaway
//! database. Every test runs twice, on SQLite and on PostgreSQL (`<module>::<test>::on_sqlite`,
//! `...::on_postgres`; the latter is skipped outside CI when `SOCO_TEST_POSTGRES_URL` is unset).

#[macro_use]
mod support;

mod limits;
mod privacy;
mod settings;
mod shell;
mod sign_in;
mod tiktok;
