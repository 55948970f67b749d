//! Order summaries: what the console's order list, the `wharf_orders{status}` gauge and the
//! `order_not_taken` alert need, kept up to date in the transaction that records the order, so
//! none of them reads 100,000 full order records.
//!
//! - `order_summaries`: order key → one short line (status, since when, first seen, source,
//!   order number, `cust_ref`, name), fields separated by U+001F (a control character partner
//!   text never holds: every decoder refuses them). Splitting that line is what makes a text
//!   search over 100,000 orders cheap; JSON would be ten times slower to read back.
//! - `orders_by_status`: `STATUS␟SINCE␟KEY` → the line: the newest (or oldest) orders of one
//!   status without a scan.
//! - `orders_by_time`: `FIRST_SEEN␟KEY` → the line: every order, newest first.
//! - `order_counts`: status → how many orders have it (the gauge reads eight numbers).
//! - `order_days`: `DAY␟STATUS` → how many orders first seen that day (UTC) have that status
//!   now (the console's chart).
//!
//! A store written before these tables existed gets them built once, at open.

use super::{Store, StoreError, Txn, db_err, decode};
use crate::model::OrderStatus;
use crate::store::OrderRecord;
use redb::{ReadableTable, TableDefinition};

pub(super) const SUMMARIES: TableDefinition<&str, &str> = TableDefinition::new("order_summaries");
const BY_STATUS: TableDefinition<&str, &str> = TableDefinition::new("orders_by_status");
const BY_TIME: TableDefinition<&str, &str> = TableDefinition::new("orders_by_time");
const COUNTS: TableDefinition<&str, u64> = TableDefinition::new("order_counts");
const DAYS: TableDefinition<&str, u64> = TableDefinition::new("order_days");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const BUILT: &str = "order_summaries_v1";

/// The separator of a summary line's fields (and of index keys).
const SEP: char = '\u{1f}';

/// One order in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSummary {
    /// Its status.
    pub status: OrderStatus,
    /// When it got that status (Unix milliseconds).
    pub since_ms: i64,
    /// When Wharf first recorded it (Unix milliseconds).
    pub first_ms: i64,
    /// The cart partner that sent it.
    pub source: String,
    /// The cart's order number (`cust_po_no`).
    pub order_no: String,
    /// The number the warehouse sees.
    pub cust_ref: String,
    /// The customer's name (ship-to, else bill-to, else company), may be empty.
    pub name: String,
}

