//! `server serve`: open and migrate the database, build the router, listen until told to stop.

use anyhow::Context as _;
use app::ssr::AppState;
use domain::services::Services;
use tracing_subscriber::EnvFilter;

use crate::leptos_setup::leptos_options;

/// Sends logs to stderr, filtered by `SOCO_LOG`.
pub fn init_tracing(filter: &str) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter)
        .with_context(|| format!("SOCO_LOG is not a valid log filter: {filter}"))?;
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    Ok(())
}

/// Runs the web server until SIGINT or SIGTERM.
pub async fn serve(config: domain::config::Config) -> anyhow::Result<()> {
    let sandbox = match config.tiktok_mode {
        domain::config::TikTokMode::Sandbox => {
            let sandbox = sandbox::Sandbox::new(crate::sandbox_mount::config_from_env(&config)?);
            tracing::info!(
                creators = sandbox.config.scale.creators,
                seed = sandbox.config.scale.seed,
                "sandbox mode: TikTok and TikTok Shop are simulated under /sandbox"
            );
            Some(sandbox)
        }
        domain::config::TikTokMode::Production => None,
    };
    let leptos_options = leptos_options(config.addr)?;
    let addr = config.addr;
    let header_read_timeout = config.header_read_timeout;
    let services = Services::start(config).await?;
    if let Some(outbox) = services.mailer.outbox_dir() {
        tracing::warn!(
            path = %outbox.display(),
            days = domain::mail::outbox::RETENTION_DAYS,
            "no SOCO_SMTP_URL: mail is written to the outbox folder only (kept 7 days)"
        );
        if services.config.outbox_page {
            tracing::warn!(
                "SOCO_OUTBOX_PAGE is on: /outbox shows every message (reset links included) to programs on this machine"
            );
        }
    }
    spawn_housekeeping(services.clone());
    tokio::spawn(crate::worker::run(services.clone()));
    let finishing = services.clone();
    let state = AppState { leptos_options, services };
    let router = crate::router::build(state, sandbox).context("cannot build the router")?;

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is another server running there?)"))?;
    tracing::info!("Soco is listening on http://{addr}");
    crate::listen::serve(listener, router, header_read_timeout, shutdown_signal()).await;
    // Sign-ups and reset requests answered just before the signal still do their account work.
    if tokio::time::timeout(std::time::Duration::from_secs(10), finishing.settle()).await.is_err() {
        tracing::warn!("background work still running after 10 s; stopping anyway");
    }
    finishing.db.clone().close().await.context("cannot close the database")?;
    tracing::info!("stopped");
    Ok(())
}

/// Every ten minutes: delete what has expired (see `Services::sweep`).
fn spawn_housekeeping(services: Services) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match services.sweep(services.clock.now()).await {
                Ok(swept) if swept == domain::services::Swept::default() => {}
                Ok(swept) => tracing::info!(?swept, "housekeeping"),
                Err(err) => tracing::error!(error = %err, "housekeeping failed"),
            }
        }
    });
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
