//! Orders: `POST /order/202309/orders/search` and `GET /order/202309/orders` (tiktok-api.md 5.6).
//!
//! Search pages by creation time without materialising orders: a position is the key
//! `(create_time, index)` of the last order served, which is strictly increasing in the index
//! within a day (see `world::shops`), so the next page starts with a binary search in the
//! cursor's day. Orders added by the control API carry indexes above every generated one and
//! merge into the same order. Work per request is O(page) for unfiltered searches, plus O(days)
//! to count; status and `update_time` filters use cached per-day summaries for days whose orders
//! are all final, and look at single orders only on the days they cannot decide.
//!
//! `sort_field=update_time` pages by the key `(update_time, create_time, index)`, one day of
//! update times at a time: an order's update time lies within [`MAX_LIFECYCLE`] of its creation,
//! so a day of updates comes from the sixteen creation days before it (days whose cached
//! summary shows no update in that day are skipped). Memory stays bounded by one day of orders;
//! each page costs O(orders created in the 16 days behind it) rather than O(page). Default order:
//! `create_time` descending, newest first ([UNCONFIRMED] TikTok's default).

use serde::{Deserialize, Serialize};

use super::envelope::{Data, ShopError, codes};
use super::gateway::Call;
use super::order_view::OrderView;
use super::page_token::{self, Listing};
use crate::world::DAY;
use crate::world::shops::{MAX_LIFECYCLE, OrderStatus, Shop, Shops, Timeline};

/// Most orders a search page holds.
pub const MAX_PAGE_SIZE: usize = 100;
/// Most ids one detail request takes. [UNCONFIRMED: commonly 50.]
pub const MAX_DETAIL_IDS: usize = 50;

/// The JSON body of a search; every field optional.
#[derive(Debug, Default, Deserialize)]
struct SearchBody {
    order_status: Option<String>,
    create_time_ge: Option<i64>,
    create_time_lt: Option<i64>,
    update_time_ge: Option<i64>,
    update_time_lt: Option<i64>,
    shipping_type: Option<String>,
    buyer_user_id: Option<String>,
    is_buyer_request_cancel: Option<bool>,
}

/// A search's filters, with the creation window already cut to what exists at `now`.
#[derive(Debug)]
struct Filter {
    status: Option<OrderStatus>,
    create_from: i64,
    create_until: i64,
    update_from: Option<i64>,
    update_until: Option<i64>,
    /// A filter no generated order meets (`shipping_type=SELLER`, pending buyer cancellations).
    nothing: bool,
}

impl Filter {
    fn needs_timeline(&self) -> bool {
        self.status.is_some() || self.update_from.is_some() || self.update_until.is_some()
    }

    fn timeline_matches(&self, timeline: &Timeline, now: i64) -> bool {
        if self.status.is_some_and(|s| timeline.status_at(now) != s) {
            return false;
        }
        let update = timeline.update_time_at(now);
        self.update_from.is_none_or(|from| update >= from)
            && self.update_until.is_none_or(|until| update < until)
    }

    /// Whether every update time in `[first, last]` is inside the update filter.
    fn update_covers(&self, first: i64, last: i64) -> bool {
        self.update_from.is_none_or(|from| first >= from)
            && self.update_until.is_none_or(|until| last < until)
    }

    /// Whether no update time in `[first, last]` is inside the update filter.
    fn update_misses(&self, first: i64, last: i64) -> bool {
        self.update_from.is_some_and(|from| last < from)
            || self.update_until.is_some_and(|until| first >= until)
    }
}

/// One order's place in the creation-time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Position {
    day: i64,
    index: u32,
    create: i64,
}

impl Position {
    fn key(&self) -> (i64, u32) {
        (self.create, self.index)
    }
}

/// The smallest `k` in `[lo, hi)` for which `before(k)` is false (`before` holds on a prefix).
fn partition(mut lo: u32, mut hi: u32, before: impl Fn(u32) -> bool) -> u32 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Orders of one shop under one filter at one instant.
struct Scan<'a> {
    shops: &'a Shops,
    shop: &'a Shop,
    now: i64,
    filter: &'a Filter,
}

