//! The files of a crash trial, drawn from a seeded generator: UltraCart exports (one or two
//! orders, the first always in the shipping stage, or a batch decided in parts), DSCO purchase orders, the warehouse's
//! shipments for the orders it received, and inventory levels with a marker SKU per file.
//!
//! Some files carry `<?wharf-test-hold MS?>` (in an XML processing instruction, a CSV column or
//! a JSON field): in the debug build the test runs, each step of their plan waits that long,
//! a window for a kill to land in the middle of a plan. Some of them are also held long once
//! their outputs are out, so that a kill can come after a partner took one.

pub use super::super::rng::Rng;
use super::super::support::{uc_export, uc_order};

/// How long each step of a held file's plan waits, in milliseconds.
pub const HOLD_MS: u64 = 15;

/// How long each step waits once a late-held file's outputs are out: time for the partner to
/// take them before a kill, in milliseconds.
pub const LATE_MS: u64 = 300;

/// The hold request of file `k`, as a processing instruction: one held file in five is held
/// late as well.
pub fn hold(k: usize) -> String {
    if k.is_multiple_of(5) {
        format!("<?wharf-test-hold {HOLD_MS} {LATE_MS}?>")
    } else {
        format!("<?wharf-test-hold {HOLD_MS}?>")
    }
}

/// One file to upload.
#[derive(Clone, Debug)]
pub struct Upload {
    pub partner: &'static str,
    /// The name under `in/`.
    pub name: String,
    pub body: String,
}

/// What a trial's files say: the orders that must reach the warehouse, the orders that must
/// not (skipped stages), the inventory marker SKUs.
#[derive(Default, Debug)]
pub struct Expected {
    /// cust_ref (the cart's own number: they all fit the warehouse) → cart.
    pub sent: std::collections::BTreeMap<String, &'static str>,
    /// Orders in a stage that is not shipped.
    pub skipped: Vec<String>,
    /// Inventory file name → its marker SKU.
    pub inventory: std::collections::BTreeMap<String, String>,
}

/// UltraCart export `k` of trial `t`: one SD order, sometimes a second one (SD or AR); one file
/// in four is a batch of three to seven orders decided in parts of two
/// (`<?wharf-test-parts 2?>`), so that a kill can land inside a part or between two.
pub fn ultracart(t: usize, k: usize, rng: &mut Rng, held: bool, e: &mut Expected) -> Upload {
    let mut orders = Vec::new();
    let batch = rng.chance(25);
    let count = if batch {
        3 + rng.below(5)
    } else {
        1 + rng.below(2)
    };
    for n in 0..count {
        let id = format!("U{t}x{k}n{n}");
        let stage = if n > 0 && rng.chance(40) { "AR" } else { "SD" };
        let qty = 1 + rng.below(3) as u32;
        let sku = format!("S{}", rng.below(5));
        orders.push(uc_order(&id, stage, &[(&sku, qty, "2.50")], "2.50"));
        if stage == "SD" {
            e.sent.insert(id, "uc");
        } else {
            e.skipped.push(id);
        }
    }
    let mut body = uc_export(&orders);
    if held {
        body = body.replacen("?>\n", &format!("?>\n{}\n", hold(k)), 1);
    }
    if batch {
        body = body.replacen("?>\n", "?>\n<?wharf-test-parts 2?>\n", 1);
    }
    // Padding, so that some uploads last long enough to be cut.
    let pad = rng.below(48 * 1024) as usize;
    body.push_str(&format!("<!-- {} -->\n", "p".repeat(pad)));
    Upload {
        partner: "uc",
        name: format!("u{t}-{k:04}.xml"),
        body,
    }
}

