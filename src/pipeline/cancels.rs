//! Cancellations, whichever side they come from, inside the transaction of the file (or the
//! operator's command) that carries them.
//!
//! - A whole order not yet shipped becomes `canceled`; a line cancel records the units per line
//!   and leaves the order `partial` (`canceled` once every line is cancelled). Cancelled units
//!   are never shipped afterwards.
//! - What is already shipped cannot be cancelled: the cancellation is refused with the reason,
//!   in the history and the report, and changes nothing else. So a cancellation replayed (a
//!   requeue, a re-send) is refused the second time: it names nothing left to cancel.
//! - From the cart (or the operator) the warehouse gets `cancel_<cust_ref>.json`
//!   ([`Cancellation`]) when the order had been sent to it.
//! - From the warehouse the cart gets its own format's cancellation file (DSCO
//!   `Cancel_*.csv`); a format that takes none (UltraCart) gets a history line, a log line and a
//!   report line saying the merchant must cancel the order in the cart.

use super::naming::render_unique;
use super::orders::Applied;
use crate::config::{Config, Partner};
use crate::formats::canonical::warehouse_files::Placed;
use crate::formats::render::{CartCancel, ConfirmedLine, renderer_for};
use crate::layout::Folder;
use crate::model::{CanceledItem, Cancellation, OrderStatus};
use crate::store::{
    HistoryEntry, OrderRecord, OutputKind, PlannedOutput, StoreError, Txn, delivery_key, order_key,
};
use std::path::Path;

/// Who cancels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// The cart (its cancel file, or an order sent again as rejected).
    Cart,
    /// The warehouse (it cannot fill the order).
    Warehouse,
    /// The operator (`wharf orders cancel`).
    Operator,
}

impl Origin {
    fn word(self) -> &'static str {
        match self {
            Origin::Cart => "the cart",
            Origin::Warehouse => "the warehouse",
            Origin::Operator => "the operator",
        }
    }
}

/// One line cancelled: (line_no, warehouse SKU, cart SKU, units).
type Line = (u32, String, String, u64);

/// Applies `c` to `rec`: the lines cancelled (all of them for a whole order), or why it is
/// refused. `rec` changes only when it is applied.
fn apply(
    rec: &mut OrderRecord,
    c: &Cancellation,
    origin: Origin,
    file: &str,
) -> Result<Vec<Line>, String> {
    let Some(order) = rec.order.clone() else {
        return Err(format!(
            "order {} was never sent (it is {})",
            rec.order_no,
            rec.status.as_str()
        ));
    };
    match rec.status {
        OrderStatus::Skipped | OrderStatus::Error => {
            return Err(format!(
                "order {} was never sent (it is {})",
                rec.order_no,
                rec.status.as_str()
            ));
        }
        OrderStatus::Canceled => return Err(format!("order {} is already canceled", rec.order_no)),
        OrderStatus::Shipped | OrderStatus::Confirmed => {
            return Err(format!("order {} is already shipped", rec.order_no));
        }
        _ => {}
    }
    let left = |rec: &OrderRecord, line: &crate::model::Item| -> u64 {
        let gone = rec.canceled.get(&line.line_no).copied().unwrap_or(0);
        // Units of this SKU shipped count against its lines in order.
        let mut shipped = rec.shipped.get(&line.item).copied().unwrap_or(0);
        for other in order.items.iter().filter(|i| i.item == line.item) {
            let other_left = other
                .quantity
                .saturating_sub(rec.canceled.get(&other.line_no).copied().unwrap_or(0));
            if other.line_no == line.line_no {
                return other_left.saturating_sub(shipped);
            }
            shipped = shipped.saturating_sub(other_left);
        }
        line.quantity.saturating_sub(gone)
    };
    let mut lines: Vec<Line> = Vec::new();
    match &c.items {
        None => {
            if rec.shipped.values().any(|q| *q > 0) {
                return Err(format!(
                    "order {} is partly shipped already; cancel its remaining lines one by one",
                    rec.order_no
                ));
            }
            for i in &order.items {
                let q = left(rec, i);
                if q > 0 {
                    lines.push((
                        i.line_no,
                        i.item.clone(),
                        i.cart_item.clone().unwrap_or_else(|| i.item.clone()),
                        q,
                    ));
                }
            }
        }
        Some(items) => {
            for ci in items {
                let line = find(&order.items, ci).ok_or_else(|| {
                    format!(
                        "order {}: {} is not a line of the order",
                        rec.order_no,
                        name(ci)
                    )
                })?;
                let can = left(rec, line);
                let want = ci.quantity.unwrap_or(can);
                if want == 0 || want > can {
                    return Err(format!(
                        "order {} line {} ({}): {want} units to cancel but only {can} neither shipped nor cancelled",
                        rec.order_no, line.line_no, line.item
                    ));
                }
                lines.push((
                    line.line_no,
                    line.item.clone(),
                    line.cart_item.clone().unwrap_or_else(|| line.item.clone()),
                    want,
                ));
            }
        }
    }
    for (line_no, _, _, q) in &lines {
        *rec.canceled.entry(*line_no).or_default() += q;
    }
    let all_gone = order
        .items
        .iter()
        .all(|i| rec.canceled.get(&i.line_no).copied().unwrap_or(0) >= i.quantity);
    let reason = c
        .reason
        .clone()
        .unwrap_or_else(|| "no reason given".to_string());
    let what = if all_gone {
        rec.status = OrderStatus::Canceled;
        "order canceled".to_string()
    } else {
        if rec.status != OrderStatus::Held {
            rec.status = OrderStatus::Partial;
        }
        let each: Vec<String> = lines
            .iter()
            .map(|(l, sku, _, q)| format!("line {l} ({sku}) {q} units"))
            .collect();
        format!("{} canceled", each.join(", "))
    };
    if let Some(o) = rec.order.as_mut() {
        o.order_status = Some(rec.status);
    }
    rec.history.push(HistoryEntry::now(
        format!("{what} by {} ({reason})", origin.word()),
        file,
    ));
    Ok(lines)
}

