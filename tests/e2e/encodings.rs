//! Partner text on the real server: UTF-16 files (XML allows them) are read with and without a
//! DTD; bytes that are not UTF-8 are reported where they are; a control character in a field
//! never reaches the warehouse.

use super::support::*;
use std::path::PathBuf;

fn dtd() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd")
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out: Vec<u8> = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn upload(g: &Gateway, partner: &str, pass: &str, name: &str, body: &[u8]) {
    let out = curl_upload(&g.url(partner, pass, &format!("in/{name}")), body);
    assert!(out.status.success(), "{}", text(&out));
}

/// UTF-16 with a BOM was refused as "not UTF-8 text".
#[test]
fn utf16_orders_flow_with_and_without_a_dtd() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(&format!("dtd = \"{}\"", dtd().display()), "");
    let mut n = 0;
    for (partner, pass) in [("uc", CART_PASSWORD), ("uc2", CART2_PASSWORD)] {
        for big_endian in [false, true] {
            n += 1;
            let id = format!("U16-{n}");
            let xml = uc_sd(&id).replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
            upload(
                &g,
                partner,
                pass,
                &format!("{id}.xml"),
                &utf16(&xml, big_endian),
            );
            let out = g.home("wh").join(format!("out/order_{id}.json"));
            g.wait_file(&out);
            let order: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
            assert_eq!(
                order["cust_po_no"],
                id.as_str(),
                "{partner} be={big_endian}"
            );
        }
    }
    g.wait_in_empty("uc");
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
}

/// Under a DTD, bytes that are not UTF-8 were "1:1: Unrecoverable error: DecodeError(Malformed
/// …)"; now the report says where, with or without a DTD.
#[test]
fn invalid_utf8_is_reported_where_it_is() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(&format!("dtd = \"{}\"", dtd().display()), "");
    let xml = uc_sd("LATIN-1");
    let at = xml.find("Lovelace").unwrap();
    let line = xml[..at].matches('\n').count() + 1;
    let column = at - xml[..at].rfind('\n').map_or(0, |p| p + 1) + 1;
    let mut bytes = xml.as_bytes().to_vec();
    bytes[at] = 0xC9; // Latin-1 É in a UTF-8 file
    for (partner, pass) in [("uc", CART_PASSWORD), ("uc2", CART2_PASSWORD)] {
        upload(&g, partner, pass, "latin1.xml", &bytes);
        let r = g.error_report(partner, "latin1.xml");
        assert!(
            r.contains(&format!(
                "{line}:{column}: the file is not valid UTF-8 (byte 0xC9)"
            )),
            "{partner}: {r}"
        );
        assert!(!r.contains("Unrecoverable"), "{r}");
    }
}

/// A NUL in an UltraCart field reached the warehouse JSON as `\u0000`.
#[test]
fn a_control_character_in_a_field_rejects_its_order() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let file = uc_export(&[
        uc_order("NUL-1", "SD", &[("SKU-1", 1, "1.00")], "1.00").replace("Ada<", "Ada\u{0}<"),
        uc_order("OK-1", "SD", &[("SKU-1", 1, "1.00")], "1.00"),
    ]);
    upload(&g, "uc", CART_PASSWORD, "nul.xml", file.as_bytes());
    let r = g.error_report("uc", "nul.xml");
    assert!(
        r.contains("order NUL-1") && r.contains("holds the control character U+0000"),
        "{r}"
    );
    g.wait_file(&g.home("wh").join("out/order_OK-1.json"));
    assert!(!g.home("wh").join("out/order_NUL-1.json").exists());
}