impl Scan<'_> {
    fn first_day(&self) -> i64 {
        self.shops.first_day().max(self.filter.create_from.div_euclid(DAY))
    }

    fn last_day(&self) -> i64 {
        (self.filter.create_until - 1).div_euclid(DAY)
    }

    fn create(&self, day: i64, index: u32, count: u32) -> i64 {
        self.shops.create_time(self.shop, day, index, count)
    }

    /// Generated indexes of `day` created inside the creation window.
    fn window(&self, day: i64, count: u32) -> (u32, u32) {
        let (start, end) = (day * DAY, (day + 1) * DAY);
        let (from, until) = (self.filter.create_from, self.filter.create_until);
        let lo = if from <= start { 0 } else { partition(0, count, |k| self.create(day, k, count) < from) };
        let hi =
            if until >= end { count } else { partition(0, count, |k| self.create(day, k, count) < until) };
        (lo, hi.max(lo))
    }

    fn matches(&self, day: i64, index: u32, create: i64) -> bool {
        create >= self.filter.create_from
            && create < self.filter.create_until
            && (!self.filter.needs_timeline()
                || self
                    .filter
                    .timeline_matches(&self.shops.timeline(self.shop, day, index, create), self.now))
    }

    fn added(&self, day: i64) -> Vec<Position> {
        self.shops
            .added_on(self.shop, day)
            .into_iter()
            .filter(|&(index, create)| self.matches(day, index, create))
            .map(|(index, create)| Position { day, index, create })
            .collect()
    }

    /// How many orders of `day` match.
    fn count_day(&self, day: i64) -> u64 {
        if self.filter.nothing {
            return 0;
        }
        let added = self.added(day).len() as u64;
        let count = self.shops.orders_on(self.shop, day);
        let (lo, hi) = self.window(day, count);
        if lo >= hi {
            return added;
        }
        if !self.filter.needs_timeline() {
            return added + u64::from(hi - lo);
        }
        // Every update of the day's orders falls between its start and the end of their lifecycle.
        if self.filter.update_misses(day * DAY, (day + 1) * DAY + MAX_LIFECYCLE) {
            return added;
        }
        if lo == 0 && hi == count {
            let summary = self.shops.day_summary(self.shop, day, self.now);
            let by_status = self.filter.status.map_or(count, |s| summary.by_status[s.position()]);
            if self.filter.update_covers(summary.first_update, summary.last_update) {
                return added + u64::from(by_status);
            }
            if self.filter.update_misses(summary.first_update, summary.last_update) {
                return added;
            }
        }
        added + (lo..hi).filter(|&k| self.matches(day, k, self.create(day, k, count))).count() as u64
    }

    fn total(&self) -> u64 {
        (self.first_day()..=self.last_day()).map(|day| self.count_day(day)).sum()
    }

    /// Up to `need` matching orders of `day` beyond `cursor` in the direction of the scan.
    fn day_page(&self, day: i64, cursor: Option<(i64, u32)>, ascending: bool, need: usize) -> Vec<Position> {
        let count = self.shops.orders_on(self.shop, day);
        let (mut lo, mut hi) = self.window(day, count);
        let key = |k: u32| (self.create(day, k, count), k);
        if let Some(cursor) = cursor {
            if ascending {
                lo = partition(lo, hi, |k| key(k) <= cursor);
            } else {
                hi = partition(lo, hi, |k| key(k) < cursor).max(lo);
            }
        }
        let beyond = |p: &Position| cursor.is_none_or(|c| if ascending { p.key() > c } else { p.key() < c });
        let mut found: Vec<Position> = Vec::with_capacity(need.min(256));
        let mut take = |k: u32| {
            let create = self.create(day, k, count);
            if self.matches(day, k, create) {
                found.push(Position { day, index: k, create });
            }
            found.len() >= need
        };
        if ascending {
            for k in lo..hi {
                if take(k) {
                    break;
                }
            }
        } else {
            for k in (lo..hi).rev() {
                if take(k) {
                    break;
                }
            }
        }
        found.extend(self.added(day).into_iter().filter(|p| beyond(p)));
        found.sort_by_key(Position::key);
        if !ascending {
            found.reverse();
        }
        found.truncate(need);
        found
    }

    /// Up to `need` matching orders after `cursor` in update-time order, with their update time.
    /// Keys are `(update_time, create_time, index)`.
    fn update_page(
        &self,
        cursor: Option<(i64, i64, u32)>,
        ascending: bool,
        need: usize,
    ) -> Vec<(i64, Position)> {
        let (first, last) = (self.first_day(), self.last_day());
        let lifecycle_days = MAX_LIFECYCLE / DAY + 1;
        // Update days: from the first creation day to the end of the last one's lifecycle, never
        // after now, inside the update filter.
        let mut lo = first;
        let mut hi = (last + lifecycle_days).min(self.now.div_euclid(DAY));
        if let Some(from) = self.filter.update_from {
            lo = lo.max(from.div_euclid(DAY));
        }
        if let Some(until) = self.filter.update_until {
            hi = hi.min((until - 1).div_euclid(DAY));
        }
        let cursor_day = cursor.map(|(update, _, _)| update.div_euclid(DAY));
        let mut chunk = match (ascending, cursor_day) {
            (true, Some(d)) => d.max(lo),
            (true, None) => lo,
            (false, Some(d)) => d.min(hi),
            (false, None) => hi,
        };
        let beyond = |key: (i64, i64, u32)| cursor.is_none_or(|c| if ascending { key > c } else { key < c });
        let mut found = Vec::new();
        while found.len() < need && (lo..=hi).contains(&chunk) {
            let (from, until) = (chunk * DAY, (chunk + 1) * DAY);
            let mut in_chunk: Vec<(i64, Position)> = Vec::new();
            for day in (chunk - lifecycle_days).max(first)..=chunk.min(last) {
                if self.filter.needs_timeline() && self.count_day(day) == 0 {
                    continue;
                }
                if (day + 1) * DAY + MAX_LIFECYCLE <= self.now {
                    let summary = self.shops.day_summary(self.shop, day, self.now);
                    if summary.last_update < from || summary.first_update >= until {
                        continue;
                    }
                }
                let count = self.shops.orders_on(self.shop, day);
                let (a, b) = self.window(day, count);
                let generated =
                    (a..b).map(|k| Position { day, index: k, create: self.create(day, k, count) });
                for position in generated.chain(self.added(day)) {
                    let timeline = self.shops.timeline(self.shop, day, position.index, position.create);
                    let update = timeline.update_time_at(self.now);
                    if (from..until).contains(&update)
                        && beyond((update, position.create, position.index))
                        && self.filter.timeline_matches(&timeline, self.now)
                    {
                        in_chunk.push((update, position));
                    }
                }
            }
            in_chunk.sort_by_key(|(update, p)| (*update, p.create, p.index));
            if !ascending {
                in_chunk.reverse();
            }
            let room = need - found.len();
            found.extend(in_chunk.into_iter().take(room));
            chunk += if ascending { 1 } else { -1 };
        }
        found
    }

    /// Up to `need` matching orders after `cursor`.
    fn page(&self, cursor: Option<(i64, u32)>, ascending: bool, need: usize) -> Vec<Position> {
        let (first, last) = (self.first_day(), self.last_day());
        let cursor_day = cursor.map(|(create, _)| create.div_euclid(DAY));
        let mut day = match (ascending, cursor_day) {
            (true, Some(d)) => d.max(first),
            (true, None) => first,
            (false, Some(d)) => d.min(last),
            (false, None) => last,
        };
        let mut found = Vec::new();
        while found.len() < need && (first..=last).contains(&day) {
            // Old days answer "none of mine match" from their cached summary, without a scan.
            if !self.filter.needs_timeline() || self.count_day(day) > 0 {
                found.extend(self.day_page(day, cursor, ascending, need - found.len()));
            }
            day += if ascending { 1 } else { -1 };
        }
        found
    }
}

