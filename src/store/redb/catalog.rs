//! Each warehouse's catalog: the SKUs it can fill (from its `product*` files, and every SKU an
//! inventory file names), and the index of held orders waiting for a SKU, so that the catalog
//! learning a SKU finds the orders to send without reading every order.
//!
//! Keys: `catalog`: (warehouse, SKU) → [`Product`]; `held`: order key → warehouse.

use super::{CATALOG, RedbStore, RedbTxn, db_err, decode, encode};
use crate::model::Product;
use crate::store::StoreError;
use ::redb::ReadableTable;

fn sku_key(warehouse: &str, sku: &str) -> String {
    format!("{warehouse}\u{1f}{sku}")
}

/// The key range of one warehouse's catalog.
fn range(warehouse: &str) -> (String, String) {
    (format!("{warehouse}\u{1f}"), format!("{warehouse}\u{20}"))
}

impl RedbStore {
    /// Every warehouse's catalog as (warehouse, product), by warehouse and SKU.
    pub fn catalog(&self) -> Result<Vec<(String, Product)>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(CATALOG).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            let warehouse = k
                .value()
                .split('\u{1f}')
                .next()
                .unwrap_or_default()
                .to_string();
            out.push((warehouse, decode(k.value(), v.value())?));
        }
        Ok(out)
    }

    /// One SKU of a warehouse's catalog, if known (retired ones included), read outside a write.
    pub fn catalog_product(
        &self,
        warehouse: &str,
        sku: &str,
    ) -> Result<Option<Product>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(CATALOG).map_err(db_err)?;
        let key = sku_key(warehouse, sku);
        match t.get(key.as_str()).map_err(db_err)? {
            Some(v) => Ok(Some(decode(&key, v.value())?)),
            None => Ok(None),
        }
    }
}

impl RedbTxn<'_> {
    /// One SKU of a warehouse's catalog, if known (retired ones included).
    pub fn product(&self, warehouse: &str, sku: &str) -> Result<Option<Product>, StoreError> {
        let key = sku_key(warehouse, sku);
        match self.catalog.get(key.as_str()).map_err(db_err)? {
            Some(v) => Ok(Some(decode(&key, v.value())?)),
            None => Ok(None),
        }
    }

    /// Whether the warehouse's catalog has no SKU at all (it cannot judge an order then).
    pub fn catalog_is_empty(&self, warehouse: &str) -> Result<bool, StoreError> {
        let (from, to) = range(warehouse);
        let mut rows = self
            .catalog
            .range(from.as_str()..to.as_str())
            .map_err(db_err)?;
        Ok(rows.next().is_none())
    }

    /// Records a product (replacing what was known of its SKU).
    pub fn put_product(&mut self, warehouse: &str, p: &Product) -> Result<(), StoreError> {
        let key = sku_key(warehouse, &p.sku);
        let bytes = encode(&key, p)?;
        self.catalog
            .insert(key.as_str(), bytes.as_slice())
            .map_err(db_err)?;
        Ok(())
    }

    /// Forgets a warehouse's whole catalog (a `product_full*` file replaces it).
    pub fn clear_catalog(&mut self, warehouse: &str) -> Result<(), StoreError> {
        let (from, to) = range(warehouse);
        self.catalog
            .retain_in(from.as_str()..to.as_str(), |_, _| false)
            .map_err(db_err)?;
        Ok(())
    }

    /// Marks the order under `order_key` held for a SKU of `warehouse`'s catalog.
    pub fn put_held(&mut self, order_key: &str, warehouse: &str) -> Result<(), StoreError> {
        self.held.insert(order_key, warehouse).map_err(db_err)?;
        Ok(())
    }

    /// The order is no longer held.
    pub fn clear_held(&mut self, order_key: &str) -> Result<(), StoreError> {
        self.held.remove(order_key).map_err(db_err)?;
        Ok(())
    }

    /// The keys of the orders held for `warehouse`'s catalog (every warehouse's when `None`).
    pub fn held(&self, warehouse: Option<&str>) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for row in self.held.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            if warehouse.is_none_or(|w| w == v.value()) {
                out.push(k.value().to_string());
            }
        }
        Ok(out)
    }
}
