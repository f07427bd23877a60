//! Server-side sessions. The browser's cookie holds a random 256-bit token; the database holds
//! only its SHA-256, so a leaked table opens no session. Sessions end after 7 days without use or
//! 30 days after login, whichever comes first; a session still owed its second factor lasts 10
//! minutes and grants nothing else.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    Set,
};
use secrecy::{ExposeSecret, SecretString};

use crate::Result;
use crate::auth::RequestMeta;
use crate::auth::token::{hash_token, looks_like_token, new_token};
pub use crate::entities::session::Stage;
use crate::entities::{session, user};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::days(7);
/// A session ends this long after login, used or not.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(30);
/// How long a password-checked login may wait for its second factor.
pub const SECOND_FACTOR_WINDOW: Duration = Duration::minutes(10);
/// `last_seen_at` is written at most this often.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A session just created: the token goes into the cookie and nowhere else.
#[derive(Debug)]
pub struct NewSession {
    /// The cookie value.
    pub token: SecretString,
    /// The session's row id.
    pub id: i64,
    /// When the cookie should expire.
    pub expires_at: DateTime<Utc>,
    /// What it grants.
    pub stage: Stage,
}

/// The session a cookie names, with its user.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The session row.
    pub session: session::Model,
    /// Its stage.
    pub stage: Stage,
    /// The signed-in user.
    pub user: user::Model,
}

/// Starts a session for `user_id`.
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: i64,
    stage: Stage,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let token = new_token()?;
    let expires_at = now
        + match stage {
            Stage::Active => ABSOLUTE_LIFETIME,
            Stage::SecondFactor | Stage::ErasurePending => SECOND_FACTOR_WINDOW,
        };
    let row = session::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(hash_token(&token)),
        stage: Set(stage),
        ip: Set(meta.ip.to_string()),
        user_agent: Set(meta.user_agent.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(NewSession { token, id: row.id, expires_at, stage })
}

/// Ends every session of the user and starts a new one in place of `current` (same stage), so a
/// session id seen before a security change is worth nothing after it. `current` must still be
/// live: a session ended meanwhile (by a reset, say) gets [`Error::Unauthorized`](crate::Error),
/// never a successor. The caller sets the new cookie.
pub async fn rotate(
    db: &impl ConnectionTrait,
    current: &Resolved,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<NewSession> {
    let ended = session::Entity::delete_by_id(current.session.id).exec(db).await?;
    if ended.rows_affected != 1 {
        return Err(crate::Error::Unauthorized);
    }
    revoke_all_except(db, current.user.id, None).await?;
    create(db, current.user.id, current.stage, meta, now).await
}

/// Whether the session `id` still exists (inside a transaction: not ended by another one).
pub async fn is_live(db: &impl ConnectionTrait, id: i64) -> Result<bool> {
    Ok(session::Entity::find_by_id(id).one(db).await?.is_some())
}

/// Finds the live session for a cookie value; expired ones are deleted on sight.
pub async fn resolve(db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<Option<Resolved>> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let hash = hash_token(&SecretString::from(token.to_owned()));
    let Some((session, Some(user))) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash))
        .find_also_related(user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let stage = session.stage;
    if session.expires_at <= now || now - session.last_seen_at > IDLE_TIMEOUT {
        session::Entity::delete_by_id(session.id).exec(db).await?;
        return Ok(None);
    }
    let session = if now - session.last_seen_at > TOUCH_EVERY {
        let mut active = session.into_active_model();
        active.last_seen_at = Set(now);
        active.update(db).await?
    } else {
        session
    };
    Ok(Some(Resolved { session, stage, user }))
}

/// Ends the session a cookie names (logout).
pub async fn end(db: &impl ConnectionTrait, token: &SecretString) -> Result<()> {
    session::Entity::delete_many().filter(session::Column::TokenHash.eq(hash_token(token))).exec(db).await?;
    Ok(())
}

/// Ends one session by id, only if it belongs to `user_id`. Returns whether one ended.
pub async fn revoke(db: &impl ConnectionTrait, user_id: i64, session_id: i64) -> Result<bool> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected > 0)
}

/// Ends every session of `user_id` except `keep` (all of them when `None`). Returns how many.
pub async fn revoke_all_except(db: &impl ConnectionTrait, user_id: i64, keep: Option<i64>) -> Result<u64> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}

/// The user's live, fully signed-in sessions, most recently used first.
pub async fn list_active(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>> {
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Stage.eq(Stage::Active))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(now - IDLE_TIMEOUT))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?)
}

/// Whether the user has signed in before from this user agent (for new-device alerts).
pub async fn known_user_agent(db: &impl ConnectionTrait, user_id: i64, user_agent: &str) -> Result<bool> {
    use crate::entities::security_event;
    let seen = security_event::Entity::find()
        .filter(security_event::Column::UserId.eq(user_id))
        .filter(security_event::Column::Kind.is_in(["login", "registered"]))
        .filter(security_event::Column::UserAgent.eq(user_agent))
        .one(db)
        .await?;
    Ok(seen.is_some())
}

/// Deletes sessions past their end (housekeeping).
pub async fn delete_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - IDLE_TIMEOUT)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// The cookie value of a new session, for the web layer.
pub fn cookie_value(session: &NewSession) -> &str {
    session.token.expose_secret()
}
