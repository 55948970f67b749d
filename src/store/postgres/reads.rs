//! The [`Backend`] methods: reads (each on a pooled connection, seeing the last commit) and the
//! few writes that are a transaction of their own.

use super::{PgStore, db_err, wait};
use crate::model::{OrderStatus, Product};
use crate::store::ops::{AlertDecision, Backend, TxnBody};
use crate::store::summary::{ListWalk, PageWalk};
use crate::store::{
    AlertEvent, AlertState, Attempts, DayCounts, Delivery, FileDay, Job, KnownLevel, ListQuery,
    OrderPage, OrderQuery, OrderRecord, OrderSummary, PartnerActivity, RecordedAnswer, RemoteSeen,
    StoreError, api_requests::KEEP_MS, decode, encode, now_ms, order_key,
};
use futures::{StreamExt, pin_mut};
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, ToSql};

/// Query parameters.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Column `i` of `row`.
pub(super) fn col<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<T, StoreError> {
    row.try_get(i).map_err(db_err)
}

/// The JSON record in column `i`, decoded.
pub(super) fn record<T: serde::de::DeserializeOwned>(
    row: &Row,
    i: usize,
    key: &str,
) -> Result<T, StoreError> {
    decode(key, col::<&str>(row, i)?.as_bytes())
}

/// `value` as JSON text.
pub(super) fn json<T: serde::Serialize>(key: &str, value: &T) -> Result<String, StoreError> {
    String::from_utf8(encode(key, value)?).map_err(db_err)
}

