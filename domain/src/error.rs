//! The domain's error type: what went wrong, in terms a page can act on.
//!
//! Services return [`Result`]; the web layer maps each variant to a user-facing message and a
//! status, and logs the internal cause of [`Error::Db`] and [`Error::Internal`] without sending it.

use sea_orm::{DbErr, SqlErr};

/// Everything a domain service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist (or the caller may not know it exists).
    #[error("not found")]
    NotFound,
    /// The change would break a uniqueness rule (an email already registered, ...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input broke a rule; `field` names the input, `code` the rule (the interface words it
    /// in the user's language).
    #[error("invalid {field}: {code}")]
    Invalid {
        /// The name of the offending input.
        field: &'static str,
        /// Which rule it broke, e.g. `password_too_short`.
        code: &'static str,
    },
    /// Sign-in failed; deliberately says nothing about which part was wrong.
    #[error("unauthorized")]
    Unauthorized,
    /// The caller is signed in but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Too many attempts; try again after this many seconds.
    #[error("rate limited for {retry_after_secs} s")]
    RateLimited {
        /// Seconds until another attempt is allowed.
        retry_after_secs: u64,
    },
    /// The database failed in a way the caller cannot fix.
    #[error("database error: {0}")]
    Db(DbErr),
    /// Anything else that is Soco's fault, described for the logs.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// An [`Error::Invalid`] for `field`.
    pub fn invalid(field: &'static str, code: &'static str) -> Self {
        Error::Invalid { field, code }
    }

    /// An [`Error::RateLimited`] for a wait, rounded up to whole seconds.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        Error::RateLimited { retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0) }
    }
}

/// Shorthand for results of domain services.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        if matches!(err, DbErr::RecordNotFound(_)) {
            return Error::NotFound;
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => Error::Conflict(detail),
            _ => Error::Db(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_not_found_maps_to_not_found() {
        let err: Error = DbErr::RecordNotFound("users".into()).into();
        assert!(matches!(err, Error::NotFound));
    }

    #[test]
    fn other_db_errors_stay_db_errors() {
        let err: Error = DbErr::Custom("boom".into()).into();
        assert!(matches!(err, Error::Db(_)));
    }
}
