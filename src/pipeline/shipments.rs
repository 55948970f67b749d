//! Shipments from the warehouse: each notice
//! moves its order to `partial` or `shipped` and becomes a confirmation in the cart's own
//! format, in the cart's `out/`. A notice for an unknown `cust_ref`, for an item not on the
//! order, or for more units than remain is rejected with the reason and changes nothing.
//!
//! A package already recorded for the order — the same tracking number with the same lines
//! (units per SKU; no lines: the rest of the order) — is absorbed, as a re-sent order is: the
//! history says so, and nothing else changes (no quantity, no confirmation, no invoice). A
//! warehouse re-sending a file, or repeating a package in one file, must not ship it twice. A
//! package without a tracking number cannot be recognised: it is always a new one.

use super::naming::render_unique;
use super::orders::Applied;
use crate::config::{Config, Partner};
use crate::formats::canonical::warehouse_files::Placed;
use crate::formats::render::{Confirmation, ConfirmedLine, renderer_for};
use crate::layout::Folder;
use crate::model::{Order, OrderStatus, Shipment, ShipmentNotice};
use crate::store::{
    HistoryEntry, OrderRecord, OutputKind, PlannedOutput, StoreError, Txn, order_key,
};
use std::collections::BTreeMap;
use std::path::Path;

/// Applies every notice of one file; confirmations go out, one file per cart.
pub(super) fn apply(
    txn: &mut Txn<'_>,
    config: &Config,
    wh: &Partner,
    notices: &[Placed<ShipmentNotice>],
    file: &str,
) -> Result<Applied, StoreError> {
    let mut applied = Applied {
        total: notices.len(),
        ..Applied::default()
    };
    let mut per_cart: BTreeMap<String, Confirmed> = BTreeMap::new();
    for placed in notices {
        let n = &placed.value;
        let Some(rec) = txn.order_by_ref(&n.cust_ref)? else {
            applied.rejected.push(format!(
                "shipment for {} at {}: unknown cust_ref (no order has it)",
                n.cust_ref, placed.place
            ));
            continue;
        };
        match ship(rec, config, wh, &n.shipments, file) {
            Ok((rec, confirmations)) if confirmations.is_empty() => {
                // Every package was absorbed: only the history changed.
                txn.put_order(&rec)?;
            }
            Ok((rec, confirmations)) => {
                let entry = per_cart.entry(rec.source.clone()).or_default();
                entry.confirmations.extend(confirmations);
                entry.orders.push(order_key(&rec.source, &rec.order_no));
                entry.canonical.extend(rec.order.clone());
                txn.put_order(&rec)?;
            }
            Err(why) => applied.rejected.push(format!(
                "shipment for {} at {}: {why}; the order is unchanged",
                n.cust_ref, placed.place
            )),
        }
    }
    for (cart_name, batch) in per_cart {
        let Some(cart) = config.partner(&cart_name) else {
            continue;
        };
        if let Some(invoice) = invoice_file(txn, config, cart, &batch, &applied.outputs)? {
            txn.put_output(&cart.name, &invoice.name, OutputKind::Invoice, vec![])?;
            applied.outputs.push(invoice);
        }
        let Confirmed {
            confirmations,
            orders,
            ..
        } = batch;
        let Some(out) = confirmation_file(txn, config, cart, &confirmations, &applied.outputs)?
        else {
            continue;
        };
        txn.put_output(
            &cart.name,
            &out.name,
            OutputKind::Confirmation,
            orders.clone(),
        )?;
        for key in &orders {
            if let Some(mut rec) = txn.order_by_key(key)? {
                rec.confirmations.push(out.name.clone());
                rec.history.push(HistoryEntry::now(
                    format!(
                        "confirmation {} for cart {}",
                        Folder::Out.show(Path::new(&out.name)),
                        cart.name
                    ),
                    file,
                ));
                txn.put_order(&rec)?;
            }
        }
        applied.outputs.push(out);
    }
    Ok(applied)
}

/// What one file's shipments confirm to one cart.
#[derive(Default)]
struct Confirmed {
    confirmations: Vec<Confirmation>,
    /// Order keys.
    orders: Vec<String>,
    /// The canonical orders (for invoice prices).
    canonical: Vec<Order>,
}

