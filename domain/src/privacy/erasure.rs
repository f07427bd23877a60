//! Erasure: deleting every row of a user, walked from the data inventory, once the grace period
//! of their deletion request is over. The walk follows each table's owner column (through its
//! parent tables, deepest first, `users` last), so a table added to the inventory is erased
//! without another line here. Each erasure leaves a receipt in the audit log (counts per table,
//! the time, a random reference; nothing personal) and mails it to the address.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

use crate::audit::{self, EventKind};
use crate::auth::RequestMeta;
use crate::entities::{job, tiktok_account, user};
use crate::inventory::{INVENTORY, TableClass};
use crate::services::Services;
use crate::{Error, Result};

/// What one erasure deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// When.
    pub erased_at: DateTime<Utc>,
    /// A random reference for this erasure, in the receipt and the last mail: it names no one
    /// (a hash of a sequential id could be reversed by trying ids).
    pub reference: String,
    /// Rows deleted per table, in the order they were deleted.
    pub rows: Vec<(&'static str, u64)>,
}

impl Receipt {
    /// The receipt as the audit log keeps it.
    pub fn to_json(&self) -> String {
        let rows: serde_json::Map<String, serde_json::Value> =
            self.rows.iter().map(|(table, n)| ((*table).to_owned(), serde_json::Value::from(*n))).collect();
        serde_json::json!({ "erased_at": self.erased_at.to_rfc3339(), "reference": self.reference, "rows": rows })
            .to_string()
    }

    /// Every row deleted.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

/// The tables that hold a user's rows, in the order erasure deletes them: those reached
/// through the most parents first, `users` last.
pub fn deletion_order() -> Vec<&'static TableClass> {
    let mut owned: Vec<&TableClass> = INVENTORY.iter().filter(|class| class.owner.is_some()).collect();
    owned.sort_by_key(|class| std::cmp::Reverse(depth(class)));
    owned
}

/// How many parents lie between `class` and `users` (`users` itself: none, but sorted last).
fn depth(class: &TableClass) -> i32 {
    if class.table == "users" {
        return -1;
    }
    let mut depth = 0;
    let mut via = class.via;
    while let Some(parent) = via.and_then(crate::inventory::classify) {
        depth += 1;
        via = parent.via;
    }
    depth
}

/// The SQL condition selecting `class`'s rows of one user, with one placeholder (`param`) for
/// the user's id. Names come from the inventory, never from input.
fn owned_rows(class: &TableClass, param: &str) -> Result<String> {
    let owner = class.owner.ok_or_else(|| Error::invariant("a system table has no owner"))?;
    Ok(match class.via.and_then(crate::inventory::classify) {
        None => format!("\"{owner}\" = {param}"),
        Some(parent) => format!(
            "\"{owner}\" IN (SELECT \"id\" FROM \"{}\" WHERE {})",
            parent.table,
            owned_rows(parent, param)?
        ),
    })
}

fn statement(
    db: &impl ConnectionTrait,
    sql_with: impl Fn(&str) -> Result<String>,
    user_id: i64,
) -> Result<Statement> {
    let backend = db.get_database_backend();
    let param = if backend == sea_orm::DatabaseBackend::Postgres { "$1" } else { "?" };
    Ok(Statement::from_sql_and_values(backend, sql_with(param)?, [user_id.into()]))
}

