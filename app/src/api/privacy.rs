//! The privacy centre's server functions: the user's own requests, and the operator's queue of
//! open requests with its actions (record one received by email, complete, refuse, extend).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::GetUrl;

use crate::error::AppError;

/// A right (`privacy_requests.kind`), as the pages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    Access,
    Export,
    Rectification,
    Erasure,
    Restriction,
    Objection,
    Withdrawal,
}

impl Right {
    /// Every right, in the order the forms offer them.
    pub const ALL: [Right; 7] = [
        Right::Access,
        Right::Export,
        Right::Rectification,
        Right::Erasure,
        Right::Restriction,
        Right::Objection,
        Right::Withdrawal,
    ];

    /// The stored name, which the translations and the forms use.
    pub fn name(self) -> &'static str {
        match self {
            Right::Access => "access",
            Right::Export => "export",
            Right::Rectification => "rectification",
            Right::Erasure => "erasure",
            Right::Restriction => "restriction",
            Right::Objection => "objection",
            Right::Withdrawal => "withdrawal",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Open,
    Completed,
    Refused,
    Cancelled,
}

/// How a request reached Soco.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestChannel {
    Platform,
    Email,
}

/// A request as the pages show it; times are already in the requester's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i64,
    pub right: Right,
    pub channel: RequestChannel,
    pub state: RequestState,
    /// What it was about, as stored (field codes of a correction, a handle, the requester's words).
    pub detail: Option<String>,
    /// `YYYY-MM-DD HH:MM`.
    pub received: String,
    /// The day it must be answered by (the extended one when extended), `YYYY-MM-DD`.
    pub due_on: String,
    /// Why it was extended, when it was.
    pub extension_reason: Option<String>,
    /// `YYYY-MM-DD HH:MM`, once completed or refused.
    pub closed: Option<String>,
    pub outcome: Option<String>,
}

/// An open request in the operator's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub request: RequestView,
    /// The requester's address.
    pub email: String,
    /// Calendar days left on the requester's calendar; negative when overdue.
    pub days_left: i64,
}

#[cfg(feature = "ssr")]
mod wire {
    use domain::entities::privacy_request::Model;
    use domain::privacy::{Channel, RequestKind, RequestStatus};

    use super::*;

    impl From<RequestKind> for Right {
        fn from(kind: RequestKind) -> Self {
            match kind {
                RequestKind::Access => Right::Access,
                RequestKind::Export => Right::Export,
                RequestKind::Rectification => Right::Rectification,
                RequestKind::Erasure => Right::Erasure,
                RequestKind::Restriction => Right::Restriction,
                RequestKind::Objection => Right::Objection,
                RequestKind::Withdrawal => Right::Withdrawal,
            }
        }
    }

    impl From<Right> for RequestKind {
        fn from(right: Right) -> Self {
            match right {
                Right::Access => RequestKind::Access,
                Right::Export => RequestKind::Export,
                Right::Rectification => RequestKind::Rectification,
                Right::Erasure => RequestKind::Erasure,
                Right::Restriction => RequestKind::Restriction,
                Right::Objection => RequestKind::Objection,
                Right::Withdrawal => RequestKind::Withdrawal,
            }
        }
    }

    impl From<RequestStatus> for RequestState {
        fn from(status: RequestStatus) -> Self {
            match status {
                RequestStatus::Open => RequestState::Open,
                RequestStatus::Completed => RequestState::Completed,
                RequestStatus::Refused => RequestState::Refused,
                RequestStatus::Cancelled => RequestState::Cancelled,
            }
        }
    }

    impl From<RequestState> for RequestStatus {
        fn from(state: RequestState) -> Self {
            match state {
                RequestState::Open => RequestStatus::Open,
                RequestState::Completed => RequestStatus::Completed,
                RequestState::Refused => RequestStatus::Refused,
                RequestState::Cancelled => RequestStatus::Cancelled,
            }
        }
    }

