//! The requests register. A right the user exercises in Soco and Soco carries out at once (a
//! correction, a disconnect) is recorded as received and completed in the same instant; one
//! that reaches the operator by email is recorded by the operator on the user's behalf, stays
//! open until the operator completes or refuses it, and may be extended once, by one or two
//! months, with a reason the user is emailed. The user sees their own requests; the operator
//! sees the open ones, earliest deadline first, with the days left.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::deadline;
use crate::actor::Actor;
use crate::audit::{self, EventKind};
use crate::entities::privacy_request::{self, Channel, RequestKind, RequestStatus};
use crate::entities::user;
use crate::error::Code;
use crate::{Error, Result};

/// The longest detail, reason or outcome kept, in characters.
pub const MAX_TEXT: usize = 2000;

/// An open request as the operator's queue shows it.
#[derive(Debug, Clone)]
pub struct QueueEntry {
    /// The request.
    pub request: privacy_request::Model,
    /// The requester's address.
    pub email: String,
    /// Calendar days left on the requester's calendar (negative: overdue).
    pub days_left: i64,
    /// The requester's time zone, whose calendar the deadline is on.
    pub zone: Tz,
}

fn zone_of(user: &user::Model) -> Tz {
    user.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// Trimmed free text of at most [`MAX_TEXT`] characters; `None` when empty and allowed to be.
fn text(field: &'static str, value: &str, required: bool) -> Result<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        return if required { Err(Error::invalid(field, Code::ReasonRequired)) } else { Ok(None) };
    }
    if value.chars().count() > MAX_TEXT || value.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(Error::invalid(field, Code::TextTooLong));
    }
    Ok(Some(value.to_owned()))
}

