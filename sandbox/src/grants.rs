//! Login Kit grants: authorization codes, access tokens and refresh tokens, with their lifetimes
//! in sandbox time, rotation and revocation.
//!
//! Tokens are random (not derived from the seed): they are secrets, and a test must not be able to
//! guess one. Every token belongs to one grant; revoking a grant kills both of its tokens.

use std::collections::HashMap;
use std::sync::Mutex;

use rand::Rng;
use rand::distr::Alphanumeric;

/// How long an authorization code can be exchanged, in seconds (TikTok: "short-lived").
pub const CODE_TTL: i64 = 600;

/// What a user approved on the consent page, waiting to be exchanged.
#[derive(Debug, Clone)]
pub struct PendingCode {
    /// The creator who approved.
    pub open_id: String,
    /// Granted scopes, in request order.
    pub scopes: Vec<String>,
    /// The redirect URI of the authorize request (the token request must repeat it).
    pub redirect_uri: String,
    /// PKCE challenge, if the request had one.
    pub code_challenge: Option<String>,
    /// Unix seconds after which the code is refused.
    pub expires_at: i64,
}

/// A live grant.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Sequence number.
    pub id: u64,
    /// The creator it gives access to.
    pub open_id: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Current access token.
    pub access_token: String,
    /// Unix seconds.
    pub access_expires_at: i64,
    /// Current refresh token.
    pub refresh_token: String,
    /// Unix seconds.
    pub refresh_expires_at: i64,
}

impl Grant {
    /// Whether `scope` was granted.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Never issued, revoked, or replaced by rotation.
    Unknown,
    /// Issued but past its lifetime.
    Expired,
}

#[derive(Debug, Default)]
struct Inner {
    codes: HashMap<String, PendingCode>,
    grants: HashMap<u64, Grant>,
    by_access: HashMap<String, u64>,
    by_refresh: HashMap<String, u64>,
    next_id: u64,
}

/// Every code and grant of the sandbox's Login Kit.
#[derive(Debug, Default)]
pub struct Grants {
    inner: Mutex<Inner>,
}

fn random_token(prefix: &str, len: usize) -> String {
    let body: String = rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect();
    format!("{prefix}{body}")
}

impl Grants {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores an approved request and returns its code. Codes carry `*` and `!` like TikTok's, so
    /// a client that forgets to URL-decode them fails here as it would there.
    pub fn issue_code(&self, pending: PendingCode) -> String {
        let code = format!("{}*3!{}", random_token("", 48), rand::rng().random_range(1000..9999));
        self.lock().codes.insert(code.clone(), pending);
        code
    }

    /// Takes a code (single use: a second exchange finds nothing).
    pub fn redeem_code(&self, code: &str) -> Option<PendingCode> {
        self.lock().codes.remove(code)
    }

    /// Creates a grant from an exchanged code at `now`.
    pub fn create(
        &self,
        open_id: &str,
        scopes: Vec<String>,
        now: i64,
        access_ttl: i64,
        refresh_ttl: i64,
    ) -> Grant {
        let mut inner = self.lock();
        inner.next_id += 1;
        let grant = Grant {
            id: inner.next_id,
            open_id: open_id.to_owned(),
            scopes,
            access_token: random_token("act.", 60),
            access_expires_at: now + access_ttl,
            refresh_token: random_token("rft.", 60),
            refresh_expires_at: now + refresh_ttl,
        };
        inner.by_access.insert(grant.access_token.clone(), grant.id);
        inner.by_refresh.insert(grant.refresh_token.clone(), grant.id);
        inner.grants.insert(grant.id, grant.clone());
        grant
    }

    /// The grant behind an access token, if it is live at `now`.
    pub fn by_access_token(&self, token: &str, now: i64) -> Result<Grant, TokenProblem> {
        let inner = self.lock();
        let grant =
            inner.by_access.get(token).and_then(|id| inner.grants.get(id)).ok_or(TokenProblem::Unknown)?;
        if grant.access_expires_at <= now {
            return Err(TokenProblem::Expired);
        }
        Ok(grant.clone())
    }

