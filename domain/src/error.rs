//! The domain's error type: what went wrong, in terms a page can act on.
//!
//! Services return [`Result`]; the web layer maps each variant to a user-facing message and a
//! status, and logs the cause of [`Error::Upstream`], [`Error::Db`] and [`Error::Internal`]
//! without sending it. Input that breaks a rule is an [`Error::Invalid`] naming one [`Code`]:
//! the interface has a sentence for every code in every language (a test checks it).

use std::borrow::Cow;
use std::fmt;

use sea_orm::{DbErr, SqlErr};

use crate::tiktok::{DisplayError, LoginKitError};
use crate::vault::VaultError;

/// A cause carried by an error, for the logs.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

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
        /// Which rule it broke.
        code: Code,
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
    /// A service Soco calls failed or answered with something Soco cannot use: nothing the user
    /// did wrong, and worth trying again later.
    #[error("{service}: {source}")]
    Upstream {
        /// Which service.
        service: Service,
        /// What it answered, or how reaching it failed.
        #[source]
        source: Cause,
    },
    /// The database failed in a way the caller cannot fix.
    #[error("database error: {0}")]
    Db(DbErr),
    /// Soco's own fault: what it was doing, and the cause when there is one.
    #[error("internal error: {context}{}", caused_by(source))]
    Internal {
        /// What Soco was doing.
        context: Cow<'static, str>,
        /// What failed, when something did (none for a broken invariant).
        #[source]
        source: Option<Cause>,
    },
}

fn caused_by(source: &Option<Cause>) -> String {
    source.as_ref().map(|cause| format!(": {cause}")).unwrap_or_default()
}

impl Error {
    /// An [`Error::Invalid`] for `field`.
    pub fn invalid(field: &'static str, code: Code) -> Self {
        Error::Invalid { field, code }
    }

    /// An [`Error::RateLimited`] for a wait, rounded up to whole seconds.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        Error::RateLimited { retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0) }
    }

    /// An [`Error::Internal`]: `context` (what Soco was doing) failed because of `source`.
    pub fn internal(context: impl Into<Cow<'static, str>>, source: impl Into<Cause>) -> Self {
        Error::Internal { context: context.into(), source: Some(source.into()) }
    }

    /// An [`Error::Internal`] with no cause to carry: something Soco relies on did not hold.
    pub fn invariant(context: impl Into<Cow<'static, str>>) -> Self {
        Error::Internal { context: context.into(), source: None }
    }

    /// An [`Error::Upstream`] from `service`.
    pub fn upstream(service: Service, source: impl Into<Cause>) -> Self {
        Error::Upstream { service, source: source.into() }
    }

    /// The rule this error names, when it is an [`Error::Invalid`].
    pub fn code(&self) -> Option<Code> {
        match self {
            Error::Invalid { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// A service outside Soco that Soco calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// TikTok's Login Kit (OAuth: tokens, refresh, revoke).
    TikTokLoginKit,
    /// TikTok's Display API (profile and videos).
    TikTokDisplay,
    /// The mail server.
    Mail,
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Service::TikTokLoginKit => "TikTok Login Kit",
            Service::TikTokDisplay => "TikTok Display API",
            Service::Mail => "the mail server",
        })
    }
}

/// Declares [`Code`] once: each rule's variant and the name the interface and URLs use.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)+) => {
        /// A rule input can break; the interface words each one in every language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)+
        }

        impl Code {
            /// Every code, for the translation check.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// Its name on the wire, in URLs and in the translation tables.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// The code called `name`, if there is one.
            pub fn parse(name: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|code| code.as_str() == name)
            }
        }
    };
}

