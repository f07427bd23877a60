//! TikTok Login Kit (OAuth 2.0 v2): the consent link, the callback, and the token endpoint
//! (exchange, refresh, revoke), through the `oauth2` crate.
//!
//! TikTok bends OAuth in a few ways; every bend is handled here and nowhere else:
//! - the client id is called `client_key`, in the consent link and in every token form
//!   ([`tiktok_authorize_url`] and [`TikTokTransport`] rename oauth2's `client_id`);
//! - scopes are joined with commas, not spaces, and the callback's `scopes` and the token's
//!   `scope` say what the user really granted ([`super::scopes`]);
//! - the token JSON is flat and carries `open_id` and `refresh_expires_in` beside the standard
//!   fields ([`TikTokTokenFields`], oauth2's extra token fields);
//! - the credentials travel in the form body (`AuthType::RequestBody`), never as Basic auth;
//! - OAuth errors come as `{error, error_description, log_id}` with an HTTP status TikTok does
//!   not document, so the body is read whatever the status, even a 200.
//!
//! Lifetimes are never assumed: expiry instants come from `expires_in` and `refresh_expires_in`
//! and the `now` the caller passes. Refresh tokens rotate: always keep the newest.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use http::StatusCode;
use oauth2::basic::BasicTokenType;
use oauth2::{
    AsyncHttpClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, StandardRevocableToken, StandardTokenIntrospectionResponse,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::{Url, form_urlencoded};

use super::http::{Http, HttpError};
use super::retry::{RetryHint, Retryable};
use super::scopes::{Scope, parse_scopes};
use crate::config::TikTokEndpoints;

/// Why a Login Kit call failed, worded as what the caller should do about it.
#[derive(Debug, thiserror::Error)]
pub enum LoginKitError {
    /// The code or refresh token is expired, used, revoked or unknown: the account must be
    /// connected again (flag it for reconnect).
    #[error("invalid grant: {description}")]
    InvalidGrant {
        /// TikTok's `error_description`.
        description: String,
    },
    /// Too many requests: wait `retry_after` (when TikTok said) and try again.
    #[error("rate limited (retry after {retry_after:?})")]
    RateLimited {
        /// TikTok's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// TikTok failed (5xx) or could not be reached: try again later with backoff.
    #[error("TikTok unavailable: {0}")]
    Unavailable(String),
    /// Any other OAuth error (`invalid_client`, `invalid_request`, `invalid_scope`, ...): a bug
    /// or a misconfiguration; retrying will not help.
    #[error("rejected by TikTok: {error}: {description}")]
    Rejected {
        /// TikTok's `error` category.
        error: String,
        /// TikTok's `error_description`.
        description: String,
    },
    /// TikTok answered something that is neither a token nor an OAuth error.
    #[error("unexpected answer from TikTok: {0}")]
    Malformed(String),
}

impl LoginKitError {
    /// Whether the account has to be connected again.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, LoginKitError::InvalidGrant { .. })
    }
}

impl Retryable for LoginKitError {
    fn retry_hint(&self) -> RetryHint {
        match self {
            LoginKitError::RateLimited { retry_after: Some(wait) } => RetryHint::After(*wait),
            LoginKitError::RateLimited { retry_after: None } | LoginKitError::Unavailable(_) => {
                RetryHint::Backoff
            }
            _ => RetryHint::Stop,
        }
    }
}

/// Why a consent callback cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// The `state` is missing or not the one bound to this session: a forged or stale callback.
    #[error("state does not match the session")]
    StateMismatch,
    /// The user cancelled, or TikTok refused the request (`error` in the callback).
    #[error("authorization refused: {error}: {description}")]
    Refused {
        /// TikTok's `error`, e.g. `access_denied`.
        error: String,
        /// TikTok's `error_description`.
        description: String,
    },
    /// Neither a `code` nor an `error`.
    #[error("callback without a code")]
    MissingCode,
}