/// How many rows of `class` belong to `user_id` (the access view's counts, and the tests').
pub async fn count_rows(db: &impl ConnectionTrait, class: &TableClass, user_id: i64) -> Result<u64> {
    let sql = |param: &str| {
        Ok(format!("SELECT COUNT(*) AS n FROM \"{}\" WHERE {}", class.table, owned_rows(class, param)?))
    };
    let row = db
        .query_one_raw(statement(db, sql, user_id)?)
        .await?
        .ok_or_else(|| Error::invariant("COUNT(*) gave no row"))?;
    let n: i64 = row.try_get("", "n")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Deletes every row of `user` in one transaction and records the receipt; mails it after.
/// `None` when the account is no longer due (its deletion was cancelled, or another process
/// erased it first): nothing is deleted, recorded or mailed then.
pub async fn erase(services: &Services, user: &user::Model, now: DateTime<Utc>) -> Result<Option<Receipt>> {
    let txn = crate::db::begin_write(&services.db).await?;
    // Still due, checked and held (PostgreSQL locks the row) before anything goes: a cancel
    // that committed after the list was read wins.
    let still_due = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::EraseAfter.lte(now))
        .exec(&txn)
        .await?;
    if still_due.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(None);
    }
    // Background work names accounts, not users: drop what would run for theirs.
    let accounts: Vec<i64> = tiktok_account::Entity::find()
        .filter(tiktok_account::Column::UserId.eq(user.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|account| account.id)
        .collect();
    let keys: Vec<String> = accounts.iter().flat_map(|id| crate::tiktok::sync::job_keys(*id)).collect();
    let jobs =
        job::Entity::delete_many().filter(job::Column::DedupeKey.is_in(keys)).exec(&txn).await?.rows_affected;
    let mut rows = vec![("jobs", jobs)];
    for class in deletion_order() {
        let sql =
            |param: &str| Ok(format!("DELETE FROM \"{}\" WHERE {}", class.table, owned_rows(class, param)?));
        let deleted = txn.execute_raw(statement(&txn, sql, user.id)?).await?.rows_affected();
        if class.table == "users" && deleted != 1 {
            return Err(Error::invariant("the user row to erase was not there"));
        }
        rows.push((class.table, deleted));
    }
    let receipt = Receipt { erased_at: now, reference: crate::auth::token::new_reference()?, rows };
    let meta = RequestMeta::new(IpAddr::from([127, 0, 0, 1]), "soco housekeeping");
    audit::record(&txn, None, EventKind::AccountErased, &meta, Some(&receipt.to_json()), now).await?;
    txn.commit().await?;
    services.mailer.send_later(crate::mail::templates::account_erased(
        &user.email,
        &user.locale,
        &user.display_name,
        &receipt,
    ));
    Ok(Some(receipt))
}

/// Erases every account whose grace period is over; returns how many.
pub async fn erase_due(services: &Services, now: DateTime<Utc>) -> Result<u64> {
    let due = user::Entity::find().filter(user::Column::EraseAfter.lte(now)).all(&services.db).await?;
    let mut erased = 0;
    for user in due {
        match erase(services, &user, now).await {
            Ok(Some(receipt)) => {
                tracing::info!(reference = %receipt.reference, rows = receipt.total(), "account erased");
                erased += 1;
            }
            Ok(None) => {}
            // One account that cannot be erased must not hold back the others; it is tried
            // again at the next pass, and the failure is in the log.
            Err(error) => {
                tracing::error!(user = user.id, error = %error, "account erasure failed; retried next pass")
            }
        }
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_go_before_their_parents_and_users_last() {
        let order: Vec<&str> = deletion_order().iter().map(|class| class.table).collect();
        let at = |table: &str| order.iter().position(|t| *t == table).unwrap_or_else(|| panic!("{table}"));
        assert_eq!(order.last(), Some(&"users"));
        assert!(at("tiktok_video_snapshots") < at("tiktok_videos"));
        assert!(at("tiktok_videos") < at("tiktok_accounts"));
        assert!(at("tiktok_tokens") < at("tiktok_accounts"));
        for class in deletion_order() {
            if let Some(parent) = class.via {
                assert!(at(class.table) < at(parent), "{} before {parent}", class.table);
            }
        }
    }

    #[test]
    fn conditions_follow_the_owner_columns() {
        let snapshots = crate::inventory::classify("tiktok_video_snapshots").expect("listed");
        assert_eq!(
            owned_rows(snapshots, "?").expect("owned"),
            "\"video_row_id\" IN (SELECT \"id\" FROM \"tiktok_videos\" WHERE \"account_id\" IN \
             (SELECT \"id\" FROM \"tiktok_accounts\" WHERE \"user_id\" = ?))"
        );
        let users = crate::inventory::classify("users").expect("listed");
        assert_eq!(owned_rows(users, "$1").expect("owned"), "\"id\" = $1");
    }
}
