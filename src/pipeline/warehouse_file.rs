//! Deciding a warehouse's file: `shipment*.json|csv` moves orders on and confirms them to
//! their carts; `inventory*.json|csv` goes to every cart routed to this warehouse. Same
//! archive/error rules as a cart's orders, same one-transaction plan.

use super::orders::Applied;
use super::plan::Deciding;
use super::report::Report;
use super::unreadable::Unreadable;
use super::{PipelineError, contain, inventory, shipments};
use crate::formats::DecodeError;
use crate::formats::canonical::warehouse_files::{
    WarehouseFile, classify, decode_inventory, decode_shipments,
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
        return d.reject(
            report,
            "not a warehouse file: expected shipment*.json, shipment*.csv, inventory*.json or inventory*.csv",
        );
    };
    let file = d.file_label();
    match kind {
        WarehouseFile::Shipments => {
            let notices = match read("the shipment reader", "the shipments", || {
                decode_shipments(bytes, syntax)
            }) {
                Ok(n) => n,
                Err(why) => return d.reject(report, &why.to_string()),
            };
            d.in_txn(|txn| {
                let applied = shipments::apply(txn, d.p.config(), wh, &notices, &file)?;
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
                let applied = Applied {
                    outputs: inventory::fan_out(txn, d.p.config(), wh, &levels)?,
                    rejected: vec![],
                    total: levels.len(),
                };
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
