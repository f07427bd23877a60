//! TikTok creator accounts: connecting them ([`connections`]), keeping their history ([`sync`]),
//! the analytics pages drawn from it ([`analytics`]) and the CSV/JSON downloads ([`export`]), on
//! top of Soco's client for TikTok for Developers: Login Kit (OAuth 2.0 v2) to connect creator
//! accounts, and the Display API to read their profile and public videos.
//!
//! The client ([`login_kit`], [`display`], [`http`], [`retry`], [`scopes`], [`links`]):
//! Build one [`Http`] at start-up and hand it to a [`LoginKit`] and a [`DisplayApi`], both pointed
//! at [`crate::config::Config::tiktok_endpoints`] (TikTok in production, the sandbox otherwise).
//! Errors say what to do next: reconnect ([`LoginKitError::InvalidGrant`]), refresh
//! ([`DisplayError::TokenInvalid`]), degrade ([`DisplayError::ScopeNotAuthorized`]), or retry with
//! [`RetryPolicy`] (rate limits, 5xx, transport). Tokens are [`secrecy::SecretString`]s, so no
//! `Debug` or log line ever shows one. This layer keeps no state: storing grants, binding the
//! `state` and PKCE verifier to a session, and scheduling refreshes belong to the callers.

pub mod analytics;
pub mod connections;
pub mod display;
pub mod export;
pub mod http;
pub mod links;
pub mod login_kit;
pub mod retry;
pub mod scopes;
pub mod sync;

pub use display::{DisplayApi, DisplayError, MAX_VIDEOS_PER_CALL, UserField, UserInfo, Video, VideoPage};
pub use http::{Http, HttpError, HttpSettings};
pub use login_kit::{Authorization, CallbackError, LoginKit, LoginKitError, TokenGrant};
pub use oauth2::{AuthorizationCode, CsrfToken, PkceCodeVerifier};
pub use retry::{RetryHint, RetryPolicy, Retryable};
pub use scopes::{Scope, Scopes, join_scopes, parse_scopes};
