//! An order's identity and the re-send rules (below), applied to one file's orders inside one
//! store transaction.
//!
//! An order is (source partner, order number). A skipped or rejected order is not "received":
//! when it comes again it is processed afresh. An order already sent to the warehouse absorbs
//! an identical re-send and rejects a changed one with the reason.

use super::{cancels, holds, sha256_hex};
use crate::config::Partner;
use crate::formats::canonical::render_order;
use crate::formats::{Decoded, OrderOutcome};
use crate::layout::Folder;
use crate::model::{Order, OrderStatus};
use crate::store::{
    HistoryEntry, OrderRecord, OutputKind, PlannedOutput, StoreError, Txn, assign_cust_ref,
    order_key,
};
use std::path::Path;

/// What one file did to the store.
#[derive(Debug, Default)]
pub(super) struct Applied {
    /// Orders to write to the warehouse's `out/`.
    pub outputs: Vec<PlannedOutput>,
    /// One line per rejected order: `order N at PLACE: reason`.
    pub rejected: Vec<String>,
    /// One line per held order: `order N at PLACE: held: unknown SKU ...`.
    pub held: Vec<String>,
    /// Lines the report must carry though nothing was refused (a cancellation the merchant
    /// must make in the cart itself).
    pub notices: Vec<String>,
    /// Orders in the file.
    pub total: usize,
}

/// One file's orders being applied: who sent them, where they go, and the file (for the
/// orders' history).
pub(super) struct Applying<'a> {
    /// The cart that sent the file.
    pub cart: &'a Partner,
    /// The warehouse its orders go to.
    pub warehouse: &'a Partner,
    /// The warehouse's `out/`.
    pub wh_out: &'a Path,
    /// The file, as the history names it (`in/x.xml`).
    pub file: &'a str,
    /// The configuration (a cancellation finds the warehouse of the order's cart).
    pub config: &'a crate::config::Config,
}

/// Applies every decoded order of one file.
pub(super) fn apply(
    txn: &mut Txn<'_>,
    to: &Applying<'_>,
    decoded: &Decoded,
) -> Result<Applied, StoreError> {
    let mut applied = Applied {
        total: decoded.orders.len(),
        ..Applied::default()
    };
    for d in &decoded.orders {
        let existing = txn.order(&to.cart.name, &d.order_no)?;
        match &d.outcome {
            OrderOutcome::Accept(order) => {
                accept(txn, to, order, existing, &mut applied, &d.place)?
            }
            OrderOutcome::Skip(reason) => {
                let skipped = (OrderStatus::Skipped, reason.as_str());
                not_sent(txn, to, &d.order_no, existing, skipped)?
            }
            OrderOutcome::Cancel(c) => match existing {
                Some(rec)
                    if rec.status != OrderStatus::Skipped && rec.status != OrderStatus::Error =>
                {
                    let config = to.config;
                    match cancels::from_cart(txn, config, rec, c, cancels::Origin::Cart, to.file)? {
                        Ok(out) => applied.outputs.extend(out),
                        Err(why) => applied.rejected.push(format!(
                            "cancellation of order {} at {}: {why}",
                            d.order_no, d.place
                        )),
                    }
                }
                existing => {
                    let why = c
                        .reason
                        .clone()
                        .unwrap_or_else(|| "canceled by the cart".into());
                    let skipped = (OrderStatus::Skipped, why.as_str());
                    not_sent(txn, to, &d.order_no, existing, skipped)?
                }
            },
            OrderOutcome::Reject(reason) => {
                applied
                    .rejected
                    .push(format!("order {} at {}: {reason}", d.order_no, d.place));
                not_sent(txn, to, &d.order_no, existing, (OrderStatus::Error, reason))?
            }
        }
    }
    Ok(applied)
}