fn find<'a>(items: &'a [crate::model::Item], ci: &CanceledItem) -> Option<&'a crate::model::Item> {
    items.iter().find(|i| {
        ci.line_no.is_none_or(|n| n == i.line_no)
            && ci
                .item
                .as_ref()
                .is_none_or(|s| *s == i.item || i.cart_item.as_ref() == Some(s))
            && (ci.line_no.is_some() || ci.item.is_some())
    })
}

fn name(ci: &CanceledItem) -> String {
    match (&ci.line_no, &ci.item) {
        (Some(n), _) => format!("line {n}"),
        (None, Some(s)) => format!("SKU {s}"),
        (None, None) => "a line without line_no or item".to_string(),
    }
}

/// A cancellation from the cart (or the operator) of the order in `rec`: applied, stored, and
/// the warehouse told when the order had been sent to it; `Err` with the refusal (recorded
/// in the history) otherwise.
pub(super) fn from_cart(
    txn: &mut Txn<'_>,
    config: &Config,
    mut rec: OrderRecord,
    c: &Cancellation,
    origin: Origin,
    file: &str,
) -> Result<Result<Option<PlannedOutput>, String>, StoreError> {
    let was_sent = rec.status.is_sent();
    let lines = match apply(&mut rec, c, origin, file) {
        Ok(lines) => lines,
        Err(why) => {
            rec.history.push(HistoryEntry::now(
                format!("cancellation by {} refused: {why}", origin.word()),
                file,
            ));
            txn.put_order(&rec)?;
            return Ok(Err(why));
        }
    };
    if rec.status == OrderStatus::Canceled {
        txn.clear_held(&order_key(&rec.source, &rec.order_no))?;
    }
    let wh = config
        .partner(&rec.source)
        .and_then(|cart| cart.warehouse.as_deref())
        .and_then(|w| config.partner(w));
    let out = match (was_sent, wh) {
        (true, Some(wh)) => Some(to_warehouse(txn, config, wh, &rec, c, &lines)?),
        _ => None,
    };
    if let Some(o) = &out {
        rec.history.push(HistoryEntry::now(
            format!(
                "cancellation sent to the warehouse as {}",
                Folder::Out.show(Path::new(&o.name))
            ),
            file,
        ));
    }
    txn.put_order(&rec)?;
    Ok(Ok(out))
}

/// `cancel_<cust_ref>.json` (`cancel_<cust_ref>_<n>.json` for a later one) in the warehouse's
/// `out/`.
fn to_warehouse(
    txn: &mut Txn<'_>,
    config: &Config,
    wh: &Partner,
    rec: &OrderRecord,
    c: &Cancellation,
    lines: &[Line],
) -> Result<PlannedOutput, StoreError> {
    let dir = config.partner_home(&wh.name).out_dir();
    let mut name = format!("cancel_{}.json", rec.cust_ref);
    let mut n = 1;
    while txn.delivery(&delivery_key(&wh.name, &name))?.is_some() {
        n += 1;
        name = format!("cancel_{}_{n}.json", rec.cust_ref);
    }
    let doc = Cancellation {
        cust_ref: Some(rec.cust_ref.clone()),
        cust_po_no: Some(rec.order_no.clone()),
        reason: c.reason.clone(),
        items: c.items.as_ref().map(|_| {
            lines
                .iter()
                .map(|(l, sku, _, q)| CanceledItem {
                    line_no: Some(*l),
                    item: Some(sku.clone()),
                    quantity: Some(*q),
                })
                .collect()
        }),
    };
    let mut content = serde_json::to_string_pretty(&doc).unwrap_or_default();
    content.push('\n');
    let carried = vec![order_key(&rec.source, &rec.order_no)];
    txn.put_output(&wh.name, &name, OutputKind::Cancel, carried)?;
    Ok(PlannedOutput::new(
        OutputKind::Cancel,
        dir,
        name,
        content.as_bytes(),
    ))
}

