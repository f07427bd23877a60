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
    /// The input broke a rule; `field` names the input, `message` says what is wrong.
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The name of the offending input.
        field: &'static str,
        /// What is wrong with it, for the user.
        message: String,
    },
    /// The database failed in a way the caller cannot fix.
    #[error("database error: {0}")]
    Db(DbErr),
    /// Anything else that is Soco's fault, described for the logs.
    #[error("internal error: {0}")]
    Internal(String),
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
