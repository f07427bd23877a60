//! Attempt counters with lockout, in the database so every process sees the same count.
//!
//! Each [`Key`] names what is counted in its own namespace (logins per address, second-factor
//! codes per user, in-session password checks per user, mail sent to an address or asked for by
//! a user), and each namespace has its [`Policy`]: so many attempts in a window, then a lock that
//! doubles with each attempt after (logins: 5 in a day, then 1 minute, 2, 4, ... up to an hour).
//! Keys are stored as the SHA-256 of `namespace \n value`, so a typed string can never count
//! against another namespace, and a lockout says nothing about whether an account exists.
//!
//! An attempt is [`reserve`]d, atomically, *before* the slow check it guards: it counts as a
//! failure from the moment it is admitted, so concurrent attempts cannot all pass a limit that
//! each read before any was counted. A success then [`clear`]s the key.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use crate::Result;
use crate::auth::token::hash_str;
use crate::entities::login_throttle;

/// How many attempts a namespace allows, and how long it locks after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Attempts admitted in one window; the last of them sets the lock.
    pub max_attempts: i32,
    /// Length of the counting window.
    pub window: Duration,
    /// The first lock's length; doubles with each attempt after.
    pub first_lock: Duration,
    /// The longest lock.
    pub max_lock: Duration,
}

/// Password logins and in-session password checks: five failures in a day lock for a minute,
/// each one after doubles the lock up to an hour, and only a success or a quiet day starts over
/// (a window shorter than the longest lock would let a patient guesser start over every time).
pub const SIGN_IN: Policy = Policy {
    max_attempts: 5,
    window: Duration::hours(24),
    first_lock: Duration::minutes(1),
    max_lock: Duration::hours(1),
};

/// Second-factor codes, which come after a right password: the count lasts a week and the lock
/// doubles up to a day, so a guesser who has the password gets a few dozen tries a week (the
/// owner is alerted when the lock first falls).
pub const SECOND_FACTOR: Policy = Policy {
    max_attempts: 5,
    window: Duration::days(7),
    first_lock: Duration::minutes(1),
    max_lock: Duration::hours(24),
};

/// Mail Soco sends on request (links, notices): five an hour per address and per user.
pub const MAIL: Policy = Policy {
    max_attempts: 5,
    window: Duration::hours(1),
    first_lock: Duration::hours(1),
    max_lock: Duration::hours(24),
};

/// The longest window of any policy: counters older than this, and unlocked, are swept.
const LONGEST_WINDOW: Duration = Duration::days(7);

