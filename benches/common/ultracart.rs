//! UltraCart test inputs: large batches valid against the shipped DTD (optionally with a few
//! elements it does not declare, for an invalid twin), and single-order SD files made from the
//! `fixtures/ultracart/single-sd.xml` fixture with a new order id each.

use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Writes an UltraCart batch of at least `target` bytes, valid against the shipped DTD (in the
/// element order of UltraCart's export, with optional parts present or not); returns its size
/// and order count. Each `(n, name)` of `faults` puts an empty element `name`, which the DTD
/// does not declare, first in order `n` (from 1): the same seed makes the same orders, so a
/// batch with faults is its valid twin but for them.
pub fn write_batch(path: &Path, target: u64, faults: &[(u64, &str)]) -> Result<(u64, u64)> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export>\n  <export_location>https://secure.ultracart.com</export_location>\n";
    out.write_all(head.as_bytes())?;
    let mut written = head.len() as u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut n = 0u64;
    let mut order = String::new();
    while written < target {
        order.clear();
        n += 1;
        let id = format!("BENCH-2025{:06}-{:06}", n % 1_000_000, rng.below(1_000_000));
        one_order(&mut order, &id, None, &mut rng);
        for (_, name) in faults.iter().filter(|(at, _)| *at == n) {
            order.insert_str("  <order>\n".len(), &format!("    <{name}/>\n"));
        }
        out.write_all(order.as_bytes())?;
        written += order.len() as u64;
    }
    out.write_all(b"</export>\n")?;
    out.flush()?;
    Ok((written + 10, n))
}

/// Writes an UltraCart batch of `count` orders, all in the shipping stage (`SD`, each one a
/// warehouse file), with the order ids `TAG-N` (a new tag makes new orders); returns its size.
/// The orders vary as [`write_batch`]'s do, streamed to the file one at a time.
pub fn write_sd_batch(path: &Path, count: u64, tag: &str) -> Result<u64> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export>\n  <export_location>https://secure.ultracart.com</export_location>\n";
    out.write_all(head.as_bytes())?;
    let mut written = head.len() as u64;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut order = String::new();
    for n in 1..=count {
        order.clear();
        one_order(&mut order, &format!("{tag}-{n}"), Some("SD"), &mut rng);
        out.write_all(order.as_bytes())?;
        written += order.len() as u64;
    }
    out.write_all(b"</export>\n")?;
    out.flush()?;
    Ok(written + 10)
}

