//! Acknowledgments: a partner deleting a file Wharf put in its `out/` has taken
//! it. The warehouse taking `order_<cust_ref>.json` makes the order `at_wms`; the cart taking
//! every shipment confirmation that carries an order (once it has fully shipped) confirms it.
//!
//! A transport answers the partner's DELE / remove once the file is gone and queues the
//! acknowledgment; a crash before the queue reaches the store would lose it. Rather than make
//! every delete wait on a store commit inside each transport, the start-up reconciles instead
//! ([`found_taken_at_start`]): once the plans are recovered, every delivery the store holds as
//! not taken whose file is no longer in the partner's `out/` was taken, and is recorded through
//! the same [`record_taken`] a transport's acknowledgment uses. The file counts as still there
//! when it is in `out/` (a partner may be downloading it) or staged under Wharf's own hidden
//! name, and an output a recorded plan has not written yet was never published, so neither is
//! counted. Pull-mode partners are left out: their outputs leave `out/` when dropped off on the
//! partner's server, and their taking is seen there.

use super::{Outcome, Pipeline, PipelineError};
use crate::intake::Arrival;
use crate::layout::Folder;
use crate::layout::names::staged_name;
use crate::model::OrderStatus;
use crate::store::{HistoryEntry, OutputKind, StoreError, Txn, delivery_key};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use tracing::{debug, info};

/// Records that `a.partner` took `out/<a.rel>`.
pub(super) fn acknowledge(p: &Pipeline, a: &Arrival) -> Result<Outcome, PipelineError> {
    let name = a.rel.to_string_lossy().into_owned();
    #[cfg(debug_assertions)]
    crate::faults::hold_acknowledgment();
    record_taken(p, &a.partner, &name, How::Deleted)?;
    Ok(Outcome::Skipped("acknowledgment recorded"))
}

/// How Wharf learnt a file was taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// The partner deleted it while Wharf ran.
    Deleted,
    /// It was gone from `out/` at start-up.
    FoundAtStart,
}

impl How {
    /// What the history entry adds to "… took FILE".
    fn suffix(self) -> &'static str {
        match self {
            How::Deleted => "",
            How::FoundAtStart => " (found taken at start-up)",
        }
    }
}

/// Records that `partner` took `out/<name>`: the delivery is taken and the orders it carries
/// move on ([`take`], which the merchant API's `orders/received` shares). Whether the file was
/// tracked at all.
fn record_taken(p: &Pipeline, partner: &str, name: &str, how: How) -> Result<bool, PipelineError> {
    let file = Folder::Out.show(std::path::Path::new(name));
    let label = format!("{file}{}", how.suffix());
    let moved = p.store().write(|t| take(t, partner, name, &label))?;
    match moved {
        None => {
            debug!(%partner, file = %file, "deleted a file Wharf does not track");
            Ok(false)
        }
        Some(changed) => {
            for (cust_ref, status) in changed {
                info!(%partner, file = %file, %cust_ref, status = status.as_str(), "order moved on");
            }
            Ok(true)
        }
    }
}

/// Records in `t` that `partner` took the file `name` of its `out/` (`label` names it in the
/// orders' history: `out/NAME`, or `out/NAME via api`). `None` when Wharf does not track that
/// file; otherwise the orders whose status changed (none when it was taken already).
pub fn take(
    t: &mut Txn<'_>,
    partner: &str,
    name: &str,
    label: &str,
) -> Result<Option<Vec<(String, OrderStatus)>>, StoreError> {
    // Dropped off on a pull-mode partner's server: the ledger entry ends with the taking.
    t.forget_dropped(partner, name)?;
    let key = delivery_key(partner, name);
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
                    format!("warehouse {partner} took {label}"),
                    label,
                ));
            }
            // Taking an invoice or inventory file moves no order (and they carry none).
            OutputKind::Invoice | OutputKind::Inventory => {}
            OutputKind::Cancel => {
                rec.history
                    .push(HistoryEntry::now(format!("{partner} took {label}"), label));
            }
            OutputKind::Confirmation => {
                rec.history.push(HistoryEntry::now(
                    format!("cart {partner} took {label}"),
                    label,
                ));
                if rec.status == OrderStatus::Shipped && all_taken(t, partner, &rec.confirmations)?
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
}

/// At start-up, once the plans are recovered: records as taken every delivery whose file the
/// partner took while the acknowledgment never reached the store. Returns how many.
pub(super) fn found_taken_at_start(p: &Pipeline) -> Result<usize, PipelineError> {
    let unwritten = unwritten_outputs(p)?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (partner, name, _) in p.store().untaken_deliveries()? {
        let Some(cfg) = p.config().partner(&partner) else {
            continue;
        };
        if cfg.remote.is_some() {
            continue;
        }
        let out = p.config().partner_home(&partner).out_dir();
        let present = |n: &str| std::fs::symlink_metadata(out.join(n)).is_ok();
        if present(&name) || present(&staged_name(&name)) {
            continue;
        }
        if unwritten.contains(&(out.clone(), name.clone())) {
            continue;
        }
        record_taken(p, &partner, &name, How::FoundAtStart)?;
        *counts.entry(partner).or_default() += 1;
    }
    for (partner, files) in &counts {
        info!(%partner, files, "deliveries found taken at start-up: the partner took them before the last stop");
    }
    Ok(counts.values().sum())
}

/// The outputs of the recorded plans not written yet: (folder, name). Never published.
fn unwritten_outputs(p: &Pipeline) -> Result<HashSet<(PathBuf, String)>, PipelineError> {
    let mut set = HashSet::new();
    for (key, job) in p.store().jobs()? {
        for (i, o) in job.plan.outputs.iter().enumerate() {
            if !o.done && !p.store().written(&key, i)? {
                set.insert((o.dir.clone(), o.name.clone()));
            }
        }
    }
    Ok(set)
}

/// Whether the cart has taken every confirmation file that carries the order.
fn all_taken(t: &Txn<'_>, cart: &str, files: &[String]) -> Result<bool, StoreError> {
    for f in files {
        match t.delivery(&delivery_key(cart, f))? {
            Some(d) if d.taken => {}
            _ => return Ok(false),
        }
    }
    Ok(!files.is_empty())
}
