//! The decoder's tests, by topic, over the fixtures in `fixtures/ultracart/`, and the helpers
//! they share.

mod items;
mod mapping;
mod outcomes;
mod reading;
mod text;
mod values;

use super::decode;
use crate::formats::{DecodeError, DecodeOptions, Decoded, DecodedOrder, OrderOutcome};
use crate::model::Order;
use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ultracart")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn opts() -> DecodeOptions {
    DecodeOptions {
        source: "harbor-tea".to_string(),
        ..DecodeOptions::default()
    }
}

fn decode_str(xml: &str, opts: &DecodeOptions) -> Decoded {
    decode(xml.as_bytes(), opts).unwrap_or_else(|e| panic!("decode failed: {e}"))
}

fn decode_fixture(name: &str, opts: &DecodeOptions) -> Decoded {
    decode_str(&fixture(name), opts)
}

fn accepted(o: &DecodedOrder) -> &Order {
    match &o.outcome {
        OrderOutcome::Accept(order) => order,
        other => panic!(
            "order {} at {}: expected Accept, got {other:?}",
            o.order_no, o.place
        ),
    }
}

fn rejected(o: &DecodedOrder) -> &str {
    match &o.outcome {
        OrderOutcome::Reject(reason) => reason,
        other => panic!(
            "order {} at {}: expected Reject, got {other:?}",
            o.order_no, o.place
        ),
    }
}

fn skipped(o: &DecodedOrder) -> &str {
    match &o.outcome {
        OrderOutcome::Skip(reason) => reason,
        other => panic!(
            "order {} at {}: expected Skip, got {other:?}",
            o.order_no, o.place
        ),
    }
}

fn xml_error(xml: &[u8]) -> (u64, u64, String) {
    match decode(xml, &opts()) {
        Err(DecodeError::Xml {
            line,
            column,
            message,
        }) => (line, column, message),
        other => panic!("expected an XML error, got {other:?}"),
    }
}

fn skus(order: &Order) -> Vec<(u32, &str, Option<&str>)> {
    order
        .items
        .iter()
        .map(|i| (i.line_no, i.item.as_str(), i.kit_parent.as_deref()))
        .collect()
}
