//! `server rotate-keys`: re-encrypts every secret at rest with the key ring's active key, so an
//! old key can then be removed from `SOCO_TOKEN_KEYS`.
//!
//! Covers TikTok tokens, pending connect flows' PKCE verifiers, TOTP secrets and the one-time copy
//! of recovery codes. Each value is re-sealed in its own update (both tokens of an account
//! together), so an interrupted run leaves every row readable and a second run finishes the job.
//!
//! The service keeps running while this runs: a token refresh, a reconnect or a new 2FA enrolment
//! may replace a value between the moment it is read here and the moment its re-sealed copy is
//! written. So every write is a compare-and-swap on the ciphertext (and key id) that was read: it
//! changes the row only if the row still holds exactly those bytes, and never writes an older
//! value back over a newer one. When the swap finds the value changed, the row is read again: a
//! newer value already sealed with the active key (or a row gone) leaves nothing to do; a newer
//! value under an old key (written by a process not yet given the new ring) is re-sealed in turn,
//! up to [`ATTEMPTS`] times. A value that changed under every attempt is left as it is and the
//! run fails after finishing every other row, naming it, so the operator keeps the old key and
//! runs the command again.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entities::{tiktok_connect_flow, tiktok_token, user};
use crate::error::{Error, Result};
use crate::services::Services;
use crate::vault::{Binding, Sealed};

/// How many times one value is read and swapped before it is reported as changing too often.
pub const ATTEMPTS: u32 = 5;

/// How many values one run re-encrypted, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rotated {
    /// TikTok accounts whose two tokens were re-sealed.
    pub tiktok_tokens: u64,
    /// Pending connect flows.
    pub connect_flows: u64,
    /// TOTP secrets.
    pub totp_secrets: u64,
    /// Recovery-code copies awaiting acknowledgement.
    pub recovery_codes: u64,
}

/// What became of one value found sealed with an old key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Re-sealed with the active key.
    Resealed,
    /// Another writer replaced it with a value sealed with the active key, or removed it; nothing
    /// was written.
    Superseded,
    /// It changed before every one of [`ATTEMPTS`] swaps; it is left as it is.
    KeptChanging,
}

/// Re-seals `bytes` (made with `key_id`) for `binding` under the active key.
fn reseal(services: &Services, key_id: &str, bytes: &[u8], binding: Binding<'_>) -> Result<Sealed> {
    let plain = services
        .vault
        .open(&Sealed { key_id: key_id.to_owned(), bytes: bytes.to_vec() }, binding)
        .map_err(Error::from)?;
    services.vault.seal(&plain, binding).map_err(Error::from)
}

/// One sealed value as read from its row.
trait SealedValue: Sized {
    /// Whether it is sealed with a key other than `active` (and so needs re-sealing).
    fn is_stale(&self, active: &str) -> bool;

    /// Writes its re-sealed copy if the row still holds exactly the ciphertext read; whether it
    /// did.
    async fn swap(&self, services: &Services) -> Result<bool>;

    /// The value as the row holds it now; `None` when the row or the value is gone.
    async fn reread(&self, services: &Services) -> Result<Option<Self>>;

    /// Names the value for the operator.
    fn describe(&self) -> String;
}

/// Re-seals `value` (read sealed with an old key) with compare-and-swap, reading it again after
/// each lost swap.
async fn settle<V: SealedValue>(services: &Services, mut value: V) -> Result<Outcome> {
    let active = services.vault.keys().active().id().to_owned();
    for _ in 0..ATTEMPTS {
        if value.swap(services).await? {
            return Ok(Outcome::Resealed);
        }
        match value.reread(services).await? {
            Some(newer) if newer.is_stale(&active) => value = newer,
            _ => return Ok(Outcome::Superseded),
        }
    }
    Ok(Outcome::KeptChanging)
}

/// An account's access and refresh tokens, re-sealed together.
struct TokenPair(tiktok_token::Model);

impl SealedValue for TokenPair {
    fn is_stale(&self, active: &str) -> bool {
        self.0.key_id != active
    }

