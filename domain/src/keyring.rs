//! The key ring for encrypting TikTok tokens at rest: named 256-bit keys, the first one active.
//!
//! Keys come from `SOCO_TOKEN_KEYS` (`id:key,id:key`, key as base64 or hex of 32 bytes) or, when
//! that is unset, from a file in the data folder that Soco creates with mode 0600 on first start.
//! Key bytes live in [`secrecy::SecretBox`]: they zeroise on drop and never print.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use secrecy::{ExposeSecret, SecretBox};

/// Length of an AES-256 key in bytes.
pub const KEY_LEN: usize = 32;

/// One named key.
pub struct Key {
    id: String,
    secret: SecretBox<[u8; KEY_LEN]>,
}

impl Key {
    /// The key's id, stored beside every ciphertext it makes.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The raw key bytes, for the cipher only.
    pub fn bytes(&self) -> &[u8; KEY_LEN] {
        self.secret.expose_secret()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key").field("id", &self.id).field("secret", &"[redacted]").finish()
    }
}

/// Named keys; the first encrypts, every one decrypts.
#[derive(Debug, Clone)]
pub struct KeyRing {
    keys: Arc<[Key]>,
}

/// Why a key ring could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KeyRingError {
    /// The text does not describe a valid key ring.
    #[error("{0}")]
    Invalid(String),
    /// The key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The key file can be read by others than its owner.
    #[error("key file {0} must be readable by its owner only (chmod 600)")]
    Permissions(String),
}

impl KeyRing {
    /// Parses `id:key` pairs separated by commas or new lines; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Self, KeyRingError> {
        let invalid = |msg: String| KeyRingError::Invalid(msg);
        let mut keys: Vec<Key> = Vec::new();
        let entries = text
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|entry| !entry.is_empty());
        for (position, entry) in entries.enumerate() {
            let n = position + 1;
            let (id, encoded) =
                entry.split_once(':').ok_or_else(|| invalid(format!("key {n} is not of the form id:key")))?;
            let id = id.trim();
            if id.is_empty()
                || id.len() > 32
                || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(invalid(format!("key {n}: the id must be 1 to 32 letters, digits, '-' or '_'")));
            }
            if keys.iter().any(|key| key.id == id) {
                return Err(invalid(format!("key id \"{id}\" appears twice")));
            }
            let bytes = decode_key(encoded.trim()).ok_or_else(|| {
                invalid(format!(
                    "key \"{id}\" must be 32 bytes written as base64 (44 characters) or hex (64)"
                ))
            })?;
            keys.push(Key { id: id.to_owned(), secret: SecretBox::new(Box::new(bytes)) });
        }
        if keys.is_empty() {
            return Err(invalid("no key given".into()));
        }
        Ok(Self { keys: keys.into() })
    }

    /// Creates a ring of one fresh random key.
    pub fn generate(id: &str) -> Result<Self, KeyRingError> {
        use rand::TryRngCore;
        let mut bytes = [0u8; KEY_LEN];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| KeyRingError::Invalid(format!("no system randomness: {e}")))?;
        Ok(Self { keys: vec![Key { id: id.to_owned(), secret: SecretBox::new(Box::new(bytes)) }].into() })
    }

    /// Reads the key file, or creates it with one new key (mode 0600) when it does not exist.
    /// Returns the ring and whether the file was just created.
    pub async fn load_or_create(path: &Path) -> Result<(Self, bool), KeyRingError> {
        let io = |source| KeyRingError::Io { path: path.display().to_string(), source };
        match tokio::fs::read_to_string(path).await {
            Ok(text) => {
                check_owner_only(path).await?;
                Ok((Self::parse(&text)?, false))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent).await.map_err(io)?;
                }
                let id = format!("k{}", chrono::Utc::now().format("%Y%m%d"));
                let ring = Self::generate(&id)?;
                write_new_private_file(path, &ring.to_file_text()).await.map_err(io)?;
                Ok((ring, true))
            }
            Err(err) => Err(io(err)),
        }
    }

    /// The key that encrypts.
    pub fn active(&self) -> &Key {
        // `parse` and `generate` never build an empty ring.
        &self.keys[0]
    }

    /// The key with this id, to decrypt.
    pub fn get(&self, id: &str) -> Option<&Key> {
        self.keys.iter().find(|key| key.id == id)
    }

    /// All ids, active first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|key| key.id.as_str())
    }

    fn to_file_text(&self) -> String {
        let mut text = String::from(
            "# Soco token encryption keys (id:base64). The first encrypts; keep this file secret\n\
             # and backed up: tokens encrypted with a lost key cannot be read again.\n",
        );
        for key in self.keys.iter() {
            let encoded = base64::engine::general_purpose::STANDARD.encode(key.bytes());
            text.push_str(&format!("{}:{encoded}\n", key.id));
        }
        text
    }
}

fn decode_key(text: &str) -> Option<[u8; KEY_LEN]> {
    let bytes = if text.len() == KEY_LEN * 2 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..KEY_LEN)
            .map(|i| u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())?
    };
    bytes.try_into().ok()
}

#[cfg(unix)]
async fn write_new_private_file(path: &Path, text: &str) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).await?;
    file.write_all(text.as_bytes()).await?;
    file.sync_all().await
}

#[cfg(not(unix))]
async fn write_new_private_file(path: &Path, text: &str) -> std::io::Result<()> {
    tokio::fs::write(path, text).await
}

#[cfg(unix)]
async fn check_owner_only(path: &Path) -> Result<(), KeyRingError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|source| KeyRingError::Io { path: path.display().to_string(), source })?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(KeyRingError::Permissions(path.display().to_string()));
    }
    Ok(())
}

#[cfg(not(unix))]
async fn check_owner_only(_path: &Path) -> Result<(), KeyRingError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn parses_hex_and_base64_keys_first_active() {
        let ring = KeyRing::parse(&format!("new:{B64}, old:{HEX}")).expect("valid");
        assert_eq!(ring.active().id(), "new");
        assert_eq!(ring.ids().collect::<Vec<_>>(), ["new", "old"]);
        assert_eq!(ring.get("old").expect("present").bytes(), ring.active().bytes());
        assert_eq!(ring.active().bytes()[31], 0x1f);
    }

    #[test]
    fn refuses_bad_rings() {
        for bad in ["", "k1", "k1:short", &format!("k 1:{HEX}"), &format!("a:{HEX},a:{B64}")] {
            assert!(KeyRing::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let ring = KeyRing::parse(&format!("k1:{HEX}")).expect("valid");
        let shown = format!("{ring:?}");
        assert!(shown.contains("redacted") && !shown.contains("31"), "{shown}");
    }

    #[tokio::test]
    async fn creates_a_private_key_file_once_then_reads_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested/token-keys");
        let (first, created) = KeyRing::load_or_create(&path).await.expect("created");
        assert!(created);
        let (second, created_again) = KeyRing::load_or_create(&path).await.expect("read");
        assert!(!created_again);
        assert_eq!(first.active().bytes(), second.active().bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(matches!(KeyRing::load_or_create(&path).await, Err(KeyRingError::Permissions(_))));
        }
    }

    #[test]
    fn generated_keys_differ() {
        let a = KeyRing::generate("a").expect("random");
        let b = KeyRing::generate("b").expect("random");
        assert_ne!(a.active().bytes(), b.active().bytes());
    }
}
