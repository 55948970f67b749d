//! Reading the file as XML: well-formedness errors with their line and column, the DOCTYPE,
//! encodings, empty elements, and the speed of one pass.

use super::{accepted, decode_str, fixture, opts, rejected, xml_error};
use crate::formats::OrderOutcome;

#[test]
fn a_doctype_is_accepted_and_never_loaded() {
    let xml = fixture("with-doctype.xml");
    assert!(xml.contains("<!DOCTYPE export SYSTEM \"ultracart-export.dtd\">"));
    let decoded = decode_str(&xml, &opts());
    let order = accepted(&decoded.orders[0]);
    assert_eq!(order.cust_country.as_deref(), Some("SE"));
    assert_eq!(order.cust_city.as_deref(), Some("Göteborg"));
    assert_eq!(
        order.order_date.as_deref(),
        Some("2016-06-30T07:45:19-04:00")
    );
    let refs: Vec<_> = order
        .refs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        refs,
        vec![
            ("channel_partner_code", "AMZ"),
            ("channel_partner_order_id", "112-4471980-2215460"),
            ("merchant_id", "HRBTEA"),
        ]
    );
}

#[test]
fn a_truncated_file_is_not_well_formed_at_its_last_line() {
    let xml = fixture("not-well-formed.xml");
    let last_line = xml.lines().count() as u64;
    // The upload stopped in the middle of line 132: `    <ship_to_city>Sacra`.
    assert_eq!(last_line, 132);
    assert!(xml.ends_with("    <ship_to_city>Sacra"));
    let (line, column, message) = xml_error(xml.as_bytes());
    assert_eq!((line, column), (132, 24), "{message}");
    assert!(message.contains("<ship_to_city>"), "{message}");
    assert!(message.contains("132:5"), "{message}");
}

#[test]
fn well_formedness_errors_name_line_and_column() {
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export>\n";
    for (xml, line, column, needle) in [
        // Mismatched end tag on line 5.
        (
            format!(
                "{head}  <order>\n    <order_id>1</order_id>\n    <total>5.00</totl>\n  </order>\n</export>\n"
            ),
            5,
            16,
            "</totl>",
        ),
        // A close tag nothing opened.
        (format!("{head}</order>\n</export>\n"), 3, 1, "</order>"),
        // Text after the root.
        (
            format!("{head}</export>\ntrailing words\n"),
            4,
            1,
            "text after",
        ),
        // A second root.
        (
            format!("{head}</export>\n<export></export>\n"),
            4,
            1,
            "after the end of the root",
        ),
        // Wrong root.
        (
            "<?xml version=\"1.0\"?>\n<orders>\n</orders>\n".to_string(),
            2,
            1,
            "root element is <orders>",
        ),
        // Unknown entity.
        (
            format!(
                "{head}  <order>\n    <bill_to_city>S&eacute;te</bill_to_city>\n  </order>\n</export>\n"
            ),
            4,
            20,
            "&eacute;",
        ),
        // A bad character reference.
        (
            format!("{head}  <order><order_id>&#1;</order_id></order>\n</export>"),
            3,
            20,
            "&#1;",
        ),
        // Unclosed markup cut off at the end.
        (format!("{head}  <order>\n    <order_id"), 4, 5, ""),
        // No root at all.
        (
            "<?xml version=\"1.0\"?>\n".to_string(),
            2,
            1,
            "no root element",
        ),
        (String::new(), 1, 1, "no root element"),
        // DOCTYPE inside the root.
        (
            format!("{head}<!DOCTYPE export>\n</export>"),
            3,
            1,
            "DOCTYPE",
        ),
        // The XML declaration must come first.
        (
            "\n<?xml version=\"1.0\"?>\n<export/>".to_string(),
            2,
            1,
            "declaration",
        ),
        // A broken attribute.
        (
            format!("{head}  <order id=\"1\" id=\"2\">\n  </order>\n</export>"),
            3,
            3,
            "attribute",
        ),
        // Text before the root.
        ("hello <export/>".to_string(), 1, 1, "text before"),
    ] {
        let (got_line, got_column, message) = xml_error(xml.as_bytes());
        assert_eq!((got_line, got_column), (line, column), "{xml:?}: {message}");
        assert!(message.contains(needle), "{xml:?}: {message}");
    }
}

#[test]
fn bytes_that_are_not_utf8_are_reported_where_they_are() {
    let mut xml = b"<export>\n  <order>\n    <bill_to_city>S".to_vec();
    xml.push(0xE9); // Latin-1 é
    xml.extend_from_slice(b"te</bill_to_city>\n  </order>\n</export>\n");
    let (line, column, message) = xml_error(&xml);
    assert_eq!((line, column), (3, 20), "{message}");
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn small_documents_that_are_fine() {
    for (xml, orders) in [
        ("<export/>", 0),
        ("\u{feff}<?xml version=\"1.0\"?><export></export>", 0),
        (
            "<export><export_location>unknown</export_location></export>\n<!-- end -->\n",
            0,
        ),
        ("<export><order/></export>", 1),
    ] {
        let decoded = decode_str(xml, &opts());
        assert_eq!(decoded.orders.len(), orders, "{xml:?}");
    }
    let decoded = decode_str("<export><order/></export>", &opts());
    assert_eq!(decoded.orders[0].order_no, "(no order_id, order at 1:9)");
    assert!(rejected(&decoded.orders[0]).contains("missing <current_stage>"));
}

#[test]
fn empty_elements_in_every_spelling_are_absent() {
    let xml = fixture("empty-elements.xml");
    for form in [
        "<bill_to_company/>",
        "<bill_to_title />",
        "<bill_to_address2></bill_to_address2>",
    ] {
        assert!(xml.contains(form), "fixture should hold {form}");
    }
    let decoded = decode_str(&xml, &opts());
    let order = accepted(&decoded.orders[0]);
    assert_eq!(order.cust_company, None);
    assert_eq!(order.cust_address_2, None);
    assert_eq!(order.ship_company, None);
    assert_eq!(order.ship_address_2, None);
    assert_eq!(order.currency_code, None);
    assert_eq!(order.shipping_instructions, None);
    assert_eq!(order.gift_message, None);
    assert_eq!(
        order.order_discount.map(|m| m.to_string()).as_deref(),
        Some("0.00")
    );
    // day_phone is empty: the evening phone stands in.
    assert_eq!(order.cust_phone.as_deref(), Some("207-555-0116"));
    assert_eq!(order.items[0].quantity, 3);
    let json = serde_json::to_string(order).unwrap();
    assert!(!json.contains("\"\""), "no empty strings in {json}");
}

/// `cargo test --release --lib formats::ultracart -- --ignored --nocapture`
#[test]
#[ignore = "timing; run in release"]
fn fifty_megabytes_decode_quickly() {
    let one = fixture("single-sd.xml");
    let start = one.find("  <order>").unwrap();
    let end = one.rfind("</export>").unwrap();
    let order = &one[start..end];
    let mut xml = one[..start].to_string();
    while xml.len() < 50_000_000 {
        xml.push_str(order);
    }
    xml.push_str("</export>\n");
    let t = std::time::Instant::now();
    let decoded = decode_str(&xml, &opts());
    let elapsed = t.elapsed();
    println!(
        "{} MB, {} orders in {elapsed:?}",
        xml.len() / 1_000_000,
        decoded.orders.len()
    );
    assert!(
        decoded
            .orders
            .iter()
            .all(|o| matches!(o.outcome, OrderOutcome::Accept(_)))
    );
    assert!(elapsed.as_secs() < 3);
}
