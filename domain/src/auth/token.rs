//! Random secrets handed to browsers (session ids, email links, recovery codes) and the hashes
//! stored in their place. A 256-bit random token needs no slow hash: SHA-256 suffices, and a
//! database leak reveals no usable token.

use base64::Engine;
use rand::TryRngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A new random 256-bit token, base64url without padding (43 characters).
pub fn new_token() -> Result<SecretString> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| Error::internal("randomness", e))?;
    Ok(SecretString::from(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)))
}

/// A random 128-bit reference in hex (an erasure receipt's): unguessable, names nothing.
pub fn new_reference() -> Result<String> {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| Error::internal("randomness", e))?;
    Ok(hex::encode(bytes))
}

/// Hex SHA-256 of a token, as stored.
pub fn hash_token(token: &SecretString) -> String {
    hash_str(token.expose_secret())
}

/// Hex SHA-256 of any string (also used for throttle keys).
pub fn hash_str(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Whether `text` could be a token from [`new_token`]; anything else is refused unread.
pub fn looks_like_token(text: &str) -> bool {
    text.len() == 43 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_url_safe_and_distinct() {
        let a = new_token().expect("token");
        let b = new_token().expect("token");
        assert!(looks_like_token(a.expose_secret()));
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&format!("{}=", &a.expose_secret()[..42])));
    }
}
