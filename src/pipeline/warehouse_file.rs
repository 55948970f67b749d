//! Deciding a warehouse's file: `shipment*.json|csv` moves orders on and confirms them to
//! their carts; `inventory*.json|csv` goes to every cart routed to this warehouse and is kept
//! as the warehouse's latest levels. Same archive/error rules as a cart's orders, same
//! one-transaction plan.

use super::orders::Applied;
use super::plan::Deciding;
use super::report::Report;
use super::unreadable::Unreadable;
use super::{PipelineError, contain, inventory, shipments};
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
            let notices = match contain::parse("the shipment reader", || {
                decode_shipments(bytes, syntax).map_err(|error| Unreadable::WarehouseFile {
                    what: "the shipments",
                    error,
                })
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
            let levels = match contain::parse("the inventory reader", || {
                decode_inventory(bytes, syntax).map_err(|error| Unreadable::WarehouseFile {
                    what: "the inventory",
                    error,
                })
            }) {
                Ok(l) => l,
                Err(why) => return d.reject(report, &why.to_string()),
            };
            let outputs = inventory::fan_out(d.p.config(), wh, &levels);
            let applied = Applied {
                outputs,
                rejected: vec![],
                total: levels.len(),
            };
            // The levels are remembered too (the merchant API's `GET inventory`).
            d.in_txn(|txn| {
                txn.put_inventory(&wh.name, &levels, &file)?;
                Ok(d.archive_plan(applied, report))
            })
        }
    }
}