    /// Issues a new access token for the grant behind `refresh_token`; with `rotate`, also a new
    /// refresh token (with a fresh lifetime) and the old one stops working at once.
    pub fn refresh(
        &self,
        refresh_token: &str,
        now: i64,
        access_ttl: i64,
        refresh_ttl: i64,
        rotate: bool,
    ) -> Result<Grant, TokenProblem> {
        let mut inner = self.lock();
        let id = *inner.by_refresh.get(refresh_token).ok_or(TokenProblem::Unknown)?;
        let Some(grant) = inner.grants.get(&id).cloned() else { return Err(TokenProblem::Unknown) };
        if grant.refresh_expires_at <= now {
            return Err(TokenProblem::Expired);
        }
        let mut renewed = grant.clone();
        renewed.access_token = random_token("act.", 60);
        renewed.access_expires_at = now + access_ttl;
        inner.by_access.remove(&grant.access_token);
        inner.by_access.insert(renewed.access_token.clone(), id);
        if rotate {
            renewed.refresh_token = random_token("rft.", 60);
            renewed.refresh_expires_at = now + refresh_ttl;
            inner.by_refresh.remove(&grant.refresh_token);
            inner.by_refresh.insert(renewed.refresh_token.clone(), id);
        }
        inner.grants.insert(id, renewed.clone());
        Ok(renewed)
    }

    /// Makes the grant's access token expire now (the control API's "expired token" fault).
    pub fn expire_access(&self, grant_id: u64, now: i64) {
        if let Some(grant) = self.lock().grants.get_mut(&grant_id) {
            grant.access_expires_at = grant.access_expires_at.min(now);
        }
    }

    /// Revokes the grant behind an access or refresh token; returns it if there was one.
    pub fn revoke_token(&self, token: &str) -> Option<Grant> {
        let id = {
            let inner = self.lock();
            inner.by_access.get(token).or_else(|| inner.by_refresh.get(token)).copied()
        }?;
        self.revoke(id)
    }

    /// Revokes every grant of `open_id`; returns how many.
    pub fn revoke_user(&self, open_id: &str) -> usize {
        let ids: Vec<u64> =
            self.lock().grants.values().filter(|g| g.open_id == open_id).map(|g| g.id).collect();
        ids.iter().filter_map(|&id| self.revoke(id)).count()
    }

    fn revoke(&self, id: u64) -> Option<Grant> {
        let mut inner = self.lock();
        let grant = inner.grants.remove(&id)?;
        inner.by_access.remove(&grant.access_token);
        inner.by_refresh.remove(&grant.refresh_token);
        Some(grant)
    }

    /// Live grants (for the control API).
    pub fn list(&self) -> Vec<Grant> {
        let mut grants: Vec<Grant> = self.lock().grants.values().cloned().collect();
        grants.sort_by_key(|g| g.id);
        grants
    }

    /// Forgets every code and grant.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_rotation_and_revocation() {
        let grants = Grants::default();
        let grant = grants.create("u1", vec!["user.info.basic".into()], 1000, 7200, 86_400);
        assert!(grant.access_token.starts_with("act.") && grant.refresh_token.starts_with("rft."));
        assert_eq!(grants.by_access_token(&grant.access_token, 8199).map(|g| g.id), Ok(grant.id));
        assert_eq!(grants.by_access_token(&grant.access_token, 8200).err(), Some(TokenProblem::Expired));

        let rotated = grants.refresh(&grant.refresh_token, 9000, 7200, 86_400, true).expect("refreshes");
        assert_ne!(rotated.refresh_token, grant.refresh_token);
        assert_eq!(
            grants.refresh(&grant.refresh_token, 9001, 7200, 86_400, true).err(),
            Some(TokenProblem::Unknown)
        );
        assert_eq!(grants.by_access_token(&grant.access_token, 9001).err(), Some(TokenProblem::Unknown));

        let kept = grants.refresh(&rotated.refresh_token, 9002, 7200, 86_400, false).expect("refreshes");
        assert_eq!(kept.refresh_token, rotated.refresh_token, "no rotation when turned off");
        assert_eq!(
            grants.refresh(&kept.refresh_token, 9002 + 86_400 * 2, 1, 1, true).err(),
            Some(TokenProblem::Expired)
        );

        assert!(grants.revoke_token(&kept.access_token).is_some());
        assert_eq!(grants.by_access_token(&kept.access_token, 9003).err(), Some(TokenProblem::Unknown));
        assert_eq!(grants.refresh(&kept.refresh_token, 9003, 1, 1, true).err(), Some(TokenProblem::Unknown));
    }

    #[test]
    fn codes_are_single_use() {
        let grants = Grants::default();
        let code = grants.issue_code(PendingCode {
            open_id: "u".into(),
            scopes: vec![],
            redirect_uri: "https://x/cb".into(),
            code_challenge: None,
            expires_at: 10,
        });
        assert!(code.contains('*') && code.contains('!'));
        assert!(grants.redeem_code(&code).is_some());
        assert!(grants.redeem_code(&code).is_none());
    }
}
