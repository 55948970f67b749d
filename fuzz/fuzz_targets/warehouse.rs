//! The warehouse's shipment and inventory decoders, JSON and CSV, on the same bytes: no panic,
//! and what decodes keeps the invariants of `wharf_fuzz::check_shipments` and
//! `check_inventory` (among them: it reads back from its own JSON unchanged).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf::formats::warehouse::{Syntax, decode_inventory, decode_shipments};

fuzz_target!(|data: &[u8]| {
    for syntax in [Syntax::Json, Syntax::Csv] {
        if let Ok(notices) = decode_shipments(data, syntax) {
            wharf_fuzz::check_shipments(&notices);
        }
        if let Ok(levels) = decode_inventory(data, syntax) {
            wharf_fuzz::check_inventory(&levels);
        }
    }
});