/// The cart's invoice file for these packages, where its format invoices (DSCO): unit prices
/// are the order lines' `unit_cost`. Not a confirmation: taking it acknowledges nothing.
fn invoice_file(
    txn: &Txn<'_>,
    config: &Config,
    cart: &Partner,
    batch: &Confirmed,
    planned: &[PlannedOutput],
) -> Result<Option<PlannedOutput>, StoreError> {
    let Some(renderer) = renderer_for(cart.format) else {
        return Ok(None);
    };
    let dir = config.partner_home(&cart.name).out_dir();
    let now = jiff::Timestamp::now();
    let unit_cost = |c: &Confirmation, l: &ConfirmedLine| {
        batch
            .canonical
            .iter()
            .find(|o| o.cust_po_no == c.cust_po_no)
            .and_then(|o| o.items.iter().find(|i| i.line_no == l.line_no))
            .and_then(|i| i.unit_cost)
    };
    let taken = |name: &str| planned.iter().any(|o| o.dir == dir && o.name == name);
    let render = |u: &str| renderer.invoices(&batch.confirmations, &unit_cost, now, u);
    Ok(render_unique(txn, &cart.name, &dir, now, taken, render)?
        .map(|out| PlannedOutput::new(OutputKind::Invoice, dir.clone(), out.name, &out.bytes)))
}

/// The cart's confirmation file for these packages (none when its format has no renderer).
fn confirmation_file(
    txn: &Txn<'_>,
    config: &Config,
    cart: &Partner,
    confirmations: &[Confirmation],
    planned: &[PlannedOutput],
) -> Result<Option<PlannedOutput>, StoreError> {
    let Some(renderer) = renderer_for(cart.format) else {
        tracing::info!(cart = %cart.name, "no confirmation file for this cart's format yet");
        return Ok(None);
    };
    let dir = config.partner_home(&cart.name).out_dir();
    let now = jiff::Timestamp::now();
    let taken = |name: &str| planned.iter().any(|o| o.dir == dir && o.name == name);
    let render = |u: &str| renderer.shipments(confirmations, now, u);
    Ok(render_unique(txn, &cart.name, &dir, now, taken, render)?
        .map(|out| PlannedOutput::new(OutputKind::Confirmation, dir.clone(), out.name, &out.bytes)))
}

/// Checks every package of one notice against what remains of the order, then records them
/// all (or none): the updated order and one confirmation per package.
fn ship(
    mut rec: OrderRecord,
    config: &Config,
    wh: &Partner,
    packages: &[Shipment],
    file: &str,
) -> Result<(OrderRecord, Vec<Confirmation>), String> {
    let order = match (&rec.order, rec.status.is_sent()) {
        (Some(o), true) => o.clone(),
        _ => {
            return Err(format!(
                "order {} was never sent to the warehouse (it is {})",
                rec.cust_ref,
                rec.status.as_str()
            ));
        }
    };
    let routed = config
        .partner(&rec.source)
        .and_then(|c| c.warehouse.as_deref())
        == Some(wh.name.as_str());
    if !routed {
        return Err(format!(
            "order {} was not sent to this warehouse",
            rec.cust_ref
        ));
    }
    let mut remaining = remaining(&order, &rec.shipped, &rec.canceled);
    let mut confirmations = Vec::new();
    let mut notes = Vec::new();
    let mut new_packages: Vec<Shipment> = Vec::new();
    for (i, pkg) in packages.iter().enumerate() {
        if let Some(tracking) = pkg.tracking_no.as_deref()
            && rec
                .shipments
                .iter()
                .chain(&new_packages)
                .any(|old| same_package(old, pkg))
        {
            notes.push(format!(
                "package {} absorbed: tracking {tracking} ({}) was already recorded; nothing changed",
                i + 1,
                describe_lines(pkg)
            ));
            continue;
        }
        let lines: Vec<(String, u64)> = if pkg.items.is_empty() {
            remaining
                .iter()
                .filter(|(_, q)| **q > 0)
                .map(|(s, q)| (s.clone(), *q))
                .collect()
        } else {
            pkg.items
                .iter()
                .map(|it| (it.item.clone(), it.quantity))
                .collect()
        };
        if lines.is_empty() {
            return Err(format!(
                "package {}: nothing of the order remains to ship",
                i + 1
            ));
        }
        for (sku, qty) in &lines {
            let Some(left) = remaining.get_mut(sku) else {
                return Err(format!("package {}: item {sku} is not on the order", i + 1));
            };
            if *qty > *left {
                return Err(format!(
                    "package {}: {qty} units of {sku} shipped but only {left} remain",
                    i + 1
                ));
            }
            *left -= qty;
        }
        confirmations.push(confirmation(&order, pkg, &lines));
        new_packages.push(pkg.clone());
        notes.push(format!(
            "shipped {} (tracking {})",
            lines
                .iter()
                .map(|(s, q)| format!("{q} x {s}"))
                .collect::<Vec<_>>()
                .join(", "),
            pkg.tracking_no.as_deref().unwrap_or("none")
        ));
    }
    for n in notes {
        rec.history.push(HistoryEntry::now(n, file));
    }
    if new_packages.is_empty() {
        return Ok((rec, confirmations));
    }
    for (sku, left) in &remaining {
        let ordered = ordered_units(&order, sku, &rec.canceled);
        rec.shipped.insert(sku.clone(), ordered - left);
    }
    rec.shipments.extend(new_packages);
    let all_shipped = remaining.values().all(|q| *q == 0);
    if rec.status != OrderStatus::Confirmed {
        rec.status = if all_shipped {
            OrderStatus::Shipped
        } else {
            OrderStatus::Partial
        };
    }
    Ok((rec, confirmations))
}

