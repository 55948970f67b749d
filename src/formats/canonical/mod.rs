//! Wharf's canonical JSON (CartRover's field names): orders out to the warehouse, and orders in
//! for `wharf convert --format canonical`.

pub mod catalog_files;
pub mod warehouse_files;

use crate::formats::{
    DecodeError, DecodeOptions, Decoded, DecodedOrder, Format, FormatSpec, OrderOutcome, Role,
};

/// The canonical format, for the registry: the warehouse side (orders out as JSON; shipments
/// and inventory in, [`warehouse_files`]); orders in only for `wharf convert`.
pub const FORMAT: Format = Format(&FormatSpec {
    name: "canonical",
    role: Role::Warehouse,
    reader: "the JSON reader",
    keys: &[],
    decode: |_, bytes, opts| decode_orders(bytes, opts),
    to_utf8: crate::formats::as_is,
    each: None,
    renderer: None,
});
use crate::model::Order;

/// Renders one order as the warehouse's `order_<cust_ref>.json` (pretty, with a final newline).
pub fn render_order(order: &Order) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(order).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Reads canonical order JSON: one order object or an array of them.
pub fn decode_orders(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Box<Order>),
        Many(Vec<Order>),
    }
    let parsed: OneOrMany = serde_json::from_slice(bytes).map_err(|e| DecodeError::Json {
        line: e.line() as u64,
        column: e.column() as u64,
        message: format!("not a canonical order document: {e}"),
    })?;
    if let Some((line, column, message)) = crate::formats::text::json_refusal(bytes) {
        return Err(DecodeError::Json {
            line,
            column,
            message,
        });
    }
    let orders = match parsed {
        OneOrMany::One(o) => vec![*o],
        OneOrMany::Many(v) => v,
    };
    Ok(Decoded {
        orders: orders
            .into_iter()
            .enumerate()
            .map(|(i, mut o)| {
                if o.order_source.is_empty() {
                    o.order_source = opts.source.clone();
                }
                DecodedOrder {
                    order_no: o.cust_po_no.clone(),
                    place: format!("order {}", i + 1),
                    outcome: OrderOutcome::Accept(Box::new(o)),
                }
            })
            .collect(),
    })
}
