//! DSCO files out: `Shipment_*`, `Inventory_*` and
//! `Invoice_*` CSV files named as DSCO's default import patterns expect
//! (`<Kind>_<YYYYMMDDHHMMSS>_<unique>.csv`, the UTC time of `now`).
//!
//! Written with the `csv` crate: comma-separated, a field quoted only when it must be
//! (delimiter, quote, CR or LF inside; `"` doubled), CRLF line ends — RFC 4180's line end,
//! which DSCO reads (it accepts CRLF or LF) and which spreadsheet tools open cleanly; the
//! UltraCart files use CRLF too.
//!
//! Decisions where the spec is silent:
//!
//! - Shipments: one row per shipped line of each package; a package without lines gets one
//!   row with empty line columns. `package_ship_date` is the shipment's RFC 3339 date as the
//!   warehouse gave it (without one, `now` in UTC). `line_item_line_number` is empty when the
//!   line is unknown (0). The `shipping_service_level_code` column is added when some package's
//!   cart method (`ship_method`, the order's `ship_code_description`, which the DSCO decoder
//!   sets to `shipping_service_level_code` when the order had one) looks like a DSCO service
//!   code: 3–6 upper-case letters or digits and not a bare carrier name (`UPS`, `USPS`,
//!   `FEDEX`, `DHL`); other rows leave it empty.
//! - Inventory: one row per SKU (first position, last level wins); a negative level is sent
//!   as 0 (`out-of-stock`): DSCO has no use for oversold counts.
//! - Invoices: see [`render_invoices`].

use crate::formats::render::{
    CartCancel, Confirmation, ConfirmedLine, OutFile, Renderer, latest_per_sku,
};
use crate::model::Money;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// The DSCO renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dsco;

const SHIP_HEADER: [&str; 8] = [
    "po_number",
    "package_tracking_number",
    "package_ship_carrier",
    "package_ship_method",
    "package_ship_date",
    "line_item_line_number",
    "line_item_sku",
    "line_item_quantity",
];
const SERVICE_LEVEL: &str = "shipping_service_level_code";
const CANCEL_HEADER: [&str; 6] = [
    "po_number",
    "line_item_line_number",
    "line_item_sku",
    "line_item_cancelled_quantity",
    "line_item_cancelled_reason",
    "line_item_cancel_code",
];
const INV_HEADER: [&str; 3] = ["sku", "quantity_available", "status"];
const INVOICE_HEADER: [&str; 12] = [
    "invoice_id",
    "po_number",
    "invoice_date",
    "invoice_total_amount",
    "line_item_line_number",
    "line_item_sku",
    "line_item_unit_price",
    "line_item_quantity",
    "line_item_ship_date",
    "line_item_tracking_number",
    "line_item_ship_carrier",
    "line_item_ship_method",
];

/// `YYYYMMDDHHMMSS`, the UTC time of `now`.
fn utc_stamp(now: jiff::Timestamp) -> String {
    now.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y%m%d%H%M%S")
        .to_string()
}

/// `now` as RFC 3339 in UTC, seconds precision.
fn utc_rfc3339(now: jiff::Timestamp) -> String {
    now.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Rows written with the csv crate (standard quoting, CRLF).
fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .flexible(false)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to a Vec cannot fail; every row has the header's length.
        let _ = w.write_record(row);
    }
    w.into_inner().unwrap_or_default()
}