    async fn swap(&self, services: &Services) -> Result<bool> {
        let row = &self.0;
        let access = reseal(
            services,
            &row.key_id,
            &row.access_token,
            Binding { purpose: crate::tiktok::connections::ACCESS_PURPOSE, row_id: row.account_id },
        )?;
        let refresh = reseal(
            services,
            &row.key_id,
            &row.refresh_token,
            Binding { purpose: crate::tiktok::connections::REFRESH_PURPOSE, row_id: row.account_id },
        )?;
        // The ciphertexts, not the generation: a disconnect and reconnect starts the generation
        // again at 0, and a refresh could in principle store the same generation number twice.
        let swapped = tiktok_token::Entity::update_many()
            .col_expr(tiktok_token::Column::KeyId, Expr::value(access.key_id))
            .col_expr(tiktok_token::Column::AccessToken, Expr::value(access.bytes))
            .col_expr(tiktok_token::Column::RefreshToken, Expr::value(refresh.bytes))
            .filter(tiktok_token::Column::AccountId.eq(row.account_id))
            .filter(tiktok_token::Column::KeyId.eq(row.key_id.as_str()))
            .filter(tiktok_token::Column::AccessToken.eq(row.access_token.clone()))
            .filter(tiktok_token::Column::RefreshToken.eq(row.refresh_token.clone()))
            .exec(&services.db)
            .await?;
        Ok(swapped.rows_affected == 1)
    }

    async fn reread(&self, services: &Services) -> Result<Option<Self>> {
        Ok(tiktok_token::Entity::find_by_id(self.0.account_id).one(&services.db).await?.map(TokenPair))
    }

    fn describe(&self) -> String {
        format!("the TikTok tokens of account {}", self.0.account_id)
    }
}

/// A pending connect flow's PKCE verifier.
struct Verifier(tiktok_connect_flow::Model);

impl SealedValue for Verifier {
    fn is_stale(&self, active: &str) -> bool {
        self.0.key_id != active
    }

    async fn swap(&self, services: &Services) -> Result<bool> {
        let row = &self.0;
        let binding = Binding { purpose: crate::tiktok::connections::VERIFIER_PURPOSE, row_id: row.user_id };
        let sealed = reseal(services, &row.key_id, &row.pkce_verifier, binding)?;
        let swapped = tiktok_connect_flow::Entity::update_many()
            .col_expr(tiktok_connect_flow::Column::KeyId, Expr::value(sealed.key_id))
            .col_expr(tiktok_connect_flow::Column::PkceVerifier, Expr::value(sealed.bytes))
            .filter(tiktok_connect_flow::Column::Id.eq(row.id))
            .filter(tiktok_connect_flow::Column::KeyId.eq(row.key_id.as_str()))
            .filter(tiktok_connect_flow::Column::PkceVerifier.eq(row.pkce_verifier.clone()))
            .exec(&services.db)
            .await?;
        Ok(swapped.rows_affected == 1)
    }

    async fn reread(&self, services: &Services) -> Result<Option<Self>> {
        Ok(tiktok_connect_flow::Entity::find_by_id(self.0.id).one(&services.db).await?.map(Verifier))
    }

    fn describe(&self) -> String {
        format!("the PKCE verifier of connect flow {}", self.0.id)
    }
}

/// Which of a user's two sealed columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserSecret {
    /// `totp_secret` with `totp_key_id`.
    Totp,
    /// `recovery_codes_shown` with `recovery_codes_key_id`.
    RecoveryCodes,
}

/// One of a user's sealed columns.
struct UserValue(user::Model, UserSecret);

impl UserValue {
    /// The value's key id and ciphertext, if it has both.
    fn parts(&self) -> Option<(&str, &[u8])> {
        let (key_id, bytes) = match self.1 {
            UserSecret::Totp => (&self.0.totp_key_id, &self.0.totp_secret),
            UserSecret::RecoveryCodes => (&self.0.recovery_codes_key_id, &self.0.recovery_codes_shown),
        };
        Some((key_id.as_deref()?, bytes.as_deref()?))
    }
}

impl SealedValue for UserValue {
    fn is_stale(&self, active: &str) -> bool {
        self.parts().is_some_and(|(key_id, _)| key_id != active)
    }