/// Running queries, on the store's connection (reads) or inside a write transaction: one set of
/// the reading helpers for both.
pub(super) trait Query {
    /// Every row `sql` gives.
    fn rows(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, StoreError>;

    /// The one row `sql` gives, if any.
    fn row(&self, sql: &str, params: Params<'_>) -> Result<Option<Row>, StoreError>;

    /// The JSON record under `key` in `table` (a `key`/`value` table), decoded.
    fn keyed<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let sql = format!("SELECT value FROM {table} WHERE key = $1");
        self.row(&sql, &[&key])?
            .map(|r| record(&r, 0, key))
            .transpose()
    }

    /// The order holding `cust_ref`, through the `cust_refs` index.
    fn order_holding(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError> {
        self.row(
            "SELECT o.value FROM cust_refs r JOIN orders o ON o.key = r.order_key \
             WHERE r.cust_ref = $1",
            &[&cust_ref],
        )?
        .map(|r| record(&r, 0, cust_ref))
        .transpose()
    }
}

impl Query for PgStore {
    fn rows(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, StoreError> {
        let conn = self.conn()?;
        wait(conn.client()?.query(sql, params)).map_err(db_err)
    }

    fn row(&self, sql: &str, params: Params<'_>) -> Result<Option<Row>, StoreError> {
        let conn = self.conn()?;
        wait(conn.client()?.query_opt(sql, params)).map_err(db_err)
    }
}

impl PgStore {
    /// Feeds `visit` the `line` column of each row `sql` gives, in order, until it says stop.
    fn walk_lines(
        &self,
        sql: &str,
        params: Params<'_>,
        visit: &mut dyn FnMut(&str) -> bool,
    ) -> Result<(), StoreError> {
        let conn = self.conn()?;
        let c = conn.client()?;
        wait(async {
            let rows = c
                .query_raw(sql, params.iter().copied())
                .await
                .map_err(db_err)?;
            pin_mut!(rows);
            while let Some(row) = rows.next().await {
                let row = row.map_err(db_err)?;
                if !visit(col::<&str>(&row, 0)?) {
                    break;
                }
            }
            Ok(())
        })
    }

    /// How many orders have each status, among those `filter` (a `WHERE` clause on
    /// `order_summaries` with `params`) keeps.
    fn counts(
        &self,
        filter: &str,
        params: Params<'_>,
    ) -> Result<Vec<(OrderStatus, u64)>, StoreError> {
        let sql = format!("SELECT status, count(*) FROM order_summaries {filter} GROUP BY status");
        let rows = self.rows(&sql, params)?;
        let mut out = Vec::new();
        for s in OrderStatus::ALL {
            let mut n = 0u64;
            for r in &rows {
                if col::<&str>(r, 0)? == s.as_str() {
                    n = u64::try_from(col::<i64>(r, 1)?).unwrap_or(0);
                }
            }
            out.push((s, n));
        }
        Ok(out)
    }
}

impl Backend for PgStore {
    fn write_dyn(&self, body: &mut TxnBody<'_>) -> Result<(), StoreError> {
        self.transaction(|t| body(t))
    }

    fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError> {
        self.keyed("deliveries", key)
    }

    fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError> {
        self.keyed("orders", &order_key(source, order_no))
    }

    fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError> {
        self.order_holding(cust_ref)
    }

    fn orders(&self) -> Result<Vec<OrderRecord>, StoreError> {
        let rows = self.rows("SELECT key, value FROM orders ORDER BY key", &[])?;
        rows.iter()
            .map(|r| record(r, 1, col::<&str>(r, 0)?))
            .collect()
    }

    fn untaken_deliveries(&self) -> Result<Vec<(String, String, Delivery)>, StoreError> {
        let rows = self.rows(
            "SELECT key, value FROM deliveries WHERE NOT taken ORDER BY key",
            &[],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            let key: &str = col(r, 0)?;
            let d: Delivery = record(r, 1, key)?;
            if let Some((partner, name)) = key.split_once('\u{1f}') {
                out.push((partner.to_string(), name.to_string(), d));
            }
        }
        Ok(out)
    }

    fn job(&self, key: &str) -> Result<Option<Job>, StoreError> {
        self.keyed("jobs", key)
    }

    fn jobs(&self) -> Result<Vec<(String, Job)>, StoreError> {
        let rows = self.rows("SELECT key, value FROM jobs ORDER BY key", &[])?;
        rows.iter()
            .map(|r| {
                let key: &str = col(r, 0)?;
                Ok((key.to_owned(), record(r, 1, key)?))
            })
            .collect()
    }

    fn written(&self, job: &str, index: usize) -> Result<bool, StoreError> {
        let idx = i32::try_from(index).map_err(db_err)?;
        Ok(self
            .row(
                "SELECT 1 FROM written WHERE job = $1 AND idx = $2",
                &[&job, &idx],
            )?
            .is_some())
    }

    fn attempts(&self, key: &str) -> Result<Option<Attempts>, StoreError> {
        self.keyed("attempts", key)
    }

    fn catalog(&self) -> Result<Vec<(String, Product)>, StoreError> {
        let rows = self.rows(
            "SELECT warehouse, sku, value FROM catalog ORDER BY warehouse, sku",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                let warehouse: &str = col(r, 0)?;
                let sku: &str = col(r, 1)?;
                Ok((warehouse.to_owned(), record(r, 2, sku)?))
            })
            .collect()
    }

    fn catalog_product(&self, warehouse: &str, sku: &str) -> Result<Option<Product>, StoreError> {
        self.row(
            "SELECT value FROM catalog WHERE warehouse = $1 AND sku = $2",
            &[&warehouse, &sku],
        )?
        .map(|r| record(&r, 0, sku))
        .transpose()
    }

    fn inventory(
        &self,
        warehouse: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<KnownLevel>, usize), StoreError> {
        let total = self
            .row(
                "SELECT count(*) FROM inventory_levels WHERE warehouse = $1",
                &[&warehouse],
            )?
            .map(|r| col::<i64>(&r, 0))
            .transpose()?
            .unwrap_or(0);
        let (offset, limit) = (
            i64::try_from(offset).unwrap_or(i64::MAX),
            i64::try_from(limit).unwrap_or(i64::MAX),
        );
        let rows = self.rows(
            "SELECT sku, value FROM inventory_levels WHERE warehouse = $1 ORDER BY sku \
             OFFSET $2 LIMIT $3",
            &[&warehouse, &offset, &limit],
        )?;
        let levels = rows
            .iter()
            .map(|r| record(r, 1, col::<&str>(r, 0)?))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((levels, usize::try_from(total).unwrap_or(0)))
    }

    fn inventory_level(
        &self,
        warehouse: &str,
        sku: &str,
    ) -> Result<Option<KnownLevel>, StoreError> {
        self.row(
            "SELECT value FROM inventory_levels WHERE warehouse = $1 AND sku = $2",
            &[&warehouse, &sku],
        )?
        .map(|r| record(&r, 0, sku))
        .transpose()
    }

    fn api_answer(&self, user: &str, key: &str) -> Result<Option<RecordedAnswer>, StoreError> {
        let found: Option<RecordedAnswer> = self
            .row(
                "SELECT value FROM api_requests WHERE api_user = $1 AND idem_key = $2",
                &[&user, &key],
            )?
            .map(|r| record(&r, 0, key))
            .transpose()?;
        Ok(found.filter(|rec| rec.at_ms + KEEP_MS > now_ms()))
    }

    fn record_api_answer(
        &self,
        user: &str,
        key: &str,
        answer: &RecordedAnswer,
    ) -> Result<(), StoreError> {
        let value = json(key, answer)?;
        let cutoff = answer.at_ms - KEEP_MS;
        self.transaction(|t| {
            t.exec("DELETE FROM api_requests WHERE at_ms < $1", &[&cutoff])?;
            t.exec(
                "INSERT INTO api_requests (api_user, idem_key, at_ms, value) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&user, &key, &answer.at_ms.max(0), &value],
            )?;
            Ok(())
        })
    }

    fn was_fetched(&self, partner: &str, seen: &RemoteSeen) -> Result<bool, StoreError> {
        let size = i64::try_from(seen.size).map_err(db_err)?;
        Ok(self
            .row(
                "SELECT 1 FROM remote_fetched WHERE partner = $1 AND path = $2 \
                 AND size = $3 AND mtime = $4",
                &[&partner, &seen.path, &size, &i64::from(seen.mtime)],
            )?
            .is_some())
    }

    fn dropped(&self, partner: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self.rows(
            "SELECT name, remote_path FROM remote_dropped WHERE partner = $1 ORDER BY name",
            &[&partner],
        )?;
        rows.iter()
            .map(|r| Ok((col::<String>(r, 0)?, col::<String>(r, 1)?)))
            .collect()
    }

    fn probe_write(&self) -> Result<(), StoreError> {
        self.transaction(|t| {
            t.exec(
                "INSERT INTO health_probe (id, at_ms) VALUES (1, $1) \
                 ON CONFLICT (id) DO UPDATE SET at_ms = EXCLUDED.at_ms",
                &[&now_ms()],
            )?;
            Ok(())
        })
    }

    fn activity(&self) -> Result<Vec<(String, PartnerActivity)>, StoreError> {
        let rows = self.rows(
            "SELECT partner, value FROM partner_activity ORDER BY partner",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                let p: &str = col(r, 0)?;
                Ok((p.to_owned(), record(r, 1, p)?))
            })
            .collect()
    }

    fn partner_activity(&self, partner: &str) -> Result<PartnerActivity, StoreError> {
        Ok(self
            .row(
                "SELECT value FROM partner_activity WHERE partner = $1",
                &[&partner],
            )?
            .map(|r| record(&r, 0, partner))
            .transpose()?
            .unwrap_or_default())
    }

    fn files_per_day(&self, days: &[String]) -> Result<Vec<FileDay>, StoreError> {
        let mut out = Vec::new();
        for day in days {
            let rows = self.rows(
                "SELECT partner, outcome, count FROM file_days WHERE day = $1 \
                 ORDER BY partner, outcome",
                &[day],
            )?;
            for r in &rows {
                out.push(FileDay {
                    day: day.clone(),
                    partner: col(r, 0)?,
                    outcome: col(r, 1)?,
                    count: u64::try_from(col::<i64>(r, 2)?).unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    fn alert_state(&self, key: &str) -> Result<Option<AlertState>, StoreError> {
        self.keyed("alert_states", key)
    }

    fn alert_transition_dyn(
        &self,
        key: &str,
        decide: &mut AlertDecision<'_>,
    ) -> Result<Vec<AlertEvent>, StoreError> {
        self.transaction(|t| t.alert_transition(key, decide))
    }

    fn alert_log(&self, limit: usize) -> Result<Vec<AlertEvent>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.rows(
            "SELECT seq, value FROM alert_log ORDER BY seq DESC LIMIT $1",
            &[&limit],
        )?;
        rows.iter()
            .map(|r| record(r, 1, &col::<i64>(r, 0)?.to_string()))
            .collect()
    }

    fn order_counts(&self) -> Result<Vec<(OrderStatus, u64)>, StoreError> {
        self.counts("", &[])
    }

    fn order_counts_of(&self, source: &str) -> Result<Vec<(OrderStatus, u64)>, StoreError> {
        self.counts("WHERE source = $1", &[&source])
    }

    fn orders_per_day(&self, days: &[String]) -> Result<Vec<DayCounts>, StoreError> {
        days.iter()
            .map(|day| Ok((day.clone(), self.counts("WHERE first_day = $1", &[day])?)))
            .collect()
    }

    fn oldest_with_status(
        &self,
        status: OrderStatus,
        limit: usize,
    ) -> Result<Vec<OrderSummary>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.rows(
            "SELECT line FROM order_summaries WHERE status = $1 ORDER BY since_ms, key LIMIT $2",
            &[&status.as_str(), &limit],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            if let Some(s) = OrderSummary::parse(col(r, 0)?) {
                out.push(s);
            }
        }
        Ok(out)
    }

    fn order_page(&self, q: &OrderQuery) -> Result<OrderPage, StoreError> {
        let mut walk = PageWalk::new(q);
        // Unfiltered, the page's end is known: read no further.
        let limit = if walk.filtered() {
            i64::MAX
        } else {
            i64::try_from(q.offset.saturating_add(q.limit)).unwrap_or(i64::MAX)
        };
        let mut visit = |line: &str| walk.visit(line);
        match q.status {
            Some(s) => self.walk_lines(
                "SELECT line FROM order_summaries WHERE status = $1 \
                 ORDER BY since_ms DESC, key DESC LIMIT $2",
                &[&s.as_str(), &limit],
                &mut visit,
            )?,
            None => self.walk_lines(
                "SELECT line FROM order_summaries ORDER BY first_ms DESC, key DESC LIMIT $1",
                &[&limit],
                &mut visit,
            )?,
        }
        let total = if walk.filtered() {
            None
        } else {
            let counts = match q.status {
                Some(_) => self.counts("WHERE status = $1", &[&q.status.map(|s| s.as_str())])?,
                None => self.counts("", &[])?,
            };
            Some(counts.iter().map(|(_, n)| n).sum())
        };
        Ok(walk.finish(total))
    }

    fn order_list(&self, q: &ListQuery) -> Result<Vec<OrderRecord>, StoreError> {
        let mut walk = ListWalk::new(q);
        let mut visit = |line: &str| walk.visit(line);
        if let [status] = q.statuses.as_slice() {
            self.walk_lines(
                "SELECT line FROM order_summaries WHERE status = $1 ORDER BY since_ms, key",
                &[&status.as_str()],
                &mut visit,
            )?;
        } else {
            self.walk_lines(
                "SELECT line FROM order_summaries WHERE first_ms >= $1 ORDER BY first_ms, key",
                &[&q.from_ms.max(0)],
                &mut visit,
            )?;
        }
        let mut out = Vec::new();
        for key in walk.finish() {
            if let Some(rec) = self.keyed("orders", &key)? {
                out.push(rec);
            }
        }
        Ok(out)
    }
}
