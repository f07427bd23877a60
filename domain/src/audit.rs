//! The security audit log: who did what, when, from where. Users see their own events on the
//! Security page. Details never hold secrets.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::Result;
use crate::auth::RequestMeta;
use crate::entities::security_event;
pub use crate::entities::security_event::EventKind;

/// The longest detail kept, in characters (an erasure receipt is the longest).
pub const DETAIL_MAX: usize = 2000;

/// Records one event.
pub async fn record(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    kind: EventKind,
    meta: &RequestMeta,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    security_event::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        ip: Set(meta.ip.to_string()),
        user_agent: Set(meta.user_agent.clone()),
        detail: Set(detail.map(|d| d.chars().take(DETAIL_MAX).collect())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How long security events are kept (the privacy policy's 90 days for usage logs; the data
/// inventory says the same, and a test holds the two together).
pub const RETENTION: chrono::Duration = chrono::Duration::days(90);

/// Deletes events older than [`RETENTION`]; returns how many.
pub async fn delete_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(security_event::Entity::delete_many()
        .filter(security_event::Column::CreatedAt.lt(now - RETENTION))
        .exec(db)
        .await?
        .rows_affected)
}

/// A user's most recent events, newest first.
pub async fn recent_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<security_event::Model>> {
    Ok(security_event::Entity::find()
        .filter(security_event::Column::UserId.eq(user_id))
        .order_by_desc(security_event::Column::CreatedAt)
        .order_by_desc(security_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