fn strings<const N: usize>(h: [&str; N]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

/// The DSCO service code a cart method names, if it looks like one (see the module doc).
fn service_level_code(method: Option<&str>) -> Option<&str> {
    let m = method?.trim();
    let shaped = (3..=6).contains(&m.len())
        && m.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let carrier = ["UPS", "USPS", "FEDEX", "DHL"].contains(&m);
    (shaped && !carrier).then_some(m)
}

fn line_no(l: &ConfirmedLine) -> String {
    if l.line_no == 0 {
        String::new()
    } else {
        l.line_no.to_string()
    }
}

impl Renderer for Dsco {
    /// `Shipment_<YYYYMMDDHHMMSS>_<unique>.csv`: one row per shipped line (module doc).
    fn shipments(
        &self,
        confirmations: &[Confirmation],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        if confirmations.is_empty() {
            return None;
        }
        let with_code = confirmations
            .iter()
            .any(|c| service_level_code(c.ship_method.as_deref()).is_some());
        let mut header = strings(SHIP_HEADER);
        if with_code {
            header.push(SERVICE_LEVEL.to_string());
        }
        let today = utc_rfc3339(now);
        let mut rows = vec![header];
        for c in confirmations {
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let package = [
                c.cust_po_no.clone(),
                opt(&c.tracking_no),
                opt(&c.carrier),
                opt(&c.method),
                c.date.clone().unwrap_or_else(|| today.clone()),
            ];
            let code = service_level_code(c.ship_method.as_deref()).unwrap_or("");
            let lines: Vec<[String; 3]> = if c.lines.is_empty() {
                vec![Default::default()]
            } else {
                c.lines
                    .iter()
                    .map(|l| [line_no(l), l.cart_sku.clone(), l.quantity.to_string()])
                    .collect()
            };
            for line in lines {
                let mut row: Vec<String> = package.iter().cloned().chain(line).collect();
                if with_code {
                    row.push(code.to_string());
                }
                rows.push(row);
            }
        }
        Some(OutFile {
            name: format!("Shipment_{}_{unique}.csv", utc_stamp(now)),
            bytes: write_csv(&rows),
        })
    }

    /// `Inventory_<YYYYMMDDHHMMSS>_<unique>.csv`: `sku,quantity_available,status` (module doc).
    fn inventory(
        &self,
        levels: &[(String, i64)],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        if levels.is_empty() {
            return None;
        }
        let order = latest_per_sku(levels);
        let mut rows = vec![strings(INV_HEADER)];
        for (sku, qty) in order {
            let qty = qty.max(0);
            let status = if qty > 0 { "in-stock" } else { "out-of-stock" };
            rows.push(vec![sku.to_string(), qty.to_string(), status.to_string()]);
        }
        Some(OutFile {
            name: format!("Inventory_{}_{unique}.csv", utc_stamp(now)),
            bytes: write_csv(&rows),
        })
    }

    /// `Cancel_<YYYYMMDDHHMMSS>_<unique>.csv`: one row per cancelled line (PO, line, SKU,
    /// cancelled quantity, reason, and the reason again as the cancel code when it is one word
    /// such as `out_of_stock`).
    fn cancellations(
        &self,
        cancels: &[CartCancel],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        let mut rows = vec![strings(CANCEL_HEADER)];
        for c in cancels {
            let reason = c.reason.clone().unwrap_or_default();
            let code = if !reason.is_empty() && !reason.contains(char::is_whitespace) {
                reason.clone()
            } else {
                String::new()
            };
            for l in &c.lines {
                rows.push(vec![
                    c.cust_po_no.clone(),
                    line_no(l),
                    l.cart_sku.clone(),
                    l.quantity.to_string(),
                    reason.clone(),
                    code.clone(),
                ]);
            }
        }
        if rows.len() == 1 {
            return None;
        }
        Some(OutFile {
            name: format!("Cancel_{}_{unique}.csv", utc_stamp(now)),
            bytes: write_csv(&rows),
        })
    }

    /// `Invoice_<YYYYMMDDHHMMSS>_<unique>.csv`: see [`render_invoices`].
    fn invoices(
        &self,
        confirmations: &[Confirmation],
        unit_cost: &dyn Fn(&Confirmation, &ConfirmedLine) -> Option<Money>,
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        render_invoices(confirmations, unit_cost, now, unique)
    }
}

/// `invoice_id` of one package: `<po>-<hash>` where `<po>` is the PO number with every
/// character outside `A-Z a-z 0-9 - _ .` replaced by `_`, and `<hash>` the first 10 hex
/// digits of SHA-256 over the PO number, the tracking number and each shipped line (line
/// number, SKU, quantity), fields separated by NUL and lines by LF. The same package rendered
/// again (a crash and replay) gets the same id, so DSCO sees a duplicate, not a second bill;
/// two packages of one order differ by tracking number or lines.
pub fn invoice_id(c: &Confirmation) -> String {
    let mut h = Sha256::new();
    h.update(c.cust_po_no.as_bytes());
    h.update([0]);
    h.update(c.tracking_no.as_deref().unwrap_or("").as_bytes());
    for l in &c.lines {
        h.update(b"\n");
        h.update(l.line_no.to_string().as_bytes());
        h.update([0]);
        h.update(l.cart_sku.as_bytes());
        h.update([0]);
        h.update(l.quantity.to_string().as_bytes());
    }
    let digest = h.finalize();
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    let po: String = c
        .cust_po_no
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.') {
                ch
            } else {
                '_'
            }
        })
        .collect();
    format!("{po}-{hex}")
}

