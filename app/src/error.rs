//! `AppError`: the only error a page or the browser ever sees.
//!
//! Server functions return `Result<T, AppError>`. Under `ssr`, a `domain::Error` turns into one
//! of these variants; internal causes are logged there and never sent. [`AppError::message`] is
//! the one place that turns an error into words for the user.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::Messages;

/// What went wrong, as far as the user needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The page or record does not exist.
    #[error("not found")]
    NotFound,
    /// The user must sign in first.
    #[error("unauthorized")]
    Unauthorized,
    /// The user may not do this.
    #[error("forbidden")]
    Forbidden,
    /// An input broke a rule; shown next to the field it names.
    #[error("{field}: {code}")]
    Validation {
        /// The form field's name.
        field: String,
        /// Which rule, e.g. `password_too_short`; worded by [`Messages::validation`].
        code: String,
    },
    /// Too many attempts from this address or for this account.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// The change conflicts with existing data.
    #[error("conflict")]
    Conflict,
    /// A service Soco relies on (TikTok, the mail server) failed; trying later may work.
    #[error("upstream failed")]
    Upstream,
    /// The server could not be reached (the browser is offline, the server is down).
    #[error("server unreachable")]
    Unavailable,
    /// Soco failed; the cause is in the server's log, not here.
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// The field this error belongs next to, for validation errors.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Validation { .. } => 422,
            AppError::RateLimited { .. } => 429,
            AppError::Conflict => 409,
            AppError::Upstream => 502,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }

    /// The sentence shown to the user, in their language.
    pub fn message(&self, t: &Messages) -> String {
        match self {
            AppError::NotFound => t.errors.not_found.into(),
            AppError::Unauthorized => t.errors.unauthorized.into(),
            AppError::Forbidden => t.errors.forbidden.into(),
            AppError::Validation { code, .. } => t.validation(code).to_owned(),
            AppError::RateLimited { retry_after_secs } => t.rate_limited(*retry_after_secs),
            AppError::Conflict => t.errors.conflict.into(),
            AppError::Upstream => t.errors.upstream.into(),
            AppError::Unavailable => t.errors.unavailable.into(),
            AppError::Internal => t.errors.internal.into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request never reached the server (offline, DNS, connection refused).
            ServerFnErrorErr::Request(_) => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<domain::Error> for AppError {
    fn from(err: domain::Error) -> Self {
        match err {
            domain::Error::NotFound => AppError::NotFound,
            domain::Error::Conflict(detail) => {
                tracing::info!(%detail, "conflict");
                AppError::Conflict
            }
            domain::Error::Invalid { field, code } => {
                AppError::Validation { field: field.to_owned(), code: code.as_str().to_owned() }
            }
            domain::Error::Unauthorized => AppError::Unauthorized,
            domain::Error::Forbidden => AppError::Forbidden,
            domain::Error::RateLimited { retry_after_secs } => AppError::RateLimited { retry_after_secs },
            upstream @ domain::Error::Upstream { .. } => {
                tracing::warn!(error = %upstream, "an upstream service failed");
                AppError::Upstream
            }
            internal @ (domain::Error::Db(_) | domain::Error::Internal { .. }) => {
                tracing::error!(error = %internal, "request failed");
                AppError::Internal
            }
        }
    }
}

/// A plain axum route's error (downloads, pictures, the connect flow's redirects): its status,
/// `Retry-After` when rate limited, and its sentence as text; nothing internal. A user who is
/// not signed in is sent to the login page (these routes are browser navigations and form
/// posts, where a bare 401 would be a dead end).
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::{StatusCode, header};
        if self == AppError::Unauthorized {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
        }
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let text = self.message(&crate::i18n::EN);
        match self {
            AppError::RateLimited { retry_after_secs } => {
                (status, [(header::RETRY_AFTER, retry_after_secs.to_string())], text).into_response()
            }
            _ => (status, text).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ID};

    #[test]
    fn wire_form_is_stable() {
        let json = serde_json::to_string(&AppError::Validation {
            field: "email".into(),
            code: "email_invalid".into(),
        })
        .expect("serialises");
        assert_eq!(json, r#"{"Validation":{"field":"email","code":"email_invalid"}}"#);
        assert_eq!(serde_json::to_string(&AppError::Internal).expect("serialises"), r#""Internal""#);
    }

    #[test]
    fn network_failures_read_as_unavailable() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Request("offline".into()));
        assert_eq!(err, AppError::Unavailable);
        assert_eq!(err.status(), 503);
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("db".into()));
        assert_eq!(err, AppError::Internal);
    }

    #[test]
    fn messages_are_localised_and_reveal_nothing_internal() {
        assert_eq!(AppError::Internal.message(&EN), EN.errors.internal);
        assert_eq!(AppError::Internal.message(&ID), ID.errors.internal);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn database_errors_become_internal() {
        let err: AppError = domain::Error::Db(sea_orm_err()).into();
        assert_eq!(err, AppError::Internal);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn upstream_failures_say_so_and_keep_the_cause_in_the_log() {
        let err: AppError =
            domain::Error::upstream(domain::error::Service::TikTokDisplay, "connection reset").into();
        assert_eq!(err, AppError::Upstream);
        assert_eq!(err.status(), 502);
        assert!(!err.message(&EN).contains("connection reset"));
    }

    #[cfg(feature = "ssr")]
    fn sea_orm_err() -> domain::sea_orm::DbErr {
        domain::sea_orm::DbErr::Custom("secret detail".into())
    }
}
