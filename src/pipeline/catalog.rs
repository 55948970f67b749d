//! A warehouse's catalog files: `product*` upserts SKUs into its catalog (`active = false`
//! retires one), `product_full*` replaces the whole catalog, and an inventory file registers
//! every SKU it names as known. Whatever the catalog learns, the orders held for this
//! warehouse are checked again in the same transaction and those that pass are sent: their
//! order files are outputs of the same plan.

use super::holds;
use crate::config::Config;
use crate::config::Partner;
use crate::model::{InventoryLevel, Product};
use crate::store::{PlannedOutput, StoreError, Txn};

/// Upserts `products` into `wh`'s catalog (replacing it first when `full`); the held orders
/// this sends.
pub(super) fn apply_products(
    txn: &mut Txn<'_>,
    config: &Config,
    wh: &Partner,
    products: &[Product],
    full: bool,
    file: &str,
) -> Result<Vec<PlannedOutput>, StoreError> {
    if full {
        txn.clear_catalog(&wh.name)?;
    }
    for p in products {
        txn.put_product(&wh.name, p)?;
    }
    holds::recheck(
        txn,
        config,
        Some(&wh.name),
        "the catalog learned a SKU",
        file,
    )
}

/// Registers the SKUs of an inventory file that the catalog does not know yet (a known SKU
/// keeps its description, and a retired one stays retired); the held orders this sends.
pub(super) fn register_inventory(
    txn: &mut Txn<'_>,
    config: &Config,
    wh: &Partner,
    levels: &[InventoryLevel],
    file: &str,
) -> Result<Vec<PlannedOutput>, StoreError> {
    let mut learned = false;
    for l in levels {
        if txn.product(&wh.name, &l.sku)?.is_none() {
            txn.put_product(
                &wh.name,
                &Product {
                    sku: l.sku.clone(),
                    description: None,
                    upc: None,
                    weight_lb: None,
                    active: true,
                },
            )?;
            learned = true;
        }
    }
    if !learned {
        return Ok(vec![]);
    }
    holds::recheck(
        txn,
        config,
        Some(&wh.name),
        "the inventory named a new SKU",
        file,
    )
}
