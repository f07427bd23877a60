//! Secrets at rest: AES-256-GCM with the [`KeyRing`](crate::keyring::KeyRing).
//!
//! Every encryption draws a fresh random 96-bit nonce and binds the ciphertext to where it is
//! stored (table, column and row) through the associated data, so a ciphertext copied to another
//! row or column does not decrypt. The stored form is `nonce ‖ ciphertext ‖ tag` beside the id of
//! the key that made it; decryption picks that key from the ring, so old keys keep working after a
//! new one becomes active. Plaintext comes back as [`SecretString`] so it cannot be logged.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::TryRngCore;
use secrecy::{ExposeSecret, SecretString};

use crate::keyring::KeyRing;

const NONCE_LEN: usize = 12;

/// Where a secret lives; becomes the associated data of its ciphertext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding<'a> {
    /// What the secret is, as `table.column`, e.g. `users.totp_secret`.
    pub purpose: &'a str,
    /// The row that owns it.
    pub row_id: i64,
}

impl Binding<'_> {
    fn associated_data(&self) -> Vec<u8> {
        format!("soco:v1:{}:{}", self.purpose, self.row_id).into_bytes()
    }
}

/// An encrypted value as stored: which key, and `nonce ‖ ciphertext ‖ tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Id of the key that encrypted it.
    pub key_id: String,
    /// Nonce, ciphertext and tag.
    pub bytes: Vec<u8>,
}

/// Why a secret could not be encrypted or decrypted. Deliberately says nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The key id is not in the ring (the key was removed from configuration).
    #[error("the key that encrypted this value is not configured")]
    UnknownKey,
    /// Wrong key, wrong binding, or the stored bytes were changed.
    #[error("the value could not be decrypted")]
    Corrupt,
    /// The system's random source failed.
    #[error("no randomness available")]
    Randomness,
}

/// Encrypts and decrypts secrets with a key ring.
#[derive(Debug, Clone)]
pub struct Vault {
    keys: KeyRing,
}

impl Vault {
    /// A vault over `keys`; the ring's first key encrypts.
    pub fn new(keys: KeyRing) -> Self {
        Self { keys }
    }

    /// The key ring, e.g. to report which key is active.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// Encrypts `plaintext` for the place `binding` names, with the active key.
    pub fn seal(&self, plaintext: &SecretString, binding: Binding<'_>) -> Result<Sealed, VaultError> {
        let key = self.keys.active();
        let cipher = Aes256Gcm::new_from_slice(key.bytes()).map_err(|_| VaultError::Corrupt)?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.try_fill_bytes(&mut nonce).map_err(|_| VaultError::Randomness)?;
        let aad = binding.associated_data();
        let ciphertext = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plaintext.expose_secret().as_bytes(), aad: &aad })
            .map_err(|_| VaultError::Corrupt)?;
        let mut bytes = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&ciphertext);
        Ok(Sealed { key_id: key.id().to_owned(), bytes })
    }

    /// Decrypts a value sealed for `binding`.
    pub fn open(&self, sealed: &Sealed, binding: Binding<'_>) -> Result<SecretString, VaultError> {
        let key = self.keys.get(&sealed.key_id).ok_or(VaultError::UnknownKey)?;
        if sealed.bytes.len() < NONCE_LEN + 16 {
            return Err(VaultError::Corrupt);
        }
        let (nonce, ciphertext) = sealed.bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| VaultError::Corrupt)?;
        let cipher = Aes256Gcm::new_from_slice(key.bytes()).map_err(|_| VaultError::Corrupt)?;
        let aad = binding.associated_data();
        let plaintext = cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad: &aad })
            .map_err(|_| VaultError::Corrupt)?;
        let text = String::from_utf8(plaintext).map_err(|_| VaultError::Corrupt)?;
        Ok(SecretString::from(text))
    }

    /// Whether `sealed` was made with a key other than the active one (and so should be
    /// re-encrypted when keys rotate).
    pub fn is_stale(&self, sealed: &Sealed) -> bool {
        sealed.key_id != self.keys.active().id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "old:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const NEW: &str = "new:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";

    fn vault(ring: &str) -> Vault {
        Vault::new(KeyRing::parse(ring).expect("valid ring"))
    }

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    const ROW_7: Binding<'static> = Binding { purpose: "users.totp_secret", row_id: 7 };

    #[test]
    fn round_trips() {
        let vault = vault(OLD);
        let sealed = vault.seal(&secret("JBSWY3DPEHPK3PXP"), ROW_7).expect("seal");
        assert_eq!(sealed.key_id, "old");
        assert_eq!(vault.open(&sealed, ROW_7).expect("open").expose_secret(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn every_encryption_uses_a_fresh_nonce() {
        let vault = vault(OLD);
        let a = vault.seal(&secret("same"), ROW_7).expect("seal");
        let b = vault.seal(&secret("same"), ROW_7).expect("seal");
        assert_ne!(a.bytes[..NONCE_LEN], b.bytes[..NONCE_LEN]);
        assert_ne!(a.bytes, b.bytes);
    }

    #[test]
    fn tampering_is_detected() {
        let vault = vault(OLD);
        let sealed = vault.seal(&secret("token"), ROW_7).expect("seal");
        for i in [0, NONCE_LEN, sealed.bytes.len() - 1] {
            let mut bad = sealed.clone();
            bad.bytes[i] ^= 1;
            assert_eq!(vault.open(&bad, ROW_7).err(), Some(VaultError::Corrupt), "byte {i}");
        }
        let mut short = sealed.clone();
        short.bytes.truncate(10);
        assert_eq!(vault.open(&short, ROW_7).err(), Some(VaultError::Corrupt));
    }

    #[test]
    fn a_ciphertext_only_opens_where_it_was_stored() {
        let vault = vault(OLD);
        let sealed = vault.seal(&secret("token"), ROW_7).expect("seal");
        let other_row = Binding { purpose: "users.totp_secret", row_id: 8 };
        let other_column = Binding { purpose: "tiktok_accounts.access_token", row_id: 7 };
        assert_eq!(vault.open(&sealed, other_row).err(), Some(VaultError::Corrupt));
        assert_eq!(vault.open(&sealed, other_column).err(), Some(VaultError::Corrupt));
    }

    #[test]
    fn old_keys_still_decrypt_after_rotation_and_unknown_keys_are_named() {
        let before = vault(OLD);
        let sealed = before.seal(&secret("token"), ROW_7).expect("seal");
        let after = vault(&format!("{NEW},{OLD}"));
        assert!(after.is_stale(&sealed));
        assert_eq!(after.open(&sealed, ROW_7).expect("open").expose_secret(), "token");
        let resealed = after.seal(&secret("token"), ROW_7).expect("seal");
        assert_eq!(resealed.key_id, "new");
        assert!(!after.is_stale(&resealed));
        let without_old = vault(NEW);
        assert_eq!(without_old.open(&sealed, ROW_7).err(), Some(VaultError::UnknownKey));
    }
}
