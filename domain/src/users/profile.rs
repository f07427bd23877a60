//! The user's own details (the right to rectification): name, language and time zone.

use crate::actor::Actor;
use crate::privacy::RequestKind;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use crate::audit::{self, EventKind};
use crate::entities::user;
use crate::error::Code;
use crate::{Error, Result};
use translations::Language;

/// Longest display name, in characters.
pub const MAX_NAME_LEN: usize = 100;
pub(super) fn check_display_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("display_name", Code::NameRequired));
    }
    if name.chars().count() > MAX_NAME_LEN || name.chars().any(char::is_control) {
        return Err(Error::invalid("display_name", Code::NameInvalid));
    }
    Ok(name.to_owned())
}

/// A supported interface language, or English.
pub fn normalise_locale(locale: &str) -> &'static str {
    Language::from_tag(locale).tag()
}

/// The time zone a new user gets when their browser did not say: Jakarta for Bahasa Indonesia
/// (Soco's first users), UTC otherwise. Either can be changed on the Account page.
pub fn default_time_zone(locale: &str) -> &'static str {
    Language::from_tag(locale).default_time_zone()
}

/// Checks an IANA time zone name such as `Asia/Jakarta`.
pub fn check_time_zone(zone: &str) -> Result<String> {
    zone.trim()
        .parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_owned())
        .map_err(|_| Error::invalid("time_zone", Code::TimeZoneInvalid))
}

/// Profile fields a user may correct themselves.
#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    /// New display name.
    pub display_name: String,
    /// `en` or `id`.
    pub locale: String,
    /// IANA time zone.
    pub time_zone: String,
}

/// Updates name, language and time zone.
pub async fn update_profile(actor: &Actor<'_>, update: ProfileUpdate) -> Result<user::Model> {
    let Actor { services, meta, now, .. } = *actor;
    let user = &actor.session.user;
    let display_name = check_display_name(&update.display_name)?;
    let time_zone = check_time_zone(&update.time_zone)?;
    let locale = normalise_locale(&update.locale);
    let changed: Vec<&str> = [
        ("name", user.display_name != display_name),
        ("language", user.locale != locale),
        ("time_zone", user.time_zone != time_zone),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect();
    if changed.is_empty() {
        return Ok(user.clone());
    }
    let mut active = user.clone().into_active_model();
    active.display_name = Set(display_name);
    active.locale = Set(locale.to_owned());
    active.time_zone = Set(time_zone);
    active.updated_at = Set(now);
    let txn = crate::db::begin_write(&services.db).await?;
    let updated = active.update(&txn).await?;
    audit::record(&txn, Some(user.id), EventKind::ProfileUpdated, meta, None, now).await?;
    crate::privacy::requests::record_done(&txn, user, RequestKind::Rectification, &changed.join(","), now)
        .await?;
    txn.commit().await?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_locales_and_zones() {
        assert_eq!(check_display_name("  Ayu  ").expect("valid"), "Ayu");
        assert!(check_display_name("   ").is_err());
        assert!(check_display_name("a\u{0}b").is_err());
        assert!(check_display_name(&"x".repeat(101)).is_err());
        assert_eq!(normalise_locale("ID"), "id");
        assert_eq!(normalise_locale("fr"), "en");
        assert_eq!(default_time_zone("id"), "Asia/Jakarta");
        assert_eq!(default_time_zone(""), "UTC");
        assert_eq!(check_time_zone("Asia/Jakarta").expect("valid"), "Asia/Jakarta");
        assert!(check_time_zone("Mars/Olympus").is_err());
    }
}