/// A successful consent callback: the code to exchange and the scopes the user left ticked.
#[derive(Debug)]
pub struct Authorization {
    /// The authorization code, already URL-decoded (codes contain `*` and `!`).
    pub code: AuthorizationCode,
    /// The scopes the user granted, which may be fewer than requested.
    pub scopes: Vec<Scope>,
}

/// A user's tokens, as TikTok issued them. `Debug` never shows a token.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// The bearer token for the Display and Content Posting APIs.
    pub access_token: SecretString,
    /// The token that gets the next grant; it rotates, so store the newest.
    pub refresh_token: SecretString,
    /// The TikTok user (per app).
    pub open_id: String,
    /// The scopes this grant carries.
    pub scopes: Vec<Scope>,
    /// When the access token stops working.
    pub access_expires_at: DateTime<Utc>,
    /// When the refresh token stops working (then the user must connect again).
    pub refresh_expires_at: DateTime<Utc>,
}

/// TikTok's OAuth error body: `{"error", "error_description", "log_id"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    /// The category, e.g. `invalid_grant`.
    pub error: String,
    /// A human-readable explanation.
    #[serde(default)]
    pub error_description: Option<String>,
    /// TikTok's request id, for support.
    #[serde(default)]
    pub log_id: Option<String>,
}

impl fmt::Display for OAuthErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.error_description.as_deref().unwrap_or_default())
    }
}

impl oauth2::ErrorResponse for OAuthErrorBody {}

/// The fields TikTok's flat token JSON adds to RFC 6749's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TikTokTokenFields {
    /// The user the token belongs to.
    pub open_id: String,
    /// Seconds until the refresh token expires.
    #[serde(default)]
    pub refresh_expires_in: Option<u64>,
}

impl ExtraTokenFields for TikTokTokenFields {}

type TikTokTokenResponse = StandardTokenResponse<TikTokTokenFields, BasicTokenType>;

type OAuthClient = oauth2::Client<
    OAuthErrorBody,
    TikTokTokenResponse,
    StandardTokenIntrospectionResponse<TikTokTokenFields, BasicTokenType>,
    StandardRevocableToken,
    OAuthErrorBody,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The Login Kit client of one registered TikTok app.
#[derive(Clone)]
pub struct LoginKit {
    oauth: OAuthClient,
    http: Http,
    /// Kept beside oauth2's copy for revocation, which does not go through oauth2 (see
    /// [`LoginKit::revoke`]).
    client_secret: SecretString,
    revoke_url: Url,
}

impl fmt::Debug for LoginKit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // By hand: only public facts, never the client secret.
        f.debug_struct("LoginKit")
            .field("client_key", &self.oauth.client_id().as_str())
            .field("redirect_uri", &self.oauth.redirect_uri().map(|u| u.as_str()))
            .finish_non_exhaustive()
    }
}