impl OrderSummary {
    fn of(rec: &OrderRecord, since_ms: i64, first_ms: i64) -> OrderSummary {
        let name = rec
            .order
            .as_ref()
            .map(|o| {
                let join = |a: &Option<String>, b: &Option<String>| {
                    [a.as_deref(), b.as_deref()]
                        .into_iter()
                        .flatten()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let ship = join(&o.ship_first_name, &o.ship_last_name);
                let bill = join(&o.cust_first_name, &o.cust_last_name);
                [ship, bill, o.ship_company.clone().unwrap_or_default()]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        OrderSummary {
            status: rec.status,
            since_ms,
            first_ms,
            source: rec.source.clone(),
            order_no: rec.order_no.clone(),
            cust_ref: rec.cust_ref.clone(),
            name: clean(&name),
        }
    }

    fn line(&self) -> String {
        format!(
            "{}{SEP}{}{SEP}{}{SEP}{}{SEP}{}{SEP}{}{SEP}{}",
            self.status.as_str(),
            self.since_ms,
            self.first_ms,
            clean(&self.source),
            clean(&self.order_no),
            clean(&self.cust_ref),
            clean(&self.name)
        )
    }

    fn parse(line: &str) -> Option<OrderSummary> {
        let mut f = line.split(SEP);
        Some(OrderSummary {
            status: OrderStatus::parse(f.next()?)?,
            since_ms: f.next()?.parse().ok()?,
            first_ms: f.next()?.parse().ok()?,
            source: f.next()?.to_owned(),
            order_no: f.next()?.to_owned(),
            cust_ref: f.next()?.to_owned(),
            name: f.next()?.to_owned(),
        })
    }

    fn key(&self) -> String {
        super::order_key(&self.source, &self.order_no)
    }

    fn status_key(&self) -> String {
        format!(
            "{}{SEP}{:015}{SEP}{}",
            self.status.as_str(),
            self.since_ms.max(0),
            self.key()
        )
    }

    fn time_key(&self) -> String {
        format!("{:015}{SEP}{}", self.first_ms.max(0), self.key())
    }

    fn day_key(&self) -> String {
        format!("{}{SEP}{}", day_of(self.first_ms), self.status.as_str())
    }
}

/// Case-insensitive substring test without allocating for ASCII haystacks.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// The text without the separator.
fn clean(s: &str) -> String {
    s.replace(SEP, " ")
}

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
pub fn day_of(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// One day (`YYYY-MM-DD`) and its orders by status.
pub type DayCounts = (String, Vec<(OrderStatus, u64)>);

/// What the order list asks for.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Only this cart.
    pub partner: Option<String>,
    /// Only orders whose `cust_ref`, order number or name contains this (any case).
    pub text: Option<String>,
    /// Orders to skip (page × page size).
    pub offset: usize,
    /// At most this many.
    pub limit: usize,
}

/// What the merchant API's order list asks for.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Any of these statuses (empty: any).
    pub statuses: Vec<OrderStatus>,
    /// From these carts only.
    pub sources: Vec<String>,
    /// First recorded at or after (Unix milliseconds).
    pub from_ms: i64,
    /// First recorded at or before (Unix milliseconds).
    pub to_ms: i64,
    /// Orders to skip.
    pub offset: usize,
    /// At most this many.
    pub limit: usize,
}

/// One page of orders, newest first.
#[derive(Debug, Clone, Default)]
pub struct OrderPage {
    /// The orders on the page.
    pub rows: Vec<OrderSummary>,
    /// How many orders match in all.
    pub total: usize,
}

impl Store {
    /// How many orders have each status (every status listed, zeros included).
    pub fn order_counts(&self) -> Result<Vec<(OrderStatus, u64)>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(COUNTS).map_err(db_err)?;
        let mut out = Vec::new();
        for s in OrderStatus::ALL {
            let n = t.get(s.as_str()).map_err(db_err)?.map_or(0, |v| v.value());
            out.push((s, n));
        }
        Ok(out)
    }

    /// How many orders from the cart `source` have each status (every status listed).
    pub fn order_counts_of(&self, source: &str) -> Result<Vec<(OrderStatus, u64)>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(COUNTS).map_err(db_err)?;
        let mut out = Vec::new();
        for s in OrderStatus::ALL {
            let key = partner_count_key(source, s);
            let n = t
                .get(key.as_str())
                .map_err(db_err)?
                .map_or(0, |v| v.value());
            out.push((s, n));
        }
        Ok(out)
    }

