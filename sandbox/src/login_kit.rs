//! Login Kit for Web (OAuth 2.0 v2): the consent page on the `www.tiktok.com` prefix, and the token
//! and revoke endpoints on the `open.tiktokapis.com` prefix.
//!
//! The consent page lists the requested scopes (each can be unticked: TikTok users may grant only
//! some) and the sandbox's creators to sign in as. Everything the page carries is validated again
//! when the form comes back, since anyone can post it.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::Sandbox;
use crate::config::PkceEncoding;
use crate::faults::FaultKind;
use crate::grants::{CODE_TTL, PendingCode, TokenProblem};
use crate::html::{self, escape, page};

/// Every scope the sandbox knows, with what the consent page says it allows.
pub const SCOPES: &[(&str, &str)] = &[
    ("user.info.basic", "Read your profile info (avatar, display name)"),
    ("user.info.profile", "Read your profile details (bio, username, verification)"),
    ("user.info.stats", "Read your stats (followers, following, likes, videos)"),
    ("video.list", "Read your public videos"),
    ("video.upload", "Upload content to your inbox as drafts"),
    ("video.publish", "Post content to your account"),
];

/// The consent page (`GET /v2/auth/authorize/`) under the Login Kit prefix.
pub fn consent_routes() -> Router<Sandbox> {
    Router::new().route("/v2/auth/authorize/", get(consent_page).post(decide))
}

/// Token and revoke endpoints under the open-API prefix.
pub fn token_routes() -> Router<Sandbox> {
    Router::new().route("/v2/oauth/token/", post(token)).route("/v2/oauth/revoke/", post(revoke))
}

/// The authorize request's parameters, as sent in the query and echoed by the consent form.
#[derive(Debug, Deserialize, Default)]
pub struct AuthorizeRequest {
    client_key: Option<String>,
    scope: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    response_type: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// An authorize request that passed validation.
struct Valid {
    redirect_uri: String,
    state: Option<String>,
    scopes: Vec<String>,
    code_challenge: Option<String>,
}

/// What is wrong with an authorize request: either nowhere safe to send the user back (shown as a
/// page), or an OAuth error to redirect with.
enum Refusal {
    Page(String),
    Redirect { redirect_uri: String, state: Option<String>, error: &'static str, description: String },
}

fn validate(sandbox: &Sandbox, request: &AuthorizeRequest) -> Result<Valid, Refusal> {
    let app = &sandbox.config.login_kit;
    if request.client_key.as_deref() != Some(app.client_key.as_str()) {
        return Err(Refusal::Page("client_key is missing or unknown.".into()));
    }
    let redirect_uri = request.redirect_uri.clone().unwrap_or_default();
    if !app.redirect_uris.contains(&redirect_uri) {
        return Err(Refusal::Page("redirect_uri does not match any registered redirect URI.".into()));
    }
    let refuse = |error, description: String| Refusal::Redirect {
        redirect_uri: redirect_uri.clone(),
        state: request.state.clone(),
        error,
        description,
    };
    if request.response_type.as_deref() != Some("code") {
        return Err(refuse("unsupported_response_type", "response_type must be code.".into()));
    }
    let scopes: Vec<String> = request
        .scope
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if scopes.is_empty() {
        return Err(refuse("invalid_scope", "scope is required.".into()));
    }
    if let Some(unknown) = scopes.iter().find(|s| !SCOPES.iter().any(|(known, _)| known == s)) {
        return Err(refuse("invalid_scope", format!("Unknown scope: {unknown}.")));
    }
    let code_challenge = request.code_challenge.clone().filter(|c| !c.is_empty());
    if code_challenge.is_some() && request.code_challenge_method.as_deref() != Some("S256") {
        return Err(refuse("invalid_request", "code_challenge_method must be S256.".into()));
    }
    Ok(Valid { redirect_uri, state: request.state.clone(), scopes, code_challenge })
}

fn refusal_response(sandbox: &Sandbox, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page(message) => html::respond(
            sandbox,
            StatusCode::BAD_REQUEST,
            page("This link is not valid", &format!("<p>{}</p>", escape(&message))),
        ),
        Refusal::Redirect { redirect_uri, state, error, description } => {
            let mut query = vec![("error", error.to_owned()), ("error_description", description)];
            query.extend(state.map(|s| ("state", s)));
            redirect_with(&redirect_uri, &query)
        }
    }
}

fn redirect_with(base: &str, query: &[(&str, String)]) -> Response {
    let encoded = serde_urlencoded::to_string(query).unwrap_or_default();
    let separator = if base.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{base}{separator}{encoded}")).into_response()
}

async fn consent_page(State(sandbox): State<Sandbox>, Query(request): Query<AuthorizeRequest>) -> Response {
    let valid = match validate(&sandbox, &request) {
        Ok(valid) => valid,
        Err(refusal) => return refusal_response(&sandbox, refusal),
    };
    let hidden = |name: &str, value: Option<&str>| {
        value.map_or(String::new(), |v| {
            format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(v))
        })
    };
    let mut body = String::from("<form method=\"post\">");
    for (name, value) in [
        ("client_key", request.client_key.as_deref()),
        ("scope", request.scope.as_deref()),
        ("redirect_uri", request.redirect_uri.as_deref()),
        ("state", request.state.as_deref()),
        ("response_type", request.response_type.as_deref()),
        ("code_challenge", request.code_challenge.as_deref()),
        ("code_challenge_method", request.code_challenge_method.as_deref()),
    ] {
        body.push_str(&hidden(name, value));
    }
    body.push_str("<fieldset><legend>Sign in as</legend>");
    for (i, creator) in sandbox.world.creators.all.iter().enumerate() {
        body.push_str(&format!(
            "<p><label><input type=\"radio\" name=\"open_id\" value=\"{}\"{}> {} (@{})</label></p>",
            escape(&creator.open_id),
            if i == 0 { " checked" } else { "" },
            escape(&creator.display_name),
            escape(&creator.username)
        ));
    }
    body.push_str("</fieldset><fieldset><legend>This app would like to</legend>");
    for scope in &valid.scopes {
        let text = SCOPES.iter().find(|(s, _)| s == scope).map_or("", |(_, text)| text);
        body.push_str(&format!(
            "<p><label><input type=\"checkbox\" name=\"granted\" value=\"{scope}\" checked> {} <code>{scope}</code></label></p>",
            escape(text),
            scope = escape(scope)
        ));
    }
    body.push_str(
        "</fieldset><p><button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button> \
         <button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></p></form>",
    );
    html::respond(&sandbox, StatusCode::OK, page("Authorize access to your TikTok account", &body))
}

