//! `users`: a person with a Soco login. Emails are stored normalised (trimmed, lower case).

use sea_orm::entity::prelude::*;

/// One row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Normalised email address, unique.
    #[sea_orm(unique)]
    pub email: String,
    /// The name shown in the interface.
    pub display_name: String,
    /// When the account was created (UTC).
    pub created_at: DateTimeUtc,
    /// When the row last changed (UTC).
    pub updated_at: DateTimeUtc,
    /// argon2id PHC string.
    pub password_hash: String,
    /// The operator (at most one: a unique partial index) or a member.
    pub role: Role,
    /// Interface language: `en` or `id`.
    pub locale: String,
    /// IANA time zone the user's figures are shown in.
    pub time_zone: String,
    /// When the email address was confirmed by its link.
    pub email_verified_at: Option<DateTimeUtc>,
    /// When the user confirmed being 18 or older.
    pub adult_confirmed_at: Option<DateTimeUtc>,
    /// Version of the terms and privacy policy accepted.
    pub terms_version: Option<String>,
    /// When they were accepted.
    pub terms_accepted_at: Option<DateTimeUtc>,
    /// TOTP secret, sealed by the vault (bound to `users.totp_secret` and this row).
    pub totp_secret: Option<Vec<u8>>,
    /// Id of the key that sealed `totp_secret`.
    pub totp_key_id: Option<String>,
    /// When 2FA was turned on; a secret without this is a setup in progress.
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// New recovery codes, sealed by the vault, kept until the user says they saved them.
    pub recovery_codes_shown: Option<Vec<u8>>,
    /// Id of the key that sealed `recovery_codes_shown`.
    pub recovery_codes_key_id: Option<String>,
    /// The last TOTP time step accepted (a code works once).
    pub totp_last_step: Option<i64>,
    /// `recovery_codes_shown` is shown until then, and no longer.
    pub recovery_codes_shown_until: Option<DateTimeUtc>,
    /// The session that started the 2FA setup in progress; only it may see and finish it.
    pub totp_setup_session_id: Option<i64>,
    /// When the user asked for their account to be deleted (none: not asked, or cancelled).
    pub erasure_requested_at: Option<DateTimeUtc>,
    /// When everything of theirs is deleted, unless they cancel by signing in before.
    pub erase_after: Option<DateTimeUtc>,
}

/// `users` is the owner of most other rows.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Login sessions.
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// What a user may do beyond their own data (`users.role`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The installation's operator: sees its status and failing jobs.
    #[sea_orm(string_value = "admin")]
    Admin,
    /// Everyone else.
    #[sea_orm(string_value = "member")]
    Member,
}
