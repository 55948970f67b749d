//! The last inventory level each warehouse reported for each SKU, from its files and from the
//! merchant API alike (`inventory_levels`: `WAREHOUSE␟SKU` → [`KnownLevel`] as JSON), recorded
//! in the transaction that records the input's plan. The API's `GET inventory` reads it.

use super::{RedbStore, RedbTxn, db_err, decode, encode};
use crate::model::InventoryLevel;
use crate::store::{KnownLevel, StoreError};
use ::redb::TableDefinition;

pub(super) const LEVELS: TableDefinition<&str, &[u8]> = TableDefinition::new("inventory_levels");

fn key(warehouse: &str, sku: &str) -> String {
    format!("{warehouse}\u{1f}{sku}")
}

impl RedbTxn<'_> {
    /// Records `levels` as `warehouse`'s latest, reported by `file`.
    pub fn put_inventory(
        &mut self,
        warehouse: &str,
        levels: &[InventoryLevel],
        file: &str,
    ) -> Result<(), StoreError> {
        let mut t = self.wtx.open_table(LEVELS).map_err(db_err)?;
        let now = jiff::Timestamp::now().to_string();
        for l in levels {
            let k = key(warehouse, &l.sku);
            let value = encode(
                &k,
                &KnownLevel {
                    sku: l.sku.clone(),
                    qty_available: l.qty_available,
                    qty_on_hand: l.qty_on_hand,
                    updated_at: now.clone(),
                    file: file.to_owned(),
                },
            )?;
            t.insert(k.as_str(), value.as_slice()).map_err(db_err)?;
        }
        Ok(())
    }
}

impl RedbStore {
    /// `warehouse`'s levels in SKU order: `limit` of them after `offset`, and how many in all.
    pub fn inventory(
        &self,
        warehouse: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<KnownLevel>, usize), StoreError> {
        let rtx = self.db.begin_read()?;
        let t = match rtx.open_table(LEVELS) {
            Ok(t) => t,
            Err(::redb::TableError::TableDoesNotExist(_)) => return Ok((Vec::new(), 0)),
            Err(e) => return Err(db_err(e)),
        };
        let from = format!("{warehouse}\u{1f}");
        let to = format!("{warehouse}\u{20}");
        let mut rows = Vec::new();
        let mut total = 0;
        for row in t.range(from.as_str()..to.as_str()).map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            if total >= offset && rows.len() < limit {
                rows.push(decode(k.value(), v.value())?);
            }
            total += 1;
        }
        Ok((rows, total))
    }

    /// `warehouse`'s level of `sku`, if it ever reported one.
    pub fn inventory_level(
        &self,
        warehouse: &str,
        sku: &str,
    ) -> Result<Option<KnownLevel>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = match rtx.open_table(LEVELS) {
            Ok(t) => t,
            Err(::redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(db_err(e)),
        };
        let k = key(warehouse, sku);
        match t.get(k.as_str()).map_err(db_err)? {
            Some(v) => Ok(Some(decode(&k, v.value())?)),
            None => Ok(None),
        }
    }
}