/// The `data` of a search.
#[derive(Serialize)]
struct SearchPage {
    orders: Vec<OrderView>,
    next_page_token: String,
    total_count: u64,
}

/// The `data` of a detail request.
#[derive(Serialize)]
struct Detail {
    orders: Vec<OrderView>,
}

/// `POST /order/202309/orders/search`.
pub fn search(call: &Call) -> Result<Data, ShopError> {
    let shop = call.shop()?;
    let page_size = call.page_size(None, MAX_PAGE_SIZE)?;
    let by_update = match call.param("sort_field") {
        None | Some("create_time") => false,
        Some("update_time") => true,
        Some(_) => return Err(ShopError::invalid_param("sort_field must be create_time or update_time.")),
    };
    let ascending = call.ascending()?;
    let body: SearchBody = call.json_body()?;
    let status = body
        .order_status
        .as_deref()
        .map(|s| {
            OrderStatus::parse(s)
                .ok_or_else(|| ShopError::invalid_param(format!("order_status {s} is unknown.")))
        })
        .transpose()?;
    if body.buyer_user_id.is_some() {
        return Err(ShopError::invalid_param(
            "buyer_user_id is not supported by the sandbox (it would need every order generated).",
        ));
    }
    let nothing = match body.shipping_type.as_deref() {
        None | Some("TIKTOK") => body.is_buyer_request_cancel == Some(true),
        Some("SELLER") => true,
        Some(other) => return Err(ShopError::invalid_param(format!("shipping_type {other} is unknown."))),
    };
    let shops = &call.sandbox.world.shops;
    let filter = Filter {
        status,
        create_from: body.create_time_ge.unwrap_or(i64::MIN).max(shops.first_day() * DAY),
        create_until: body.create_time_lt.unwrap_or(i64::MAX).min(call.now + 1),
        update_from: body.update_time_ge,
        update_until: body.update_time_lt,
        nothing,
    };
    let print = page_token::fingerprint(&[
        if by_update { "update_time" } else { "create_time" },
        if ascending { "ASC" } else { "DESC" },
        body.order_status.as_deref().unwrap_or(""),
        &format!(
            "{:?}",
            (body.create_time_ge, body.create_time_lt, body.update_time_ge, body.update_time_lt)
        ),
        body.shipping_type.as_deref().unwrap_or(""),
        &format!("{:?}", body.is_buyer_request_cancel),
    ]);
    // Tokens hold the last key served: (create_time, index), or (update_time, create_time, index).
    let key_len = if by_update { 3 } else { 2 };
    let cursor = call
        .param("page_token")
        .map(|token| page_token::decode(token, Listing::Orders, print, key_len))
        .transpose()?;
    let index_at = |key: &[i64], at: usize| {
        u32::try_from(key[at]).map_err(|_| ShopError::invalid_param("page_token is invalid."))
    };
    let scan = Scan { shops, shop, now: call.now, filter: &filter };
    let need = page_size + 1;
    let (total, mut page): (u64, Vec<(i64, Position)>) = if filter.create_from >= filter.create_until
        || filter.nothing
    {
        (0, Vec::new())
    } else if by_update {
        let cursor =
            cursor.as_deref().map(|k| Ok::<_, ShopError>((k[0], k[1], index_at(k, 2)?))).transpose()?;
        (scan.total(), scan.update_page(cursor, ascending, need))
    } else {
        let cursor = cursor.as_deref().map(|k| Ok::<_, ShopError>((k[0], index_at(k, 1)?))).transpose()?;
        (scan.total(), scan.page(cursor, ascending, need).into_iter().map(|p| (0, p)).collect())
    };
    let next = if page.len() > page_size {
        page.truncate(page_size);
        page.last().map(|(update, p)| {
            let key = if by_update {
                vec![*update, p.create, i64::from(p.index)]
            } else {
                vec![p.create, i64::from(p.index)]
            };
            page_token::encode(Listing::Orders, print, &key)
        })
    } else {
        None
    };
    let orders: Vec<OrderView> = page
        .iter()
        .map(|(_, p)| OrderView::new(shop, &shops.order(shop, p.day, p.index, p.create), call.now))
        .collect();
    Data::serialize(&SearchPage { orders, next_page_token: next.unwrap_or_default(), total_count: total })
}

