//! The data inventory: every table Soco has, what personal data it holds, whose it is, and how
//! long it is kept. Export, erasure and retention are driven from here, and a test fails when a
//! migration adds a table this list does not classify, so nothing personal is stored unaccounted.

use chrono::Duration;

/// How long rows of a table are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// As long as the account exists (deleted with it).
    Account,
    /// Until they expire or are used; swept by housekeeping.
    UntilExpired,
    /// A fixed period after creation, then deleted by housekeeping.
    Days(i64),
    /// Not personal data; kept as long as the installation.
    System,
}

impl Retention {
    /// The period, for fixed-period retention.
    pub fn period(self) -> Option<Duration> {
        match self {
            Retention::Days(days) => Some(Duration::days(days)),
            _ => None,
        }
    }
}

/// One table's classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableClass {
    /// The table.
    pub table: &'static str,
    /// The column that leads to the user the rows belong to: the user's id, or the id of a row
    /// of [`TableClass::via`] (`None` for system tables).
    pub owner: Option<&'static str>,
    /// The parent table `owner` points into when it is not `users` (e.g. `tiktok_accounts`).
    pub via: Option<&'static str>,
    /// Whether its rows are part of the user's data export.
    pub exported: bool,
    /// How long rows are kept.
    pub retention: Retention,
    /// What personal data it holds, for the privacy centre.
    pub holds: &'static str,
}

/// Every table of Soco's schema.
pub const INVENTORY: &[TableClass] = &[
    TableClass {
        table: "users",
        owner: Some("id"),
        via: None,
        exported: true,
        retention: Retention::Account,
        holds: "email, display name, language, time zone, password hash, consent records, 2FA secret (encrypted)",
    },
    TableClass {
        table: "sessions",
        owner: Some("user_id"),
        via: None,
        exported: true,
        retention: Retention::UntilExpired,
        holds: "IP address and user agent of each signed-in device",
    },
    TableClass {
        table: "account_tokens",
        owner: Some("user_id"),
        via: None,
        exported: false,
        retention: Retention::UntilExpired,
        holds: "hashes of emailed links; a pending new email address",
    },
    TableClass {
        table: "recovery_codes",
        owner: Some("user_id"),
        via: None,
        exported: false,
        retention: Retention::Account,
        holds: "hashes of 2FA recovery codes",
    },
    TableClass {
        table: "security_events",
        owner: Some("user_id"),
        via: None,
        exported: true,
        retention: Retention::Days(90),
        holds: "security events with IP address and user agent",
    },
    TableClass {
        table: "login_throttles",
        owner: None,
        via: None,
        exported: false,
        retention: Retention::UntilExpired,
        holds: "hashes of email addresses tried at login, with failure counts",
    },
    TableClass {
        table: "tiktok_accounts",
        owner: Some("user_id"),
        via: None,
        exported: true,
        retention: Retention::Account,
        holds: "connected TikTok accounts: TikTok ids, handle, name, avatar link, bio, granted scopes; \
                purged 30 days after a disconnect",
    },
    TableClass {
        table: "tiktok_tokens",
        owner: Some("account_id"),
        via: Some("tiktok_accounts"),
        exported: false,
        retention: Retention::Account,
        holds: "TikTok access and refresh tokens, encrypted; deleted at once on disconnect",
    },
    TableClass {
        table: "tiktok_connect_flows",
        owner: Some("user_id"),
        via: None,
        exported: false,
        retention: Retention::UntilExpired,
        holds: "a hash of a pending OAuth state and the encrypted PKCE verifier (10 minutes)",
    },
    TableClass {
        table: "tiktok_account_totals",
        owner: Some("account_id"),
        via: Some("tiktok_accounts"),
        exported: true,
        retention: Retention::Account,
        holds: "sums of the view, like, comment and share counts of an account's videos over time",
    },
    TableClass {
        table: "tiktok_profile_snapshots",
        owner: Some("account_id"),
        via: Some("tiktok_accounts"),
        exported: true,
        retention: Retention::Account,
        holds: "follower, following, like and video counts of a connected account over time",
    },
    TableClass {
        table: "tiktok_videos",
        owner: Some("account_id"),
        via: Some("tiktok_accounts"),
        exported: true,
        retention: Retention::Account,
        holds: "public videos of a connected account: captions, links, latest counts",
    },
    TableClass {
        table: "tiktok_video_snapshots",
        owner: Some("video_row_id"),
        via: Some("tiktok_videos"),
        exported: true,
        retention: Retention::Account,
        holds: "view, like, comment and share counts of each video over time",
    },
    TableClass {
        table: "privacy_requests",
        owner: Some("user_id"),
        via: None,
        exported: true,
        retention: Retention::Account,
        holds: "the rights the user exercised: what was asked, when, the deadline, the outcome",
    },
    TableClass {
        table: "jobs",
        owner: None,
        via: None,
        exported: false,
        retention: Retention::UntilExpired,
        holds: "background work; payloads name account ids, never tokens",
    },
    TableClass {
        table: "seaql_migrations",
        owner: None,
        via: None,
        exported: false,
        retention: Retention::System,
        holds: "nothing personal: the schema version",
    },
];

/// The classification of `table`, if it has one.
pub fn classify(table: &str) -> Option<&'static TableClass> {
    INVENTORY.iter().find(|class| class.table == table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_log_retention_matches_the_policy() {
        assert_eq!(
            classify("security_events").and_then(|c| c.retention.period()),
            Some(crate::audit::RETENTION)
        );
    }

    #[test]
    fn owners_lead_to_a_user() {
        for class in INVENTORY {
            if let Some(parent) = class.via {
                let parent =
                    classify(parent).unwrap_or_else(|| panic!("{}: via {parent} is not listed", class.table));
                assert!(
                    parent.owner.is_some(),
                    "{} leads to {}, which has no owner",
                    class.table,
                    parent.table
                );
            }
        }
    }

    #[test]
    fn tables_are_listed_once() {
        let mut names: Vec<_> = INVENTORY.iter().map(|c| c.table).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), INVENTORY.len());
    }
}