impl LoginKit {
    /// A client for the app `client_key` / `client_secret`, sending users back to
    /// `redirect_uri` (registered with TikTok, matched exactly). Fails on an invalid URL.
    pub fn new(
        endpoints: &TikTokEndpoints,
        client_key: &str,
        client_secret: &SecretString,
        redirect_uri: &str,
        http: Http,
    ) -> Result<Self, url::ParseError> {
        let oauth = oauth2::Client::new(ClientId::new(client_key.to_owned()))
            .set_client_secret(ClientSecret::new(client_secret.expose_secret().to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::new(format!("{}/v2/auth/authorize/", endpoints.login))?)
            .set_token_uri(TokenUrl::new(format!("{}/v2/oauth/token/", endpoints.open_api))?)
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned())?);
        let revoke_url = Url::parse(&format!("{}/v2/oauth/revoke/", endpoints.open_api))?;
        Ok(LoginKit { oauth, http, client_secret: client_secret.clone(), revoke_url })
    }

    /// The consent link for `scopes`, with a fresh `state` and PKCE verifier. Keep both in the
    /// user's session: the state to check the callback ([`LoginKit::callback`]), the verifier to
    /// exchange the code.
    ///
    /// PKCE uses RFC 7636's S256 (base64url), as TikTok's web Login Kit accepts; its desktop
    /// docs' hex variant is for desktop apps only.
    pub fn authorize_url(&self, scopes: &[Scope]) -> (Url, CsrfToken, PkceCodeVerifier) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .oauth
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().map(|s| oauth2::Scope::new(s.as_str().to_owned())))
            .set_pkce_challenge(challenge)
            .url();
        (tiktok_authorize_url(&url), state, verifier)
    }

    /// Reads the consent callback's query (`code`, `scopes`, `state`, or `error`), checking
    /// `state` against the one bound to the session.
    pub fn callback(&self, query: &str, expected_state: &CsrfToken) -> Result<Authorization, CallbackError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let state_ok = value("state")
            .is_some_and(|state| constant_time_eq(state.as_bytes(), expected_state.secret().as_bytes()));
        if !state_ok {
            return Err(CallbackError::StateMismatch);
        }
        if let Some(error) = value("error") {
            return Err(CallbackError::Refused {
                error: error.to_owned(),
                description: value("error_description").unwrap_or_default().to_owned(),
            });
        }
        let code = value("code").filter(|c| !c.is_empty()).ok_or(CallbackError::MissingCode)?;
        Ok(Authorization {
            code: AuthorizationCode::new(code.to_owned()),
            scopes: parse_scopes(value("scopes").unwrap_or_default()),
        })
    }

    /// Exchanges a callback's `code` (with the session's PKCE verifier) for tokens; expiry
    /// instants are counted from `now`.
    pub async fn exchange(
        &self,
        code: AuthorizationCode,
        verifier: PkceCodeVerifier,
        now: DateTime<Utc>,
    ) -> Result<TokenGrant, LoginKitError> {
        let transport = TikTokTransport::new(&self.http);
        let result =
            self.oauth.exchange_code(code).set_pkce_verifier(verifier).request_async(&transport).await;
        grant(result, &transport, None, now)
    }

    /// Gets a new grant with `refresh_token`. TikTok rotates refresh tokens: the one passed in
    /// stops working, so store the returned grant before anything else.
    pub async fn refresh(
        &self,
        refresh_token: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<TokenGrant, LoginKitError> {
        let transport = TikTokTransport::new(&self.http);
        let token = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let result = self.oauth.exchange_refresh_token(&token).request_async(&transport).await;
        grant(result, &transport, Some(refresh_token), now)
    }

    /// Revokes `access_token` (and with it the grant) at TikTok: on disconnect, before the
    /// tokens are deleted. Revoking an already revoked token succeeds.
    ///
    /// Not through oauth2: its RFC 7009 support refuses any revocation URL that is not HTTPS,
    /// and the sandbox is plain HTTP. The form is TikTok's (`client_key`, `client_secret`,
    /// `token`), and the answer is read like the token endpoint's.
    pub async fn revoke(&self, access_token: &SecretString) -> Result<(), LoginKitError> {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_key", self.oauth.client_id().as_str())
            .append_pair("client_secret", self.client_secret.expose_secret())
            .append_pair("token", access_token.expose_secret())
            .finish();
        let request = http::Request::post(self.revoke_url.as_str())
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(http::header::ACCEPT, "application/json")
            .body(form.into_bytes())
            .map_err(|e| LoginKitError::Malformed(format!("revocation request: {e}")))?;
        let transport = TikTokTransport::new(&self.http);
        transport.send(request).await.map_err(|e| LoginKitError::Unavailable(e.to_string()))?;
        let Some(reply) = transport.take() else {
            return Err(LoginKitError::Malformed("revocation answered nothing".into()));
        };
        // Success is an empty body or `{}`; a 200 may still carry an OAuth error, since the
        // status of TikTok's OAuth errors is not documented and the body is.
        if reply.status.is_success() && error_body(&reply.body).is_none() {
            return Ok(());
        }
        let status = reply.status;
        Err(classify(RequestTokenError::Other(format!("HTTP {status}")), Some(reply)))
    }
}