/// `GET /order/202309/orders?ids=…`.
pub fn detail(call: &Call) -> Result<Data, ShopError> {
    let shop = call.shop()?;
    let ids: Vec<&str> = call
        .param("ids")
        .ok_or_else(|| ShopError::invalid_param("ids is required."))?
        .split(',')
        .map(str::trim)
        .collect();
    if ids.len() > MAX_DETAIL_IDS || ids.iter().any(|id| id.is_empty()) {
        return Err(ShopError::invalid_param(format!("ids must hold 1 to {MAX_DETAIL_IDS} order ids.")));
    }
    let shops = &call.sandbox.world.shops;
    let orders = ids
        .iter()
        .map(|id| {
            shops
                .order_by_id(shop, id, call.now)
                .map(|order| OrderView::new(shop, &order, call.now))
                .ok_or_else(|| {
                    ShopError::new(
                        codes::ORDER_NOT_OWNED,
                        format!("The order or package does not belong to the current seller: {id}."),
                    )
                })
        })
        .collect::<Result<Vec<OrderView>, ShopError>>()?;
    Data::serialize(&Detail { orders })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_finds_the_boundary() {
        assert_eq!(partition(0, 10, |k| k < 4), 4);
        assert_eq!(partition(0, 10, |_| true), 10);
        assert_eq!(partition(3, 3, |_| true), 3);
    }
}
