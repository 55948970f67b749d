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

/// A reader handing out one byte at a time: the hardest case for the streaming scanner, whose
/// lines, columns and UTF-8 checks span its reads.
struct ByteByByte<'a>(&'a [u8]);

impl std::io::Read for ByteByByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// Decodes `xml` from its bytes, and checks that reading it a byte at a time gives the same.
fn decode_checked(xml: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let whole = decode(xml, opts);
    let mut streamed = Decoded::default();
    let read = super::decode_read(ByteByByte(xml), opts, &mut |order| {
        streamed.orders.push(order);
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(
        format!("{whole:?}"),
        format!("{:?}", read.map(|()| streamed)),
        "the same file read a byte at a time"
    );
    whole
}

fn decode_str(xml: &str, opts: &DecodeOptions) -> Decoded {
    decode_checked(xml.as_bytes(), opts).unwrap_or_else(|e| panic!("decode failed: {e}"))
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
    match decode_checked(xml, &opts()) {
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