/// The consent form as posted back. `granted` repeats, so the body is parsed by hand.
async fn decide(State(sandbox): State<Sandbox>, body: String) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let request = AuthorizeRequest {
        client_key: value("client_key"),
        scope: value("scope"),
        redirect_uri: value("redirect_uri"),
        state: value("state"),
        response_type: value("response_type"),
        code_challenge: value("code_challenge"),
        code_challenge_method: value("code_challenge_method"),
    };
    let valid = match validate(&sandbox, &request) {
        Ok(valid) => valid,
        Err(refusal) => return refusal_response(&sandbox, refusal),
    };
    let mut query = Vec::new();
    if value("decision").as_deref() != Some("approve") {
        query.push(("error", "access_denied".to_owned()));
        query.push(("error_description", "The user denied the authorization request.".to_owned()));
        query.extend(valid.state.map(|s| ("state", s)));
        return redirect_with(&valid.redirect_uri, &query);
    }
    let Some(creator) = value("open_id").and_then(|id| sandbox.world.creators.by_open_id(&id).cloned())
    else {
        return html::respond(
            &sandbox,
            StatusCode::BAD_REQUEST,
            page("Choose an account", "<p>Choose an account to sign in as.</p>"),
        );
    };
    let ticked: Vec<&str> = pairs.iter().filter(|(k, _)| k == "granted").map(|(_, v)| v.as_str()).collect();
    // Basic info comes with every Login Kit grant; the rest only if the user left it ticked.
    let scopes: Vec<String> = valid
        .scopes
        .iter()
        .filter(|s| *s == "user.info.basic" || ticked.contains(&s.as_str()))
        .cloned()
        .collect();
    let code = sandbox.grants.issue_code(PendingCode {
        open_id: creator.open_id.clone(),
        scopes: scopes.clone(),
        redirect_uri: valid.redirect_uri.clone(),
        code_challenge: valid.code_challenge,
        expires_at: sandbox.clock.now() + CODE_TTL,
    });
    query.push(("code", code));
    query.push(("scopes", scopes.join(",")));
    query.extend(valid.state.map(|s| ("state", s)));
    redirect_with(&valid.redirect_uri, &query)
}