/// `detail` as a record of what Soco did: control characters dropped, at most [`MAX_TEXT`]
/// characters, `None` when empty. What Soco carries out must never fail on how TikTok names an
/// account.
fn summary(detail: &str) -> Option<String> {
    let kept: String = detail.chars().filter(|c| !c.is_control()).take(MAX_TEXT).collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Records a right `user` exercised in Soco and Soco carried out at once: received and
/// completed at `now`; `detail` names what it was about (an account's handle, the fields
/// changed). Call it in the transaction that carries the right out.
pub async fn record_done(
    db: &impl ConnectionTrait,
    user: &user::Model,
    kind: RequestKind,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<privacy_request::Model> {
    let request = privacy_request::ActiveModel {
        user_id: Set(user.id),
        kind: Set(kind),
        channel: Set(Channel::Platform),
        status: Set(RequestStatus::Completed),
        detail: Set(summary(detail)),
        received_at: Set(now),
        due_at: Set(deadline::due(now, zone_of(user))),
        extended_to: Set(None),
        extension_reason: Set(None),
        closed_at: Set(Some(now)),
        outcome: Set(None),
        recorded_by: Set(None),
        ..Default::default()
    };
    Ok(request.insert(db).await?)
}

/// Records a right `user` asked for in Soco that is carried out later (an account deletion
/// after its grace period): open, due by the rule. Call it in the transaction that schedules it.
pub async fn record_open(
    db: &impl ConnectionTrait,
    user: &user::Model,
    kind: RequestKind,
    now: DateTime<Utc>,
) -> Result<privacy_request::Model> {
    let request = privacy_request::ActiveModel {
        user_id: Set(user.id),
        kind: Set(kind),
        channel: Set(Channel::Platform),
        status: Set(RequestStatus::Open),
        detail: Set(None),
        received_at: Set(now),
        due_at: Set(deadline::due(now, zone_of(user))),
        extended_to: Set(None),
        extension_reason: Set(None),
        closed_at: Set(None),
        outcome: Set(None),
        recorded_by: Set(None),
        ..Default::default()
    };
    Ok(request.insert(db).await?)
}

/// The actor's own requests, newest first.
pub async fn mine(actor: &Actor<'_>) -> Result<Vec<privacy_request::Model>> {
    Ok(privacy_request::Entity::find()
        .filter(privacy_request::Column::UserId.eq(actor.user().id))
        .order_by_desc(privacy_request::Column::ReceivedAt)
        .order_by_desc(privacy_request::Column::Id)
        .all(&actor.services.db)
        .await?)
}

/// How the operator's actions appear in the requester's audit trail: as the operator's, without
/// the operator's own address and browser.
fn operator_meta() -> crate::auth::RequestMeta {
    crate::auth::RequestMeta::new(std::net::IpAddr::from([0, 0, 0, 0]), "Soco operator")
}

fn require_operator(actor: &Actor<'_>) -> Result<()> {
    if actor.user().role == user::Role::Admin { Ok(()) } else { Err(Error::Forbidden) }
}

/// The open requests of every user, earliest deadline first (the operator only).
pub async fn queue(actor: &Actor<'_>) -> Result<Vec<QueueEntry>> {
    require_operator(actor)?;
    let rows = privacy_request::Entity::find()
        .filter(privacy_request::Column::Status.eq(RequestStatus::Open))
        .find_also_related(user::Entity)
        .all(&actor.services.db)
        .await?;
    let mut entries: Vec<QueueEntry> = rows
        .into_iter()
        .filter_map(|(request, user)| {
            let user = user?;
            let zone = zone_of(&user);
            let days_left = deadline::days_left(request.deadline(), actor.now, zone);
            Some(QueueEntry { request, email: user.email, days_left, zone })
        })
        .collect();
    entries.sort_by_key(|entry| (entry.request.deadline(), entry.request.id));
    Ok(entries)
}

/// Records a request that reached the operator by email, for the user with address `email`,
/// received now (the operator only). Open until completed or refused.
pub async fn record_received(
    actor: &Actor<'_>,
    email: &str,
    kind: RequestKind,
    detail: &str,
) -> Result<privacy_request::Model> {
    require_operator(actor)?;
    let db = &actor.services.db;
    let address = crate::users::normalise_email(email)?;
    let requester = user::Entity::find()
        .filter(user::Column::Email.eq(address))
        .one(db)
        .await?
        .ok_or(Error::invalid("email", Code::NoSuchUser))?;
    let detail = text("detail", detail, false)?;
    let now = actor.now;
    let request = privacy_request::ActiveModel {
        user_id: Set(requester.id),
        kind: Set(kind),
        channel: Set(Channel::Email),
        status: Set(RequestStatus::Open),
        detail: Set(detail),
        received_at: Set(now),
        due_at: Set(deadline::due(now, zone_of(&requester))),
        extended_to: Set(None),
        extension_reason: Set(None),
        closed_at: Set(None),
        outcome: Set(None),
        recorded_by: Set(Some(actor.user().id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let note = format!("request {} ({})", request.id, kind_name(kind));
    audit::record(db, Some(requester.id), EventKind::PrivacyRequestRecorded, actor.meta, Some(&note), now)
        .await?;
    Ok(request)
}

/// An open request and its requester, or `NotFound`.
async fn open_request(actor: &Actor<'_>, id: i64) -> Result<(privacy_request::Model, user::Model)> {
    let (request, requester) = privacy_request::Entity::find_by_id(id)
        .find_also_related(user::Entity)
        .one(&actor.services.db)
        .await?
        .ok_or(Error::NotFound)?;
    let requester = requester.ok_or(Error::NotFound)?;
    if request.status != RequestStatus::Open {
        return Err(Error::Conflict("the request is closed already".into()));
    }
    // A deletion asked for in Soco runs on its own date, and the user may cancel it by signing
    // in: the operator can neither move it nor close it.
    if request.kind == RequestKind::Erasure && request.channel == Channel::Platform {
        return Err(Error::Conflict("a deletion asked for in Soco completes on its own date".into()));
    }
    Ok((request, requester))
}

/// Closes an open request as completed (with what was done) or refused (with why; required),
/// the operator only. A request closed meanwhile (another tab, a double click) is `Conflict`.
pub async fn close(actor: &Actor<'_>, id: i64, status: RequestStatus, outcome: &str) -> Result<()> {
    require_operator(actor)?;
    let outcome = match status {
        RequestStatus::Completed => text("outcome", outcome, false)?,
        RequestStatus::Refused => text("outcome", outcome, true)?,
        RequestStatus::Open | RequestStatus::Cancelled => {
            return Err(Error::invalid("status", Code::RequestStatusInvalid));
        }
    };
    let (_, requester) = open_request(actor, id).await?;
    let txn = crate::db::begin_write(&actor.services.db).await?;
    let closed = privacy_request::Entity::update_many()
        .col_expr(privacy_request::Column::Status, Expr::value(status))
        .col_expr(privacy_request::Column::ClosedAt, Expr::value(actor.now))
        .col_expr(privacy_request::Column::Outcome, Expr::value(outcome))
        .filter(privacy_request::Column::Id.eq(id))
        .filter(privacy_request::Column::Status.eq(RequestStatus::Open))
        .exec(&txn)
        .await?;
    if closed.rows_affected != 1 {
        return Err(Error::Conflict("the request was closed meanwhile".into()));
    }
    let note =
        format!("request {id} {}", if status == RequestStatus::Completed { "completed" } else { "refused" });
    audit::record(
        &txn,
        Some(requester.id),
        EventKind::PrivacyRequestClosed,
        &operator_meta(),
        Some(&note),
        actor.now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Extends an open request's deadline by `months` (1 or 2) with a `reason` the requester is
/// emailed; once per request (the operator only).
pub async fn extend(actor: &Actor<'_>, id: i64, months: u32, reason: &str) -> Result<DateTime<Utc>> {
    require_operator(actor)?;
    let reason = text("reason", reason, true)?.unwrap_or_default();
    let (request, requester) = open_request(actor, id).await?;
    if request.extended_to.is_some() {
        return Err(Error::invalid("months", Code::AlreadyExtended));
    }
    let zone = zone_of(&requester);
    let until = deadline::extended(request.due_at, months, zone)?;
    let kind = request.kind;
    let txn = crate::db::begin_write(&actor.services.db).await?;
    let extended = privacy_request::Entity::update_many()
        .col_expr(privacy_request::Column::ExtendedTo, Expr::value(until))
        .col_expr(privacy_request::Column::ExtensionReason, Expr::value(reason.clone()))
        .filter(privacy_request::Column::Id.eq(id))
        .filter(privacy_request::Column::Status.eq(RequestStatus::Open))
        .filter(privacy_request::Column::ExtendedTo.is_null())
        .exec(&txn)
        .await?;
    if extended.rows_affected != 1 {
        // Extended or closed meanwhile: nothing is mailed twice.
        return Err(Error::Conflict("the request was extended or closed meanwhile".into()));
    }
    let note = format!("request {id} extended by {months} months");
    audit::record(
        &txn,
        Some(requester.id),
        EventKind::PrivacyRequestExtended,
        &operator_meta(),
        Some(&note),
        actor.now,
    )
    .await?;
    txn.commit().await?;
    let services = actor.services;
    let link = services.config.link("/privacy");
    let day = until.with_timezone(&zone).format("%Y-%m-%d").to_string();
    services.mailer.send_later(crate::mail::templates::request_extended(
        &requester.email,
        &requester.locale,
        &requester.display_name,
        kind_name(kind),
        &day,
        &reason,
        &link,
    ));
    Ok(until)
}

/// A kind's name as stored and as the audit log and mail name it.
pub fn kind_name(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "access",
        RequestKind::Export => "export",
        RequestKind::Rectification => "rectification",
        RequestKind::Erasure => "erasure",
        RequestKind::Restriction => "restriction",
        RequestKind::Objection => "objection",
        RequestKind::Withdrawal => "withdrawal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_worded_in_every_language() {
        for kind in RequestKind::ALL {
            for language in translations::Language::ALL {
                let kinds = language.messages().privacy.request_kinds;
                assert!(
                    kinds.iter().any(|(name, _)| *name == kind_name(kind)),
                    "{kind:?} in {}",
                    language.tag()
                );
            }
        }
        assert_eq!(translations::EN.privacy.request_kinds.len(), RequestKind::ALL.len());
    }

    #[test]
    fn what_soco_did_is_recorded_whatever_its_name_holds() {
        assert_eq!(summary(" @ayu\u{0}\n ").as_deref(), Some("@ayu"));
        assert_eq!(summary(&"x".repeat(MAX_TEXT + 5)).map(|s| s.chars().count()), Some(MAX_TEXT));
        assert_eq!(summary("\u{7}"), None);
    }

    #[test]
    fn free_text_is_trimmed_bounded_and_required_when_asked() {
        assert_eq!(text("reason", "  why  ", true).expect("ok").as_deref(), Some("why"));
        assert_eq!(text("detail", "   ", false).expect("ok"), None);
        assert!(matches!(text("reason", " ", true), Err(Error::Invalid { code: Code::ReasonRequired, .. })));
        assert!(text("detail", &"x".repeat(MAX_TEXT + 1), false).is_err());
        assert!(text("detail", "a\u{0}b", false).is_err());
        assert_eq!(
            text("detail", "line one\nline two", false).expect("ok").as_deref(),
            Some("line one\nline two")
        );
    }
}
