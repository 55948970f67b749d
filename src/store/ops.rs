//! The interface every back-end implements: the reads, and the writes done inside one
//! transaction ([`TxnOps`]). Everything one [`Store::write`](super::Store::write) does commits
//! together or not at all, in either back-end; the [`Store`](super::Store) and
//! [`Txn`](super::Txn) callers hold dispatch to these without knowing which back-end runs.

use super::{
    AlertEvent, AlertState, Attempts, DayCounts, Delivery, FileDay, Job, KnownLevel, ListQuery,
    OrderPage, OrderQuery, OrderRecord, OrderSummary, OutputKind, PartnerActivity, Plan,
    RecordedAnswer, RemoteSeen, StoreError, delivery_key,
};
use crate::model::{InventoryLevel, OrderStatus, Product};
use std::collections::HashSet;

/// The body of one write transaction, as a back-end runs it.
pub type TxnBody<'f> = dyn FnMut(&mut dyn TxnOps) -> Result<(), StoreError> + 'f;

/// An alert's decision: from its recorded state, the new state and the events it causes.
pub type AlertDecision<'f> = dyn FnMut(Option<AlertState>) -> (AlertState, Vec<AlertEvent>) + 'f;

/// What a store back-end does outside a write transaction: reads, and the few writes that are
/// a transaction of their own.
pub trait Backend: super::cluster::ClusterOps + Send + Sync {
    /// Runs `body` in one write transaction and commits it durably when `body` succeeds
    /// (nothing of it stays when it fails).
    fn write_dyn(&self, body: &mut TxnBody<'_>) -> Result<(), StoreError>;

    /// What a file Wharf put in a partner's `out/` is and carries, if Wharf delivered it.
    fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError>;
    /// The recorded order, if any.
    fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// The order holding `cust_ref`, if any.
    fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// Every recorded order, in key order.
    fn orders(&self) -> Result<Vec<OrderRecord>, StoreError>;
    /// Every delivery not taken yet: (partner, name under its `out/`, what it carries).
    fn untaken_deliveries(&self) -> Result<Vec<(String, String, Delivery)>, StoreError>;
    /// The job recorded for an input, if any.
    fn job(&self, key: &str) -> Result<Option<Job>, StoreError>;
    /// Every recorded job, in key order.
    fn jobs(&self) -> Result<Vec<(String, Job)>, StoreError>;
    /// Whether output `index` of the job under `job` is written.
    fn written(&self, job: &str, index: usize) -> Result<bool, StoreError>;
    /// The attempts recorded for an input, if any.
    fn attempts(&self, key: &str) -> Result<Option<Attempts>, StoreError>;
    /// Every warehouse's catalog as (warehouse, product), by warehouse and SKU.
    fn catalog(&self) -> Result<Vec<(String, Product)>, StoreError>;
    /// One SKU of a warehouse's catalog, if known (retired ones included).
    fn catalog_product(&self, warehouse: &str, sku: &str) -> Result<Option<Product>, StoreError>;
    /// `warehouse`'s levels in SKU order: `limit` of them after `offset`, and how many in all.
    fn inventory(
        &self,
        warehouse: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<KnownLevel>, usize), StoreError>;
    /// `warehouse`'s level of `sku`, if it ever reported one.
    fn inventory_level(&self, warehouse: &str, sku: &str)
    -> Result<Option<KnownLevel>, StoreError>;
    /// The answer recorded for `user`'s `key`, if any and not expired.
    fn api_answer(&self, user: &str, key: &str) -> Result<Option<RecordedAnswer>, StoreError>;
    /// Records the answer to `user`'s `key` (the first one stays), dropping expired ones, in
    /// a transaction of its own.
    fn record_api_answer(
        &self,
        user: &str,
        key: &str,
        answer: &RecordedAnswer,
    ) -> Result<(), StoreError>;
    /// Whether this very file (path, size and mtime) was fetched from `partner`'s server.
    fn was_fetched(&self, partner: &str, seen: &RemoteSeen) -> Result<bool, StoreError>;
    /// The files dropped off on `partner`'s server and not yet taken: (name under `out/`,
    /// remote path), by name.
    fn dropped(&self, partner: &str) -> Result<Vec<(String, String)>, StoreError>;
    /// Commits one small write (the health check's proof that the store accepts writes).
    fn probe_write(&self) -> Result<(), StoreError>;
    /// Every partner's activity, by name.
    fn activity(&self) -> Result<Vec<(String, PartnerActivity)>, StoreError>;
    /// One partner's activity (default when it never sent anything).
    fn partner_activity(&self, partner: &str) -> Result<PartnerActivity, StoreError>;
    /// Inputs settled on each of `days`, by partner and outcome.
    fn files_per_day(&self, days: &[String]) -> Result<Vec<FileDay>, StoreError>;
    /// The state of alert `key` (`ALERT␟INSTANCE`), if it was ever evaluated.
    fn alert_state(&self, key: &str) -> Result<Option<AlertState>, StoreError>;
    /// Reads alert `key`'s state, lets `decide` return the new state and the events it
    /// causes, and records both in one transaction: two evaluators deciding on the same state
    /// cannot both fire (the second sees the first's result).
    fn alert_transition_dyn(
        &self,
        key: &str,
        decide: &mut AlertDecision<'_>,
    ) -> Result<Vec<AlertEvent>, StoreError>;
    /// The newest `limit` alert events, newest first.
    fn alert_log(&self, limit: usize) -> Result<Vec<AlertEvent>, StoreError>;
    /// How many orders have each status (every status listed, zeros included).
    fn order_counts(&self) -> Result<Vec<(OrderStatus, u64)>, StoreError>;
    /// How many orders from the cart `source` have each status (every status listed).
    fn order_counts_of(&self, source: &str) -> Result<Vec<(OrderStatus, u64)>, StoreError>;
    /// Orders first seen on each of `days` (`YYYY-MM-DD`), by their status now.
    fn orders_per_day(&self, days: &[String]) -> Result<Vec<DayCounts>, StoreError>;
    /// The oldest orders with `status` (longest in it first), at most `limit`.
    fn oldest_with_status(
        &self,
        status: OrderStatus,
        limit: usize,
    ) -> Result<Vec<OrderSummary>, StoreError>;
    /// A page of orders, newest first, with the number matching in all.
    fn order_page(&self, q: &OrderQuery) -> Result<OrderPage, StoreError>;
    /// The merchant API's order list: orders from the carts `sources` whose status is one of
    /// `statuses` (all when empty), first recorded within `[from_ms, to_ms]`, oldest first
    /// (by status time for one status, by first-seen time otherwise), `limit` of them after
    /// `offset`, read whole.
    fn order_list(&self, q: &ListQuery) -> Result<Vec<OrderRecord>, StoreError>;
}

/// What one write transaction can read and change. Reads see the transaction's own writes.
pub trait TxnOps {
    /// The recorded order.
    fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// The order stored under `key` ([`order_key`](super::order_key)).
    fn order_by_key(&self, key: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// The order holding `cust_ref`.
    fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// Records an order (and its `cust_ref` in the index, and its summary).
    fn put_order(&mut self, rec: &OrderRecord) -> Result<(), StoreError>;
    /// Whether a `cust_ref` is held by an order other than (source, order_no).
    fn ref_taken(&self, cust_ref: &str, source: &str, order_no: &str) -> Result<bool, StoreError>;
    /// Records what a delivered file carries.
    fn put_delivery(&mut self, key: &str, d: &Delivery) -> Result<(), StoreError>;
    /// What a delivered file carries, if Wharf delivered it.
    fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError>;
    /// Records the plan for an input (none of its outputs written yet). A recorded plan ends
    /// the input's processing attempts (what remains is replaying the plan, which parses
    /// nothing).
    fn put_job(&mut self, key: &str, job: &Job) -> Result<(), StoreError>;
    /// The job recorded for an input.
    fn job(&self, key: &str) -> Result<Option<Job>, StoreError>;
    /// Forgets an input's job and its written marks (it is settled).
    fn delete_job(&mut self, key: &str) -> Result<(), StoreError>;
    /// Records that output `index` of the job under `job` is written.
    fn mark_written(&mut self, job: &str, index: usize) -> Result<(), StoreError>;
    /// Records the attempts for an input.
    fn put_attempts(&mut self, key: &str, a: &Attempts) -> Result<(), StoreError>;
    /// Forgets an input's attempts (its plan is recorded, or it is settled).
    fn clear_attempts(&mut self, key: &str) -> Result<(), StoreError>;
    /// One SKU of a warehouse's catalog, if known (retired ones included).
    fn product(&self, warehouse: &str, sku: &str) -> Result<Option<Product>, StoreError>;
    /// Whether the warehouse's catalog has no SKU at all (it cannot judge an order then).
    fn catalog_is_empty(&self, warehouse: &str) -> Result<bool, StoreError>;
    /// Records a product (replacing what was known of its SKU).
    fn put_product(&mut self, warehouse: &str, p: &Product) -> Result<(), StoreError>;
    /// Forgets a warehouse's whole catalog (a `product_full*` file replaces it).
    fn clear_catalog(&mut self, warehouse: &str) -> Result<(), StoreError>;
    /// Marks the order under `order_key` held for a SKU of `warehouse`'s catalog.
    fn put_held(&mut self, order_key: &str, warehouse: &str) -> Result<(), StoreError>;
    /// The order is no longer held.
    fn clear_held(&mut self, order_key: &str) -> Result<(), StoreError>;
    /// The keys of the orders held for `warehouse`'s catalog (every warehouse's when `None`),
    /// in key order.
    fn held(&self, warehouse: Option<&str>) -> Result<Vec<String>, StoreError>;
    /// Records that a file was fetched from `partner`'s server.
    fn record_fetched(&mut self, partner: &str, seen: &RemoteSeen) -> Result<(), StoreError>;
    /// Forgets the fetched files of `partner` whose path the server no longer lists
    /// (`present`); the number forgotten.
    fn forget_fetched_except(
        &mut self,
        partner: &str,
        present: &HashSet<String>,
    ) -> Result<usize, StoreError>;
    /// Records that `out/<name>` of `partner` was dropped off at `remote_path`.
    fn record_dropped(
        &mut self,
        partner: &str,
        name: &str,
        remote_path: &str,
    ) -> Result<(), StoreError>;
    /// Forgets the drop-off of `out/<name>` of `partner` (the partner took it).
    fn forget_dropped(&mut self, partner: &str, name: &str) -> Result<(), StoreError>;
    /// Records that the input of job `key` (`PARTNER␟REL`) settled as `plan` says: the
    /// partner's last file and rejection streak, the day's count, and the last file out of
    /// every partner the plan wrote to. Called in the transaction that forgets the job, so a
    /// replay after a crash counts the input once.
    fn record_settled(&mut self, key: &str, plan: &Plan) -> Result<(), StoreError>;
    /// Records `levels` as `warehouse`'s latest, reported by `file`.
    fn put_inventory(
        &mut self,
        warehouse: &str,
        levels: &[InventoryLevel],
        file: &str,
    ) -> Result<(), StoreError>;

    /// Records what the file `out/<name>` Wharf writes for `partner` is and carries (not
    /// taken yet), in the transaction that plans it.
    fn put_output(
        &mut self,
        partner: &str,
        name: &str,
        kind: OutputKind,
        orders: Vec<String>,
    ) -> Result<(), StoreError> {
        let d = Delivery {
            kind,
            orders,
            taken: false,
        };
        self.put_delivery(&delivery_key(partner, name), &d)
    }
}
