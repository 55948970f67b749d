//! The interface ([`Backend`], [`TxnOps`]) over redb's own methods, one line each.

use super::{RedbStore, RedbTxn};
use crate::model::{InventoryLevel, OrderStatus, Product};
use crate::store::ops::{AlertDecision, Backend, TxnBody, TxnOps};
use crate::store::{
    AlertEvent, AlertState, Attempts, DayCounts, Delivery, FileDay, Job, KnownLevel, ListQuery,
    OrderPage, OrderQuery, OrderRecord, OrderSummary, PartnerActivity, Plan, RecordedAnswer,
    RemoteSeen, StoreError,
};
use std::collections::HashSet;

/// Implements trait methods by calling the inherent method of the same name.
macro_rules! forward {
    () => {};
    (fn $name:ident(&self $(, $a:ident : $t:ty)*) -> $r:ty; $($rest:tt)*) => {
        fn $name(&self $(, $a: $t)*) -> $r {
            Self::$name(self $(, $a)*)
        }
        forward! { $($rest)* }
    };
    (fn $name:ident(&mut self $(, $a:ident : $t:ty)*) -> $r:ty; $($rest:tt)*) => {
        fn $name(&mut self $(, $a: $t)*) -> $r {
            Self::$name(self $(, $a)*)
        }
        forward! { $($rest)* }
    };
}

/// One process: the single-process claims (every one granted).
impl crate::store::cluster::ClusterOps for RedbStore {}

impl Backend for RedbStore {
    fn write_dyn(&self, body: &mut TxnBody<'_>) -> Result<(), StoreError> {
        self.write(|t| body(t))
    }

    fn alert_transition_dyn(
        &self,
        key: &str,
        decide: &mut AlertDecision<'_>,
    ) -> Result<Vec<AlertEvent>, StoreError> {
        self.alert_transition(key, decide)
    }

    forward! {
        fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError>;
        fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError>;
        fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError>;
        fn orders(&self) -> Result<Vec<OrderRecord>, StoreError>;
        fn untaken_deliveries(&self) -> Result<Vec<(String, String, Delivery)>, StoreError>;
        fn job(&self, key: &str) -> Result<Option<Job>, StoreError>;
        fn jobs(&self) -> Result<Vec<(String, Job)>, StoreError>;
        fn written(&self, job: &str, index: usize) -> Result<bool, StoreError>;
        fn attempts(&self, key: &str) -> Result<Option<Attempts>, StoreError>;
        fn catalog(&self) -> Result<Vec<(String, Product)>, StoreError>;
        fn catalog_product(&self, warehouse: &str, sku: &str) -> Result<Option<Product>, StoreError>;
        fn inventory(&self, warehouse: &str, offset: usize, limit: usize) -> Result<(Vec<KnownLevel>, usize), StoreError>;
        fn inventory_level(&self, warehouse: &str, sku: &str) -> Result<Option<KnownLevel>, StoreError>;
        fn api_answer(&self, user: &str, key: &str) -> Result<Option<RecordedAnswer>, StoreError>;
        fn record_api_answer(&self, user: &str, key: &str, answer: &RecordedAnswer) -> Result<(), StoreError>;
        fn was_fetched(&self, partner: &str, seen: &RemoteSeen) -> Result<bool, StoreError>;
        fn dropped(&self, partner: &str) -> Result<Vec<(String, String)>, StoreError>;
        fn probe_write(&self) -> Result<(), StoreError>;
        fn activity(&self) -> Result<Vec<(String, PartnerActivity)>, StoreError>;
        fn partner_activity(&self, partner: &str) -> Result<PartnerActivity, StoreError>;
        fn files_per_day(&self, days: &[String]) -> Result<Vec<FileDay>, StoreError>;
        fn alert_state(&self, key: &str) -> Result<Option<AlertState>, StoreError>;
        fn alert_log(&self, limit: usize) -> Result<Vec<AlertEvent>, StoreError>;
        fn order_counts(&self) -> Result<Vec<(OrderStatus, u64)>, StoreError>;
        fn order_counts_of(&self, source: &str) -> Result<Vec<(OrderStatus, u64)>, StoreError>;
        fn orders_per_day(&self, days: &[String]) -> Result<Vec<DayCounts>, StoreError>;
        fn oldest_with_status(&self, status: OrderStatus, limit: usize) -> Result<Vec<OrderSummary>, StoreError>;
        fn order_page(&self, q: &OrderQuery) -> Result<OrderPage, StoreError>;
        fn order_list(&self, q: &ListQuery) -> Result<Vec<OrderRecord>, StoreError>;
    }
}

impl TxnOps for RedbTxn<'_> {
    forward! {
        fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError>;
        fn order_by_key(&self, key: &str) -> Result<Option<OrderRecord>, StoreError>;
        fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError>;
        fn put_order(&mut self, rec: &OrderRecord) -> Result<(), StoreError>;
        fn ref_taken(&self, cust_ref: &str, source: &str, order_no: &str) -> Result<bool, StoreError>;
        fn put_delivery(&mut self, key: &str, d: &Delivery) -> Result<(), StoreError>;
        fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError>;
        fn put_job(&mut self, key: &str, job: &Job) -> Result<(), StoreError>;
        fn job(&self, key: &str) -> Result<Option<Job>, StoreError>;
        fn delete_job(&mut self, key: &str) -> Result<(), StoreError>;
        fn mark_written(&mut self, job: &str, index: usize) -> Result<(), StoreError>;
        fn put_attempts(&mut self, key: &str, a: &Attempts) -> Result<(), StoreError>;
        fn clear_attempts(&mut self, key: &str) -> Result<(), StoreError>;
        fn product(&self, warehouse: &str, sku: &str) -> Result<Option<Product>, StoreError>;
        fn catalog_is_empty(&self, warehouse: &str) -> Result<bool, StoreError>;
        fn put_product(&mut self, warehouse: &str, p: &Product) -> Result<(), StoreError>;
        fn clear_catalog(&mut self, warehouse: &str) -> Result<(), StoreError>;
        fn put_held(&mut self, order_key: &str, warehouse: &str) -> Result<(), StoreError>;
        fn clear_held(&mut self, order_key: &str) -> Result<(), StoreError>;
        fn held(&self, warehouse: Option<&str>) -> Result<Vec<String>, StoreError>;
        fn record_fetched(&mut self, partner: &str, seen: &RemoteSeen) -> Result<(), StoreError>;
        fn forget_fetched_except(&mut self, partner: &str, present: &HashSet<String>) -> Result<usize, StoreError>;
        fn record_dropped(&mut self, partner: &str, name: &str, remote_path: &str) -> Result<(), StoreError>;
        fn forget_dropped(&mut self, partner: &str, name: &str) -> Result<(), StoreError>;
        fn record_settled(&mut self, key: &str, plan: &Plan) -> Result<(), StoreError>;
        fn put_inventory(&mut self, warehouse: &str, levels: &[InventoryLevel], file: &str) -> Result<(), StoreError>;
    }
}
