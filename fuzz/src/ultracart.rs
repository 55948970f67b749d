//! The UltraCart order decoder on any bytes, with the default options and with every option
//! set (a distribution center, kits sent as kits, SKU aliases, a ship-method map): no panic,
//! and every accepted order keeps the invariants of `super::check_decoded`.

use std::collections::BTreeMap;
use wharf::formats::{DecodeOptions, KitMode, ultracart};

fn options() -> [DecodeOptions; 2] {
    let plain = DecodeOptions {
        source: super::SOURCE.into(),
        ..DecodeOptions::default()
    };
    let every = DecodeOptions {
        source: super::SOURCE.into(),
        distribution_center: Some("DFLT".into()),
        kits: KitMode::Kit,
        sku_aliases: BTreeMap::from([("G1".into(), "GREEN-1".into()), ("K".into(), "".into())]),
        ship_methods: BTreeMap::from([
            ("UPS: Ground".into(), "UPS_GND".into()),
            ("".into(), "NONE".into()),
        ]),
        accept_orders_since: None,
    };
    [plain, every]
}

/// Runs one input.
pub fn run(data: &[u8]) {
    for opts in options() {
        if let Ok(decoded) = ultracart::decode(data, &opts) {
            super::check_decoded(&decoded, &opts);
        }
    }
}
