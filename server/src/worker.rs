//! The background worker: leases due jobs from the queue and runs them (TikTok syncs for now).
//! `serve` runs one beside the web server; `server worker` runs one alone, so more machines can
//! share the queue (on PostgreSQL, `SKIP LOCKED` keeps them from taking the same job).
//!
//! Its leases carry the process's name ([`domain::instance`]): as it starts, and every
//! [`RECOVER_EVERY`] while idle, it takes back what dead processes of this machine held, so a
//! worker killed mid-job is picked up again at once by its restart or a neighbour.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use domain::services::Services;

/// How often an idle worker looks for the leases of dead processes.
const RECOVER_EVERY: Duration = Duration::from_secs(30);

async fn recover(services: &Services) {
    match services.recover_from_dead().await {
        Ok((0, 0)) => {}
        Ok((jobs, claims)) => tracing::warn!(jobs, claims, "took back what dead processes held"),
        Err(error) => tracing::error!(error = %error, "cannot look for dead processes' leases"),
    }
}

/// Runs due jobs until the task is dropped.
pub async fn run(services: Services) {
    let name = services.instance.name().to_owned();
    tracing::info!(worker = %name, "worker started");
    let idle = services.config.worker_poll;
    recover(&services).await;
    let mut recovered = Instant::now();
    loop {
        match domain::tiktok::sync::run_due(&services, &name, || services.clock.now()).await {
            Ok(0) => {
                if recovered.elapsed() >= RECOVER_EVERY {
                    recover(&services).await;
                    recovered = Instant::now();
                }
                tokio::time::sleep(idle).await;
            }
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
    let services = Services::start(config).await?;
    let db = services.db.clone();
    tokio::select! {
        () = run(services) => {},
        () = crate::serve::shutdown_signal() => {},
    }
    db.close().await.context("cannot close the database")?;
    Ok(())
}
