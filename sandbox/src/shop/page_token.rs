//! Opaque page tokens: a position in a listing, bound to the filters it was issued for.
//!
//! Like TikTok's, they are standard base64 (so they may contain `+` and `/`, which clients must
//! percent-encode and sign decoded). Inside: a listing kind, a fingerprint of the filters, the
//! position values and a check byte; a token from another listing, other filters, or edited by
//! hand is refused with a clear `36009004`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::envelope::ShopError;
use crate::world::rng::hash;

/// Which listing a token pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Listing {
    /// Orders search.
    Orders = 1,
    /// Products search.
    Products = 2,
    /// Finance statements.
    Statements = 3,
    /// Finance payments.
    Payments = 4,
    /// A statement's transactions.
    StatementTransactions = 5,
}

/// A fingerprint of the filters of a request, to bind its tokens to them.
pub fn fingerprint(parts: &[&str]) -> u64 {
    let words: Vec<u64> =
        parts.iter().map(|p| hash(p.len() as u64, &p.bytes().map(u64::from).collect::<Vec<_>>())).collect();
    hash(0x5A5A, &words)
}

/// The token for `position` in `listing` under the filters `fingerprint`.
pub fn encode(listing: Listing, fingerprint: u64, position: &[i64]) -> String {
    let mut bytes = vec![listing as u8];
    bytes.extend_from_slice(&fingerprint.to_be_bytes()[..4]);
    for value in position {
        bytes.extend_from_slice(&value.to_be_bytes());
    }
    let check = hash(7, &bytes.iter().map(|b| u64::from(*b)).collect::<Vec<_>>()) as u8;
    bytes.push(check);
    STANDARD.encode(bytes)
}

/// The position in `token`, which must have been issued for `listing` under `fingerprint` with
/// `len` values.
pub fn decode(token: &str, listing: Listing, fingerprint: u64, len: usize) -> Result<Vec<i64>, ShopError> {
    let invalid = || ShopError::invalid_param("page_token is invalid.");
    let bytes = STANDARD.decode(token).map_err(|_| invalid())?;
    if bytes.len() != 1 + 4 + 8 * len + 1 || bytes[0] != listing as u8 {
        return Err(invalid());
    }
    let (body, check) = bytes.split_at(bytes.len() - 1);
    if hash(7, &body.iter().map(|b| u64::from(*b)).collect::<Vec<_>>()) as u8 != check[0] {
        return Err(invalid());
    }
    if body[1..5] != fingerprint.to_be_bytes()[..4] {
        return Err(ShopError::invalid_param("page_token does not belong to these filters."));
    }
    Ok(body[5..].chunks_exact(8).map(|c| i64::from_be_bytes(c.try_into().unwrap_or_default())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_others() {
        let print = fingerprint(&["DESC", "COMPLETED"]);
        let token = encode(Listing::Orders, print, &[1_793_491_200, 42]);
        assert_eq!(decode(&token, Listing::Orders, print, 2), Ok(vec![1_793_491_200, 42]));
        assert!(decode(&token, Listing::Products, print, 2).is_err(), "other listing");
        assert!(decode(&token, Listing::Orders, fingerprint(&["ASC", "COMPLETED"]), 2).is_err());
        assert!(decode("not base64!", Listing::Orders, print, 2).is_err());
        let mut edited = STANDARD.decode(&token).expect("base64");
        edited[8] ^= 1;
        assert!(decode(&STANDARD.encode(edited), Listing::Orders, print, 2).is_err(), "check byte");
    }

    #[test]
    fn tokens_use_the_standard_alphabet() {
        let any_special = (0..200)
            .map(|i| encode(Listing::Orders, 1, &[i * 7_777_777, i]))
            .any(|t| t.contains('+') || t.contains('/'));
        assert!(any_special, "clients must cope with + and / as they do with TikTok's");
    }
}