/// `Invoice_<YYYYMMDDHHMMSS>_<unique>.csv`: one invoice per package (confirmation), one row
/// per shipped line. `line_item_unit_price` is the line's unit cost as `unit_cost` gives it
/// (DSCO's `line_item_expected_cost` from the order); `invoice_total_amount` is the sum of
/// unit price × quantity over the invoice's lines, in decimal arithmetic; `invoice_date` and
/// `line_item_ship_date` are the shipment's date (without one, `now` in UTC). A package with
/// no lines, or with a line whose unit cost is unknown, is left out (an invoice with a wrong
/// total is worse than none: it can be sent later); `None` when no package remains.
pub fn render_invoices(
    confirmations: &[Confirmation],
    unit_cost: &dyn Fn(&Confirmation, &ConfirmedLine) -> Option<Money>,
    now: jiff::Timestamp,
    unique: &str,
) -> Option<OutFile> {
    let today = utc_rfc3339(now);
    let mut rows = vec![strings(INVOICE_HEADER)];
    for c in confirmations {
        let Some(costs) = c
            .lines
            .iter()
            .map(|l| unit_cost(c, l))
            .collect::<Option<Vec<Money>>>()
        else {
            continue;
        };
        if costs.is_empty() {
            continue;
        }
        let total = c
            .lines
            .iter()
            .zip(&costs)
            .fold(Money::zero(), |sum, (l, cost)| {
                sum + Money::new(cost.value() * Decimal::from(l.quantity))
            });
        let id = invoice_id(c);
        let date = c.date.clone().unwrap_or_else(|| today.clone());
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        for (l, cost) in c.lines.iter().zip(&costs) {
            rows.push(vec![
                id.clone(),
                c.cust_po_no.clone(),
                date.clone(),
                total.to_string(),
                line_no(l),
                l.cart_sku.clone(),
                cost.to_string(),
                l.quantity.to_string(),
                date.clone(),
                opt(&c.tracking_no),
                opt(&c.carrier),
                opt(&c.method),
            ]);
        }
    }
    if rows.len() == 1 {
        return None;
    }
    Some(OutFile {
        name: format!("Invoice_{}_{unique}.csv", utc_stamp(now)),
        bytes: write_csv(&rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Format;
    use crate::formats::render::renderer_for;
    use std::str::FromStr;

    fn now() -> jiff::Timestamp {
        "2026-11-21T03:10:05Z".parse().unwrap()
    }

    fn line(line_no: u32, sku: &str, quantity: u64) -> ConfirmedLine {
        ConfirmedLine {
            line_no,
            cart_sku: sku.to_string(),
            quantity,
        }
    }

    /// `invoice_id` as its documentation defines it, from the bytes written out by hand:
    /// `<po>-` and the first 10 hex digits of SHA-256 over them.
    fn documented_id(po: &str, hashed: &[u8]) -> String {
        let hex: String = Sha256::digest(hashed)
            .iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{po}-{hex}")
    }

    fn conf(
        po: &str,
        method: Option<&str>,
        tracking: &str,
        lines: Vec<ConfirmedLine>,
    ) -> Confirmation {
        Confirmation {
            cust_po_no: po.to_string(),
            ship_method: method.map(str::to_string),
            tracking_no: Some(tracking.to_string()),
            date: Some("2026-11-20T16:05:00-05:00".to_string()),
            carrier: Some("UPS".to_string()),
            method: Some("Ground".to_string()),
            lines,
        }
    }

    fn text(f: &OutFile) -> &str {
        std::str::from_utf8(&f.bytes).unwrap()
    }

    /// Unit costs by SKU, as the pipeline would look them up on the order.
    fn costs(table: &[(&str, &str)]) -> impl Fn(&Confirmation, &ConfirmedLine) -> Option<Money> {
        let table: Vec<(String, Money)> = table
            .iter()
            .map(|(s, m)| (s.to_string(), Money::from_str(m).unwrap()))
            .collect();
        move |_, l| {
            table
                .iter()
                .find(|(s, _)| *s == l.cart_sku)
                .map(|(_, m)| *m)
        }
    }

    #[test]
    fn registered_for_dsco() {
        assert!(renderer_for(Format::Dsco).is_some());
    }

    #[test]
    fn shipments_golden() {
        let out = Dsco
            .shipments(
                &[
                    conf(
                        "EDIT.1",
                        Some("GCG"),
                        "1Z999AA10123456784",
                        vec![line(1, "JAX-1", 1), line(2, "JAX-2", 2)],
                    ),
                    conf(
                        "PO \"7\", rush",
                        Some("UPS Ground"),
                        "1Z2",
                        vec![line(0, "B", 1)],
                    ),
                ],
                now(),
                "0001",
            )
            .unwrap();
        assert_eq!(
            out.name, "Shipment_20261121031005_0001.csv",
            "UTC time of now"
        );
        assert_eq!(
            text(&out),
            "po_number,package_tracking_number,package_ship_carrier,package_ship_method,\
             package_ship_date,line_item_line_number,line_item_sku,line_item_quantity,\
             shipping_service_level_code\r\n\
             EDIT.1,1Z999AA10123456784,UPS,Ground,2026-11-20T16:05:00-05:00,1,JAX-1,1,GCG\r\n\
             EDIT.1,1Z999AA10123456784,UPS,Ground,2026-11-20T16:05:00-05:00,2,JAX-2,2,GCG\r\n\
             \"PO \"\"7\"\", rush\",1Z2,UPS,Ground,2026-11-20T16:05:00-05:00,,B,1,\r\n",
            "one row per line; the service code where the cart method is one; quoting as needed"
        );
    }

    #[test]
    fn shipments_without_service_codes_and_dates() {
        let mut c = conf("P", Some("Generic Ground"), "T", vec![]);
        c.date = None;
        let out = Dsco.shipments(&[c], now(), "1").unwrap();
        assert_eq!(
            text(&out),
            "po_number,package_tracking_number,package_ship_carrier,package_ship_method,\
             package_ship_date,line_item_line_number,line_item_sku,line_item_quantity\r\n\
             P,T,UPS,Ground,2026-11-21T03:10:05Z,,,\r\n",
            "no service code: no column; no date: now in UTC; no lines: one package row"
        );
        for (method, code, why) in [
            (Some("GCG"), Some("GCG"), "a DSCO code"),
            (Some("FECG"), Some("FECG"), "four characters"),
            (Some("UPS"), None, "a bare carrier name"),
            (Some("UPS Ground"), None, "carrier and method"),
            (Some("gcg"), None, "lower case is not a code"),
            (None, None, "no method"),
        ] {
            assert_eq!(service_level_code(method), code, "{why}");
        }
    }

    #[test]
    fn inventory_golden() {
        let out = Dsco
            .inventory(
                &[
                    ("G1".to_string(), 120),
                    ("MUG, \"big\"".to_string(), 0),
                    ("G1".to_string(), 118),
                    ("OVERSOLD".to_string(), -2),
                ],
                now(),
                "7",
            )
            .unwrap();
        assert_eq!(out.name, "Inventory_20261121031005_7.csv");
        assert_eq!(
            text(&out),
            "sku,quantity_available,status\r\n\
             G1,118,in-stock\r\n\
             \"MUG, \"\"big\"\"\",0,out-of-stock\r\n\
             OVERSOLD,0,out-of-stock\r\n",
            "last level wins at the first place; 0 and negative are out of stock (negative sent as 0)"
        );
    }

    #[test]
    fn nothing_to_send() {
        assert_eq!(Dsco.shipments(&[], now(), "u"), None);
        assert_eq!(Dsco.inventory(&[], now(), "u"), None);
        assert_eq!(Dsco.invoices(&[], &|_, _| None, now(), "u"), None);
    }

    #[test]
    fn invoices_golden() {
        let a = conf(
            "EDIT.1",
            Some("GCG"),
            "1Z9",
            vec![line(1, "JAX-1", 3), line(2, "JAX-2", 1)],
        );
        let b = conf("EDIT.2", None, "1Z8", vec![line(1, "CHEAP", 3)]);
        let cost = costs(&[("JAX-1", "19.99"), ("JAX-2", "0.10"), ("CHEAP", "0.1")]);
        let out = Dsco
            .invoices(&[a.clone(), b.clone()], &cost, now(), "9")
            .unwrap();
        assert_eq!(out.name, "Invoice_20261121031005_9.csv");
        // PO, NUL, tracking, then per line LF, line number, NUL, SKU, NUL, quantity. The same
        // values from the shell: printf 'EDIT.1\0001Z9\n1\000JAX-1\0003\n2\000JAX-2\0001' | sha256sum
        let ida = documented_id("EDIT.1", b"EDIT.1\x001Z9\n1\x00JAX-1\x003\n2\x00JAX-2\x001");
        let idb = documented_id("EDIT.2", b"EDIT.2\x001Z8\n1\x00CHEAP\x003");
        assert_eq!(
            (ida.as_str(), idb.as_str()),
            ("EDIT.1-fae3b14597", "EDIT.2-eb785f95b6")
        );
        let want = format!(
            "invoice_id,po_number,invoice_date,invoice_total_amount,line_item_line_number,\
             line_item_sku,line_item_unit_price,line_item_quantity,line_item_ship_date,\
             line_item_tracking_number,line_item_ship_carrier,line_item_ship_method\r\n\
             {ida},EDIT.1,2026-11-20T16:05:00-05:00,60.07,1,JAX-1,19.99,3,2026-11-20T16:05:00-05:00,1Z9,UPS,Ground\r\n\
             {ida},EDIT.1,2026-11-20T16:05:00-05:00,60.07,2,JAX-2,0.10,1,2026-11-20T16:05:00-05:00,1Z9,UPS,Ground\r\n\
             {idb},EDIT.2,2026-11-20T16:05:00-05:00,0.30,1,CHEAP,0.10,3,2026-11-20T16:05:00-05:00,1Z8,UPS,Ground\r\n"
        );
        assert_eq!(
            text(&out),
            want,
            "3 x 19.99 + 0.10 = 60.07 and 3 x 0.1 = 0.30 exactly (decimal, not float)"
        );
    }

    #[test]
    fn invoice_totals_and_ids() {
        let c = conf("EDIT.1", None, "1Z9", vec![line(1, "A", 3)]);
        let out = render_invoices(
            std::slice::from_ref(&c),
            &costs(&[("A", "19.99")]),
            now(),
            "1",
        )
        .unwrap();
        assert!(
            text(&out).contains(",59.97,1,A,19.99,3,"),
            "3 x 19.99 = 59.97"
        );
        assert_eq!(
            render_invoices(std::slice::from_ref(&c), &costs(&[]), now(), "1"),
            None,
            "a line without a unit cost: no invoice rather than a wrong one"
        );
        let id = invoice_id(&c);
        // The documented rule, computed apart from the code (printf 'EDIT.1\0001Z9\n1\000A\0003'
        // | sha256sum starts 7d50b0f976), and stable across releases.
        assert_eq!(id, documented_id("EDIT.1", b"EDIT.1\x001Z9\n1\x00A\x003"));
        assert_eq!(
            id, "EDIT.1-7d50b0f976",
            "the rule is stable across releases"
        );
        assert!(
            id.starts_with("EDIT.1-") && id.len() == "EDIT.1-".len() + 10,
            "{id}"
        );
        assert_eq!(
            id,
            invoice_id(&c.clone()),
            "the same package: the same id (replay-safe)"
        );
        let mut other = c.clone();
        other.tracking_no = Some("1Z10".to_string());
        assert_ne!(id, invoice_id(&other), "another package: another id");
        let mut odd = c.clone();
        odd.cust_po_no = "PO 7/\"x\"".to_string();
        assert!(
            invoice_id(&odd).starts_with("PO_7__x_-"),
            "PO sanitised: {}",
            invoice_id(&odd)
        );
    }
}
