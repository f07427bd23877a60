//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock
//! skew either way), the `otpauth://` URI authenticator apps scan, its QR code as SVG, and
//! recovery codes.

use rand::TryRngCore;
use secrecy::{ExposeSecret, SecretString};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::{Error, Result};

/// How many recovery codes a user gets.
pub const RECOVERY_CODES: usize = 10;

fn totp(secret_base32: &str, account: &str) -> Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|_| Error::invariant("stored TOTP secret is not base32"))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_skew(1)
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some("Soco"))
        .build()
        .map_err(|e| Error::internal("TOTP", e))
}

/// A new random 160-bit secret, base32.
pub fn new_secret() -> Result<SecretString> {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| Error::internal("randomness", e))?;
    Ok(SecretString::from(Secret::from(bytes).to_base32()))
}

/// The time step `code` is valid for at `unix_time` (six digits; spaces ignored), if any. A
/// caller must accept each step once only: see `users.totp_last_step`.
pub fn check(secret: &SecretString, account: &str, code: &str, unix_time: u64) -> Result<Option<u64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(totp(secret.expose_secret(), account)?.check(&code, unix_time))
}

/// The code for `unix_time` (tests and the sandbox).
pub fn code_at(secret: &SecretString, account: &str, unix_time: u64) -> Result<String> {
    Ok(totp(secret.expose_secret(), account)?.generate(unix_time).to_string())
}

/// The `otpauth://totp/...` URI for authenticator apps.
pub fn provisioning_uri(secret: &SecretString, account: &str) -> Result<String> {
    totp(secret.expose_secret(), account)?.to_url().map_err(|e| Error::internal("TOTP URI", e))
}

/// The URI as an SVG QR code, ready to inline in HTML.
pub fn qr_svg(uri: &str) -> Result<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| Error::internal("QR", e))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

/// Characters of a recovery code: none that could be read as another.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters in a recovery code: 25 from 31 give 123 bits, beyond any offline search of their
/// (unsalted, fast) SHA-256 hashes.
pub const RECOVERY_CODE_LEN: usize = 25;

/// Ten new recovery codes, shown once: five groups of five (`xxxxx-xxxxx-xxxxx-xxxxx-xxxxx`),
/// each character drawn uniformly (bytes past the last whole multiple of the alphabet are
/// skipped, so no character is likelier than another).
pub fn new_recovery_codes() -> Result<Vec<SecretString>> {
    (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect()
}

fn new_recovery_code() -> Result<SecretString> {
    let whole = u8::try_from(256 - 256 % RECOVERY_ALPHABET.len()).unwrap_or(u8::MAX);
    let mut chars = Vec::with_capacity(RECOVERY_CODE_LEN);
    while chars.len() < RECOVERY_CODE_LEN {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| Error::internal("randomness", e))?;
        chars.extend(
            bytes
                .iter()
                .filter(|b| **b < whole)
                .map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()]))
                .take(RECOVERY_CODE_LEN - chars.len()),
        );
    }
    let groups: Vec<String> = chars.chunks(5).map(|group| group.iter().collect()).collect();
    Ok(SecretString::from(groups.join("-")))
}

/// A recovery code as typed, reduced to the form that is hashed (lower case, no separators).
pub fn normalise_recovery_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B: the ASCII secret "12345678901234567890", 8 digits there; the
        // last 6 digits of each are the 6-digit codes.
        let secret = SecretString::from("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".to_owned());
        for (time, eight) in [(59, "94287082"), (1_111_111_109, "07081804"), (1_234_567_890, "89005924")] {
            assert_eq!(code_at(&secret, "a@b.co", time).expect("code"), &eight[2..]);
            assert_eq!(check(&secret, "a@b.co", &eight[2..], time).expect("check"), Some(time / 30));
        }
    }

    #[test]
    fn skew_is_one_step_either_way() {
        let secret = new_secret().expect("secret");
        let now = 1_800_000_000;
        let code = code_at(&secret, "a@b.co", now).expect("code");
        let step = Some(now / 30);
        assert_eq!(check(&secret, "a@b.co", &code, now + 30).expect("check"), step);
        assert_eq!(check(&secret, "a@b.co", &code, now - 30).expect("check"), step);
        assert_eq!(check(&secret, "a@b.co", &code, now + 90).expect("check"), None);
        assert_eq!(check(&secret, "a@b.co", "12345", now).expect("short codes are refused"), None);
        assert_eq!(check(&secret, "a@b.co", "abcdef", now).expect("letters are refused"), None);
    }

    #[test]
    fn uri_and_qr() {
        let secret = new_secret().expect("secret");
        let uri = provisioning_uri(&secret, "ayu@example.id").expect("uri");
        assert!(uri.starts_with("otpauth://totp/Soco:ayu%40example.id?"), "{uri}");
        assert!(uri.contains(&format!("secret={}", secret.expose_secret())));
        let svg = qr_svg(&uri).expect("svg");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalise() {
        let codes = new_recovery_codes().expect("codes");
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut seen: Vec<_> = codes.iter().map(|c| c.expose_secret().to_owned()).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), RECOVERY_CODES);
        for code in &seen {
            assert_eq!(code.len(), 29, "{code}");
            assert_eq!(code.split('-').count(), 5, "{code}");
            assert_eq!(normalise_recovery_code(code).len(), RECOVERY_CODE_LEN);
            assert!(normalise_recovery_code(code).bytes().all(|b| RECOVERY_ALPHABET.contains(&b)));
        }
        // 25 characters of 31: at least 112 bits.
        assert!(RECOVERY_CODE_LEN as f64 * (RECOVERY_ALPHABET.len() as f64).log2() >= 112.0);
        assert_eq!(normalise_recovery_code(" AbCde-FGH23 "), "abcdefgh23");
    }
}
