//! Connected TikTok accounts, as the accounts page shows them. Connecting and disconnecting are
//! plain form posts handled by the server (`server::connect`), since they leave for TikTok.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::GetUrl;

use crate::error::AppError;

/// One connected account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TikTokAccount {
    /// Soco's id of it (for the disconnect form).
    pub id: i64,
    /// Display name.
    pub display_name: String,
    /// `@` handle, when the profile scope was granted.
    pub username: Option<String>,
    /// Avatar link.
    pub avatar_url: Option<String>,
    /// Verified badge.
    pub is_verified: bool,
    /// `active`, `reconnect` or `disconnected`.
    pub status: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// After a disconnect: when its history is deleted (UTC, RFC 3339).
    pub purge_after: Option<String>,
    /// Whether the first full video sync has finished.
    pub backfill_done: bool,
    /// Followers at the latest profile snapshot (needs `user.info.stats`).
    pub followers: Option<i64>,
    /// Videos Soco keeps for it.
    pub videos: u64,
    /// When the latest profile snapshot was taken (UTC, RFC 3339).
    pub as_of: Option<String>,
}

/// The signed-in user's TikTok accounts.
#[server(input = GetUrl)]
pub async fn list_tiktok_accounts() -> Result<Vec<TikTokAccount>, AppError> {
    let caller = crate::ssr::caller()?;
    let accounts = domain::connections::list(&caller.services, &caller.session.user).await?;
    let mut cards = Vec::with_capacity(accounts.len());
    for a in accounts {
        let summary = domain::connections::summary(&caller.services, a.id).await?;
        cards.push(TikTokAccount {
            id: a.id,
            display_name: a.display_name,
            username: a.username,
            avatar_url: a.avatar_url,
            is_verified: a.is_verified.unwrap_or(false),
            status: a.status,
            scopes: a.scopes.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            purge_after: a.purge_after.map(|t| t.to_rfc3339()),
            backfill_done: a.backfill_done,
            followers: summary.followers,
            videos: summary.videos,
            as_of: summary.as_of.map(|t| t.to_rfc3339()),
        });
    }
    Ok(cards)
}