/// Rewrites the consent link oauth2 built into TikTok's form: `client_id` becomes `client_key`,
/// and the space-joined scopes become comma-joined, the commas left unencoded (TikTok wants
/// them literal; see tiktok-api.md 1.1). Everything else is kept and re-encoded.
fn tiktok_authorize_url(oauth_url: &Url) -> Url {
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let query = oauth_url
        .query_pairs()
        .map(|(key, value)| match key.as_ref() {
            "client_id" => format!("client_key={}", encode(&value)),
            "scope" => {
                let names: Vec<String> = value.split(' ').filter(|s| !s.is_empty()).map(encode).collect();
                format!("scope={}", names.join(","))
            }
            _ => format!("{}={}", encode(&key), encode(&value)),
        })
        .collect::<Vec<_>>()
        .join("&");
    let mut url = oauth_url.clone();
    url.set_query(Some(&query));
    url
}

/// Compares without stopping at the first difference, so the time taken does not tell an
/// attacker how much of a forged `state` was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the transport saw of the last response; oauth2's errors keep neither the status nor the
/// headers, and `Retry-After` and the 5xx status decide what the caller does.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// oauth2's HTTP client for one Login Kit call: renames `client_id` to `client_key` in the
/// form (and drops `token_type_hint`, which TikTok does not document), sends it through the
/// shared client, and remembers the response for error classification.
struct TikTokTransport<'h> {
    http: &'h Http,
    last: Mutex<Option<Reply>>,
}

impl<'h> TikTokTransport<'h> {
    fn new(http: &'h Http) -> Self {
        TikTokTransport { http, last: Mutex::new(None) }
    }

    fn take(&self) -> Option<Reply> {
        self.last.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (mut parts, body) = request.into_parts();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&body)
            .into_owned()
            .filter(|(key, _)| key != "token_type_hint")
            .map(
                |(key, value)| {
                    if key == "client_id" { ("client_key".to_owned(), value) } else { (key, value) }
                },
            )
            .collect();
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().into_bytes();
        // TikTok's own examples send it: a token answer must never come from a cache.
        parts.headers.insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-cache"));
        let response = self.http.send(http::Request::from_parts(parts, body)).await?;
        let reply = Reply {
            status: response.status(),
            retry_after: retry_after(response.headers()),
            body: response.body().clone(),
        };
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(reply);
        Ok(response)
    }
}

