//! The command line: `serve` (the default), `migrate up|down|status`, `worker`, `rotate-keys` and
//! `sandbox`.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use domain::config::Config;

/// Soco: analytics, scheduling and a privacy centre for TikTok creators and sellers.
#[derive(Debug, Parser)]
#[command(name = "server", version, after_long_help = crate::config_docs::help(), after_help = "Run `server --help` for the environment variables.")]
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
    /// Run background jobs (TikTok syncs) without the web server; any number may run.
    Worker,
    /// Re-encrypt every token and secret at rest with the active key of SOCO_TOKEN_KEYS (the
    /// first), so older keys can then be removed. Safe to interrupt and run again.
    RotateKeys,
    /// Run the TikTok sandbox alone (no database, no web app), for clients other than this Soco.
    Sandbox {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:3900")]
        addr: std::net::SocketAddr,
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

/// Runs the chosen command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    crate::serve::init_tracing(&config.log)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::serve::serve(config).await,
        Command::Migrate { action } => migrate(&config, action).await,
        Command::RotateKeys => rotate_keys(config).await,
        Command::Worker => crate::worker::serve_alone(config).await,
        Command::Sandbox { addr } => crate::sandbox_mount::serve_alone(&config, addr).await,
    }
}

async fn rotate_keys(config: Config) -> anyhow::Result<()> {
    let services = domain::services::Services::start(config).await?;
    let db = services.db.clone();
    let active = services.vault.keys().active().id().to_owned();
    let rotated = domain::key_rotation::rotate(&services).await.context("re-encryption failed")?;
    let summary = format!(
        "{} TikTok account token pair(s), {} connect flow(s), {} TOTP secret(s), {} recovery-code copy(ies)",
        rotated.tiktok_tokens, rotated.connect_flows, rotated.totp_secrets, rotated.recovery_codes
    );
    let meta = domain::auth::RequestMeta::new(std::net::IpAddr::from([127, 0, 0, 1]), "server rotate-keys");
    domain::audit::record(
        &db,
        None,
        domain::audit::EventKind::KeysRotated,
        &meta,
        Some(&summary),
        chrono::Utc::now(),
    )
    .await
    .context("cannot write the audit record")?;
    println!(
        "Re-encrypted with key {active}: {summary}. Older keys can now be removed from SOCO_TOKEN_KEYS."
    );
    db.close().await.context("cannot close the database")?;
    Ok(())
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