    /// Orders first seen on each of `days` (`YYYY-MM-DD`), by their status now.
    pub fn orders_per_day(&self, days: &[String]) -> Result<Vec<DayCounts>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(DAYS).map_err(db_err)?;
        let mut out = Vec::new();
        for day in days {
            let mut row = Vec::new();
            for s in OrderStatus::ALL {
                let key = format!("{day}{SEP}{}", s.as_str());
                let n = t
                    .get(key.as_str())
                    .map_err(db_err)?
                    .map_or(0, |v| v.value());
                row.push((s, n));
            }
            out.push((day.clone(), row));
        }
        Ok(out)
    }

    /// The oldest orders with `status` (longest in it first), at most `limit`.
    pub fn oldest_with_status(
        &self,
        status: OrderStatus,
        limit: usize,
    ) -> Result<Vec<OrderSummary>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(BY_STATUS).map_err(db_err)?;
        let (from, to) = status_range(status);
        let mut out = Vec::new();
        for row in t.range(from.as_str()..to.as_str()).map_err(db_err)? {
            let (_, v) = row.map_err(db_err)?;
            if let Some(s) = OrderSummary::parse(v.value()) {
                out.push(s);
            }
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// A page of orders, newest first, with the number matching in all.
    pub fn order_page(&self, q: &OrderQuery) -> Result<OrderPage, StoreError> {
        let rtx = self.db.begin_read()?;
        let needle = q
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let partner = q.partner.as_deref().filter(|p| !p.is_empty());
        // Filters run on the stored line itself, without building a summary: only the rows on
        // the page are parsed (a text search reads every line).
        let keep = |line: &str| {
            let mut f = line.split(SEP).skip(3);
            let (Some(source), Some(no), Some(cust_ref), Some(name)) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                return false;
            };
            partner.is_none_or(|p| source == p)
                && needle.as_deref().is_none_or(|n| {
                    contains_ci(cust_ref, n) || contains_ci(no, n) || contains_ci(name, n)
                })
        };
        let filtered = needle.is_some() || partner.is_some();
        let mut page = OrderPage::default();
        let mut visit = |value: &str| {
            if filtered && !keep(value) {
                return true;
            }
            if page.total >= q.offset
                && page.rows.len() < q.limit
                && let Some(s) = OrderSummary::parse(value)
            {
                page.rows.push(s);
            }
            page.total += 1;
            // Without a filter the total is known from the counts: stop at the page's end.
            filtered || page.rows.len() < q.limit
        };
        match q.status {
            Some(status) => {
                let t = rtx.open_table(BY_STATUS).map_err(db_err)?;
                let (from, to) = status_range(status);
                for row in t.range(from.as_str()..to.as_str()).map_err(db_err)?.rev() {
                    let (_, v) = row.map_err(db_err)?;
                    if !visit(v.value()) {
                        break;
                    }
                }
            }
            None => {
                let t = rtx.open_table(BY_TIME).map_err(db_err)?;
                for row in t.iter().map_err(db_err)?.rev() {
                    let (_, v) = row.map_err(db_err)?;
                    if !visit(v.value()) {
                        break;
                    }
                }
            }
        }
        if !filtered {
            let counts = rtx.open_table(COUNTS).map_err(db_err)?;
            let count = |s: OrderStatus| -> Result<u64, StoreError> {
                Ok(counts
                    .get(s.as_str())
                    .map_err(db_err)?
                    .map_or(0, |v| v.value()))
            };
            let total = match q.status {
                Some(s) => count(s)?,
                None => OrderStatus::ALL
                    .iter()
                    .map(|s| count(*s))
                    .sum::<Result<u64, _>>()?,
            };
            page.total = usize::try_from(total).unwrap_or(usize::MAX);
        }
        Ok(page)
    }

    /// The merchant API's order list: orders from the carts `sources` whose status is one of
    /// `statuses` (all when empty), first recorded within `[from_ms, to_ms]`, oldest first
    /// (by status time for one status, by first-seen time otherwise), `limit` of them after
    /// `offset`, read whole.
    pub fn order_list(&self, q: &ListQuery) -> Result<Vec<OrderRecord>, StoreError> {
        let rtx = self.db.begin_read()?;
        let mut keys = Vec::new();
        let mut seen = 0usize;
        let mut visit = |line: &str| {
            let mut f = line.split(SEP);
            let (Some(status), Some(_since), Some(first), Some(source), Some(no)) =
                (f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return true;
            };
            let first: i64 = first.parse().unwrap_or(0);
            let wanted = (q.statuses.is_empty() || q.statuses.iter().any(|s| s.as_str() == status))
                && q.sources.iter().any(|s| s == source)
                && first >= q.from_ms
                && first <= q.to_ms;
            if wanted {
                if seen >= q.offset {
                    keys.push(super::order_key(source, no));
                }
                seen += 1;
            }
            keys.len() < q.limit
        };
        if let [status] = q.statuses.as_slice() {
            let t = rtx.open_table(BY_STATUS).map_err(db_err)?;
            let (from, to) = status_range(*status);
            for row in t.range(from.as_str()..to.as_str()).map_err(db_err)? {
                let (_, v) = row.map_err(db_err)?;
                if !visit(v.value()) {
                    break;
                }
            }
        } else {
            let t = rtx.open_table(BY_TIME).map_err(db_err)?;
            let from = format!("{:015}", q.from_ms.max(0));
            for row in t.range(from.as_str()..).map_err(db_err)? {
                let (_, v) = row.map_err(db_err)?;
                if !visit(v.value()) {
                    break;
                }
            }
        }
        let orders = rtx.open_table(super::ORDERS).map_err(db_err)?;
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            if let Some(v) = orders.get(k.as_str()).map_err(db_err)? {
                out.push(decode(&k, v.value())?);
            }
        }
        Ok(out)
    }

    /// Builds the summaries of a store written before they existed (once).
    pub(super) fn ensure_summaries(&self) -> Result<(), StoreError> {
        let built = {
            let rtx = self.db.begin_read()?;
            match rtx.open_table(META) {
                Ok(meta) => meta.get(BUILT).map_err(db_err)?.is_some(),
                Err(redb::TableError::TableDoesNotExist(_)) => false,
                Err(e) => return Err(db_err(e)),
            }
        };
        if built {
            return Ok(());
        }
        self.write(|t| {
            for def in [SUMMARIES, BY_STATUS, BY_TIME] {
                t.wtx.open_table(def).map_err(db_err)?;
            }
            for def in [COUNTS, DAYS] {
                t.wtx.open_table(def).map_err(db_err)?;
            }
            let records: Vec<OrderRecord> = {
                let mut out = Vec::new();
                for row in t.orders.iter().map_err(db_err)? {
                    let (k, v) = row.map_err(db_err)?;
                    out.push(decode::<OrderRecord>(k.value(), v.value())?);
                }
                out
            };
            for rec in &records {
                let first = rec
                    .history
                    .first()
                    .and_then(|h| h.time.parse::<jiff::Timestamp>().ok())
                    .map_or_else(now_ms, |t| t.as_millisecond());
                let since = rec
                    .history
                    .last()
                    .and_then(|h| h.time.parse::<jiff::Timestamp>().ok())
                    .map_or(first, |t| t.as_millisecond());
                t.update_summary(rec, Some((since, first)))?;
            }
            let mut meta = t.wtx.open_table(META).map_err(db_err)?;
            meta.insert(BUILT, "1").map_err(db_err)?;
            Ok(())
        })
    }
}

