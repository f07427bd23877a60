//! The background worker: leases due jobs from the queue and runs them (TikTok syncs for now).
//! `serve` runs one beside the web server; `server worker` runs one alone, so more machines can
//! share the queue (on PostgreSQL, `SKIP LOCKED` keeps them from taking the same job).

use anyhow::Context as _;
use domain::services::Services;

/// A name for this worker's leases: process and a random suffix.
pub fn worker_name() -> String {
    format!("worker-{}-{:08x}", std::process::id(), rand::random::<u32>())
}

/// Runs due jobs until the task is dropped.
pub async fn run(services: Services, name: String) {
    tracing::info!(worker = %name, "worker started");
    let idle = services.config.worker_poll;
    loop {
        match domain::sync::run_due(&services, &name, chrono::Utc::now).await {
            Ok(0) => tokio::time::sleep(idle).await,
            Ok(ran) => tracing::debug!(ran, "jobs run"),
            Err(error) => {
                tracing::error!(error = %error, "the job queue failed; retrying shortly");
                tokio::time::sleep(idle).await;
            }
        }
    }
}

/// `server worker`: the worker alone, until SIGINT or SIGTERM.
pub async fn serve_alone(config: domain::config::Config) -> anyhow::Result<()> {
    let db = domain::db::connect(&config.database).await.context("cannot open the database")?;
    domain::db::migrate_up(&db).await.context("database migration failed")?;
    let (keys, _) = config.load_key_ring().await.context("cannot load the token keys")?;
    let services = Services::new(db.clone(), std::sync::Arc::new(config), keys)
        .await
        .context("cannot start the services")?;
    tokio::select! {
        () = run(services, worker_name()) => {},
        () = crate::serve::shutdown_signal() => {},
    }
    db.close().await.context("cannot close the database")?;
    Ok(())
}
