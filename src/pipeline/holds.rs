//! Unknown-SKU holds (`check_skus` on the warehouse): an order with a line whose SKU, after
//! the cart's aliases, is not an active SKU of the warehouse's catalog is held — recorded with
//! its canonical content, status `held`, not sent — and its history names each unknown SKU and
//! line. It is sent on its own, in the transaction of whatever taught the catalog the SKU (a
//! product or inventory file) or at start-up when the cart's aliases changed, or by
//! `wharf orders release`.
//!
//! An empty catalog cannot judge an order: it holds nothing, and says so once per warehouse in
//! the log.

use super::orders::send;
use crate::config::{Config, Partner};
use crate::model::{Order, OrderStatus};
use crate::store::{HistoryEntry, OrderRecord, PlannedOutput, StoreError, Txn, order_key};
use std::collections::HashSet;
use std::sync::Mutex;

/// The warehouses whose empty catalog was already reported.
static EMPTY_REPORTED: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// The lines of `order` whose SKU the warehouse's catalog does not know, as (line, SKU);
/// `None` when the warehouse does not check SKUs or its catalog is empty.
pub(super) fn unknown_skus(
    txn: &Txn<'_>,
    warehouse: &Partner,
    order: &Order,
) -> Result<Option<Vec<(u32, String)>>, StoreError> {
    if !warehouse.check_skus {
        return Ok(None);
    }
    if txn.catalog_is_empty(&warehouse.name)? {
        empty_catalog_once(&warehouse.name);
        return Ok(None);
    }
    let mut unknown = Vec::new();
    for item in &order.items {
        let known = txn
            .product(&warehouse.name, &item.item)?
            .is_some_and(|p| p.active);
        if !known {
            unknown.push((item.line_no, item.item.clone()));
        }
    }
    Ok((!unknown.is_empty()).then_some(unknown))
}

/// [`unknown_skus`] against a catalog read whole (the mapping preview, which writes nothing):
/// the active SKUs of the warehouse.
pub(super) fn unknown_in(
    warehouse: &Partner,
    active: &HashSet<String>,
    order: &Order,
) -> Option<Vec<(u32, String)>> {
    if !warehouse.check_skus || active.is_empty() {
        return None;
    }
    let unknown: Vec<(u32, String)> = order
        .items
        .iter()
        .filter(|i| !active.contains(&i.item))
        .map(|i| (i.line_no, i.item.clone()))
        .collect();
    (!unknown.is_empty()).then_some(unknown)
}

fn empty_catalog_once(warehouse: &str) {
    let Ok(mut seen) = EMPTY_REPORTED.lock() else {
        return;
    };
    if seen
        .get_or_insert_with(HashSet::new)
        .insert(warehouse.to_string())
    {
        tracing::warn!(
            warehouse,
            "check_skus is set but the warehouse's catalog is empty: no order is held until it sends a product file"
        );
    }
}

/// Why an order is held: `unknown SKU X (line 2), unknown SKU Y (line 3) not in the catalog of
/// warehouse W`.
pub(super) fn held_reason(unknown: &[(u32, String)], warehouse: &str) -> String {
    let each: Vec<String> = unknown
        .iter()
        .map(|(line, sku)| format!("unknown SKU {sku} (line {line})"))
        .collect();
    format!(
        "{} not in the catalog of warehouse {warehouse}",
        each.join(", ")
    )
}

/// Records `rec` as held for `why`.
pub(super) fn hold(
    txn: &mut Txn<'_>,
    mut rec: OrderRecord,
    warehouse: &str,
    why: &str,
    file: &str,
) -> Result<(), StoreError> {
    rec.status = OrderStatus::Held;
    rec.reason = Some(why.to_string());
    if let Some(o) = rec.order.as_mut() {
        o.order_status = Some(OrderStatus::Held);
    }
    rec.history
        .push(HistoryEntry::now(format!("held: {why}"), file));
    txn.put_held(&order_key(&rec.source, &rec.order_no), warehouse)?;
    txn.put_order(&rec)
}

/// Checks again every order held for `warehouse`'s catalog (every warehouse's when `None`),
/// with the catalog as this transaction sees it and the carts' aliases as configured now; the
/// orders that now pass are sent (their outputs returned, to plan), the others stay held.
/// `cause` says what changed, for the history.
pub(super) fn recheck(
    txn: &mut Txn<'_>,
    config: &Config,
    warehouse: Option<&str>,
    cause: &str,
    file: &str,
) -> Result<Vec<PlannedOutput>, StoreError> {
    let mut outputs = Vec::new();
    for key in txn.held(warehouse)? {
        let Some(mut rec) = txn.order_by_key(&key)? else {
            txn.clear_held(&key)?;
            continue;
        };
        let cart = config.partner(&rec.source);
        let wh = cart
            .and_then(|c| c.warehouse.as_deref())
            .and_then(|w| config.partner(w));
        let (Some(cart), Some(wh), Some(mut order)) = (cart, wh, rec.order.clone()) else {
            continue;
        };
        if rec.status != OrderStatus::Held {
            txn.clear_held(&key)?;
            continue;
        }
        let realiased = realias(&mut order, cart);
        if let Some(unknown) = unknown_skus(txn, wh, &order)? {
            if realiased {
                rec.order = Some(order);
                let why = held_reason(&unknown, &wh.name);
                rec.history.push(HistoryEntry::now(
                    format!("the cart's aliases changed; still held: {why}"),
                    file,
                ));
                rec.reason = Some(why);
                txn.put_order(&rec)?;
            }
            continue;
        }
        rec.order = Some(order);
        let wh_out = config.partner_home(&wh.name).out_dir();
        let why = format!("{cause}: every SKU is known now; sent");
        outputs.push(send(txn, &mut rec, wh, &wh_out, &why, file)?);
        txn.put_order(&rec)?;
    }
    Ok(outputs)
}

/// Maps the order's lines again through the cart's aliases as configured now (a line's cart
/// SKU is its `cart_item`, else its `item`); whether anything changed.
fn realias(order: &mut Order, cart: &Partner) -> bool {
    let mut changed = false;
    for item in &mut order.items {
        let cart_sku = item.cart_item.clone().unwrap_or_else(|| item.item.clone());
        let wh_sku = cart
            .sku_aliases
            .get(&cart_sku)
            .cloned()
            .unwrap_or_else(|| cart_sku.clone());
        if wh_sku != item.item {
            item.item = wh_sku.clone();
            item.cart_item = (wh_sku != cart_sku).then_some(cart_sku);
            changed = true;
        }
    }
    changed
}
