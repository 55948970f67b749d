//! The warehouse's shipment and inventory decoders, JSON and CSV, on the same bytes: no panic,
//! and what decodes keeps the invariants of `super::check_shipments` and
//! `check_inventory` (among them: it reads back from its own JSON unchanged).

use wharf::formats::canonical::warehouse_files::{Syntax, decode_inventory, decode_shipments};

/// Runs one input.
pub fn run(data: &[u8]) {
    for syntax in [Syntax::Json, Syntax::Csv] {
        if let Ok(notices) = decode_shipments(data, syntax) {
            super::check_shipments(&notices);
        }
        if let Ok(levels) = decode_inventory(data, syntax) {
            super::check_inventory(&levels);
        }
    }
}
