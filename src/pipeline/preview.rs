//! The mapping preview (`wharf convert --config F --partner NAME FILE`): one cart file decoded
//! with that partner's aliases, ship-method map, distribution center, kits mode and go-live
//! date, and checked against its warehouse's catalog (read, never written), so a merchant can
//! verify a new integration with test orders before going live. Nothing is stored or sent.

use super::holds;
use crate::config::{Config, Partner};
use crate::formats::{self, DecodeError, OrderOutcome};
use crate::model::{Order, OrderStatus};
use crate::store::{Store, assign_cust_ref};
use std::collections::HashSet;
use std::convert::Infallible;

/// What the gateway would do with a file.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    /// The canonical orders as they would be sent (with the `cust_ref` an empty store assigns).
    pub sent: Vec<Order>,
    /// One line per order: `order N at PLACE: sent as REF` / `held: ...` / `skipped: ...` /
    /// `rejected: ...` / `cancellation: ...`.
    pub summary: Vec<String>,
    /// Whether an order was rejected.
    pub rejected: bool,
}

/// Previews `bytes`, named `file_name`, as `cart` sent it; the catalog from `store` when there
/// is one.
pub fn preview(
    config: &Config,
    cart: &Partner,
    file_name: &str,
    bytes: &[u8],
    store: Option<&Store>,
) -> Result<Preview, DecodeError> {
    let transcoded = formats::to_utf8(cart.format, bytes);
    let bytes = transcoded.as_deref().unwrap_or(bytes);
    let decoded = formats::decode_named(cart.format, file_name, bytes, &cart.decode_options())?;
    let warehouse = cart.warehouse.as_deref().and_then(|w| config.partner(w));
    let active: HashSet<String> = match (store, warehouse) {
        (Some(s), Some(wh)) => s
            .catalog()
            .map_err(|e| DecodeError::Other(e.to_string()))?
            .into_iter()
            .filter(|(w, p)| *w == wh.name && p.active)
            .map(|(_, p)| p.sku)
            .collect(),
        _ => HashSet::new(),
    };
    let max_len = warehouse.map_or(20, |w| w.cust_ref_max_len);
    let mut taken = HashSet::new();
    let mut out = Preview::default();
    for d in decoded.orders {
        let at = format!("order {} at {}", d.order_no, d.place);
        match d.outcome {
            OrderOutcome::Accept(mut o) => {
                if let Some(unknown) = warehouse.and_then(|wh| holds::unknown_in(wh, &active, &o)) {
                    let wh = warehouse.map_or("", |w| w.name.as_str());
                    out.summary
                        .push(format!("{at}: held: {}", holds::held_reason(&unknown, wh)));
                    continue;
                }
                let r = assign_cust_ref::<Infallible>(&cart.name, &o.cust_po_no, max_len, |c| {
                    Ok(taken.contains(c))
                })
                .unwrap_or_default();
                taken.insert(r.clone());
                out.summary.push(format!("{at}: sent as order_{r}.json"));
                o.cust_ref = Some(r);
                o.order_status = Some(OrderStatus::New);
                out.sent.push(*o);
            }
            OrderOutcome::Skip(why) => out.summary.push(format!("{at}: skipped: {why}")),
            OrderOutcome::Reject(why) => {
                out.rejected = true;
                out.summary.push(format!("{at}: rejected: {why}"));
            }
            OrderOutcome::Cancel(c) => out.summary.push(format!(
                "{at}: cancellation ({}) of the order if it was sent",
                c.reason.as_deref().unwrap_or("no reason given")
            )),
        }
    }
    Ok(out)
}
