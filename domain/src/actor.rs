//! Who acts, from where, and when: the signed-in session, the request it came with, the instant
//! the request is judged by, and the services it may use. Every operation a signed-in user
//! performs takes one `&Actor` (the app's `Caller::actor`), so the four travel together and no
//! operation reads the clock or the request on its own.

use chrono::{DateTime, Utc};

use crate::auth::RequestMeta;
use crate::auth::session;
use crate::entities::user;
use crate::services::Services;

/// A signed-in user acting through one request.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The services the operation may use.
    pub services: &'a Services,
    /// The session the request came with, and its user.
    pub session: &'a session::Resolved,
    /// The request's address and browser, for the audit log.
    pub meta: &'a RequestMeta,
    /// The instant the request is judged by.
    pub now: DateTime<Utc>,
}

impl Actor<'_> {
    /// The user acting.
    pub fn user(&self) -> &user::Model {
        &self.session.user
    }
}