codes! {
    /// No email address was given.
    EmailRequired => "email_required",
    /// The email address is not one.
    EmailInvalid => "email_invalid",
    /// The new address is the current one.
    EmailUnchanged => "email_unchanged",
    /// Another account has the address.
    EmailTaken => "email_taken",
    /// The address is not confirmed yet.
    EmailUnverified => "email_unverified",
    /// No name was given.
    NameRequired => "name_required",
    /// The name is too long or holds control characters.
    NameInvalid => "name_invalid",
    /// The password is shorter than the minimum.
    PasswordTooShort => "password_too_short",
    /// The password is longer than the maximum.
    PasswordTooLong => "password_too_long",
    /// The password is too easy to guess.
    PasswordGuessable => "password_guessable",
    /// The current password given is not right.
    PasswordWrong => "password_wrong",
    /// Too many wrong passwords signed the session out.
    SignedOutAfterGuesses => "signed_out_after_guesses",
    /// The user did not confirm being 18 or older.
    AdultRequired => "adult_required",
    /// The user did not accept the terms and the policy.
    TermsRequired => "terms_required",
    /// The time zone is not one Soco knows.
    TimeZoneInvalid => "time_zone_invalid",
    /// A date of a range is not `YYYY-MM-DD`.
    RangeInvalidDate => "range_invalid_date",
    /// A range ends before it starts.
    RangeReversed => "range_reversed",
    /// A range is longer than allowed.
    RangeTooLong => "range_too_long",
    /// A table cannot be sorted by that column or in that direction.
    SortUnknown => "sort_unknown",
    /// A token link is invalid, used or expired.
    LinkInvalid => "link_invalid",
    /// A second-factor code is not right.
    CodeInvalid => "code_invalid",
    /// Two-step verification is already on.
    TwoFactorAlreadyOn => "two_factor_already_on",
    /// The two-step setup was restarted in another window.
    TwoFactorSetupElsewhere => "two_factor_setup_elsewhere",
    /// The TikTok connect attempt expired or belongs to another session.
    ConnectExpired => "connect_expired",
    /// The user said no on TikTok's consent page.
    ConnectDenied => "connect_denied",
    /// TikTok refused Soco's grant: the account must be connected again.
    TikTokGrantRefused => "tiktok_grant_refused",
    /// Only a connected TikTok account can do this.
    TikTokNotActive => "tiktok_not_active",
    /// A privacy request's deadline may be extended by one or two months only.
    ExtensionTooLong => "extension_too_long",
    /// A privacy request's deadline was extended already.
    AlreadyExtended => "already_extended",
    /// A reason is required (an extension, a refusal).
    ReasonRequired => "reason_required",
    /// Free text is longer than allowed, or holds control characters.
    TextTooLong => "text_too_long",
    /// No account has that email address (the operator's forms).
    NoSuchUser => "no_such_user",
    /// The operator cannot delete their own account (nobody would answer the users' requests).
    OperatorMustStay => "operator_must_stay",
    /// A privacy request can only be completed or refused.
    RequestStatusInvalid => "request_status_invalid",
    /// TikTok rate-limited a connect attempt.
    TikTokBusy => "tiktok_busy",
    /// TikTok could not be reached or failed during a connect attempt.
    TikTokUnavailable => "tiktok_unavailable",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

/// A sealed secret that does not open, or a key that is missing, is Soco's fault.
impl From<VaultError> for Error {
    fn from(err: VaultError) -> Self {
        Error::internal("the vault", err)
    }
}

/// A refused grant asks the user to connect again, a rate limit keeps its wait, the rest is
/// TikTok failing.
impl From<LoginKitError> for Error {
    fn from(err: LoginKitError) -> Self {
        match err {
            LoginKitError::InvalidGrant { .. } => Error::invalid("tiktok", Code::TikTokGrantRefused),
            LoginKitError::RateLimited { retry_after } => {
                Error::RateLimited { retry_after_secs: wait_secs(retry_after) }
            }
            other => Error::upstream(Service::TikTokLoginKit, other),
        }
    }
}

/// A rate limit keeps its wait; the rest is TikTok failing.
impl From<DisplayError> for Error {
    fn from(err: DisplayError) -> Self {
        match err {
            DisplayError::RateLimited { retry_after, .. } => {
                Error::RateLimited { retry_after_secs: wait_secs(retry_after) }
            }
            other => Error::upstream(Service::TikTokDisplay, other),
        }
    }
}

/// TikTok's `Retry-After` in whole seconds (at least one), or a minute when it gave none.
fn wait_secs(retry_after: Option<std::time::Duration>) -> u64 {
    retry_after.map_or(60, |wait| wait.as_secs().max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules and the sentences for them are one list: a code without words in some
    /// language, or words for a code that no longer exists, fails here.
    #[test]
    fn every_code_is_worded_in_every_language() {
        for language in translations::Language::ALL {
            let mut worded: Vec<&str> =
                language.messages().errors.validation_messages.iter().map(|(code, _)| *code).collect();
            worded.sort_unstable();
            let mut codes: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
            codes.sort_unstable();
            assert_eq!(worded, codes, "{}", language.tag());
        }
    }

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

    #[test]
    fn codes_have_one_name_each_and_read_back() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len(), "two codes share a name");
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
        assert_eq!(Code::parse("no_such_rule"), None);
    }

    #[test]
    fn internal_errors_keep_their_cause_for_the_log() {
        let err = Error::internal("reading the outbox", std::io::Error::other("disk gone"));
        assert_eq!(err.to_string(), "internal error: reading the outbox: disk gone");
        assert!(std::error::Error::source(&err).is_some());
        assert_eq!(
            Error::invariant("video row without id").to_string(),
            "internal error: video row without id"
        );
    }

    #[test]
    fn upstream_failures_name_the_service() {
        let err = Error::upstream(Service::TikTokDisplay, std::io::Error::other("connection reset"));
        assert_eq!(err.to_string(), "TikTok Display API: connection reset");
    }
}
