//! Passwords: the rules a new one must meet, and argon2id hashing off the async runtime.
//!
//! Rules follow NIST SP 800-63B and OWASP: 12 to 256 characters, no composition rules, and a
//! strength estimate (zxcvbn, told the user's email and name) that refuses common or guessable
//! passwords. Hashing is argon2id with 19 MiB, 2 passes, 1 lane, on the blocking pool, with at
//! most one hash per core at a time so a login burst cannot starve the server.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::{Error, Result};

/// Shortest password accepted, in characters.
pub const MIN_LEN: usize = 12;
/// Longest password accepted, in characters.
pub const MAX_LEN: usize = 256;

/// Why a new password was refused, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    /// Fewer than [`MIN_LEN`] characters.
    TooShort,
    /// More than [`MAX_LEN`] characters.
    TooLong,
    /// Common, or guessable from the email or name; with zxcvbn's hint when it has one.
    Guessable(Option<String>),
}

/// Checks a new password against the rules, given what an attacker would know about the user.
pub fn check_strength(password: &str, email: &str, display_name: &str) -> Result<(), Weakness> {
    let length = password.chars().count();
    if length < MIN_LEN {
        return Err(Weakness::TooShort);
    }
    if length > MAX_LEN {
        return Err(Weakness::TooLong);
    }
    let mut context: Vec<&str> = vec![email, display_name, "soco", "tiktok"];
    if let Some((local, domain)) = email.split_once('@') {
        context.push(local);
        context.extend(domain.split('.'));
    }
    context.extend(display_name.split_whitespace());
    let estimate = zxcvbn::zxcvbn(password, &context);
    if estimate.score() < zxcvbn::Score::Three {
        let hint = estimate.feedback().and_then(|f| f.warning()).map(|w| w.to_string());
        return Err(Weakness::Guessable(hint));
    }
    Ok(())
}

/// Hashes and verifies passwords with bounded concurrency.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    dummy_hash: Arc<str>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").field("permits", &self.permits.available_permits()).finish()
    }
}

fn argon2() -> Result<Argon2<'static>> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| Error::internal("argon2 params", e))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &[u8]) -> Result<String> {
    argon2()?
        .hash_password(password)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::internal("argon2 hash", e))
}

impl PasswordHasher {
    /// A hasher allowing `concurrency` hashes at once. Computes the dummy hash used to keep
    /// unknown-account logins as slow as real ones.
    pub async fn new(concurrency: usize) -> Result<Self> {
        let dummy = tokio::task::spawn_blocking(|| hash_blocking(b"soco-dummy-password-for-timing"))
            .await
            .map_err(|e| Error::internal("hashing task", e))??;
        Ok(Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), dummy_hash: dummy.into() })
    }

    /// The argon2id PHC string of `password`.
    pub async fn hash(&self, password: &SecretString) -> Result<String> {
        let _permit = self.permits.acquire().await.map_err(|_| Error::invariant("hasher closed"))?;
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_blocking(password.expose_secret().as_bytes()))
            .await
            .map_err(|e| Error::internal("hashing task", e))?
    }

    /// Whether `password` matches `phc`. A malformed stored hash counts as a mismatch.
    pub async fn verify(&self, password: &SecretString, phc: &str) -> Result<bool> {
        let _permit = self.permits.acquire().await.map_err(|_| Error::invariant("hasher closed"))?;
        let password = password.clone();
        let phc = phc.to_owned();
        tokio::task::spawn_blocking(move || {
            Ok(argon2()?.verify_password(password.expose_secret().as_bytes(), phc.as_str()).is_ok())
        })
        .await
        .map_err(|e| Error::internal("hashing task", e))?
    }

    /// Spends the same work as [`verify`](Self::verify) on a dummy hash, so an unknown account
    /// answers in the same time as a known one. Always false.
    pub async fn verify_dummy(&self, password: &SecretString) -> Result<bool> {
        let dummy = self.dummy_hash.clone();
        self.verify(password, &dummy).await.map(|_| false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert_eq!(check_strength("Xq9#vT2!", "a@b.co", "A"), Err(Weakness::TooShort));
        assert_eq!(check_strength(&"x".repeat(257), "a@b.co", "A"), Err(Weakness::TooLong));
        // Length counts characters, not bytes: 12 Indonesian-keyboard-safe multibyte chars pass
        // the length rule (and then the strength rule decides).
        assert_ne!(check_strength("ñandú-ñandú-", "a@b.co", "A"), Err(Weakness::TooShort));
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in ["password1234", "123456789012", "qwertyuiopas"] {
            assert!(
                matches!(check_strength(weak, "ayu@example.id", "Ayu"), Err(Weakness::Guessable(_))),
                "{weak}"
            );
        }
        assert!(matches!(
            check_strength("ayu.lestari@example.id", "ayu.lestari@example.id", "Ayu Lestari"),
            Err(Weakness::Guessable(_))
        ));
    }

    #[test]
    fn long_unpredictable_passphrases_pass_without_composition_rules() {
        assert_eq!(check_strength("correct horse battery staple lamp", "ayu@example.id", "Ayu"), Ok(()));
        assert_eq!(check_strength("kopi susu gula aren tiga", "ayu@example.id", "Ayu"), Ok(()));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_required_cost_and_verify() {
        let hasher = PasswordHasher::new(2).await.expect("hasher");
        let password = SecretString::from("correct horse battery staple");
        let hash = hasher.hash(&password).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify(&password, &hash).await.expect("verify"));
        assert!(!hasher.verify(&SecretString::from("wrong"), &hash).await.expect("verify"));
        assert!(!hasher.verify(&password, "not a hash").await.expect("malformed is a mismatch"));
        assert!(!hasher.verify_dummy(&password).await.expect("dummy"));
        let again = hasher.hash(&password).await.expect("hash");
        assert_ne!(hash, again, "salted");
    }
}
