//! Server-side glue: the shared [`AppState`] and how server functions reach it.

use std::sync::Arc;

use axum::extract::FromRef;
use domain::config::Config;
use domain::sea_orm::DatabaseConnection;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;

use crate::error::AppError;

/// Everything a request may need, built once at start-up and shared by every request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos' own settings (site root, output name, ...).
    pub leptos_options: LeptosOptions,
    /// The database pool.
    pub db: DatabaseConnection,
    /// Soco's configuration.
    pub config: Arc<Config>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The shared state, inside a server function or a server-rendered component.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the Leptos context");
        AppError::Internal
    })
}
