//! What the fuzz targets share: the invariants every decoded document must keep, checked the
//! same way for every format. A broken invariant panics, which libFuzzer reports as a crash
//! with the input that caused it.
//!
//! - An accepted order is what the warehouse will get: it renders to canonical JSON, that JSON
//!   reads back (through the canonical decoder, which also refuses control characters) to the
//!   same order, and its number gets a `cust_ref` the warehouse's file name can carry.
//! - A decoded warehouse document holds no control characters (tab, LF, CR aside), reads back
//!   from its own JSON to the same value, and keeps the model's rules (non-empty SKUs and
//!   `cust_ref`, quantities of at least 1, RFC 3339 dates).
//!
//! Each target is a module here with a `run(&[u8])`; `fuzz_targets/NAME.rs` only hands it
//! libFuzzer's input. The main crate's tests include this file too (`tests/fuzz_regressions.rs`)
//! and replay every input kept in `fixtures/fuzz-regressions/NAME/` through the same `run`,
//! so a normal `cargo test` (stable, no libFuzzer) checks that what once crashed still passes.
//! Modules refer to each other with `super::`, which works in both places.

pub mod config;
pub mod dsco;
pub mod ftp_commands;
pub mod sftp_requests;
pub mod sftp_wire;
pub mod sftp_world;
pub mod ultracart;
pub mod validate_dtd;
pub mod warehouse;

use std::path::PathBuf;

use wharf::formats::canonical::warehouse_files::{
    Placed, Syntax, decode_inventory, decode_shipments,
};
use wharf::formats::{DecodeOptions, Decoded, OrderOutcome, canonical};
use wharf::model::{InventoryLevel, ShipmentNotice, check_rfc3339};

/// A file of the repository (`rel` from its root), whether this is built as the fuzz crate
/// (`fuzz/`) or inside the main crate's tests.
pub fn repo_path(rel: &str) -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if here.join(rel).exists() {
        here.join(rel)
    } else {
        here.join("..").join(rel)
    }
}

/// The partner name the decoders are given.
pub const SOURCE: &str = "fuzz-cart";

/// The first control character (other than tab, LF, CR) in any string of `v`, keys included.
pub fn control_char(v: &serde_json::Value) -> Option<(String, char)> {
    let bad = |s: &str| {
        s.chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    match v {
        serde_json::Value::String(s) => bad(s).map(|c| (s.clone(), c)),
        serde_json::Value::Array(items) => items.iter().find_map(control_char),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, item)| {
            bad(k)
                .map(|c| (k.clone(), c))
                .or_else(|| control_char(item))
        }),
        _ => None,
    }
}

/// Checks every order of a decoded cart file (see the crate doc).
pub fn check_decoded(decoded: &Decoded, opts: &DecodeOptions) {
    for d in &decoded.orders {
        assert!(!d.place.is_empty(), "an order without a place: {d:?}");
        let OrderOutcome::Accept(order) = &d.outcome else {
            continue;
        };
        assert_eq!(order.order_source, opts.source, "order_source");
        let json = canonical::render_order(order);
        let value: serde_json::Value =
            serde_json::from_slice(&json).expect("the canonical JSON of an order is JSON");
        if let Some((s, c)) = control_char(&value) {
            panic!("an accepted order carries the control character {c:?} in {s:?}: {order:?}");
        }
        let back = canonical::decode_orders(&json, opts).unwrap_or_else(|e| {
            panic!(
                "the canonical JSON of an accepted order does not read back: {e}\n{}",
                String::from_utf8_lossy(&json)
            )
        });
        match back.orders.as_slice() {
            [one] => match &one.outcome {
                OrderOutcome::Accept(again) => {
                    assert_eq!(again, order, "the order changed through its canonical JSON")
                }
                other => panic!("the canonical JSON of an accepted order is {other:?}"),
            },
            other => panic!("one order rendered, {} read back", other.len()),
        }
        for max_len in [6, 20, 64] {
            let r =
                wharf::store::assign_cust_ref(SOURCE, &d.order_no, max_len, |_| Ok::<_, ()>(false))
                    .unwrap_or_default();
            assert!(
                !r.is_empty()
                    && r.len() <= max_len
                    && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "cust_ref {r:?} for order number {:?} (max {max_len})",
                d.order_no
            );
        }
    }
}

/// Checks decoded shipment notices (see the crate doc).
pub fn check_shipments(notices: &[Placed<ShipmentNotice>]) {
    let values: Vec<ShipmentNotice> = notices.iter().map(|p| p.value.clone()).collect();
    for n in &values {
        assert!(!n.cust_ref.trim().is_empty(), "empty cust_ref: {n:?}");
        assert!(!n.shipments.is_empty(), "no package: {n:?}");
        for s in &n.shipments {
            if let Some(d) = &s.date {
                check_rfc3339(d).unwrap_or_else(|e| panic!("date {d:?}: {e}"));
            }
            for i in &s.items {
                assert!(i.quantity >= 1, "quantity 0: {n:?}");
                assert!(!i.item.trim().is_empty(), "empty item: {n:?}");
            }
        }
    }
    let json = serde_json::to_vec(&values).expect("notices serialize");
    let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    if let Some((s, c)) = control_char(&value) {
        panic!("a shipment notice carries the control character {c:?} in {s:?}");
    }
    let back = decode_shipments(&json, Syntax::Json).unwrap_or_else(|e| {
        panic!(
            "decoded notices do not read back from their JSON: {e}\n{}",
            String::from_utf8_lossy(&json)
        )
    });
    let back: Vec<ShipmentNotice> = back.into_iter().map(|p| p.value).collect();
    assert_eq!(back, values, "the notices changed through their JSON");
}

/// Checks decoded inventory levels (see the crate doc).
pub fn check_inventory(levels: &[InventoryLevel]) {
    let mut seen = std::collections::HashSet::new();
    for l in levels {
        assert!(!l.sku.trim().is_empty(), "empty SKU: {l:?}");
        assert!(seen.insert(&l.sku), "SKU {:?} twice after the merge", l.sku);
    }
    let json = serde_json::to_vec(levels).expect("levels serialize");
    let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    if let Some((s, c)) = control_char(&value) {
        panic!("an inventory level carries the control character {c:?} in {s:?}");
    }
    let back = decode_inventory(&json, Syntax::Json).unwrap_or_else(|e| {
        panic!(
            "decoded levels do not read back from their JSON: {e}\n{}",
            String::from_utf8_lossy(&json)
        )
    });
    assert_eq!(back, levels, "the levels changed through their JSON");
}