/// Whether two packages are the same one: the same tracking number and the same units per SKU.
fn same_package(a: &Shipment, b: &Shipment) -> bool {
    a.tracking_no.is_some() && a.tracking_no == b.tracking_no && units(a) == units(b)
}

/// A package's units per SKU (several lines of one SKU add up).
fn units(p: &Shipment) -> BTreeMap<&str, u64> {
    let mut m = BTreeMap::new();
    for it in &p.items {
        *m.entry(it.item.as_str()).or_default() += it.quantity;
    }
    m
}

/// `2 x G1, 1 x MUG`, or `the rest of the order`, for the history.
fn describe_lines(p: &Shipment) -> String {
    if p.items.is_empty() {
        return "the rest of the order".into();
    }
    units(p)
        .iter()
        .map(|(s, q)| format!("{q} x {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Units of each warehouse SKU still to ship (neither shipped nor cancelled).
fn remaining(
    order: &Order,
    shipped: &BTreeMap<String, u64>,
    canceled: &BTreeMap<u32, u64>,
) -> BTreeMap<String, u64> {
    let mut left: BTreeMap<String, u64> = BTreeMap::new();
    for item in &order.items {
        let gone = canceled.get(&item.line_no).copied().unwrap_or(0);
        *left.entry(item.item.clone()).or_default() += item.quantity.saturating_sub(gone);
    }
    for (sku, q) in shipped {
        if let Some(l) = left.get_mut(sku) {
            *l = l.saturating_sub(*q);
        }
    }
    left
}

/// Units of `sku` ordered and not cancelled.
fn ordered_units(order: &Order, sku: &str, canceled: &BTreeMap<u32, u64>) -> u64 {
    order
        .items
        .iter()
        .filter(|i| i.item == sku)
        .map(|i| {
            let gone = canceled.get(&i.line_no).copied().unwrap_or(0);
            i.quantity.saturating_sub(gone)
        })
        .sum()
}

/// One package as the cart hears it: its own order id, method name and SKUs.
fn confirmation(order: &Order, pkg: &Shipment, lines: &[(String, u64)]) -> Confirmation {
    Confirmation {
        cust_po_no: order.cust_po_no.clone(),
        ship_method: order.ship_code_description.clone(),
        tracking_no: pkg.tracking_no.clone(),
        date: pkg.date.clone(),
        carrier: pkg.carrier.clone(),
        method: pkg.method.clone(),
        lines: lines
            .iter()
            .map(|(sku, qty)| {
                let line = order.items.iter().find(|i| &i.item == sku);
                ConfirmedLine {
                    line_no: line.map_or(0, |l| l.line_no),
                    cart_sku: line
                        .and_then(|l| l.cart_item.clone())
                        .unwrap_or_else(|| sku.clone()),
                    quantity: *qty,
                }
            })
            .collect(),
    }
}