/// The token endpoint's form, both grant types.
#[derive(Debug, Deserialize)]
struct TokenForm {
    client_key: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

fn oauth_error(sandbox: &Sandbox, error: &str, description: &str) -> Response {
    let status = StatusCode::from_u16(sandbox.config.oauth_error_status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(json!({ "error": error, "error_description": description, "log_id": crate::log_id(sandbox.clock.now()) })))
        .into_response()
}

/// Whether `verifier` matches `challenge` under the accepted encodings (tiktok-api.md 1.2).
pub fn pkce_matches(encoding: PkceEncoding, challenge: &str, verifier: &str) -> bool {
    let valid_verifier = (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !valid_verifier {
        return false;
    }
    let digest = Sha256::digest(verifier.as_bytes());
    let base64url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    let hex = hex::encode(digest);
    match encoding {
        PkceEncoding::Base64Url => challenge == base64url,
        PkceEncoding::Hex => challenge == hex,
        PkceEncoding::Both => challenge == base64url || challenge == hex,
    }
}

/// A rate-limit or server-error fault armed for `endpoint`, answered in the OAuth error format.
async fn transport_fault(sandbox: &Sandbox, endpoint: &str) -> Option<Response> {
    match sandbox.faults.transport(endpoint, None).await {
        Some(FaultKind::RateLimited { retry_after }) => {
            let mut response = oauth_error(sandbox, "rate_limit_exceeded", "Too many requests.");
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
            Some(response)
        }
        Some(FaultKind::ServerError { status }) => {
            let mut response =
                oauth_error(sandbox, "server_error", "Something went wrong. Please try again later.");
            *response.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Some(response)
        }
        _ => None,
    }
}

async fn token(State(sandbox): State<Sandbox>, Form(form): Form<TokenForm>) -> Response {
    let app = &sandbox.config.login_kit;
    if form.client_key.as_deref() != Some(app.client_key.as_str())
        || form.client_secret.as_deref() != Some(app.client_secret.as_str())
    {
        let status = StatusCode::UNAUTHORIZED;
        let body = json!({ "error": "invalid_client", "error_description": "Client key or secret is invalid.",
                           "log_id": crate::log_id(sandbox.clock.now()) });
        return (status, Json(body)).into_response();
    }
    if let Some(response) = transport_fault(&sandbox, "oauth.token").await {
        return response;
    }
    let now = sandbox.clock.now();
    let access_ttl = sandbox.config.access_ttl.as_secs() as i64;
    let refresh_ttl = sandbox.config.refresh_ttl.as_secs() as i64;
    let grant = match form.grant_type.as_deref() {
        Some("authorization_code") => {
            let Some(code) = form.code.as_deref().filter(|c| !c.is_empty()) else {
                return oauth_error(&sandbox, "invalid_request", "code is required.");
            };
            let Some(pending) = sandbox.grants.redeem_code(code) else {
                return oauth_error(&sandbox, "invalid_grant", "Authorization code is invalid.");
            };
            if pending.expires_at <= now {
                return oauth_error(&sandbox, "invalid_grant", "Authorization code is expired.");
            }
            if form.redirect_uri.as_deref() != Some(pending.redirect_uri.as_str()) {
                return oauth_error(
                    &sandbox,
                    "invalid_grant",
                    "redirect_uri does not match the authorization request.",
                );
            }
            if let Some(challenge) = &pending.code_challenge {
                let verifier = form.code_verifier.as_deref().unwrap_or_default();
                if !pkce_matches(sandbox.config.pkce, challenge, verifier) {
                    return oauth_error(
                        &sandbox,
                        "invalid_request",
                        "Code verifier or code challenge is invalid.",
                    );
                }
            }
            sandbox.grants.create(&pending.open_id, pending.scopes, now, access_ttl, refresh_ttl)
        }
        Some("refresh_token") => {
            let refresh_token = form.refresh_token.as_deref().unwrap_or_default();
            let owner = sandbox.grants.list().into_iter().find(|g| g.refresh_token == refresh_token);
            if let Some(owner) = &owner
                && sandbox
                    .faults
                    .take("oauth.token", Some(&owner.open_id), |k| *k == FaultKind::RevokedToken)
                    .is_some()
            {
                sandbox.grants.revoke_user(&owner.open_id);
            }
            match sandbox.grants.refresh(
                refresh_token,
                now,
                access_ttl,
                refresh_ttl,
                sandbox.config.rotate_refresh,
            ) {
                Ok(grant) => grant,
                Err(TokenProblem::Expired) => {
                    return oauth_error(&sandbox, "invalid_grant", "Refresh token is expired.");
                }
                Err(TokenProblem::Unknown) => {
                    return oauth_error(&sandbox, "invalid_grant", "Refresh token is invalid or revoked.");
                }
            }
        }
        Some(_) => return oauth_error(&sandbox, "unsupported_grant_type", "grant_type is not supported."),
        None => return oauth_error(&sandbox, "invalid_request", "grant_type is required."),
    };
    // Faults armed for `oauth.token_reply` strike after the tokens were issued (a refresh has
    // rotated, the old refresh token is dead): a slow answer, or one lost on the way back.
    if let Some(response) = transport_fault(&sandbox, "oauth.token_reply").await {
        return response;
    }
    Json(json!({
        "access_token": grant.access_token,
        "expires_in": grant.access_expires_at - now,
        "open_id": grant.open_id,
        "refresh_expires_in": grant.refresh_expires_at - now,
        "refresh_token": grant.refresh_token,
        "scope": grant.scopes.join(","),
        "token_type": "Bearer",
    }))
    .into_response()
}

#[derive(Debug, Deserialize)]
struct RevokeForm {
    client_key: Option<String>,
    client_secret: Option<String>,
    token: Option<String>,
}

async fn revoke(State(sandbox): State<Sandbox>, Form(form): Form<RevokeForm>) -> Response {
    let app = &sandbox.config.login_kit;
    if form.client_key.as_deref() != Some(app.client_key.as_str())
        || form.client_secret.as_deref() != Some(app.client_secret.as_str())
    {
        let body = json!({ "error": "invalid_client", "error_description": "Client key or secret is invalid.",
                           "log_id": crate::log_id(sandbox.clock.now()) });
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    }
    let Some(token) = form.token.filter(|t| !t.is_empty()) else {
        return oauth_error(&sandbox, "invalid_request", "token is required.");
    };
    if let Some(response) = transport_fault(&sandbox, "oauth.revoke").await {
        return response;
    }
    if sandbox.config.strict_revoke {
        // A strict server (RFC 7009 allows it) refuses a token it cannot honour: a client that
        // revokes with a lapsed token learns that nothing was revoked.
        match sandbox.grants.by_access_token(&token, sandbox.clock.now()) {
            Ok(grant) => {
                sandbox.grants.revoke_token(&grant.access_token);
            }
            Err(TokenProblem::Expired) => {
                return oauth_error(&sandbox, "invalid_request", "The access token has expired.");
            }
            Err(TokenProblem::Unknown) => {
                return oauth_error(&sandbox, "invalid_request", "The access token is invalid or revoked.");
            }
        }
    } else {
        // Lenient, as RFC 7009 also allows: an unknown or revoked token "succeeds" too.
        sandbox.grants.revoke_token(&token);
    }
    Json(json!({})).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_accepts_the_configured_encodings() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"; // RFC 7636 appendix B
        let base64url = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        let hex = hex::encode(Sha256::digest(verifier.as_bytes()));
        assert!(pkce_matches(PkceEncoding::Both, base64url, verifier));
        assert!(pkce_matches(PkceEncoding::Both, &hex, verifier));
        assert!(pkce_matches(PkceEncoding::Base64Url, base64url, verifier));
        assert!(!pkce_matches(PkceEncoding::Base64Url, &hex, verifier));
        assert!(!pkce_matches(PkceEncoding::Hex, base64url, verifier));
        assert!(!pkce_matches(PkceEncoding::Both, base64url, "short"), "verifier under 43 characters");
    }
}