/// What one counter counts. Each variant is its own namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    /// Password logins for a normalised email address (known account or not).
    Login(&'a str),
    /// Second-factor codes of a user.
    SecondFactor(i64),
    /// Passwords typed by a signed-in user to confirm a sensitive change.
    PasswordCheck(i64),
    /// Mail sent to a normalised address (sign-up links and notices, change links).
    MailTo(&'a str),
    /// Reset links sent to a normalised address: a budget of their own, so notices others
    /// trigger cannot use up the owner's way back in.
    ResetTo(&'a str),
    /// Mail sent because this user asked.
    MailFor(i64),
    /// Security alerts to a user (so a session holder cannot flood the owner with them).
    AlertsFor(i64),
}

impl Key<'_> {
    /// The stored key: the hash of the namespace and the value, never of raw input alone.
    pub fn hash(&self) -> String {
        match self {
            Key::Login(email) => hash_str(&format!("login\n{email}")),
            Key::SecondFactor(user_id) => hash_str(&format!("second_factor\n{user_id}")),
            Key::PasswordCheck(user_id) => hash_str(&format!("password_check\n{user_id}")),
            Key::MailTo(email) => hash_str(&format!("mail_to\n{email}")),
            Key::ResetTo(email) => hash_str(&format!("reset_to\n{email}")),
            Key::MailFor(user_id) => hash_str(&format!("mail_for\n{user_id}")),
            Key::AlertsFor(user_id) => hash_str(&format!("alerts_for\n{user_id}")),
        }
    }

    /// The policy of this key's namespace.
    pub fn policy(&self) -> Policy {
        match self {
            Key::Login(_) | Key::PasswordCheck(_) => SIGN_IN,
            Key::SecondFactor(_) => SECOND_FACTOR,
            Key::MailTo(_) | Key::ResetTo(_) | Key::MailFor(_) | Key::AlertsFor(_) => MAIL,
        }
    }
}

/// The state of one key, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Attempts in the window that did not succeed (or have not yet).
    pub failures: i32,
    /// Start of the window.
    pub window_started_at: DateTime<Utc>,
    /// Attempts are refused until then.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Throttle {
    /// How long attempts stay refused, if they are.
    pub fn locked_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.locked_until.filter(|until| *until > now).map(|until| until - now)
    }

    /// The state after one more attempt at `now`.
    pub fn after_attempt(self, policy: Policy, now: DateTime<Utc>) -> Self {
        let expired = now - self.window_started_at > policy.window && self.locked_for(now).is_none();
        let (failures, window_started_at) =
            if expired { (1, now) } else { (self.failures.saturating_add(1), self.window_started_at) };
        let locked_until = (failures >= policy.max_attempts).then(|| {
            let doublings = u32::try_from(failures - policy.max_attempts).unwrap_or(0).min(10);
            now + (policy.first_lock * 2_i32.pow(doublings)).min(policy.max_lock)
        });
        Self { failures, window_started_at, locked_until }
    }

    /// The state of a key never seen before.
    pub fn fresh(now: DateTime<Utc>) -> Self {
        Self { failures: 0, window_started_at: now, locked_until: None }
    }
}

impl From<login_throttle::Model> for Throttle {
    fn from(row: login_throttle::Model) -> Self {
        Self {
            failures: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
        }
    }
}

/// The answer to [`reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The attempt may go ahead; it is counted already. `locks` says whether it was the last
    /// one the window allows (so failing it leaves the key locked).
    Admitted {
        /// Whether this attempt set the lock.
        locks: bool,
    },
    /// Refused for this long; nothing was counted.
    Refused(Duration),
}

/// Counts one attempt against `key` unless it is locked, atomically: on SQLite the write lock is
/// taken first (`BEGIN IMMEDIATE`), on PostgreSQL the row is locked (`FOR UPDATE`), so two
/// processes reserving at once are counted one after the other.
pub async fn reserve(db: &DatabaseConnection, key: Key<'_>, now: DateTime<Utc>) -> Result<Admission> {
    // A success or the sweep may delete the row between its insert and its lock: start again.
    for _ in 0..3 {
        if let Some(admission) = try_reserve(db, key, now).await? {
            return Ok(admission);
        }
    }
    Err(crate::Error::invariant(format!("throttle row {} keeps vanishing", key.hash())))
}

async fn try_reserve(db: &DatabaseConnection, key: Key<'_>, now: DateTime<Utc>) -> Result<Option<Admission>> {
    let key_hash = key.hash();
    let txn = crate::db::begin_write(db).await?;
    let fresh = Throttle::fresh(now);
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        key_hash: Set(key_hash.clone()),
        failures: Set(fresh.failures),
        window_started_at: Set(fresh.window_started_at),
        locked_until: Set(None),
    })
    .on_conflict_do_nothing()
    .exec(&txn)
    .await?;
    let Some(row) = login_throttle::Entity::find_by_id(key_hash).lock_exclusive().one(&txn).await? else {
        return Ok(None);
    };
    let state = Throttle::from(row.clone());
    if let Some(wait) = state.locked_for(now) {
        txn.commit().await?;
        return Ok(Some(Admission::Refused(wait)));
    }
    let next = state.after_attempt(key.policy(), now);
    let mut active = row.into_active_model();
    active.failures = Set(next.failures);
    active.window_started_at = Set(next.window_started_at);
    active.locked_until = Set(next.locked_until);
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(Admission::Admitted { locks: next.locked_until.is_some() }))
}