    impl RequestView {
        /// The wire form of `request`, its times in `zone`.
        pub fn new(request: Model, zone: chrono_tz::Tz) -> Self {
            let minutes = |at: chrono::DateTime<chrono::Utc>| {
                at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
            };
            Self {
                id: request.id,
                right: request.kind.into(),
                channel: match request.channel {
                    Channel::Platform => RequestChannel::Platform,
                    Channel::Email => RequestChannel::Email,
                },
                state: request.status.into(),
                due_on: request.deadline().with_timezone(&zone).format("%Y-%m-%d").to_string(),
                received: minutes(request.received_at),
                closed: request.closed_at.map(minutes),
                detail: request.detail,
                extension_reason: request.extension_reason,
                outcome: request.outcome,
            }
        }
    }
}

/// The signed-in user's privacy requests, newest first.
#[server(input = GetUrl)]
pub async fn get_privacy_requests() -> Result<Vec<RequestView>, AppError> {
    let caller = crate::ssr::Caller::new()?;
    let requests = domain::privacy::requests::mine(&caller.actor()).await?;
    Ok(requests.into_iter().map(|request| RequestView::new(request, caller.zone())).collect())
}

/// Every user's open requests, earliest deadline first (the operator only).
#[server(input = GetUrl)]
pub async fn get_privacy_queue() -> Result<Vec<QueueItem>, AppError> {
    let caller = crate::ssr::Caller::operator()?;
    let queue = domain::privacy::requests::queue(&caller.actor()).await?;
    Ok(queue
        .into_iter()
        .map(|entry| QueueItem {
            email: entry.email,
            days_left: entry.days_left,
            request: RequestView::new(entry.request, entry.zone),
        })
        .collect())
}

/// Records a request a user sent the operator by email (the operator only).
#[server(RecordRequest)]
pub async fn record_privacy_request(email: String, right: Right, detail: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::operator()?;
    domain::privacy::requests::record_received(&caller.actor(), &email, right.into(), &detail).await?;
    crate::ssr::redirect_local("/settings/privacy-requests?recorded=1");
    Ok(())
}

/// Completes or refuses an open request (the operator only); a refusal needs its reason.
#[server(CloseRequest)]
pub async fn close_privacy_request(id: i64, decision: RequestState, outcome: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::operator()?;
    domain::privacy::requests::close(&caller.actor(), id, decision.into(), &outcome).await?;
    crate::ssr::redirect_local("/settings/privacy-requests?closed=1");
    Ok(())
}

/// Extends an open request by one or two months with a reason the user is emailed (the
/// operator only).
#[server(ExtendRequest)]
pub async fn extend_privacy_request(id: i64, months: u32, reason: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::operator()?;
    domain::privacy::requests::extend(&caller.actor(), id, months, &reason).await?;
    crate::ssr::redirect_local("/settings/privacy-requests?extended=1");
    Ok(())
}

/// Schedules the signed-in user's account for deletion (password, and the second factor when it
/// is on); every session ends at once, so the answer goes to the login page.
#[server(DeleteAccount)]
pub async fn delete_account(password: String, code: String) -> Result<(), AppError> {
    let caller = crate::ssr::Caller::new()?;
    domain::users::request_deletion(&caller.actor(), &password.into(), &code).await?;
    crate::ssr::clear_session_cookie(&caller.services)?;
    crate::ssr::redirect_local("/login?deletion_scheduled=1");
    Ok(())
}

/// When the account of a session signed in during its deletion's grace period is deleted,
/// `YYYY-MM-DD HH:MM` in the user's time zone.
#[server(input = GetUrl)]
pub async fn get_pending_deletion() -> Result<String, AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    let pending = visitor.pending_erasure()?;
    let at = domain::users::pending_deletion(pending)?;
    let zone: chrono_tz::Tz = pending.user.time_zone.parse().unwrap_or(chrono_tz::UTC);
    Ok(at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
}

/// Keeps the account: cancels its deletion and signs in fully.
#[server(CancelDeletion)]
pub async fn cancel_deletion() -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    let pending = visitor.pending_erasure()?;
    let session =
        domain::users::cancel_deletion(&visitor.services, pending, visitor.meta(), visitor.now()).await?;
    visitor.set_session_cookie(&session)?;
    crate::ssr::redirect_local("/privacy?deletion_cancelled=1");
    Ok(())
}