/// One order with the id `id`, in `stage` (else a stage drawn from SD, AR, CO).
fn one_order(s: &mut String, id: &str, stage: Option<&str>, rng: &mut Rng) {
    let id = id.to_string();
    let leaf = |s: &mut String, name: &str, value: &str| {
        if value.is_empty() {
            let _ = writeln!(s, "    <{name}/>");
        } else {
            let _ = writeln!(s, "    <{name}>{value}</{name}>");
        }
    };
    s.push_str("  <order>\n");
    leaf(s, "merchant_id", "BENCH");
    leaf(s, "order_id", &id);
    if rng.below(4) == 0 {
        leaf(s, "channel_partner_code", "AMZ");
        leaf(s, "channel_partner_order_id", "112-4471980-2215460");
    }
    leaf(s, "order_date", "17 DEC 2025 08:37:38");
    leaf(s, "order_type", "credit card");
    let drawn = ["SD", "AR", "CO"][rng.below(3) as usize];
    leaf(s, "current_stage", stage.unwrap_or(drawn));
    leaf(s, "payment_status", "Processed");
    if rng.below(2) == 0 {
        leaf(s, "payment_date", "12/17/2025");
        leaf(s, "payment_date_time", "17 DEC 2025 08:40:00");
    }
    for side in ["bill_to", "ship_to"] {
        if side == "ship_to" && rng.below(10) == 0 {
            continue; // the ship_to group may be absent
        }
        leaf(s, &format!("{side}_company"), "");
        leaf(s, &format!("{side}_title"), "");
        leaf(s, &format!("{side}_first_name"), "Ada");
        leaf(s, &format!("{side}_last_name"), "Lovelace &amp; Co");
        leaf(s, &format!("{side}_address1"), "1 Main St");
        leaf(s, &format!("{side}_address2"), "");
        leaf(s, &format!("{side}_city"), "Göteborg");
        leaf(s, &format!("{side}_state"), "NC");
        leaf(s, &format!("{side}_zip"), "27513");
        leaf(s, &format!("{side}_country"), "United States");
        if side == "bill_to" {
            leaf(s, "tax_county", "");
        }
    }
    leaf(s, "shipping_method", "USPS: First Class");
    leaf(s, "lift_gate", "N");
    leaf(s, "gift", "no");
    leaf(s, "email", "ada@example.com");
    leaf(s, "mailing_list", "Y");
    leaf(s, "day_phone", "555-0100");
    leaf(s, "evening_phone", "");
    leaf(s, "fax", "");
    leaf(s, "card_type", "Visa");
    leaf(s, "card_number", "XXXXXXXXXXXX1111");
    leaf(s, "payment_method", "Credit Card");
    for i in 0..1 + rng.below(4) {
        let sku = format!("SKU-{}", rng.below(5000));
        s.push_str("    <item>\n");
        for (name, value) in [
            ("merchant_id", "BENCH"),
            ("order_id", id.as_str()),
            ("item_id", sku.as_str()),
            ("item_index", &(i + 1).to_string()),
            ("quantity", "2"),
            ("description", "UREVIVE GREEN COFFEE BEAN EXTRACT 1 MONTH"),
            ("cost", "12.50"),
            ("unit_cost_with_discount", "12.50"),
            ("total_cost_with_discount", "25.00"),
            ("cogs", ""),
            ("actual_cogs", ""),
            ("barcode", "0123456789012"),
            ("item_weight", "0.375 LB"),
            ("tax_free", "false"),
            ("special_product_type", ""),
            ("free_shipping", "false"),
            ("accounting_code", sku.as_str()),
            ("discount", "0.00"),
            ("distribution_center_code", "DFLT"),
            ("kit", "N"),
            ("kit_component", "N"),
        ] {
            s.push_str("  ");
            leaf(s, name, value);
        }
        if rng.below(3) == 0 {
            s.push_str("      <option><merchant_id>BENCH</merchant_id><order_id/><item_id/><item_index>1</item_index><option_id>1</option_id><option_name>Size</option_name><option_value>L</option_value><cost_change>0.00</cost_change><weight_change>0</weight_change></option>\n");
        }
        s.push_str("    </item>\n");
    }
    for (name, value) in [
        ("weight", "1 LB"),
        ("subtotal", "25.00"),
        ("tax_rate", "0.00000"),
        ("tax", "0.00"),
        ("shipping_handling_total", "5.99"),
        ("shipping_handling_total_discount", "0.00"),
        ("surcharge_transaction_fee", "0.00"),
        ("surcharge_transaction_percentage", "0.0000"),
        ("surcharge", "0.00"),
        ("total", "30.99"),
        ("currency_code", "USD"),
        ("actual_profit_analyzed", "N"),
        ("actual_profit_review", "N"),
        ("actual_shipping", ""),
        ("actual_other_cost", ""),
        ("actual_fulfillment", ""),
        ("actual_payment_processing", ""),
        ("actual_profit", ""),
        ("gift_certificate_amount", "0.00"),
        ("special_instructions", "Leave at the back door, please."),
        ("merchant_notes", ""),
        ("subtotal_discount", "0.00"),
        ("gift_charge_accounting_code", ""),
        ("gift_wrap_accounting_code", ""),
        ("surcharge_accounting_code", ""),
        ("shipping_method_accounting_code", ""),
        ("payment_method_accounting_code", ""),
        ("payment_method_deposit_to_account", ""),
        ("tax_country_accounting_code", ""),
        ("tax_state_accounting_code", ""),
        ("tax_county_accounting_code", ""),
        ("tax_city_accounting_code", ""),
        ("tax_postal_code_accounting_code", ""),
        ("referral_code", ""),
        ("advertising_source", "Existing Customer"),
        ("screen_branding_theme_code", "DFLT"),
    ] {
        leaf(s, name, value);
    }
    if rng.below(3) == 0 {
        s.push_str("    <coupon><merchant_id>BENCH</merchant_id><order_id/><coupon_code>SAVE10</coupon_code><coupon_accounting_code/></coupon>\n");
    }
    leaf(s, "insureship_available", "N");
    leaf(s, "insureship_separate", "N");
    leaf(s, "insureship_wanted", "N");
    leaf(s, "has_customer_profile", "Y");
    if rng.below(2) == 0 {
        s.push_str("    <transaction_details><transaction_detail><transaction_id>1</transaction_id><transaction_gateway>Stripe</transaction_gateway><transaction_timestamp>17 DEC 2025 08:40:00</transaction_timestamp><transaction_successful>true</transaction_successful><extended_details><extended_detail><extended_detail_name>avs</extended_detail_name><extended_detail_value>Y</extended_detail_value></extended_detail></extended_details></transaction_detail></transaction_details>\n");
    } else {
        s.push_str("    <transaction_details/>\n");
    }
    leaf(s, "customer_ip_address", "192.0.2.7");
    leaf(s, "test_order", "false");
    s.push_str("  </order>\n");
}

/// The fixture's single SD order with every occurrence of its order id replaced by `id`.
pub struct SingleOrder {
    text: String,
    id: String,
}

impl SingleOrder {
    /// Reads `fixtures/ultracart/single-sd.xml`.
    pub fn fixture() -> Result<SingleOrder> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ultracart/single-sd.xml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let id = text
            .split_once("<order_id>")
            .and_then(|(_, rest)| rest.split_once("</order_id>"))
            .map(|(id, _)| id.to_string())
            .context("the fixture has no <order_id>")?;
        if text.matches("<order>").count() != 1 {
            bail!("{} is not a single-order export", path.display());
        }
        Ok(SingleOrder { text, id })
    }

    /// The export with the order id `id`.
    pub fn with_id(&self, id: &str) -> String {
        self.text.replace(&self.id, id)
    }
}