/// Forgets the attempts of `key` (after a success).
pub async fn clear(db: &DatabaseConnection, key: Key<'_>) -> Result<()> {
    login_throttle::Entity::delete_by_id(key.hash()).exec(db).await?;
    Ok(())
}

/// Deletes counters whose window is long over and that lock nothing (housekeeping).
pub async fn delete_stale(db: &impl sea_orm::ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(now - LONGEST_WINDOW))
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

    fn attempts(policy: Policy, minutes: &[i64]) -> Throttle {
        minutes.iter().fold(Throttle::fresh(at(0)), |t, m| t.after_attempt(policy, at(*m)))
    }

    #[test]
    fn five_failures_in_the_window_lock_for_a_minute() {
        let mut t = attempts(SIGN_IN, &[0, 1, 2, 3]);
        assert_eq!(t.locked_for(at(3)), None);
        t = t.after_attempt(SIGN_IN, at(4));
        assert_eq!(t.failures, 5);
        assert_eq!(t.locked_for(at(4)), Some(Duration::minutes(1)));
        assert_eq!(t.locked_for(at(5)), None);
    }

    #[test]
    fn each_further_failure_doubles_the_delay_up_to_an_hour() {
        let mut t = attempts(SIGN_IN, &[0, 0, 0, 0, 0]);
        let mut expected = 1;
        for _ in 0..8 {
            t = t.after_attempt(SIGN_IN, at(0));
            expected = (expected * 2).min(60);
            assert_eq!(t.locked_for(at(0)), Some(Duration::minutes(expected)));
        }
    }

    #[test]
    fn failures_spread_beyond_the_window_start_over() {
        let day = 24 * 60;
        let t = attempts(SIGN_IN, &[0, 1, 2, 3, day + 1]);
        assert_eq!(t.failures, 1);
        assert_eq!(t.locked_for(at(day + 1)), None);
    }

    #[test]
    fn a_patient_guesser_does_not_start_over_when_each_lock_ends() {
        // The attack: wait out each lock, then a quarter of an hour more, and guess again.
        let mut t = attempts(SIGN_IN, &[0, 0, 0, 0, 0]);
        let mut minute = 0;
        let mut guesses = 5;
        while minute < 24 * 60 - 90 {
            let wait = t.locked_for(at(minute)).map_or(0, |d| d.num_minutes());
            minute += wait + 16;
            t = t.after_attempt(SIGN_IN, at(minute));
            guesses += 1;
        }
        assert!(t.locked_for(at(minute)) >= Some(Duration::minutes(60)), "{t:?}");
        assert!(guesses < 40, "{guesses} guesses in a day");
        // Second-factor codes: fewer still, over a week.
        let mut t = attempts(SECOND_FACTOR, &[0, 0, 0, 0, 0]);
        let (mut minute, mut guesses) = (0, 5);
        while minute < 7 * 24 * 60 {
            minute += t.locked_for(at(minute)).map_or(0, |d| d.num_minutes()) + 1;
            t = t.after_attempt(SECOND_FACTOR, at(minute));
            guesses += 1;
        }
        assert!(guesses < 30, "{guesses} second-factor guesses in a week");
    }

    #[test]
    fn mail_allows_five_an_hour_then_waits_an_hour() {
        let t = attempts(MAIL, &[0, 10, 20, 30, 40]);
        assert_eq!(t.locked_for(at(40)), Some(Duration::hours(1)));
        assert_eq!(attempts(MAIL, &[0, 10, 20, 30]).locked_for(at(30)), None);
    }

    #[test]
    fn namespaces_never_share_a_key() {
        // The attack: log in "as" the string another namespace would hash.
        let keys = [
            Key::ResetTo("2fa:17").hash(),
            Key::AlertsFor(17).hash(),
            Key::Login("2fa:17").hash(),
            Key::SecondFactor(17).hash(),
            Key::PasswordCheck(17).hash(),
            Key::MailTo("2fa:17").hash(),
            Key::MailFor(17).hash(),
            Key::Login("second_factor\n17").hash(),
        ];
        let unique: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
        assert_ne!(Key::Login("second_factor\n17").hash(), Key::SecondFactor(17).hash());
    }
}
