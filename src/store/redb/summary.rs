//! The order summaries in redb:
//!
//! - `order_summaries`: order key → the summary line.
//! - `orders_by_status`: `STATUS␟SINCE␟KEY` → the line: the newest (or oldest) orders of one
//!   status without a scan.
//! - `orders_by_time`: `FIRST_SEEN␟KEY` → the line: every order, newest first.
//! - `order_counts`: status → how many orders have it (the gauge reads eight numbers).
//! - `order_days`: `DAY␟STATUS` → how many orders first seen that day (UTC) have that status
//!   now (the console's chart).
//!
//! A store written before these tables existed gets them built once, at open.

use super::{RedbStore, RedbTxn, db_err, decode};
use crate::model::OrderStatus;
use crate::store::summary::{ListWalk, PageWalk, SEP};
use crate::store::{
    DayCounts, ListQuery, OrderPage, OrderQuery, OrderRecord, OrderSummary, StoreError, now_ms,
};
use ::redb::{ReadableTable, TableDefinition};

pub(super) const SUMMARIES: TableDefinition<&str, &str> = TableDefinition::new("order_summaries");
const BY_STATUS: TableDefinition<&str, &str> = TableDefinition::new("orders_by_status");
const BY_TIME: TableDefinition<&str, &str> = TableDefinition::new("orders_by_time");
const COUNTS: TableDefinition<&str, u64> = TableDefinition::new("order_counts");
const DAYS: TableDefinition<&str, u64> = TableDefinition::new("order_days");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const BUILT: &str = "order_summaries_v1";

impl RedbStore {
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
        let mut walk = PageWalk::new(q);
        let mut visit = |line: &str| walk.visit(line);
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
        let total = if walk.filtered() {
            None
        } else {
            let counts = rtx.open_table(COUNTS).map_err(db_err)?;
            let count = |s: OrderStatus| -> Result<u64, StoreError> {
                Ok(counts
                    .get(s.as_str())
                    .map_err(db_err)?
                    .map_or(0, |v| v.value()))
            };
            Some(match q.status {
                Some(s) => count(s)?,
                None => OrderStatus::ALL
                    .iter()
                    .map(|s| count(*s))
                    .sum::<Result<u64, _>>()?,
            })
        };
        Ok(walk.finish(total))
    }

    /// The merchant API's order list: orders from the carts `sources` whose status is one of
    /// `statuses` (all when empty), first recorded within `[from_ms, to_ms]`, oldest first
    /// (by status time for one status, by first-seen time otherwise), `limit` of them after
    /// `offset`, read whole.
    pub fn order_list(&self, q: &ListQuery) -> Result<Vec<OrderRecord>, StoreError> {
        let rtx = self.db.begin_read()?;
        let mut walk = ListWalk::new(q);
        let mut visit = |line: &str| walk.visit(line);
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
        let keys = walk.finish();
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

impl RedbTxn<'_> {
    /// Keeps the order's summary, its index entries and the counts in step with `rec` (called
    /// by [`Txn::put_order`]). `times` forces (since, first seen); otherwise a new status is
    /// since now and the first-seen time is kept.
    pub(super) fn update_summary(
        &mut self,
        rec: &OrderRecord,
        times: Option<(i64, i64)>,
    ) -> Result<(), StoreError> {
        let key = crate::store::order_key(&rec.source, &rec.order_no);
        let mut summaries = self.wtx.open_table(SUMMARIES).map_err(db_err)?;
        let old = summaries
            .get(key.as_str())
            .map_err(db_err)?
            .and_then(|v| OrderSummary::parse(v.value()));
        let Some(new) = OrderSummary::next(rec, old.as_ref(), times) else {
            return Ok(());
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::HistoryEntry;

    #[test]
    fn a_store_without_summaries_gets_them_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.redb");
        let rec = OrderRecord {
            source: "uc".into(),
            order_no: "1".into(),
            cust_ref: "1".into(),
            status: OrderStatus::Shipped,
            content_hash: String::new(),
            reason: None,
            order: None,
            history: vec![HistoryEntry::now("received", "in/x.xml")],
            confirmations: vec![],
            shipped: Default::default(),
            shipments: vec![],
            canceled: Default::default(),
        };
        {
            let store = RedbStore::open(&path).unwrap();
            store
                .write(|t| {
                    t.put_order(&rec)?;
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
        let store = RedbStore::open(&path).unwrap();
        assert!(
            store
                .order_counts()
                .unwrap()
                .contains(&(OrderStatus::Shipped, 1))
        );
    }
}
