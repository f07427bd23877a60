//! The command line: `serve` (the default) and `migrate up|down|status`.

use std::fmt::Write as _;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use domain::config::{Config, VARIABLES};

/// Soco: analytics, scheduling and a privacy centre for TikTok creators and sellers.
#[derive(Debug, Parser)]
#[command(name = "server", version, after_long_help = environment_help(), after_help = "Run `server --help` for the environment variables.")]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and run the web server (the default).
    Serve,
    /// Inspect or change the database schema.
    Migrate {
        /// What to do with the migrations.
        #[command(subcommand)]
        action: MigrateAction,
    },
}

/// `server migrate ...`.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the most recent migrations.
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List every migration and whether it has been applied.
    Status,
}

fn environment_help() -> String {
    let mut help = String::from("Environment (also read from .env):\n");
    for var in VARIABLES {
        let _ = writeln!(help, "  {:<32} {} [default: {}]", var.name, var.doc, var.default);
    }
    help
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    crate::serve::init_tracing(&config.log)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::serve::serve(config).await,
        Command::Migrate { action } => migrate(&config, action).await,
    }
}

async fn migrate(config: &Config, action: MigrateAction) -> anyhow::Result<()> {
    use migrations::{Migrator, MigratorTrait};

    let db = domain::db::connect(&config.database).await.context("cannot open the database")?;
    match action {
        MigrateAction::Up => {
            let applied = domain::db::migrate_up(&db).await.context("migration failed")?;
            println!("Applied {applied} migration(s); the schema is up to date.");
        }
        MigrateAction::Down { steps } => {
            Migrator::down(&db, Some(steps)).await.context("rollback failed")?;
            println!("Rolled back {steps} migration(s).");
        }
        MigrateAction::Status => {
            let migrations = domain::system::migrations(&db).await.context("cannot read migrations")?;
            for migration in &migrations {
                match migration.applied_at {
                    Some(at) => {
                        println!("applied  {}  {}", at.format("%Y-%m-%d %H:%M:%S UTC"), migration.name)
                    }
                    None => println!("pending  {:<23}  {}", "-", migration.name),
                }
            }
            let pending = migrations.iter().filter(|m| m.applied_at.is_none()).count();
            println!("{} migration(s), {pending} pending.", migrations.len());
        }
    }
    db.close().await.context("cannot close the database")?;
    Ok(())
}