/// The key of one cart's count of one status in `order_counts`.
fn partner_count_key(source: &str, status: OrderStatus) -> String {
    format!("p{SEP}{source}{SEP}{}", status.as_str())
}

/// The key range of one status in `orders_by_status`.
fn status_range(status: OrderStatus) -> (String, String) {
    (
        format!("{}{SEP}", status.as_str()),
        format!("{}\u{20}", status.as_str()),
    )
}

impl Txn<'_> {
    /// Keeps the order's summary, its index entries and the counts in step with `rec` (called
    /// by [`Txn::put_order`]). `times` forces (since, first seen); otherwise a new status is
    /// since now and the first-seen time is kept.
    pub(super) fn update_summary(
        &mut self,
        rec: &OrderRecord,
        times: Option<(i64, i64)>,
    ) -> Result<(), StoreError> {
        let key = super::order_key(&rec.source, &rec.order_no);
        let mut summaries = self.wtx.open_table(SUMMARIES).map_err(db_err)?;
        let old = summaries
            .get(key.as_str())
            .map_err(db_err)?
            .and_then(|v| OrderSummary::parse(v.value()));
        let now = now_ms();
        let (since, first) = match (times, &old) {
            (Some(t), _) => t,
            (None, Some(o)) if o.status == rec.status => (o.since_ms, o.first_ms),
            (None, Some(o)) => (now, o.first_ms),
            (None, None) => (now, now),
        };
        let new = OrderSummary::of(rec, since, first);
        if old.as_ref() == Some(&new) {
            return Ok(());
        }
        let line = new.line();
        summaries
            .insert(key.as_str(), line.as_str())
            .map_err(db_err)?;
        let mut by_status = self.wtx.open_table(BY_STATUS).map_err(db_err)?;
        let mut by_time = self.wtx.open_table(BY_TIME).map_err(db_err)?;
        let mut counts = self.wtx.open_table(COUNTS).map_err(db_err)?;
        let mut days = self.wtx.open_table(DAYS).map_err(db_err)?;
        let add = |table: &mut redb::Table<'_, &str, u64>, k: &str, d: i64| {
            let n = table.get(k).map_err(db_err)?.map_or(0, |v| v.value());
            let n = if d < 0 {
                n.saturating_sub(1)
            } else {
                n.saturating_add(1)
            };
            if n == 0 {
                table.remove(k).map_err(db_err)?;
            } else {
                table.insert(k, n).map_err(db_err)?;
            }
            Ok::<(), StoreError>(())
        };
        if let Some(o) = &old {
            by_status.remove(o.status_key().as_str()).map_err(db_err)?;
            by_time.remove(o.time_key().as_str()).map_err(db_err)?;
            add(&mut counts, o.status.as_str(), -1)?;
            add(&mut counts, &partner_count_key(&o.source, o.status), -1)?;
            add(&mut days, &o.day_key(), -1)?;
        }
        by_status
            .insert(new.status_key().as_str(), line.as_str())
            .map_err(db_err)?;
        by_time
            .insert(new.time_key().as_str(), line.as_str())
            .map_err(db_err)?;
        add(&mut counts, new.status.as_str(), 1)?;
        add(&mut counts, &partner_count_key(&new.source, new.status), 1)?;
        add(&mut days, &new.day_key(), 1)?;
        Ok(())
    }
}

