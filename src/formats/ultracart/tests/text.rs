//! Text the decoder must not pass on (control characters) and encodings it must read (UTF-16).

use super::*;
use crate::formats::KitMode;

/// A NUL in a name reached the warehouse's JSON as `\u0000`: now its order is rejected,
/// naming the element and where it is, and the file's other orders go on.
#[test]
fn a_control_character_rejects_its_order_only() {
    let xml = fixture("batch-mixed-stages.xml");
    let good = decode_str(&xml, &opts());
    let sd = good
        .orders
        .iter()
        .position(|o| matches!(o.outcome, OrderOutcome::Accept(_)))
        .expect("an SD order");
    let stage = xml
        .match_indices("<current_stage>")
        .nth(sd)
        .expect("its stage")
        .0;
    let first_name = stage + xml[stage..].find("<bill_to_first_name>").expect("a name") + 20;
    let mut bad = xml.clone();
    bad.insert(first_name, '\u{0}');
    let d = decode_str(&bad, &opts());
    assert_eq!(d.orders.len(), good.orders.len());
    let reason = rejected(&d.orders[sd]);
    assert!(
        reason.contains("<bill_to_first_name> holds the control character U+0000")
            && reason.contains("(at "),
        "{reason}"
    );
    assert!(
        !reason.contains('\u{0}'),
        "the report never carries the character itself"
    );
    for (i, (a, b)) in good.orders.iter().zip(&d.orders).enumerate() {
        if i != sd {
            assert_eq!(format!("{:?}", a.outcome), format!("{:?}", b.outcome));
        }
    }
    // Tab, LF and CR are text.
    let mut fine = xml.clone();
    fine.insert(first_name, '\t');
    assert!(matches!(
        decode_str(&fine, &opts()).orders[sd].outcome,
        OrderOutcome::Accept(_)
    ));
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian {
            &[0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE]
        });
    }
    for u in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

/// XML allows UTF-16: it was refused as "not UTF-8 text".
#[test]
fn utf16_files_decode_like_their_utf8_twin() {
    let xml = fixture("single-sd.xml").replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    assert!(xml.contains("UTF-16"));
    let want = format!(
        "{:?}",
        decode_str(&fixture("single-sd.xml"), &opts()).orders[0].outcome
    );
    for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let bytes = utf16(&xml, big_endian, bom);
        let d = decode(&bytes, &opts()).unwrap_or_else(|e| panic!("{big_endian} {bom}: {e}"));
        assert_eq!(
            format!("{:?}", d.orders[0].outcome),
            want,
            "{big_endian} {bom}"
        );
        assert_eq!(d.orders[0].place, decode_str(&xml, &opts()).orders[0].place);
    }
}

#[test]
fn invalid_utf8_is_placed() {
    let mut bytes = b"<?xml version=\"1.0\"?>\n<export>\n<order>caf".to_vec();
    bytes.push(0xE9);
    let (line, column, message) = xml_error(&bytes);
    assert_eq!((line, column), (3, 11));
    assert_eq!(message, "the file is not valid UTF-8 (byte 0xE9)");
}

/// Found by the ultracart fuzz target: a kit item is not a line when components are sent, so
/// its fields' problems were dropped, yet its SKU became the components' `kit_parent` with
/// the NUL in it.
#[test]
fn a_control_character_in_a_kit_item_rejects_its_order() {
    let xml = fixture("kits.xml");
    let kit = xml.find("<kit>Y</kit>").expect("a kit item");
    let item_id = xml[..kit].rfind("<item_id>").expect("the kit's SKU") + "<item_id>".len();
    let mut bad = xml.clone();
    bad.insert(item_id + 2, '\u{0}');
    for kits in [KitMode::Components, KitMode::Kit] {
        let o = DecodeOptions { kits, ..opts() };
        let decoded = decode_str(&bad, &o);
        let reason = rejected(&decoded.orders[0]);
        assert!(
            reason.contains("<item_id> holds the control character U+0000"),
            "{kits:?}: {reason}"
        );
    }
}
