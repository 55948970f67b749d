//! Inventory levels from a warehouse go to every cart routed to it, translated back through
//! that cart's `sku_aliases` (a warehouse SKU several cart SKUs alias to is reported under
//! each).

use super::naming::render_unique;
use crate::config::{Config, Partner, Role};
use crate::formats::render::renderer_for;
use crate::model::InventoryLevel;
use crate::store::{OutputKind, PlannedOutput, StoreError, Txn};

/// One inventory file per cart routed to `wh` whose format has a renderer, each recorded as
/// the cart's output in `txn`.
pub(super) fn fan_out(
    txn: &mut Txn<'_>,
    config: &Config,
    wh: &Partner,
    levels: &[InventoryLevel],
) -> Result<Vec<PlannedOutput>, StoreError> {
    let now = jiff::Timestamp::now();
    let mut outputs = Vec::new();
    for cart in &config.partners {
        if cart.role != Role::Cart || cart.warehouse.as_deref() != Some(wh.name.as_str()) {
            continue;
        }
        let Some(renderer) = renderer_for(cart.format) else {
            tracing::info!(cart = %cart.name, "no inventory file for this cart's format yet");
            continue;
        };
        let rows = cart_rows(cart, levels);
        let dir = config.partner_home(&cart.name).out_dir();
        let planned = |n: &str| {
            outputs
                .iter()
                .any(|o: &PlannedOutput| o.dir == dir && o.name == n)
        };
        let render = |u: &str| renderer.inventory(&rows, now, u);
        if let Some(out) = render_unique(txn, &cart.name, &dir, now, planned, render)? {
            txn.put_output(&cart.name, &out.name, OutputKind::Inventory, vec![])?;
            outputs.push(PlannedOutput::new(
                OutputKind::Inventory,
                dir.clone(),
                out.name,
                &out.bytes,
            ));
        }
    }
    Ok(outputs)
}

/// The levels in the cart's SKUs: a warehouse SKU that cart SKUs alias to is reported under
/// each of them; any other SKU under its own name.
fn cart_rows(cart: &Partner, levels: &[InventoryLevel]) -> Vec<(String, i64)> {
    let mut rows = Vec::new();
    for l in levels {
        let aliases: Vec<&String> = cart
            .sku_aliases
            .iter()
            .filter(|(_, wh_sku)| **wh_sku == l.sku)
            .map(|(cart_sku, _)| cart_sku)
            .collect();
        if aliases.is_empty() {
            rows.push((l.sku.clone(), l.qty_available));
        } else {
            rows.extend(aliases.into_iter().map(|c| (c.clone(), l.qty_available)));
        }
    }
    rows
}