impl<'c, 'h> AsyncHttpClient<'c> for TikTokTransport<'h> {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// `Retry-After` in seconds (the form TikTok uses); an HTTP date or garbage counts as absent,
/// and the caller falls back to its own backoff.
pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn error_body(body: &[u8]) -> Option<OAuthErrorBody> {
    serde_json::from_slice::<OAuthErrorBody>(body).ok().filter(|b| !b.error.is_empty())
}

/// The token response as a [`TokenGrant`], or the failure classified.
fn grant(
    result: Result<TikTokTokenResponse, RequestTokenError<HttpError, OAuthErrorBody>>,
    transport: &TikTokTransport<'_>,
    previous_refresh: Option<&SecretString>,
    now: DateTime<Utc>,
) -> Result<TokenGrant, LoginKitError> {
    let response = result.map_err(|error| classify(error, transport.take()))?;
    let missing = |field: &str| LoginKitError::Malformed(format!("token response without {field}"));
    let expires_at = |seconds: u64| {
        i64::try_from(seconds)
            .ok()
            .and_then(chrono::TimeDelta::try_seconds)
            .and_then(|delta| now.checked_add_signed(delta))
            .ok_or_else(|| LoginKitError::Malformed(format!("lifetime out of range: {seconds} s")))
    };
    let access_expires_at =
        expires_at(response.expires_in().ok_or_else(|| missing("expires_in"))?.as_secs())?;
    let extra = response.extra_fields();
    let refresh_expires_at =
        expires_at(extra.refresh_expires_in.ok_or_else(|| missing("refresh_expires_in"))?)?;
    // Without rotation TikTok might leave the refresh token out of a refresh answer: the old one
    // then stays valid.
    let refresh_token = match (response.refresh_token(), previous_refresh) {
        (Some(token), _) => SecretString::from(token.secret().as_str()),
        (None, Some(previous)) => previous.clone(),
        (None, None) => return Err(missing("refresh_token")),
    };
    // oauth2 splits `scope` on spaces; TikTok's commas leave one item to split again.
    let scopes = response
        .scopes()
        .map(|items| items.iter().flat_map(|s| parse_scopes(s.as_str())).collect())
        .unwrap_or_default();
    Ok(TokenGrant {
        access_token: SecretString::from(response.access_token().secret().as_str()),
        refresh_token,
        open_id: extra.open_id.clone(),
        scopes: dedup(scopes),
        access_expires_at,
        refresh_expires_at,
    })
}

fn dedup(scopes: Vec<Scope>) -> Vec<Scope> {
    let mut unique = Vec::with_capacity(scopes.len());
    for scope in scopes {
        if !unique.contains(&scope) {
            unique.push(scope);
        }
    }
    unique
}

/// Turns oauth2's error into what the caller should do, reading the OAuth error from the body
/// whatever the status (oauth2 only parses it on non-200 answers).
fn classify(error: RequestTokenError<HttpError, OAuthErrorBody>, reply: Option<Reply>) -> LoginKitError {
    let (status, retry_after) = reply.as_ref().map_or((None, None), |r| (Some(r.status), r.retry_after));
    let body = match error {
        RequestTokenError::Request(transport) => return LoginKitError::Unavailable(transport.to_string()),
        RequestTokenError::ServerResponse(body) => Some(body),
        RequestTokenError::Parse(..) | RequestTokenError::Other(_) => {
            reply.as_ref().and_then(|r| error_body(&r.body))
        }
    };
    let status = status.unwrap_or(StatusCode::OK);
    match body {
        Some(body) => classify_body(status, retry_after, body),
        None if status == StatusCode::TOO_MANY_REQUESTS => LoginKitError::RateLimited { retry_after },
        None if status.is_server_error() => LoginKitError::Unavailable(format!("HTTP {status}")),
        None => LoginKitError::Malformed(format!("HTTP {status} without a token or an OAuth error")),
    }
}

fn classify_body(status: StatusCode, retry_after: Option<Duration>, body: OAuthErrorBody) -> LoginKitError {
    let description = body.error_description.unwrap_or_default();
    if let Some(log_id) = &body.log_id {
        tracing::debug!(error = %body.error, %log_id, %status, "TikTok OAuth error");
    }
    if status == StatusCode::TOO_MANY_REQUESTS || body.error == "rate_limit_exceeded" {
        return LoginKitError::RateLimited { retry_after };
    }
    if status.is_server_error() || matches!(body.error.as_str(), "server_error" | "temporarily_unavailable") {
        return LoginKitError::Unavailable(format!("HTTP {status}: {}: {description}", body.error));
    }
    if body.error == "invalid_grant" {
        return LoginKitError::InvalidGrant { description };
    }
    LoginKitError::Rejected { error: body.error, description }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use sha2::{Digest, Sha256};

    use super::*;

    fn endpoints() -> TikTokEndpoints {
        TikTokEndpoints {
            login: "https://www.tiktok.com".into(),
            open_api: "https://open.tiktokapis.com".into(),
            shop_api: String::new(),
            shop_auth: String::new(),
            shop_services: String::new(),
        }
    }

    fn login_kit() -> LoginKit {
        let http = Http::new(Default::default()).expect("client");
        let secret = SecretString::from("the-client-secret");
        LoginKit::new(
            &endpoints(),
            "aw1234key",
            &secret,
            "https://soco.example/connect/tiktok/callback",
            http,
        )
        .expect("valid URLs")
    }

    #[test]
    fn the_consent_link_speaks_tiktoks_dialect() {
        let (url, state, verifier) = login_kit().authorize_url(&Scope::CONNECT);
        assert_eq!(url.as_str().split('?').next(), Some("https://www.tiktok.com/v2/auth/authorize/"));
        let query = url.query().expect("a query");
        assert!(
            query.contains("scope=user.info.basic,user.info.profile,user.info.stats,video.list"),
            "commas stay literal: {query}"
        );
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |key: &str| {
            let values: Vec<&str> = pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect();
            assert!(values.len() <= 1, "{key} repeated");
            values.first().map(|v| (*v).to_owned())
        };
        assert_eq!(get("client_key").as_deref(), Some("aw1234key"));
        assert_eq!(get("client_id"), None, "TikTok calls it client_key");
        assert_eq!(get("response_type").as_deref(), Some("code"));
        assert_eq!(get("redirect_uri").as_deref(), Some("https://soco.example/connect/tiktok/callback"));
        assert_eq!(get("state").as_deref(), Some(state.secret().as_str()));
        assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.secret().as_bytes()));
        assert_eq!(get("code_challenge"), Some(expected));
        assert!((43..=128).contains(&verifier.secret().len()));
        let (_, other_state, other_verifier) = login_kit().authorize_url(&Scope::CONNECT);
        assert_ne!(state.secret(), other_state.secret(), "fresh state each time");
        assert_ne!(verifier.secret(), other_verifier.secret(), "fresh verifier each time");
    }

    #[test]
    fn callbacks_are_bound_to_the_session_state() {
        let kit = login_kit();
        let state = CsrfToken::new("s3ss10n".into());
        let ok = kit.callback("code=ab*c%210&scopes=user.info.basic%2Cvideo.list&state=s3ss10n", &state);
        let ok = ok.expect("a valid callback");
        assert_eq!(ok.code.secret(), "ab*c!0", "the code arrives URL-decoded");
        assert_eq!(ok.scopes, vec![Scope::UserInfoBasic, Scope::VideoList]);
        assert_eq!(kit.callback("code=x&state=other", &state).err(), Some(CallbackError::StateMismatch));
        assert_eq!(kit.callback("code=x", &state).err(), Some(CallbackError::StateMismatch));
        assert_eq!(
            kit.callback("error=access_denied&error_description=no&state=s3ss10n", &state).err(),
            Some(CallbackError::Refused { error: "access_denied".into(), description: "no".into() })
        );
        assert_eq!(kit.callback("state=s3ss10n", &state).err(), Some(CallbackError::MissingCode));
    }

    #[test]
    fn oauth_errors_map_to_what_the_caller_should_do() {
        let body = |error: &str| OAuthErrorBody {
            error: error.into(),
            error_description: Some("because".into()),
            log_id: Some("2026".into()),
        };
        let ok = StatusCode::OK;
        let bad = StatusCode::BAD_REQUEST;
        assert!(matches!(
            classify_body(bad, None, body("invalid_grant")),
            LoginKitError::InvalidGrant { description } if description == "because"
        ));
        assert!(classify_body(ok, None, body("invalid_grant")).needs_reconnect(), "whatever the status");
        let wait = Some(Duration::from_secs(7));
        assert!(matches!(
            classify_body(StatusCode::TOO_MANY_REQUESTS, wait, body("rate_limit_exceeded")),
            LoginKitError::RateLimited { retry_after } if retry_after == wait
        ));
        assert!(matches!(
            classify_body(StatusCode::SERVICE_UNAVAILABLE, None, body("server_error")),
            LoginKitError::Unavailable(_)
        ));
        assert!(matches!(
            classify_body(bad, None, body("invalid_client")),
            LoginKitError::Rejected { error, .. } if error == "invalid_client"
        ));
        assert_eq!(classify_body(bad, None, body("invalid_request")).retry_hint(), RetryHint::Stop);
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let grant = TokenGrant {
            access_token: SecretString::from("act.SECRET-ACCESS"),
            refresh_token: SecretString::from("rft.SECRET-REFRESH"),
            open_id: "open-1".into(),
            scopes: vec![Scope::UserInfoBasic],
            access_expires_at: DateTime::UNIX_EPOCH,
            refresh_expires_at: DateTime::UNIX_EPOCH,
        };
        let printed = format!("{grant:?} {:?}", login_kit());
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(!printed.contains("the-client-secret"), "{printed}");
        assert!(printed.contains("open-1") && printed.contains("aw1234key"), "{printed}");
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("30"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(30)));
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
