//! UltraCart confirmations out: every field
//! quoted, CRLF line ends.

use crate::formats::render::{
    Confirmation, OutFile, Renderer, latest_per_sku, own_date, quoted, utc_yyyymmdd,
};
use std::collections::HashSet;

/// The UltraCart renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct UltraCart;

const SHIP_HEADER: [&str; 4] = [
    "Order ID",
    "Shipping Date - MM/DD/YYYY",
    "Shipping Method",
    "Tracking Number",
];
const INV_HEADER: [&str; 2] = ["Item ID", "Quantity"];

fn push_row(out: &mut Vec<u8>, fields: &[&str]) {
    let row: Vec<String> = fields.iter().map(|f| quoted(f)).collect();
    out.extend_from_slice(row.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
}

impl Renderer for UltraCart {
    /// `ship<YYYYMMDD>_<unique>.csv`: one row per order and tracking number (a second package
    /// with the same tracking number adds no row). `Order ID` is `cust_po_no`; the date is the
    /// shipment's own date in its own offset (without one, the UTC date of `now`); `Shipping
    /// Method` is UltraCart's own method name (empty when the order had none).
    fn shipments(
        &self,
        confirmations: &[Confirmation],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        if confirmations.is_empty() {
            return None;
        }
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let mut seen = HashSet::new();
        let mut bytes = Vec::new();
        push_row(&mut bytes, &SHIP_HEADER);
        for c in confirmations {
            if !seen.insert((c.cust_po_no.as_str(), c.tracking_no.as_deref())) {
                continue;
            }
            let d = c.date.as_deref().and_then(own_date).unwrap_or(today);
            let date = format!("{:02}/{:02}/{:04}", d.month(), d.day(), d.year());
            push_row(
                &mut bytes,
                &[
                    &c.cust_po_no,
                    &date,
                    c.ship_method.as_deref().unwrap_or(""),
                    c.tracking_no.as_deref().unwrap_or(""),
                ],
            );
        }
        Some(OutFile {
            name: format!("ship{}_{unique}.csv", utc_yyyymmdd(now)),
            bytes,
        })
    }

    /// `inv<YYYYMMDD>_<unique>.csv`: one row per SKU (UltraCart's item id), quantity available;
    /// a SKU given twice keeps its first place and its last quantity.
    fn inventory(
        &self,
        levels: &[(String, i64)],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        if levels.is_empty() {
            return None;
        }
        let rows = latest_per_sku(levels);
        let mut bytes = Vec::new();
        push_row(&mut bytes, &INV_HEADER);
        for (sku, qty) in rows {
            push_row(&mut bytes, &[sku, &qty.to_string()]);
        }
        Some(OutFile {
            name: format!("inv{}_{unique}.csv", utc_yyyymmdd(now)),
            bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Format;
    use crate::formats::render::{ConfirmedLine, renderer_for};

    fn now() -> jiff::Timestamp {
        // 2026-11-21 03:10 UTC: still the 20th in New York.
        "2026-11-21T03:10:00Z".parse().unwrap()
    }

    fn conf(
        po: &str,
        method: Option<&str>,
        tracking: Option<&str>,
        date: Option<&str>,
    ) -> Confirmation {
        Confirmation {
            cust_po_no: po.to_string(),
            ship_method: method.map(str::to_string),
            tracking_no: tracking.map(str::to_string),
            date: date.map(str::to_string),
            carrier: Some("UPS".to_string()),
            method: Some("Ground".to_string()),
            lines: vec![ConfirmedLine {
                line_no: 1,
                cart_sku: "G1".to_string(),
                quantity: 1,
            }],
        }
    }

    fn text(f: &OutFile) -> &str {
        std::str::from_utf8(&f.bytes).unwrap()
    }

    #[test]
    fn registered_for_ultracart_only() {
        assert!(renderer_for(Format::UltraCart).is_some());
        assert!(
            renderer_for(Format::Canonical).is_none(),
            "the warehouse side takes no confirmations"
        );
    }

    #[test]
    fn shipments_golden() {
        let out = UltraCart
            .shipments(
                &[conf(
                    "12474-201212170837-388136",
                    Some("FedEx: Ground"),
                    Some("1Z999AA10123456784"),
                    Some("2026-11-20T16:05:00-05:00"),
                )],
                now(),
                "031000-0001",
            )
            .unwrap();
        assert_eq!(
            out.name, "ship20261121_031000-0001.csv",
            "the UTC date of now"
        );
        assert_eq!(
            text(&out),
            "\"Order ID\",\"Shipping Date - MM/DD/YYYY\",\"Shipping Method\",\"Tracking Number\"\r\n\
             \"12474-201212170837-388136\",\"11/20/2026\",\"FedEx: Ground\",\"1Z999AA10123456784\"\r\n"
        );
    }

    #[test]
    fn shipment_rows() {
        let ny = Some("2026-11-20T23:30:00-05:00");
        for (why, confs, rows) in [
            (
                "the date is the shipment's own day in its own offset, not the UTC day (the 21st)",
                vec![conf("A", Some("M"), Some("T1"), ny)],
                vec!["\"A\",\"11/20/2026\",\"M\",\"T1\""],
            ),
            (
                "east of UTC: the 21st locally though the 20th in UTC",
                vec![conf(
                    "A",
                    Some("M"),
                    Some("T1"),
                    Some("2026-11-21T00:30:00+01:00"),
                )],
                vec!["\"A\",\"11/21/2026\",\"M\",\"T1\""],
            ),
            (
                "two packages of one order with different tracking numbers: two rows",
                vec![
                    conf("A", Some("M"), Some("T1"), ny),
                    conf("A", Some("M"), Some("T2"), ny),
                ],
                vec![
                    "\"A\",\"11/20/2026\",\"M\",\"T1\"",
                    "\"A\",\"11/20/2026\",\"M\",\"T2\"",
                ],
            ),
            (
                "the same tracking number twice for one order: one row",
                vec![
                    conf("A", Some("M"), Some("T1"), ny),
                    conf("A", Some("M"), Some("T1"), ny),
                ],
                vec!["\"A\",\"11/20/2026\",\"M\",\"T1\""],
            ),
            (
                "one tracking number for two orders: a row for each",
                vec![
                    conf("A", Some("M"), Some("T1"), ny),
                    conf("B", Some("M"), Some("T1"), ny),
                ],
                vec![
                    "\"A\",\"11/20/2026\",\"M\",\"T1\"",
                    "\"B\",\"11/20/2026\",\"M\",\"T1\"",
                ],
            ),
            (
                "a quote and a comma inside values are escaped, not split",
                vec![conf(
                    "PO \"7\", rush",
                    Some("Truck, \"white glove\""),
                    Some("T1"),
                    ny,
                )],
                vec!["\"PO \"\"7\"\", rush\",\"11/20/2026\",\"Truck, \"\"white glove\"\"\",\"T1\""],
            ),
            (
                "no method, no tracking, no date: empty fields, the UTC date of now",
                vec![conf("A", None, None, None)],
                vec!["\"A\",\"11/21/2026\",\"\",\"\""],
            ),
        ] {
            let out = UltraCart.shipments(&confs, now(), "u").unwrap();
            let body: Vec<&str> = text(&out).split("\r\n").collect();
            let mut want = vec![
                "\"Order ID\",\"Shipping Date - MM/DD/YYYY\",\"Shipping Method\",\"Tracking Number\"",
            ];
            want.extend(rows);
            want.push("");
            assert_eq!(body, want, "{why}");
        }
    }

    #[test]
    fn nothing_to_send() {
        assert_eq!(UltraCart.shipments(&[], now(), "u"), None);
        assert_eq!(UltraCart.inventory(&[], now(), "u"), None);
    }

    #[test]
    fn inventory_golden() {
        let out = UltraCart
            .inventory(
                &[
                    ("GREEN-COFFEE-1M".to_string(), 120),
                    ("MUG \"big\", black".to_string(), 0),
                    ("GREEN-COFFEE-1M".to_string(), 118),
                    ("OVERSOLD".to_string(), -2),
                ],
                now(),
                "7",
            )
            .unwrap();
        assert_eq!(out.name, "inv20261121_7.csv");
        assert_eq!(
            text(&out),
            "\"Item ID\",\"Quantity\"\r\n\
             \"GREEN-COFFEE-1M\",\"118\"\r\n\
             \"MUG \"\"big\"\", black\",\"0\"\r\n\
             \"OVERSOLD\",\"-2\"\r\n",
            "one row per SKU (the last level wins), quotes escaped, negative passed on"
        );
    }
}