/// Records an accepted order: sent to the warehouse (an output planned, a delivery recorded),
/// or, when it was sent already, an identical re-send absorbed or a changed one rejected.
fn accept(
    txn: &mut Txn<'_>,
    to: &Applying<'_>,
    order: &Order,
    existing: Option<OrderRecord>,
    applied: &mut Applied,
    place: &str,
) -> Result<(), StoreError> {
    let Applying {
        cart,
        warehouse,
        wh_out,
        file,
        ..
    } = *to;
    let hash = sha256_hex(&order.content_bytes());
    if let Some(mut rec) = existing.clone().filter(|r| r.status.is_sent()) {
        if rec.content_hash == hash {
            rec.history.push(HistoryEntry::now(
                "identical re-send absorbed".to_string(),
                file,
            ));
        } else {
            let why = format!(
                "already sent to the warehouse as {} with different content; a changed re-send is rejected (changing a sent order needs the warehouse)",
                rec.cust_ref
            );
            applied
                .rejected
                .push(format!("order {} at {place}: {why}", rec.order_no));
            rec.history.push(HistoryEntry::now(
                "changed re-send rejected".to_string(),
                file,
            ));
        }
        return txn.put_order(&rec);
    }
    let cust_ref = cust_ref_for(txn, cart, warehouse, &order.cust_po_no, existing.as_ref())?;
    let mut out = order.clone();
    out.cust_ref = Some(cust_ref.clone());
    let history = existing.map(|r| r.history).unwrap_or_default();
    let mut rec = OrderRecord {
        source: cart.name.clone(),
        order_no: order.cust_po_no.clone(),
        cust_ref,
        status: OrderStatus::New,
        content_hash: hash,
        reason: None,
        order: Some(out),
        history,
        confirmations: vec![],
        shipped: Default::default(),
        shipments: vec![],
        canceled: Default::default(),
    };
    if let Some(unknown) = holds::unknown_skus(txn, warehouse, order)? {
        let why = holds::held_reason(&unknown, &warehouse.name);
        applied
            .held
            .push(format!("order {} at {place}: held: {why}", rec.order_no));
        return holds::hold(txn, rec, &warehouse.name, &why, file);
    }
    applied
        .outputs
        .push(send(txn, &mut rec, warehouse, wh_out, "sent", file)?);
    txn.put_order(&rec)
}

/// Sends the order of `rec` to the warehouse: its `order_<cust_ref>.json` (returned, to plan),
/// the delivery that lets the warehouse's taking it move the order on, the status `new`, and a
/// history line `WHY to warehouse W as out/NAME`. The caller stores `rec`.
pub(super) fn send(
    txn: &mut Txn<'_>,
    rec: &mut OrderRecord,
    warehouse: &Partner,
    wh_out: &Path,
    why: &str,
    file: &str,
) -> Result<PlannedOutput, StoreError> {
    let name = format!("order_{}.json", rec.cust_ref);
    let mut out = rec.order.clone().unwrap_or_default();
    out.cust_ref = Some(rec.cust_ref.clone());
    out.order_status = Some(OrderStatus::New);
    rec.content_hash = sha256_hex(&out.content_bytes());
    rec.status = OrderStatus::New;
    rec.reason = None;
    let planned = PlannedOutput::new(
        OutputKind::Order,
        wh_out.to_path_buf(),
        name.clone(),
        &render_order(&out),
    );
    rec.order = Some(out);
    let carried = vec![order_key(&rec.source, &rec.order_no)];
    txn.put_output(&warehouse.name, &name, OutputKind::Order, carried)?;
    rec.history.push(HistoryEntry::now(
        format!(
            "{why} to warehouse {} as {}",
            warehouse.name,
            Folder::Out.show(Path::new(&name))
        ),
        file,
    ));
    txn.clear_held(&order_key(&rec.source, &rec.order_no))?;
    Ok(planned)
}

/// Records a skipped or rejected order (`status` and why); an order already sent only gains a
/// history line.
fn not_sent(
    txn: &mut Txn<'_>,
    to: &Applying<'_>,
    order_no: &str,
    existing: Option<OrderRecord>,
    (status, reason): (OrderStatus, &str),
) -> Result<(), StoreError> {
    let Applying {
        cart,
        warehouse,
        file,
        ..
    } = *to;
    let word = if status == OrderStatus::Skipped {
        "skipped"
    } else {
        "rejected"
    };
    if let Some(mut rec) = existing.clone().filter(|r| r.status.is_sent()) {
        rec.history.push(HistoryEntry::now(
            format!("re-sent and {word} ({reason}); the order already sent stands"),
            file,
        ));
        return txn.put_order(&rec);
    }
    let cust_ref = cust_ref_for(txn, cart, warehouse, order_no, existing.as_ref())?;
    let mut history = existing.map(|r| r.history).unwrap_or_default();
    history.push(HistoryEntry::now(format!("{word}: {reason}"), file));
    txn.put_order(&OrderRecord {
        source: cart.name.clone(),
        order_no: order_no.to_string(),
        cust_ref,
        status,
        content_hash: String::new(),
        reason: Some(reason.to_string()),
        order: None,
        history,
        confirmations: vec![],
        shipped: Default::default(),
        shipments: vec![],
        canceled: Default::default(),
    })
}

/// The order's `cust_ref`: kept once assigned, else assigned now.
fn cust_ref_for(
    txn: &Txn<'_>,
    cart: &Partner,
    warehouse: &Partner,
    order_no: &str,
    existing: Option<&OrderRecord>,
) -> Result<String, StoreError> {
    if let Some(r) = existing {
        return Ok(r.cust_ref.clone());
    }
    assign_cust_ref(&cart.name, order_no, warehouse.cust_ref_max_len, |c| {
        txn.ref_taken(c, &cart.name, order_no)
    })
}
