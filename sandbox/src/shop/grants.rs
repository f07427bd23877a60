//! Seller authorizations: single-use authorization codes, and grants holding an access token
//! and a refresh token with absolute expiries in sandbox time.
//!
//! Tokens are `TTP_` plus random base64url, like TikTok's current ones. A refresh issues a new
//! access token (the previous one stops working) and, when rotation is on, a new refresh token
//! too, after which the old refresh token is refused. Deauthorizing a seller or a
//! `RevokedToken` fault revokes the grant: none of its tokens work any more.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// How long an authorization code may be exchanged (TikTok: 30 minutes, single use).
pub const CODE_TTL_SECONDS: i64 = 30 * 60;

/// The scopes a seller can grant on the consent page, with the page's wording.
/// [UNCONFIRMED: TikTok's 202309 scope names are not in the spec beyond `seller.finance` and the
/// affiliate ones; these follow their `seller.<area>.<access>` pattern.]
pub const SCOPES: &[(&str, &str)] = &[
    ("seller.authorization.info", "See which shops you authorized"),
    ("seller.order.info", "Read your orders"),
    ("seller.product.basic", "Read your products"),
    ("seller.finance.info", "Read your statements, payments and transactions"),
    ("seller.data_analytics", "Read your shop performance"),
];

/// One seller's authorization of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The seller's position in the world.
    pub seller: u32,
    /// Current access token.
    pub access_token: String,
    /// Its expiry, Unix seconds.
    pub access_expires: i64,
    /// Current refresh token.
    pub refresh_token: String,
    /// Its expiry, Unix seconds.
    pub refresh_expires: i64,
    /// Scopes granted on the consent page.
    pub scopes: Vec<String>,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Never issued, replaced by a refresh, or revoked.
    Unknown,
    /// Past its expiry.
    Expired,
}

#[derive(Debug, Clone)]
struct PendingCode {
    seller: u32,
    scopes: Vec<String>,
    expires: i64,
}

#[derive(Debug, Default)]
struct Inner {
    codes: HashMap<String, PendingCode>,
    grants: Vec<Grant>,
}

/// Every code and grant.
#[derive(Debug, Default)]
pub struct Grants {
    inner: Mutex<Inner>,
}

/// A fresh token: `prefix` and 40 random base64url characters.
fn token(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 30]>()))
}

impl Grants {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Issues an authorization code for `seller` granting `scopes`, valid from `now`.
    pub fn issue_code(&self, seller: u32, scopes: Vec<String>, now: i64) -> String {
        let code = token("");
        let mut inner = self.lock();
        inner.codes.retain(|_, c| c.expires > now);
        inner.codes.insert(code.clone(), PendingCode { seller, scopes, expires: now + CODE_TTL_SECONDS });
        code
    }

    /// Exchanges `code` (once) for a new grant whose tokens live `access_ttl` and `refresh_ttl`
    /// seconds from `now`.
    pub fn redeem(&self, code: &str, now: i64, access_ttl: i64, refresh_ttl: i64) -> Option<Grant> {
        let mut inner = self.lock();
        let pending = inner.codes.remove(code).filter(|c| c.expires > now)?;
        let grant = Grant {
            seller: pending.seller,
            access_token: token("TTP_"),
            access_expires: now + access_ttl,
            refresh_token: token("TTP_"),
            refresh_expires: now + refresh_ttl,
            scopes: pending.scopes,
        };
        inner.grants.push(grant.clone());
        Some(grant)
    }

    /// The grant whose refresh token is `refresh_token`, with its current standing at `now`.
    pub fn by_refresh(&self, refresh_token: &str, now: i64) -> Result<Grant, TokenProblem> {
        let inner = self.lock();
        let grant =
            inner.grants.iter().find(|g| g.refresh_token == refresh_token).ok_or(TokenProblem::Unknown)?;
        if grant.refresh_expires <= now { Err(TokenProblem::Expired) } else { Ok(grant.clone()) }
    }

