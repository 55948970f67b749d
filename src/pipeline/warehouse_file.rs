//! Deciding a warehouse's file: `shipment*.json|csv` moves orders on and confirms them to
//! their carts; `inventory*.json|csv` goes to every cart routed to this warehouse (and
//! registers its SKUs in the catalog); `product*` and `product_full*` feed the catalog;
//! `cancel*` cancels orders or lines the warehouse cannot fill. Same archive/error rules as a
//! cart's orders, same one-transaction plan.

use super::orders::Applied;
use super::plan::Deciding;
use super::report::Report;
use super::unreadable::Unreadable;
use super::{PipelineError, cancels, catalog, contain, inventory, shipments};
use crate::formats::DecodeError;
use crate::formats::canonical::catalog_files::{decode_cancellations, decode_products};
use crate::formats::canonical::warehouse_files::{
    WarehouseFile, classify, decode_inventory, decode_shipments, expected_names,
};
use crate::store::Plan;

/// Decides a warehouse file and records its plan.
pub(super) fn decide(
    d: &Deciding<'_>,
    bytes: &[u8],
    report: Report,
) -> Result<Plan, PipelineError> {
    let wh = d.partner;
    let name = d
        .arrival
        .rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some((kind, syntax)) = classify(&name) else {
        let why = format!("not a warehouse file: expected {}", expected_names());
        return d.reject(report, &why);
    };
    let file = d.file_label();
    let config = d.p.config();
    match kind {
        WarehouseFile::Shipments => {
            let notices = match read("the shipment reader", "the shipments", || {
                decode_shipments(bytes, syntax)
            }) {
                Ok(n) => n,
                Err(why) => return d.reject(report, &why.to_string()),
            };
            d.in_txn(|txn| {
                let applied = shipments::apply(txn, config, wh, &notices, &file)?;
                Ok(d.archive_plan(applied, report))
            })
        }
        WarehouseFile::Inventory => {
            let levels = match read("the inventory reader", "the inventory", || {
                decode_inventory(bytes, syntax)
            }) {
                Ok(l) => l,
                Err(why) => return d.reject(report, &why.to_string()),
            };
            d.in_txn(|txn| {
                let mut outputs = inventory::fan_out(txn, config, wh, &levels)?;
                outputs.extend(catalog::register_inventory(
                    txn, config, wh, &levels, &file,
                )?);
                let applied = Applied {
                    outputs,
                    total: levels.len(),
                    ..Applied::default()
                };
                Ok(d.archive_plan(applied, report))
            })
        }
        WarehouseFile::Products | WarehouseFile::ProductsFull => {
            let products = match read("the product reader", "the products", || {
                decode_products(bytes, syntax)
            }) {
                Ok(p) => p,
                Err(why) => return d.reject(report, &why.to_string()),
            };
            let full = kind == WarehouseFile::ProductsFull;
            d.in_txn(|txn| {
                let outputs = catalog::apply_products(txn, config, wh, &products, full, &file)?;
                let applied = Applied {
                    outputs,
                    total: products.len(),
                    ..Applied::default()
                };
                Ok(d.archive_plan(applied, report))
            })
        }
        WarehouseFile::Cancel => {
            let cancels = match read("the cancellation reader", "the cancellations", || {
                decode_cancellations(bytes, syntax)
            }) {
                Ok(c) => c,
                Err(why) => return d.reject(report, &why.to_string()),
            };
            d.in_txn(|txn| {
                let applied = cancels::from_warehouse(txn, config, wh, &cancels, &file)?;
                Ok(d.archive_plan(applied, report))
            })
        }
    }
}

/// Reads a warehouse file with `decode` (`reader` names it if it panics); why it cannot be
/// read names `what` it was reading.
fn read<T>(
    reader: &str,
    what: &'static str,
    decode: impl FnOnce() -> Result<T, DecodeError>,
) -> Result<T, Unreadable> {
    contain::parse(reader, || {
        decode().map_err(|error| Unreadable::WarehouseFile { what, error })
    })
}
