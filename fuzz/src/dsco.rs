//! The DSCO purchase-order decoder on any bytes, with each delimiter (`.csv`, `.tab`, `.psv`)
//! and with and without a ship-method map and SKU aliases: no panic, and every accepted order
//! keeps the invariants of `super::check_decoded`.

use std::collections::BTreeMap;
use wharf::formats::{DecodeOptions, dsco};

/// Runs one input.
pub fn run(data: &[u8]) {
    let plain = DecodeOptions {
        source: super::SOURCE.into(),
        ..DecodeOptions::default()
    };
    let mapped = DecodeOptions {
        source: super::SOURCE.into(),
        sku_aliases: BTreeMap::from([("SKU1".into(), "W-1".into())]),
        ship_methods: BTreeMap::from([("UPSG".into(), "UPS_GND".into())]),
        ..DecodeOptions::default()
    };
    for (name, opts) in [("a.csv", &plain), ("a.tab", &mapped), ("a.psv", &plain)] {
        let delimiter = dsco::delimiter_for(name).expect("a DSCO extension");
        if let Ok(decoded) = dsco::decode(data, opts, delimiter) {
            super::check_decoded(&decoded, opts);
        }
    }
}