    async fn swap(&self, services: &Services) -> Result<bool> {
        let Some((key_id, bytes)) = self.parts() else { return Ok(false) };
        let (key_column, bytes_column, binding) = match self.1 {
            UserSecret::Totp => {
                (user::Column::TotpKeyId, user::Column::TotpSecret, crate::users::totp_binding(self.0.id))
            }
            UserSecret::RecoveryCodes => (
                user::Column::RecoveryCodesKeyId,
                user::Column::RecoveryCodesShown,
                crate::users::recovery_binding(self.0.id),
            ),
        };
        let sealed = reseal(services, key_id, bytes, binding)?;
        let swapped = user::Entity::update_many()
            .col_expr(key_column, Expr::value(sealed.key_id))
            .col_expr(bytes_column, Expr::value(sealed.bytes))
            .filter(user::Column::Id.eq(self.0.id))
            .filter(key_column.eq(key_id))
            .filter(bytes_column.eq(bytes.to_vec()))
            .exec(&services.db)
            .await?;
        Ok(swapped.rows_affected == 1)
    }

    async fn reread(&self, services: &Services) -> Result<Option<Self>> {
        let row = user::Entity::find_by_id(self.0.id).one(&services.db).await?;
        Ok(row.map(|row| UserValue(row, self.1)))
    }

    fn describe(&self) -> String {
        match self.1 {
            UserSecret::Totp => format!("the TOTP secret of user {}", self.0.id),
            UserSecret::RecoveryCodes => format!("the recovery-code copy of user {}", self.0.id),
        }
    }
}

/// Settles `value`, counting it in `count` when re-sealed and naming it in `unsettled` when it
/// kept changing.
async fn rotate_one<V: SealedValue>(
    services: &Services,
    value: V,
    count: &mut u64,
    unsettled: &mut Vec<String>,
) -> Result<()> {
    let name = value.describe();
    match settle(services, value).await? {
        Outcome::Resealed => *count += 1,
        Outcome::Superseded => tracing::debug!(value = %name, "replaced meanwhile; nothing to re-seal"),
        Outcome::KeptChanging => unsettled.push(name),
    }
    Ok(())
}

