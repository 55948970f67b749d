//! The [`TxnOps`] methods: reads and writes inside one PostgreSQL transaction (holding the
//! write lock), on its one connection.

use super::reads::{Params, Query, col, json, record};
use super::{db_err, wait};
use crate::model::{InventoryLevel, Product};
use crate::store::activity::Settled;
use crate::store::ops::{AlertDecision, TxnOps};
use crate::store::{
    ALERT_LOG_KEEP, AlertEvent, AlertState, Attempts, Delivery, Job, KnownLevel, OrderRecord,
    OrderSummary, PartnerActivity, Plan, RemoteSeen, StoreError, day_of, now_ms, order_key,
};
use std::collections::HashSet;
use tokio_postgres::{Client, Row};

/// One open transaction.
pub(crate) struct PgTxn<'c> {
    pub(super) c: &'c Client,
}

impl Query for PgTxn<'_> {
    fn rows(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, StoreError> {
        wait(self.c.query(sql, params)).map_err(db_err)
    }

    fn row(&self, sql: &str, params: Params<'_>) -> Result<Option<Row>, StoreError> {
        wait(self.c.query_opt(sql, params)).map_err(db_err)
    }
}

impl PgTxn<'_> {
    pub(super) fn exec(&self, sql: &str, params: Params<'_>) -> Result<u64, StoreError> {
        wait(self.c.execute(sql, params)).map_err(db_err)
    }

    /// Records `value` under `key` in `table` (a `key`/`value` table), replacing what was.
    fn put_keyed<T: serde::Serialize>(
        &self,
        table: &str,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO {table} (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        );
        self.exec(&sql, &[&key, &json(key, value)?])?;
        Ok(())
    }

    /// Keeps the order's summary in step with `rec` (the same rule as the embedded store).
    fn update_summary(&self, rec: &OrderRecord) -> Result<(), StoreError> {
        let key = order_key(&rec.source, &rec.order_no);
        let old = self
            .row("SELECT line FROM order_summaries WHERE key = $1", &[&key])?
            .map(|r| col::<String>(&r, 0))
            .transpose()?
            .and_then(|line| OrderSummary::parse(&line));
        let Some(new) = OrderSummary::next(rec, old.as_ref(), None) else {
            return Ok(());
        };
        self.exec(
            "INSERT INTO order_summaries (key, status, since_ms, first_ms, first_day, source, line) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO UPDATE SET \
             status = EXCLUDED.status, since_ms = EXCLUDED.since_ms, \
             first_ms = EXCLUDED.first_ms, first_day = EXCLUDED.first_day, \
             source = EXCLUDED.source, line = EXCLUDED.line",
            &[
                &key,
                &new.status.as_str(),
                &new.since_ms,
                &new.first_ms,
                &day_of(new.first_ms),
                &new.source,
                &new.line(),
            ],
        )?;
        Ok(())
    }

    /// Reads alert `key`'s state, lets `decide` choose the new one and its events, and
    /// records both.
    pub(super) fn alert_transition(
        &self,
        key: &str,
        decide: &mut AlertDecision<'_>,
    ) -> Result<Vec<AlertEvent>, StoreError> {
        let old: Option<AlertState> = self.keyed("alert_states", key)?;
        let (new, events) = decide(old.clone());
        if old.as_ref() != Some(&new) {
            self.put_keyed("alert_states", key, &new)?;
        }
        if !events.is_empty() {
            for e in &events {
                self.exec(
                    "INSERT INTO alert_log (value) VALUES ($1)",
                    &[&json(key, e)?],
                )?;
            }
            let keep = i64::try_from(ALERT_LOG_KEEP).unwrap_or(i64::MAX);
            self.exec(
                "DELETE FROM alert_log WHERE seq <= (SELECT max(seq) FROM alert_log) - $1",
                &[&keep],
            )?;
        }
        Ok(events)
    }

    fn update_activity(
        &self,
        partner: &str,
        f: &mut dyn FnMut(&mut PartnerActivity),
    ) -> Result<(), StoreError> {
        let mut a: PartnerActivity = self
            .row(
                "SELECT value FROM partner_activity WHERE partner = $1",
                &[&partner],
            )?
            .map(|r| record(&r, 0, partner))
            .transpose()?
            .unwrap_or_default();
        f(&mut a);
        self.exec(
            "INSERT INTO partner_activity (partner, value) VALUES ($1, $2) \
             ON CONFLICT (partner) DO UPDATE SET value = EXCLUDED.value",
            &[&partner, &json(partner, &a)?],
        )?;
        Ok(())
    }
}

