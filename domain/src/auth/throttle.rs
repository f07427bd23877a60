//! Account lockout: 5 failed logins for an email address within 15 minutes lock it, then each
//! further failure doubles the delay (1 minute, 2, 4, ... up to an hour). Keyed by the SHA-256
//! of the normalised address, known account or not, so a lockout says nothing about whether the
//! account exists. While locked, no password is hashed at all.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

use crate::Result;
use crate::entities::login_throttle;

/// Failures allowed in one window before the lock.
pub const MAX_FAILURES: i32 = 5;
/// Length of the counting window.
pub const WINDOW: Duration = Duration::minutes(15);
/// The first lock's length; doubles with each failure after.
pub const FIRST_LOCK: Duration = Duration::minutes(1);
/// The longest lock.
pub const MAX_LOCK: Duration = Duration::hours(1);

/// The state of one key, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures in the window.
    pub failures: i32,
    /// Start of the window.
    pub window_started_at: DateTime<Utc>,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Throttle {
    /// How long logins stay refused, if they are.
    pub fn locked_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.locked_until.filter(|until| *until > now).map(|until| until - now)
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(self, now: DateTime<Utc>) -> Self {
        let expired = now - self.window_started_at > WINDOW && self.locked_for(now).is_none();
        let (failures, window_started_at) =
            if expired { (1, now) } else { (self.failures.saturating_add(1), self.window_started_at) };
        let locked_until = (failures >= MAX_FAILURES).then(|| {
            let doublings = u32::try_from(failures - MAX_FAILURES).unwrap_or(0).min(10);
            now + (FIRST_LOCK * 2_i32.pow(doublings)).min(MAX_LOCK)
        });
        Self { failures, window_started_at, locked_until }
    }

    /// The state of a key never seen before, after its first failure.
    pub fn first(now: DateTime<Utc>) -> Self {
        Self { failures: 1, window_started_at: now, locked_until: None }
    }
}

/// How long `key_hash` is locked, if it is.
pub async fn locked_for(
    db: &impl ConnectionTrait,
    key_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Duration>> {
    Ok(login_throttle::Entity::find_by_id(key_hash.to_owned()).one(db).await?.and_then(|row| {
        Throttle {
            failures: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
        }
        .locked_for(now)
    }))
}

/// Records a failed login; returns the new state.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    key_hash: &str,
    now: DateTime<Utc>,
) -> Result<Throttle> {
    match login_throttle::Entity::find_by_id(key_hash.to_owned()).one(db).await? {
        Some(row) => {
            let next = Throttle {
                failures: row.failures,
                window_started_at: row.window_started_at,
                locked_until: row.locked_until,
            }
            .after_failure(now);
            let mut active = row.into_active_model();
            active.failures = Set(next.failures);
            active.window_started_at = Set(next.window_started_at);
            active.locked_until = Set(next.locked_until);
            active.update(db).await?;
            Ok(next)
        }
        None => {
            let next = Throttle::first(now);
            login_throttle::ActiveModel {
                key_hash: Set(key_hash.to_owned()),
                failures: Set(next.failures),
                window_started_at: Set(next.window_started_at),
                locked_until: Set(None),
            }
            .insert(db)
            .await?;
            Ok(next)
        }
    }
}

/// Forgets the failures of `key_hash` (after a successful login).
pub async fn clear(db: &impl ConnectionTrait, key_hash: &str) -> Result<()> {
    login_throttle::Entity::delete_by_id(key_hash.to_owned()).exec(db).await?;
    Ok(())
}

/// Deletes throttles whose window is long over and that lock nothing (housekeeping).
pub async fn delete_stale(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    use sea_orm::{ColumnTrait, Condition, QueryFilter};
    Ok(login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(now - WINDOW))
        .filter(
            Condition::any()
                .add(login_throttle::Column::LockedUntil.is_null())
                .add(login_throttle::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("valid") + Duration::minutes(minutes)
    }

    #[test]
    fn five_failures_in_the_window_lock_for_a_minute() {
        let mut t = Throttle::first(at(0));
        for minute in 1..4 {
            t = t.after_failure(at(minute));
            assert_eq!(t.locked_for(at(minute)), None);
        }
        t = t.after_failure(at(4));
        assert_eq!(t.failures, 5);
        assert_eq!(t.locked_for(at(4)), Some(Duration::minutes(1)));
        assert_eq!(t.locked_for(at(5)), None);
    }

    #[test]
    fn each_further_failure_doubles_the_delay_up_to_an_hour() {
        let mut t = Throttle::first(at(0));
        for _ in 0..4 {
            t = t.after_failure(at(0));
        }
        let mut expected = 1;
        for _ in 0..8 {
            t = t.after_failure(at(0));
            expected = (expected * 2).min(60);
            assert_eq!(t.locked_for(at(0)), Some(Duration::minutes(expected)));
        }
    }

    #[test]
    fn failures_spread_beyond_the_window_start_over() {
        let mut t = Throttle::first(at(0));
        for minute in [1, 2, 3] {
            t = t.after_failure(at(minute));
        }
        t = t.after_failure(at(20));
        assert_eq!(t.failures, 1);
        assert_eq!(t.locked_for(at(20)), None);
    }
}