/// The cancellations of one warehouse file: each applied (or refused, in the report), and
/// one cancel file per cart whose format takes them.
pub(super) fn from_warehouse(
    txn: &mut Txn<'_>,
    config: &Config,
    wh: &Partner,
    cancels: &[Placed<Cancellation>],
    file: &str,
) -> Result<Applied, StoreError> {
    let mut applied = Applied {
        total: cancels.len(),
        ..Applied::default()
    };
    let mut per_cart: std::collections::BTreeMap<String, (Vec<CartCancel>, Vec<String>)> =
        Default::default();
    for placed in cancels {
        let c = &placed.value;
        let found = match (&c.cust_ref, &c.cust_po_no) {
            (Some(r), _) => txn.order_by_ref(r)?,
            (None, Some(po)) => find_by_po(txn, config, wh, po)?,
            (None, None) => None,
        };
        let label = c
            .cust_ref
            .clone()
            .or_else(|| c.cust_po_no.clone())
            .unwrap_or_default();
        let Some(mut rec) = found.filter(|r| routed(config, r, wh)) else {
            applied.rejected.push(format!(
                "cancellation of {label} at {}: no order of this warehouse has it",
                placed.place
            ));
            continue;
        };
        let lines = match apply(&mut rec, c, Origin::Warehouse, file) {
            Ok(lines) => lines,
            Err(why) => {
                rec.history.push(HistoryEntry::now(
                    format!("cancellation by the warehouse refused: {why}"),
                    file,
                ));
                txn.put_order(&rec)?;
                applied.rejected.push(format!(
                    "cancellation of {label} at {}: {why}",
                    placed.place
                ));
                continue;
            }
        };
        let cart = config.partner(&rec.source);
        let takes = cart.and_then(|c| renderer_for(c.format)).is_some_and(|r| {
            r.cancellations(&[probe()], jiff::Timestamp::now(), "0")
                .is_some()
        });
        if takes {
            let entry = per_cart.entry(rec.source.clone()).or_default();
            entry.1.push(order_key(&rec.source, &rec.order_no));
            entry.0.push(CartCancel {
                cust_po_no: rec.order_no.clone(),
                reason: c.reason.clone(),
                lines: lines
                    .iter()
                    .map(|(l, _, cart_sku, q)| ConfirmedLine {
                        line_no: *l,
                        cart_sku: cart_sku.clone(),
                        quantity: *q,
                    })
                    .collect(),
            });
        } else {
            let format = cart.map_or("its", |c| c.format.as_str());
            let why = format!(
                "the cart's format ({format}) takes no cancellation file: the merchant must cancel order {} in the cart",
                rec.order_no
            );
            tracing::warn!(order = %rec.order_no, cart = %rec.source, "{why}");
            rec.history.push(HistoryEntry::now(why.clone(), file));
            applied.notices.push(format!(
                "cancellation of {label} at {}: {why}",
                placed.place
            ));
        }
        txn.put_order(&rec)?;
    }
    let now = jiff::Timestamp::now();
    for (cart_name, (cancels, keys)) in per_cart {
        let Some(renderer) = config
            .partner(&cart_name)
            .and_then(|c| renderer_for(c.format))
        else {
            continue;
        };
        let dir = config.partner_home(&cart_name).out_dir();
        let planned = |n: &str| {
            applied
                .outputs
                .iter()
                .any(|o: &PlannedOutput| o.dir == dir && o.name == n)
        };
        let render = |u: &str| renderer.cancellations(&cancels, now, u);
        if let Some(out) = render_unique(txn, &cart_name, &dir, now, planned, render)? {
            txn.put_output(&cart_name, &out.name, OutputKind::Cancel, keys)?;
            applied.outputs.push(PlannedOutput::new(
                OutputKind::Cancel,
                dir.clone(),
                out.name,
                &out.bytes,
            ));
        }
    }
    Ok(applied)
}

/// A one-line cancellation, to ask a renderer whether its format takes cancellations.
fn probe() -> CartCancel {
    CartCancel {
        cust_po_no: "probe".into(),
        reason: None,
        lines: vec![ConfirmedLine {
            line_no: 1,
            cart_sku: "probe".into(),
            quantity: 1,
        }],
    }
}

/// Whether the order went (or would go) to this warehouse.
fn routed(config: &Config, rec: &OrderRecord, wh: &Partner) -> bool {
    config
        .partner(&rec.source)
        .and_then(|c| c.warehouse.as_deref())
        == Some(wh.name.as_str())
}

/// The order with this cart order number among the carts routed to `wh` (the first found).
fn find_by_po(
    txn: &Txn<'_>,
    config: &Config,
    wh: &Partner,
    po: &str,
) -> Result<Option<OrderRecord>, StoreError> {
    for cart in &config.partners {
        if cart.warehouse.as_deref() == Some(wh.name.as_str())
            && let Some(rec) = txn.order(&cart.name, po)?
        {
            return Ok(Some(rec));
        }
    }
    Ok(None)
}
