//! The DSCO purchase-order decoder on any bytes, with each delimiter (`.csv`, `.tab`, `.psv`)
//! and with and without a ship-method map and SKU aliases: no panic, and every accepted order
//! keeps the invariants of `wharf_fuzz::check_decoded`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use wharf::formats::{DecodeOptions, dsco};

fuzz_target!(|data: &[u8]| {
    let plain = DecodeOptions {
        source: wharf_fuzz::SOURCE.into(),
        ..DecodeOptions::default()
    };
    let mapped = DecodeOptions {
        source: wharf_fuzz::SOURCE.into(),
        sku_aliases: BTreeMap::from([("SKU1".into(), "W-1".into())]),
        ship_methods: BTreeMap::from([("UPSG".into(), "UPS_GND".into())]),
        ..DecodeOptions::default()
    };
    for (name, opts) in [("a.csv", &plain), ("a.tab", &mapped), ("a.psv", &plain)] {
        let delimiter = dsco::delimiter_for(name).expect("a DSCO extension");
        if let Ok(decoded) = dsco::decode(data, opts, delimiter) {
            wharf_fuzz::check_decoded(&decoded, opts);
        }
    }
});