    /// Refreshes the grant of `refresh_token`: a new access token, and a new refresh token when
    /// `rotate` (the old one is then refused).
    pub fn refresh(
        &self,
        refresh_token: &str,
        now: i64,
        access_ttl: i64,
        refresh_ttl: i64,
        rotate: bool,
    ) -> Result<Grant, TokenProblem> {
        let mut inner = self.lock();
        let grant = inner
            .grants
            .iter_mut()
            .find(|g| g.refresh_token == refresh_token)
            .ok_or(TokenProblem::Unknown)?;
        if grant.refresh_expires <= now {
            return Err(TokenProblem::Expired);
        }
        grant.access_token = token("TTP_");
        grant.access_expires = now + access_ttl;
        if rotate {
            grant.refresh_token = token("TTP_");
            grant.refresh_expires = now + refresh_ttl;
        }
        Ok(grant.clone())
    }

    /// The grant whose access token is `access_token`, if it is valid at `now`.
    pub fn by_access(&self, access_token: &str, now: i64) -> Result<Grant, TokenProblem> {
        let inner = self.lock();
        let grant =
            inner.grants.iter().find(|g| g.access_token == access_token).ok_or(TokenProblem::Unknown)?;
        if grant.access_expires <= now { Err(TokenProblem::Expired) } else { Ok(grant.clone()) }
    }

    /// Revokes the grant holding `access_token` or `refresh_token`.
    pub fn revoke_token(&self, token: &str) {
        self.lock().grants.retain(|g| g.access_token != token && g.refresh_token != token);
    }

    /// Revokes every grant of `seller`; returns how many there were.
    pub fn revoke_seller(&self, seller: u32) -> usize {
        let mut inner = self.lock();
        let before = inner.grants.len();
        inner.grants.retain(|g| g.seller != seller);
        before - inner.grants.len()
    }

    /// The live grants of `seller`.
    pub fn of_seller(&self, seller: u32) -> Vec<Grant> {
        self.lock().grants.iter().filter(|g| g.seller == seller).cloned().collect()
    }

    /// Forgets every code and grant.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_793_491_200;

    #[test]
    fn codes_are_single_use_and_expire() {
        let grants = Grants::default();
        let code = grants.issue_code(1, vec!["seller.order.info".into()], NOW);
        let grant = grants.redeem(&code, NOW + 60, 100, 1000).expect("first use");
        assert!(grant.access_token.starts_with("TTP_") && grant.refresh_token.starts_with("TTP_"));
        assert_eq!((grant.access_expires, grant.refresh_expires), (NOW + 160, NOW + 1060));
        assert!(grants.redeem(&code, NOW + 61, 100, 1000).is_none(), "single use");
        let late = grants.issue_code(1, vec![], NOW);
        assert!(grants.redeem(&late, NOW + CODE_TTL_SECONDS, 100, 1000).is_none(), "expired");
    }

    #[test]
    fn refresh_rotates_and_tokens_expire() {
        let grants = Grants::default();
        let code = grants.issue_code(2, vec![], NOW);
        let first = grants.redeem(&code, NOW, 100, 1000).expect("grant");
        assert_eq!(grants.by_access(&first.access_token, NOW + 99).map(|g| g.seller), Ok(2));
        assert_eq!(grants.by_access(&first.access_token, NOW + 100), Err(TokenProblem::Expired));
        let second = grants.refresh(&first.refresh_token, NOW + 200, 100, 1000, true).expect("refresh");
        assert_ne!(second.refresh_token, first.refresh_token);
        assert_eq!(
            grants.refresh(&first.refresh_token, NOW + 201, 100, 1000, true),
            Err(TokenProblem::Unknown)
        );
        assert_eq!(grants.by_access(&first.access_token, NOW + 201), Err(TokenProblem::Unknown));
        let third = grants.refresh(&second.refresh_token, NOW + 300, 100, 1000, false).expect("refresh");
        assert_eq!(third.refresh_token, second.refresh_token, "no rotation");
        assert_eq!(
            grants.refresh(&third.refresh_token, NOW + 1200, 100, 1000, false),
            Err(TokenProblem::Expired)
        );
        assert_eq!(grants.revoke_seller(2), 1);
        assert_eq!(grants.by_access(&third.access_token, NOW + 301), Err(TokenProblem::Unknown));
    }
}
