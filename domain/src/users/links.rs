//! Emailed links: single-use tokens (stored hashed) for confirming an address, resetting a
//! password and changing the address; how many mails one user may be sent; ending every unopened
//! link when who can prove to own the account changes.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use secrecy::SecretString;

use super::refused;
use crate::auth::throttle::{self, Admission, Key};
use crate::auth::token::{hash_token, looks_like_token, new_token};
use crate::entities::{account_token, user};
use crate::error::Code;
use crate::services::Services;
use crate::{Error, Result};

/// How long an email verification or email change link works.
pub const VERIFY_LINK_LIFETIME: Duration = Duration::hours(24);
/// How long a password reset link works.
pub const RESET_LINK_LIFETIME: Duration = Duration::minutes(30);
/// What a single-use emailed token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::ChangeEmail => "change_email",
        }
    }
}

/// Counts one message to `to` (asked for by `for_user`, when signed in) against the mail limits:
/// five an hour per address and per user, whatever the action.
pub(super) async fn reserve_mail(
    services: &Services,
    to: &str,
    for_user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(user_id) = for_user
        && let Admission::Refused(wait) = throttle::reserve(&services.db, Key::MailFor(user_id), now).await?
    {
        return Err(refused(wait));
    }
    match throttle::reserve(&services.db, Key::MailTo(to), now).await? {
        Admission::Refused(wait) => Err(refused(wait)),
        Admission::Admitted { .. } => Ok(()),
    }
}

/// Ends every link of `user_id` not yet opened, of every purpose (or of one), so a link mailed
/// before a change of password or address is worth nothing after it; returns how many.
pub(super) async fn end_links(
    db: &impl ConnectionTrait,
    user_id: i64,
    only: Option<Purpose>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut ending = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::UsedAt.is_null());
    if let Some(purpose) = only {
        ending = ending.filter(account_token::Column::Purpose.eq(purpose.as_str()));
    }
    Ok(ending.exec(db).await?.rows_affected)
}

/// Issues a single-use token for `user_id`; returns the token for the emailed link.
pub(super) async fn issue_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    new_email: Option<String>,
    now: DateTime<Utc>,
) -> Result<SecretString> {
    let token = new_token()?;
    let lifetime = match purpose {
        Purpose::ResetPassword => RESET_LINK_LIFETIME,
        Purpose::VerifyEmail | Purpose::ChangeEmail => VERIFY_LINK_LIFETIME,
    };
    account_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(hash_token(&token)),
        new_email: Set(new_email),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Marks a valid, unused, unexpired token used and returns it; any other token is refused.
async fn redeem_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<account_token::Model> {
    let invalid = || Error::invalid("token", Code::LinkInvalid);
    if !looks_like_token(token) {
        return Err(invalid());
    }
    let row = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(hash_token(&SecretString::from(token.to_owned()))))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if row.used_at.is_some() || row.expires_at <= now {
        return Err(invalid());
    }
    // Single use even under a race: only the update that still sees `used_at IS NULL` wins.
    let claimed = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(account_token::Column::Id.eq(row.id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    Ok(row)
}

/// Redeems a token (see [`redeem_token`]) and loads the user it belongs to.
pub(super) async fn redeem_for_user(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(account_token::Model, user::Model)> {
    let row = redeem_token(db, token, purpose, now).await?;
    let user = user::Entity::find_by_id(row.user_id).one(db).await?.ok_or(Error::NotFound)?;
    Ok((row, user))
}

/// Deletes emailed-link tokens that were used or have expired (housekeeping); returns how many.
pub async fn delete_spent_tokens(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(account_token::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(account_token::Column::ExpiresAt.lt(now))
                .add(account_token::Column::UsedAt.is_not_null()),
        )
        .exec(db)
        .await?
        .rows_affected)
}