impl OrderRecord {
    /// The order as `wharf orders show` and the console show it: the canonical JSON with its
    /// `order_status`, `status_reason` and `history` (a skipped or rejected order without
    /// canonical content: its identity, status and reason).
    pub fn view(&self) -> serde_json::Value {
        let mut v = match &self.order {
            Some(o) => serde_json::to_value(o).unwrap_or_default(),
            None => serde_json::json!({
                "cust_ref": self.cust_ref,
                "cust_po_no": self.order_no,
                "order_source": self.source,
            }),
        };
        if let Some(map) = v.as_object_mut() {
            map.insert("order_status".into(), self.status.as_str().into());
            if let Some(reason) = &self.reason {
                map.insert("status_reason".into(), reason.clone().into());
            }
            map.insert(
                "history".into(),
                serde_json::to_value(&self.history).unwrap_or_default(),
            );
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::HistoryEntry;

    fn rec(source: &str, no: &str, status: OrderStatus, name: &str) -> OrderRecord {
        OrderRecord {
            source: source.into(),
            order_no: no.into(),
            cust_ref: format!("R-{no}"),
            status,
            content_hash: String::new(),
            reason: None,
            order: Some(crate::model::Order {
                cust_po_no: no.into(),
                order_source: source.into(),
                ship_first_name: Some(name.into()),
                ..Default::default()
            }),
            history: vec![HistoryEntry::now("received", "in/x.xml")],
            confirmations: vec![],
            shipped: Default::default(),
            shipments: vec![],
            canceled: Default::default(),
        }
    }

    #[test]
    fn counts_pages_and_search_follow_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.redb")).unwrap();
        store
            .write(|t| {
                for i in 0..30 {
                    let source = if i % 2 == 0 { "uc" } else { "dsco" };
                    let name = if i == 7 { "Ada Lovelace" } else { "Bob" };
                    t.put_order(&rec(source, &format!("{i:03}"), OrderStatus::New, name))?;
                }
                Ok(())
            })
            .unwrap();
        let count = |s| {
            store
                .order_counts()
                .unwrap()
                .into_iter()
                .find(|(x, _)| *x == s)
                .unwrap()
                .1
        };
        assert_eq!(count(OrderStatus::New), 30);
        store
            .write(|t| {
                let mut r = rec("dsco", "007", OrderStatus::AtWms, "Ada Lovelace");
                r.history.push(HistoryEntry::now("taken", "out/x"));
                t.put_order(&r)
            })
            .unwrap();
        assert_eq!(count(OrderStatus::New), 29);
        assert_eq!(count(OrderStatus::AtWms), 1);
        let dsco = store.order_counts_of("dsco").unwrap();
        assert_eq!(dsco[0], (OrderStatus::New, 14));
        assert_eq!(dsco[1], (OrderStatus::AtWms, 1));

        let page = |q: OrderQuery| store.order_page(&q).unwrap();
        let all = page(OrderQuery {
            limit: 10,
            ..Default::default()
        });
        assert_eq!((all.total, all.rows.len()), (30, 10));
        let second = page(OrderQuery {
            offset: 25,
            limit: 10,
            ..Default::default()
        });
        assert_eq!(second.rows.len(), 5);
        let lovelace = page(OrderQuery {
            text: Some("LOVELACE".into()),
            limit: 10,
            ..Default::default()
        });
        assert_eq!(lovelace.total, 1);
        assert_eq!(lovelace.rows[0].cust_ref, "R-007");
        assert_eq!(lovelace.rows[0].status, OrderStatus::AtWms);
        let by_ref = page(OrderQuery {
            text: Some("r-01".into()),
            partner: Some("uc".into()),
            limit: 10,
            ..Default::default()
        });
        assert_eq!(by_ref.total, 5, "{:?}", by_ref.rows); // 010..=018, even
        let at_wms = page(OrderQuery {
            status: Some(OrderStatus::AtWms),
            limit: 10,
            ..Default::default()
        });
        assert_eq!(at_wms.total, 1);
        // The oldest `new` order: none has been `new` for longer (orders written in the same
        // millisecond come in key order).
        let new = page(OrderQuery {
            status: Some(OrderStatus::New),
            limit: 100,
            ..Default::default()
        });
        let oldest = &store.oldest_with_status(OrderStatus::New, 1).unwrap()[0];
        assert_eq!(new.rows.len(), 29);
        assert!(new.rows.iter().all(|r| r.since_ms >= oldest.since_ms));
        assert_eq!(new.rows.last(), Some(oldest), "newest first, oldest last");
        let today = day_of(now_ms());
        let days = store.orders_per_day(std::slice::from_ref(&today)).unwrap();
        assert_eq!(days[0].1[0], (OrderStatus::New, 29));
    }

    #[test]
    fn a_store_without_summaries_gets_them_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.redb");
        {
            let store = Store::open(&path).unwrap();
            store
                .write(|t| {
                    t.put_order(&rec("uc", "1", OrderStatus::Shipped, "A"))?;
                    // Forget the summaries, as a store from before them.
                    for def in [SUMMARIES, BY_STATUS, BY_TIME, META] {
                        t.wtx.delete_table(def).map_err(db_err)?;
                    }
                    t.wtx.delete_table(COUNTS).map_err(db_err)?;
                    t.wtx.delete_table(DAYS).map_err(db_err)?;
                    Ok(())
                })
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert!(
            store
                .order_counts()
                .unwrap()
                .contains(&(OrderStatus::Shipped, 1))
        );
    }
}