impl TxnOps for PgTxn<'_> {
    fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError> {
        self.keyed("orders", &order_key(source, order_no))
    }

    fn order_by_key(&self, key: &str) -> Result<Option<OrderRecord>, StoreError> {
        self.keyed("orders", key)
    }

    fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError> {
        self.order_holding(cust_ref)
    }

    fn put_order(&mut self, rec: &OrderRecord) -> Result<(), StoreError> {
        let key = order_key(&rec.source, &rec.order_no);
        self.put_keyed("orders", &key, rec)?;
        self.exec(
            "INSERT INTO cust_refs (cust_ref, order_key) VALUES ($1, $2) \
             ON CONFLICT (cust_ref) DO UPDATE SET order_key = EXCLUDED.order_key",
            &[&rec.cust_ref, &key],
        )?;
        self.update_summary(rec)
    }

    fn ref_taken(&self, cust_ref: &str, source: &str, order_no: &str) -> Result<bool, StoreError> {
        let me = order_key(source, order_no);
        Ok(self
            .row(
                "SELECT order_key FROM cust_refs WHERE cust_ref = $1",
                &[&cust_ref],
            )?
            .map(|r| col::<String>(&r, 0))
            .transpose()?
            .is_some_and(|holder| holder != me))
    }

    fn put_delivery(&mut self, key: &str, d: &Delivery) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO deliveries (key, taken, value) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET taken = EXCLUDED.taken, value = EXCLUDED.value",
            &[&key, &d.taken, &json(key, d)?],
        )?;
        Ok(())
    }

    fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError> {
        self.keyed("deliveries", key)
    }

    fn put_job(&mut self, key: &str, job: &Job) -> Result<(), StoreError> {
        self.put_keyed("jobs", key, job)?;
        self.exec("DELETE FROM written WHERE job = $1", &[&key])?;
        self.clear_attempts(key)
    }

    fn job(&self, key: &str) -> Result<Option<Job>, StoreError> {
        self.keyed("jobs", key)
    }

    fn delete_job(&mut self, key: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM jobs WHERE key = $1", &[&key])?;
        self.exec("DELETE FROM written WHERE job = $1", &[&key])?;
        Ok(())
    }

    fn mark_written(&mut self, job: &str, index: usize) -> Result<(), StoreError> {
        let idx = i32::try_from(index).map_err(db_err)?;
        self.exec(
            "INSERT INTO written (job, idx) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&job, &idx],
        )?;
        Ok(())
    }

    fn put_attempts(&mut self, key: &str, a: &Attempts) -> Result<(), StoreError> {
        self.put_keyed("attempts", key, a)
    }

    fn clear_attempts(&mut self, key: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM attempts WHERE key = $1", &[&key])?;
        Ok(())
    }

    fn product(&self, warehouse: &str, sku: &str) -> Result<Option<Product>, StoreError> {
        self.row(
            "SELECT value FROM catalog WHERE warehouse = $1 AND sku = $2",
            &[&warehouse, &sku],
        )?
        .map(|r| record(&r, 0, sku))
        .transpose()
    }

    fn catalog_is_empty(&self, warehouse: &str) -> Result<bool, StoreError> {
        Ok(self
            .row(
                "SELECT 1 FROM catalog WHERE warehouse = $1 LIMIT 1",
                &[&warehouse],
            )?
            .is_none())
    }

    fn put_product(&mut self, warehouse: &str, p: &Product) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO catalog (warehouse, sku, value) VALUES ($1, $2, $3) \
             ON CONFLICT (warehouse, sku) DO UPDATE SET value = EXCLUDED.value",
            &[&warehouse, &p.sku, &json(&p.sku, p)?],
        )?;
        Ok(())
    }

    fn clear_catalog(&mut self, warehouse: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM catalog WHERE warehouse = $1", &[&warehouse])?;
        Ok(())
    }

    fn put_held(&mut self, order_key: &str, warehouse: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO held (order_key, warehouse) VALUES ($1, $2) \
             ON CONFLICT (order_key) DO UPDATE SET warehouse = EXCLUDED.warehouse",
            &[&order_key, &warehouse],
        )?;
        Ok(())
    }

    fn clear_held(&mut self, order_key: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM held WHERE order_key = $1", &[&order_key])?;
        Ok(())
    }

    fn held(&self, warehouse: Option<&str>) -> Result<Vec<String>, StoreError> {
        let rows = match warehouse {
            Some(w) => self.rows(
                "SELECT order_key FROM held WHERE warehouse = $1 ORDER BY order_key",
                &[&w],
            )?,
            None => self.rows("SELECT order_key FROM held ORDER BY order_key", &[])?,
        };
        rows.iter().map(|r| col(r, 0)).collect()
    }

    fn record_fetched(&mut self, partner: &str, seen: &RemoteSeen) -> Result<(), StoreError> {
        let size = i64::try_from(seen.size).map_err(db_err)?;
        self.exec(
            "INSERT INTO remote_fetched (partner, path, size, mtime) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (partner, path) DO UPDATE SET size = EXCLUDED.size, \
             mtime = EXCLUDED.mtime",
            &[&partner, &seen.path, &size, &i64::from(seen.mtime)],
        )?;
        Ok(())
    }

    fn forget_fetched_except(
        &mut self,
        partner: &str,
        present: &HashSet<String>,
    ) -> Result<usize, StoreError> {
        let keep: Vec<&str> = present.iter().map(String::as_str).collect();
        let gone = self.exec(
            "DELETE FROM remote_fetched WHERE partner = $1 AND NOT (path = ANY($2))",
            &[&partner, &keep],
        )?;
        Ok(usize::try_from(gone).unwrap_or(usize::MAX))
    }

    fn record_dropped(
        &mut self,
        partner: &str,
        name: &str,
        remote_path: &str,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO remote_dropped (partner, name, remote_path) VALUES ($1, $2, $3) \
             ON CONFLICT (partner, name) DO UPDATE SET remote_path = EXCLUDED.remote_path",
            &[&partner, &name, &remote_path],
        )?;
        Ok(())
    }

    fn forget_dropped(&mut self, partner: &str, name: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM remote_dropped WHERE partner = $1 AND name = $2",
            &[&partner, &name],
        )?;
        Ok(())
    }

    fn record_settled(&mut self, key: &str, plan: &Plan) -> Result<(), StoreError> {
        let now = now_ms();
        let Some(s) = Settled::of(key, plan, now) else {
            return Ok(());
        };
        self.update_activity(&s.partner, &mut |a| s.apply(a))?;
        for r in &s.receivers {
            self.update_activity(r, &mut |a| a.last_out_ms = Some(now))?;
        }
        self.exec(
            "INSERT INTO file_days (day, partner, outcome, count) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (day, partner, outcome) DO UPDATE SET count = file_days.count + 1",
            &[&s.day, &s.partner, &plan.outcome],
        )?;
        Ok(())
    }

    fn put_inventory(
        &mut self,
        warehouse: &str,
        levels: &[InventoryLevel],
        file: &str,
    ) -> Result<(), StoreError> {
        let now = jiff::Timestamp::now().to_string();
        for l in levels {
            let level = KnownLevel {
                sku: l.sku.clone(),
                qty_available: l.qty_available,
                qty_on_hand: l.qty_on_hand,
                updated_at: now.clone(),
                file: file.to_owned(),
            };
            self.exec(
                "INSERT INTO inventory_levels (warehouse, sku, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (warehouse, sku) DO UPDATE SET value = EXCLUDED.value",
                &[&warehouse, &l.sku, &json(&l.sku, &level)?],
            )?;
        }
        Ok(())
    }
}