/// Re-encrypts everything not sealed with the active key. Fails with [`Error::Conflict`] naming
/// the values that changed under every attempt (after re-sealing all the others): the old key
/// must stay until a later run re-seals them.
pub async fn rotate(services: &Services) -> Result<Rotated> {
    let active = services.vault.keys().active().id().to_owned();
    let mut rotated = Rotated::default();
    let mut unsettled = Vec::new();

    let stale = tiktok_token::Entity::find()
        .filter(tiktok_token::Column::KeyId.ne(active.as_str()))
        .all(&services.db)
        .await?;
    for row in stale {
        rotate_one(services, TokenPair(row), &mut rotated.tiktok_tokens, &mut unsettled).await?;
    }

    let stale = tiktok_connect_flow::Entity::find()
        .filter(tiktok_connect_flow::Column::KeyId.ne(active.as_str()))
        .all(&services.db)
        .await?;
    for row in stale {
        rotate_one(services, Verifier(row), &mut rotated.connect_flows, &mut unsettled).await?;
    }

    let users = user::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::TotpKeyId.ne(active.as_str()))
                .add(user::Column::RecoveryCodesKeyId.ne(active.as_str())),
        )
        .all(&services.db)
        .await?;
    for row in users {
        let totp = UserValue(row.clone(), UserSecret::Totp);
        if totp.is_stale(&active) {
            rotate_one(services, totp, &mut rotated.totp_secrets, &mut unsettled).await?;
        }
        let codes = UserValue(row, UserSecret::RecoveryCodes);
        if codes.is_stale(&active) {
            rotate_one(services, codes, &mut rotated.recovery_codes, &mut unsettled).await?;
        }
    }

    if unsettled.is_empty() {
        Ok(rotated)
    } else {
        Err(Error::Conflict(format!(
            "{} value(s) changed during each of {ATTEMPTS} attempts and are still sealed with an old key \
             ({}); everything else was re-encrypted ({rotated:?}). Keep the old key and run rotate-keys again.",
            unsettled.len(),
            unsettled.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    //! Each test reads a row as `rotate` would, lets another writer replace its value, then hands
    //! the stale read to the per-row step: the newer value must survive, whatever key sealed it.

    use std::sync::atomic::{AtomicU32, Ordering};

    use chrono::Utc;
    use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
    use secrecy::{ExposeSecret, SecretString};

    use super::*;
    use crate::db_tests;
    use crate::entities::tiktok_account;
    use crate::keyring::KeyRing;
    use crate::vault::Vault;

    /// `old` with a new active key, `next`, and `old`'s key still in the ring.
    fn with_new_key(old: &Services) -> Services {
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let key = old.vault.keys().active();
        let fresh = KeyRing::generate("next").expect("key");
        let ring = KeyRing::parse(&format!(
            "next:{},{}:{}",
            hex(fresh.active().bytes().as_slice()),
            key.id(),
            hex(key.bytes().as_slice())
        ))
        .expect("ring");
        let mut services = old.clone();
        services.vault = Vault::new(ring);
        services
    }

    fn seal(services: &Services, plain: &str, binding: Binding<'_>) -> Sealed {
        services.vault.seal(&SecretString::from(plain), binding).expect("seal")
    }

    fn open(services: &Services, key_id: &str, bytes: &[u8], binding: Binding<'_>) -> String {
        let sealed = Sealed { key_id: key_id.to_owned(), bytes: bytes.to_vec() };
        services.vault.open(&sealed, binding).expect("opens").expose_secret().to_owned()
    }

    fn access(account_id: i64) -> Binding<'static> {
        Binding { purpose: crate::tiktok::connections::ACCESS_PURPOSE, row_id: account_id }
    }

    fn refresh(account_id: i64) -> Binding<'static> {
        Binding { purpose: crate::tiktok::connections::REFRESH_PURPOSE, row_id: account_id }
    }

    async fn insert_user(db: &DatabaseConnection, email: &str) -> user::Model {
        let now = Utc::now();
        user::ActiveModel {
            email: Set(email.to_owned()),
            display_name: Set("Sari".to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("user")
    }

    /// A connected account whose tokens `services` sealed as `access-1` and `refresh-1`.
    async fn insert_account(services: &Services) -> tiktok_token::Model {
        let owner = insert_user(&services.db, "sari@example.id").await;
        let now = Utc::now();
        let account = tiktok_account::ActiveModel {
            user_id: Set(owner.id),
            open_id: Set("open-1".to_owned()),
            display_name: Set("Sari".to_owned()),
            scopes: Set(vec![crate::tiktok::Scope::UserInfoBasic].into()),
            status: Set(crate::tiktok::connections::AccountStatus::Active),
            connected_at: Set(now),
            backfill_done: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&services.db)
        .await
        .expect("account");
        let (a, r) = (
            seal(services, "access-1", access(account.id)),
            seal(services, "refresh-1", refresh(account.id)),
        );
        tiktok_token::ActiveModel {
            account_id: Set(account.id),
            key_id: Set(a.key_id),
            access_token: Set(a.bytes),
            access_expires_at: Set(now),
            refresh_token: Set(r.bytes),
            refresh_expires_at: Set(now),
            updated_at: Set(now),
            generation: Set(0),
            refresh_claimed_until: Set(None),
            refresh_claimed_by: Set(None),
        }
        .insert(&services.db)
        .await
        .expect("tokens")
    }

    /// Stores new tokens for the account as `writer` seals them, at `generation`.
    async fn store_tokens(writer: &Services, account_id: i64, tag: &str, generation: i64) {
        let a = seal(writer, &format!("access-{tag}"), access(account_id));
        let r = seal(writer, &format!("refresh-{tag}"), refresh(account_id));
        tiktok_token::Entity::update_many()
            .col_expr(tiktok_token::Column::KeyId, Expr::value(a.key_id))
            .col_expr(tiktok_token::Column::AccessToken, Expr::value(a.bytes))
            .col_expr(tiktok_token::Column::RefreshToken, Expr::value(r.bytes))
            .col_expr(tiktok_token::Column::Generation, Expr::value(generation))
            .filter(tiktok_token::Column::AccountId.eq(account_id))
            .exec(&writer.db)
            .await
            .expect("store");
    }

    /// The account's tokens as `services` opens them, with their key id.
    async fn stored_tokens(services: &Services, account_id: i64) -> (String, String, String) {
        let row =
            tiktok_token::Entity::find_by_id(account_id).one(&services.db).await.expect("db").expect("row");
        (
            row.key_id.clone(),
            open(services, &row.key_id, &row.access_token, access(account_id)),
            open(services, &row.key_id, &row.refresh_token, refresh(account_id)),
        )
    }

    async fn a_refresh_or_reconnect_during_rotation_is_never_undone(db: DatabaseConnection) {
        let (old, _dir) = crate::testing::services(db).await;
        let new = with_new_key(&old);
        let account = insert_account(&old).await.account_id;
        let tokens = |tag: &str| ("next".to_owned(), format!("access-{tag}"), format!("refresh-{tag}"));

        // A refresh (by a process that has the new ring) lands between the read and the write.
        let stale = tiktok_token::Entity::find_by_id(account).one(&old.db).await.expect("db").expect("row");
        store_tokens(&new, account, "2", 1).await;
        assert_eq!(settle(&new, TokenPair(stale)).await.expect("settle"), Outcome::Superseded);
        assert_eq!(stored_tokens(&new, account).await, tokens("2"), "the refreshed tokens stay");

        // A disconnect and reconnect starts the generation again: the same generation number, newer
        // tokens. Only the ciphertext tells them apart.
        store_tokens(&old, account, "3", 0).await;
        let stale = tiktok_token::Entity::find_by_id(account).one(&old.db).await.expect("db").expect("row");
        store_tokens(&new, account, "4", 0).await;
        assert_eq!(settle(&new, TokenPair(stale)).await.expect("settle"), Outcome::Superseded);
        assert_eq!(stored_tokens(&new, account).await, tokens("4"), "the reconnected tokens stay");

        // A process still on the old ring refreshes meanwhile: its newer tokens are re-sealed in turn.
        store_tokens(&old, account, "5", 2).await;
        let stale = tiktok_token::Entity::find_by_id(account).one(&old.db).await.expect("db").expect("row");
        store_tokens(&old, account, "6", 3).await;
        assert_eq!(settle(&new, TokenPair(stale)).await.expect("settle"), Outcome::Resealed);
        assert_eq!(stored_tokens(&new, account).await, tokens("6"), "the newest tokens, re-sealed");

        // A disconnect meanwhile: nothing to write, and nothing comes back.
        store_tokens(&old, account, "7", 4).await;
        let stale = tiktok_token::Entity::find_by_id(account).one(&old.db).await.expect("db").expect("row");
        tiktok_token::Entity::delete_by_id(account).exec(&old.db).await.expect("disconnect");
        assert_eq!(settle(&new, TokenPair(stale)).await.expect("settle"), Outcome::Superseded);
        assert!(tiktok_token::Entity::find_by_id(account).one(&old.db).await.expect("db").is_none());
    }

    /// Sets the user's TOTP secret to `plain` as `writer` seals it.
    async fn enrol(writer: &Services, user_id: i64, plain: &str) {
        let sealed = seal(writer, plain, crate::users::totp_binding(user_id));
        user::Entity::update_many()
            .col_expr(user::Column::TotpKeyId, Expr::value(sealed.key_id))
            .col_expr(user::Column::TotpSecret, Expr::value(sealed.bytes))
            .filter(user::Column::Id.eq(user_id))
            .exec(&writer.db)
            .await
            .expect("enrol");
    }

    /// Sets the user's recovery-code copy to `plain` as `writer` seals it.
    async fn show_codes(writer: &Services, user_id: i64, plain: &str) {
        let sealed = seal(writer, plain, crate::users::recovery_binding(user_id));
        user::Entity::update_many()
            .col_expr(user::Column::RecoveryCodesKeyId, Expr::value(sealed.key_id))
            .col_expr(user::Column::RecoveryCodesShown, Expr::value(sealed.bytes))
            .filter(user::Column::Id.eq(user_id))
            .exec(&writer.db)
            .await
            .expect("codes");
    }

    async fn totp_of(services: &Services, user_id: i64) -> String {
        let row = user::Entity::find_by_id(user_id).one(&services.db).await.expect("db").expect("user");
        let (key_id, bytes) = row.totp_key_id.zip(row.totp_secret).expect("a TOTP secret");
        open(services, &key_id, &bytes, crate::users::totp_binding(user_id))
    }

    async fn a_new_totp_enrolment_during_rotation_is_never_undone(db: DatabaseConnection) {
        let (old, _dir) = crate::testing::services(db).await;
        let new = with_new_key(&old);
        let user_id = insert_user(&old.db, "budi@example.id").await.id;
        let read = async || user::Entity::find_by_id(user_id).one(&old.db).await.expect("db").expect("user");

        // The user enrols a new authenticator (sealed with the new key) between the read and the write.
        enrol(&old, user_id, "SECRET-1").await;
        let stale = read().await;
        enrol(&new, user_id, "SECRET-2").await;
        let outcome = settle(&new, UserValue(stale, UserSecret::Totp)).await.expect("settle");
        assert_eq!(outcome, Outcome::Superseded);
        assert_eq!(totp_of(&new, user_id).await, "SECRET-2", "the new authenticator stays");

        // ... or through a process still on the old ring: the newer secret is re-sealed in turn.
        enrol(&old, user_id, "SECRET-3").await;
        let stale = read().await;
        enrol(&old, user_id, "SECRET-4").await;
        let outcome = settle(&new, UserValue(stale, UserSecret::Totp)).await.expect("settle");
        assert_eq!(outcome, Outcome::Resealed);
        assert_eq!(totp_of(&new, user_id).await, "SECRET-4");
        assert_eq!(read().await.totp_key_id.as_deref(), Some("next"));

        // The recovery-code copy is swapped on its own ciphertext too: a new copy meanwhile stays.
        show_codes(&old, user_id, "codes-1").await;
        let stale = read().await;
        show_codes(&new, user_id, "codes-2").await;
        let outcome = settle(&new, UserValue(stale, UserSecret::RecoveryCodes)).await.expect("settle");
        assert_eq!(outcome, Outcome::Superseded);
        let row = read().await;
        let (key_id, bytes) = row.recovery_codes_key_id.zip(row.recovery_codes_shown).expect("codes");
        assert_eq!(open(&new, &key_id, &bytes, crate::users::recovery_binding(user_id)), "codes-2");
        assert_eq!(totp_of(&new, user_id).await, "SECRET-4", "the TOTP secret untouched");
    }

    /// A value whose every swap loses to a writer still on the old key.
    struct AlwaysChanging<'a>(&'a AtomicU32);

    impl SealedValue for AlwaysChanging<'_> {
        fn is_stale(&self, _active: &str) -> bool {
            true
        }

        async fn swap(&self, _services: &Services) -> Result<bool> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(false)
        }

        async fn reread(&self, _services: &Services) -> Result<Option<Self>> {
            Ok(Some(AlwaysChanging(self.0)))
        }

        fn describe(&self) -> String {
            "a busy value".to_owned()
        }
    }

    async fn a_value_that_keeps_changing_is_reported_after_bounded_attempts(db: DatabaseConnection) {
        let (services, _dir) = crate::testing::services(db).await;
        let swaps = AtomicU32::new(0);
        let outcome = settle(&services, AlwaysChanging(&swaps)).await.expect("settle");
        assert_eq!(outcome, Outcome::KeptChanging);
        assert_eq!(swaps.load(Ordering::SeqCst), ATTEMPTS);
        let mut count = 0;
        let mut unsettled = Vec::new();
        rotate_one(&services, AlwaysChanging(&swaps), &mut count, &mut unsettled).await.expect("rotate");
        assert_eq!((count, unsettled), (0, vec!["a busy value".to_owned()]), "named, not skipped");
    }

    db_tests!(
        a_refresh_or_reconnect_during_rotation_is_never_undone,
        a_new_totp_enrolment_during_rotation_is_never_undone,
        a_value_that_keeps_changing_is_reported_after_bounded_attempts,
    );
}
