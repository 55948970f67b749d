//! Acknowledgments: a partner deleting a file Wharf put in its `out/` has taken
//! it. The warehouse taking `order_<cust_ref>.json` makes the order `at_wms`; the cart taking
//! every shipment confirmation that carries an order (once it has fully shipped) confirms it.

use super::{Outcome, Pipeline, PipelineError};
use crate::intake::Arrival;
use crate::layout::Folder;
use crate::model::OrderStatus;
use crate::store::{HistoryEntry, OutputKind, delivery_key};
use tracing::{debug, info};

/// Records that `a.partner` took `out/<a.rel>`.
pub(super) fn acknowledge(p: &Pipeline, a: &Arrival) -> Result<Outcome, PipelineError> {
    let name = a.rel.to_string_lossy().into_owned();
    let key = delivery_key(&a.partner, &name);
    let file = Folder::Out.show(&a.rel);
    let moved = p.store().write(|t| {
        // Dropped off on a pull-mode partner's server: the ledger entry ends with the taking.
        t.forget_dropped(&a.partner, &name)?;
        let Some(mut d) = t.delivery(&key)? else {
            return Ok(None);
        };
        if d.taken {
            return Ok(Some(vec![]));
        }
        d.taken = true;
        t.put_delivery(&key, &d)?;
        let mut changed = Vec::new();
        for order in &d.orders {
            let Some(mut rec) = t.order_by_key(order)? else {
                continue;
            };
            let before = rec.status;
            match d.kind {
                OutputKind::Order => {
                    if rec.status == OrderStatus::New {
                        rec.status = OrderStatus::AtWms;
                    }
                    rec.history.push(HistoryEntry::now(
                        format!("warehouse {} took {file}", a.partner),
                        &file,
                    ));
                }
                // Taking an invoice or inventory file moves no order (and they carry none).
                OutputKind::Invoice | OutputKind::Inventory => {}
                OutputKind::Cancel => {
                    rec.history.push(HistoryEntry::now(
                        format!("{} took {file}", a.partner),
                        &file,
                    ));
                }
                OutputKind::Confirmation => {
                    rec.history.push(HistoryEntry::now(
                        format!("cart {} took {file}", a.partner),
                        &file,
                    ));
                    if rec.status == OrderStatus::Shipped
                        && all_taken(t, &a.partner, &rec.confirmations)?
                    {
                        rec.status = OrderStatus::Confirmed;
                    }
                }
            }
            if rec.status != before {
                changed.push((rec.cust_ref.clone(), rec.status));
            }
            t.put_order(&rec)?;
        }
        Ok(Some(changed))
    })?;
    match moved {
        None => debug!(partner = %a.partner, file = %file, "deleted a file Wharf does not track"),
        Some(changed) => {
            for (cust_ref, status) in changed {
                info!(partner = %a.partner, file = %file, %cust_ref, status = status.as_str(), "order moved on");
            }
        }
    }
    Ok(Outcome::Skipped("acknowledgment recorded"))
}

/// Whether the cart has taken every confirmation file that carries the order.
fn all_taken(
    t: &crate::store::Txn<'_>,
    cart: &str,
    files: &[String],
) -> Result<bool, crate::store::StoreError> {
    for f in files {
        match t.delivery(&delivery_key(cart, f))? {
            Some(d) if d.taken => {}
            _ => return Ok(false),
        }
    }
    Ok(!files.is_empty())
}
