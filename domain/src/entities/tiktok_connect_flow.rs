//! `tiktok_connect_flows`: a Login Kit authorization in progress. The `state` sent to TikTok is
//! stored hashed and bound to the session that started it; the PKCE verifier is sealed. Rows live
//! ten minutes and are deleted when the callback redeems them.

use sea_orm::entity::prelude::*;

/// One row of `tiktok_connect_flows`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tiktok_connect_flows")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who is connecting.
    pub user_id: i64,
    /// SHA-256 of the session cookie that started the flow.
    pub session_hash: String,
    /// SHA-256 of the `state` parameter.
    #[sea_orm(unique)]
    pub state_hash: String,
    /// The key ring id the verifier is sealed with.
    pub key_id: String,
    /// Sealed PKCE verifier.
    pub pkce_verifier: Vec<u8>,
    /// Start.
    pub created_at: DateTimeUtc,
    /// After this the callback is refused.
    pub expires_at: DateTimeUtc,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
