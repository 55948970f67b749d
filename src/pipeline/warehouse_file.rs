//! A warehouse's inputs (formats/canonical.md): `shipment*.json|csv` moves orders on and
//! confirms them to their carts; `inventory*.json|csv` goes to every cart routed to this
//! warehouse. Same archive/error rules as orders, same one-transaction plan.

use super::cart_file::{archive_plan, decide_in_txn, error_plan, record};
use super::orders::Applied;
use super::report::Report;
use super::{Pipeline, PipelineError, contain, inventory, shipments};
use crate::config::Partner;
use crate::formats::canonical::warehouse_files::{
    WarehouseFile, classify, decode_inventory, decode_shipments,
};
use crate::intake::Arrival;
use crate::store::Plan;

/// Decides a warehouse file and records its plan.
pub(super) fn decide(
    p: &Pipeline,
    wh: &Partner,
    a: &Arrival,
    bytes: &[u8],
    hash: &str,
    key: &str,
    report: Report,
) -> Result<Plan, PipelineError> {
    let home = p.config().partner_home(&wh.name);
    let name = a
        .rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let reject = |mut report: Report, why: String| {
        report.file_rejected(&why);
        record(p, key, hash, error_plan(&home, &a.rel, report))
    };
    let Some((kind, syntax)) = classify(&name) else {
        return reject(
            report,
            "not a warehouse file: expected shipment*.json, shipment*.csv, inventory*.json or inventory*.csv".into(),
        );
    };
    let file = format!("in/{}", a.rel.display());
    match kind {
        WarehouseFile::Shipments => {
            let notices = match contain::parse("the shipment reader", || {
                decode_shipments(bytes, syntax)
                    .map_err(|e| format!("cannot read the shipments: {e}"))
            }) {
                Ok(n) => n,
                Err(why) => return reject(report, why),
            };
            decide_in_txn(p, key, hash, |txn| {
                let applied = shipments::apply(txn, p.config(), wh, &notices, &file)?;
                Ok(archive_plan(&home, &a.rel, applied, report))
            })
        }
        WarehouseFile::Inventory => {
            let levels = match contain::parse("the inventory reader", || {
                decode_inventory(bytes, syntax)
                    .map_err(|e| format!("cannot read the inventory: {e}"))
            }) {
                Ok(l) => l,
                Err(why) => return reject(report, why),
            };
            let outputs = inventory::fan_out(p.config(), wh, &levels);
            let applied = Applied {
                outputs,
                rejected: vec![],
                total: levels.len(),
            };
            record(p, key, hash, archive_plan(&home, &a.rel, applied, report))
        }
    }
}
