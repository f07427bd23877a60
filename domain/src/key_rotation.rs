//! `server rotate-keys`: re-encrypts every secret at rest with the key ring's active key, so an
//! old key can then be removed from `SOCO_TOKEN_KEYS`.
//!
//! Covers TikTok tokens, pending connect flows' PKCE verifiers, TOTP secrets and the one-time copy
//! of recovery codes. Each row is re-sealed in its own update (both tokens of an account together),
//! so an interrupted run leaves every row readable and a second run finishes the job.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::entities::{tiktok_connect_flow, tiktok_token, user};
use crate::error::{Error, Result};
use crate::services::Services;
use crate::vault::{Binding, Sealed, VaultError};

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

fn vault_error(error: VaultError) -> Error {
    Error::Internal(format!("vault: {error}"))
}

/// Re-seals `bytes` (made with `key_id`) for `binding` under the active key.
fn reseal(services: &Services, key_id: &str, bytes: &[u8], binding: Binding<'_>) -> Result<Sealed> {
    let plain = services
        .vault
        .open(&Sealed { key_id: key_id.to_owned(), bytes: bytes.to_vec() }, binding)
        .map_err(vault_error)?;
    services.vault.seal(&plain, binding).map_err(vault_error)
}

/// Re-encrypts everything not sealed with the active key.
pub async fn rotate(services: &Services) -> Result<Rotated> {
    let active = services.vault.keys().active().id().to_owned();
    let mut rotated = Rotated::default();

    let stale = tiktok_token::Entity::find()
        .filter(tiktok_token::Column::KeyId.ne(active.as_str()))
        .all(&services.db)
        .await?;
    for row in stale {
        let access = reseal(
            services,
            &row.key_id,
            &row.access_token,
            Binding { purpose: crate::connections::ACCESS_PURPOSE, row_id: row.account_id },
        )?;
        let refresh = reseal(
            services,
            &row.key_id,
            &row.refresh_token,
            Binding { purpose: crate::connections::REFRESH_PURPOSE, row_id: row.account_id },
        )?;
        // Only over the generation it read: a refresh in another process meanwhile wrote newer
        // tokens (sealed with the active key already), which must not be replaced by these.
        use sea_orm::sea_query::Expr;
        let resealed = tiktok_token::Entity::update_many()
            .col_expr(tiktok_token::Column::KeyId, Expr::value(access.key_id))
            .col_expr(tiktok_token::Column::AccessToken, Expr::value(access.bytes))
            .col_expr(tiktok_token::Column::RefreshToken, Expr::value(refresh.bytes))
            .filter(tiktok_token::Column::AccountId.eq(row.account_id))
            .filter(tiktok_token::Column::Generation.eq(row.generation))
            .exec(&services.db)
            .await?;
        rotated.tiktok_tokens += resealed.rows_affected;
    }

    let stale = tiktok_connect_flow::Entity::find()
        .filter(tiktok_connect_flow::Column::KeyId.ne(active.as_str()))
        .all(&services.db)
        .await?;
    for row in stale {
        let binding = Binding { purpose: crate::connections::VERIFIER_PURPOSE, row_id: row.user_id };
        let sealed = reseal(services, &row.key_id, &row.pkce_verifier, binding)?;
        let mut update = row.into_active_model();
        update.key_id = Set(sealed.key_id);
        update.pkce_verifier = Set(sealed.bytes);
        update.update(&services.db).await?;
        rotated.connect_flows += 1;
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
        let mut update = row.clone().into_active_model();
        let mut changed = false;
        if let (Some(bytes), Some(key_id)) = (&row.totp_secret, &row.totp_key_id)
            && *key_id != active
        {
            let sealed = reseal(services, key_id, bytes, crate::accounts::totp_binding(row.id))?;
            update.totp_key_id = Set(Some(sealed.key_id));
            update.totp_secret = Set(Some(sealed.bytes));
            rotated.totp_secrets += 1;
            changed = true;
        }
        if let (Some(bytes), Some(key_id)) = (&row.recovery_codes_shown, &row.recovery_codes_key_id)
            && *key_id != active
        {
            let sealed = reseal(services, key_id, bytes, crate::accounts::recovery_binding(row.id))?;
            update.recovery_codes_key_id = Set(Some(sealed.key_id));
            update.recovery_codes_shown = Set(Some(sealed.bytes));
            rotated.recovery_codes += 1;
            changed = true;
        }
        if changed {
            update.update(&services.db).await?;
        }
    }
    Ok(rotated)
}