/// DSCO purchase-order file `k` of trial `t`: one or two POs of one or two lines.
pub fn dsco(t: usize, k: usize, rng: &mut Rng, held: bool, e: &mut Expected) -> Upload {
    let mut body = String::from(
        "po_number,consumer_order_date,ship_first_name,ship_last_name,ship_address_1,ship_city,\
         ship_region,ship_postal,ship_country,ship_carrier,ship_method,line_item_line_number,\
         line_item_sku,line_item_quantity,line_item_expected_cost,dsco_order_id,note\n",
    );
    for n in 0..1 + rng.below(2) {
        let po = format!("D{t}x{k}n{n}");
        for line in 1..=1 + rng.below(2) {
            let note = if held && n == 0 && line == 1 {
                hold(k)
            } else {
                String::new()
            };
            body.push_str(&format!(
                "{po},2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,\
                 {line},MUG-{line},{},1{}.99,{}{k:04}{n},{note}\n",
                1 + rng.below(3),
                rng.below(10),
                t + 1,
            ));
        }
        e.sent.insert(po, "ds");
    }
    Upload {
        partner: "ds",
        name: format!("Purchase_Order_{t}_{k:04}.csv"),
        body,
    }
}

/// An order the warehouse received and may ship.
#[derive(Clone, Debug)]
pub struct Shippable {
    pub cart: String,
    pub cust_ref: String,
    /// (warehouse SKU, units).
    pub items: Vec<(String, u64)>,
}

impl Shippable {
    /// From the canonical JSON the warehouse received.
    pub fn from_order(json: &str) -> Option<Shippable> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let items = v["items"]
            .as_array()?
            .iter()
            .filter_map(|i| Some((i["item"].as_str()?.to_string(), i["quantity"].as_u64()?)))
            .collect();
        Some(Shippable {
            cart: v["order_source"].as_str()?.to_string(),
            cust_ref: v["cust_ref"].as_str()?.to_string(),
            items,
        })
    }
}

/// Shipment file `k` of trial `t`: one package per order, every unit, tracking `T<t>x<k>n<n>`.
/// Returns the file and the packages (tracking, cart, cust_ref).
pub fn shipment(
    t: usize,
    k: usize,
    orders: &[Shippable],
    held: bool,
) -> (Upload, Vec<(String, String, String)>) {
    let mut notices = Vec::new();
    let mut packages = Vec::new();
    for (n, o) in orders.iter().enumerate() {
        let tracking = format!("T{t}x{k}n{n}");
        let items: Vec<serde_json::Value> = o
            .items
            .iter()
            .map(|(sku, q)| serde_json::json!({"item": sku, "quantity": q}))
            .collect();
        let mut notice = serde_json::json!({
            "cust_ref": o.cust_ref,
            "shipments": [{
                "carrier": "UPS",
                "method": "Ground",
                "tracking_no": tracking,
                "date": "2026-11-21T09:00:00-05:00",
                "items": items,
            }],
        });
        if held && n == 0 {
            notice["note"] = hold(k).into();
        }
        notices.push(notice);
        packages.push((tracking, o.cart.clone(), o.cust_ref.clone()));
    }
    let body = serde_json::to_string(&notices).expect("json");
    (
        Upload {
            partner: "wh",
            name: format!("shipment-{t}-{k:04}.json"),
            body,
        },
        packages,
    )
}

/// Inventory file `k` of trial `t`: a marker SKU of its own and two common ones.
pub fn inventory(t: usize, k: usize, rng: &mut Rng, held: bool, e: &mut Expected) -> Upload {
    let marker = format!("INV{t}x{k}");
    let note = if held {
        format!(",\"note\":\"{}\"", hold(k))
    } else {
        String::new()
    };
    let body = format!(
        "[{{\"sku\":\"{marker}\",\"qty_available\":{}{note}}},{{\"sku\":\"S1\",\"qty_available\":{}}},{{\"sku\":\"MUG-1\",\"qty_available\":0}}]",
        rng.below(100),
        rng.below(100)
    );
    let name = format!("inventory-{t}-{k:04}.json");
    e.inventory.insert(name.clone(), marker);
    Upload {
        partner: "wh",
        name,
        body,
    }
}
