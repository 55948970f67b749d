//! Each order's outcome: SD orders accepted, REJ a cancellation, other stages skipped, bad values in used elements
//! rejecting their own order only.

use super::{accepted, decode_fixture, decode_str, fixture, opts, rejected};
use crate::formats::OrderOutcome;

#[test]
fn only_sd_orders_are_accepted_the_others_skipped_with_their_stage() {
    let decoded = decode_fixture("batch-mixed-stages.xml", &opts());
    let got: Vec<(&str, &str, String)> = decoded
        .orders
        .iter()
        .map(|o| {
            let verdict = match &o.outcome {
                OrderOutcome::Accept(_) => "accept".to_string(),
                OrderOutcome::Skip(r) => format!("skip: {r}"),
                OrderOutcome::Reject(r) => format!("reject: {r}"),
                OrderOutcome::Cancel(c) => {
                    format!("cancel: {}", c.reason.clone().unwrap_or_default())
                }
            };
            (o.order_no.as_str(), o.place.as_str(), verdict)
        })
        .collect();
    let only_sd = "only SD orders go to the warehouse";
    assert_eq!(
        got,
        vec![
            (
                "HRBTEA-201501151642-600101",
                "4:3",
                format!("skip: stage AR (accounts receivable): {only_sd}")
            ),
            ("HRBTEA-201501151650-600102", "111:3", "accept".to_string()),
            (
                "HRBTEA-201501101208-599877",
                "220:3",
                format!("skip: stage CO (completed): {only_sd}")
            ),
            (
                "HRBTEA-201501141933-600050",
                "327:3",
                format!("cancel: stage REJ (rejected): {only_sd}")
            ),
            (
                "HRBTEA-201501152210-600131",
                "429:3",
                format!("skip: stage PO (pre-order): {only_sd}")
            ),
            ("HRBTEA-201407121803-552990", "531:3", "accept".to_string()),
        ]
    );
    let second = accepted(&decoded.orders[5]);
    assert_eq!(second.ship_code.as_deref(), Some("USPS: First Class"));
    assert_eq!(
        second.items[0].description.as_deref(),
        Some("Hibiscus & Rosehip infusion, 100 g")
    );
    assert_eq!(
        second.grand_total.map(|m| m.to_string()).as_deref(),
        Some("18.75")
    );
}

#[test]
fn bad_values_reject_their_order_only() {
    let decoded = decode_fixture("bad-values.xml", &opts());
    assert_eq!(decoded.orders.len(), 2);
    let good = accepted(&decoded.orders[0]);
    assert_eq!(good.cust_po_no, "HRBTEA-201609121120-648001");
    assert_eq!(
        good.grand_total.map(|m| m.to_string()).as_deref(),
        Some("20.30")
    );
    let bad = &decoded.orders[1];
    assert_eq!(bad.order_no, "HRBTEA-201609121134-648002");
    assert_eq!(bad.place, "108:3");
    assert_eq!(
        rejected(bad),
        "<ship_to_country> 'Freedonia' is not a known country (at 137:5); \
         <total> '28.50 USD' is not an amount of money (at 178:5)"
    );
}

#[test]
fn problems_in_used_elements_reject_and_unused_ones_do_not() {
    let base = fixture("single-sd.xml");
    for (from, to, expected) in [
        // Not used: never checked.
        (
            "<tax_rate>0.06000</tax_rate>",
            "<tax_rate>six percent</tax_rate>",
            None,
        ),
        ("<weight>0.6 LB</weight>", "<weight>heavy</weight>", None),
        (
            "<payment_date>07/04/2014</payment_date>",
            "<payment_date>soon</payment_date>",
            None,
        ),
        (
            "<cost_change>0.00</cost_change>",
            "<cost_change>free</cost_change>",
            None,
        ),
        (
            "<email>zoe.m.billing@example.net</email>",
            "<email>x</email><email>y</email>",
            None,
        ),
        // Used.
        (
            "<order_date>04 JUL 2014 10:15:00</order_date>",
            "<order_date>July 4th</order_date>",
            Some("<order_date> 'July 4th' is not a date and time"),
        ),
        (
            "<quantity>2</quantity>",
            "<quantity>1.5</quantity>",
            Some("<quantity> '1.5'"),
        ),
        (
            "<quantity>2</quantity>",
            "<quantity/>",
            Some("has no <quantity>"),
        ),
        (
            "<item_id>INFUSER-SS</item_id>",
            "<item_id />",
            Some("has no <item_id>"),
        ),
        (
            "<order_id>HRBTEA-201407041015-551203</order_id>\n    <order_date>",
            "<order_id/>\n    <order_date>",
            Some("missing <order_id>"),
        ),
        (
            "<subtotal>60.50</subtotal>",
            "<subtotal>60.50</subtotal><subtotal>61.00</subtotal>",
            Some("<subtotal> appears twice"),
        ),
        (
            "<kit>N</kit>",
            "<kit>perhaps</kit>",
            Some("<kit> 'perhaps' is not a flag"),
        ),
        (
            "<bill_to_country>United States</bill_to_country>",
            "<bill_to_country>Narnia</bill_to_country>",
            Some("<bill_to_country> 'Narnia' is not a known country"),
        ),
        (
            "<total>67.99</total>",
            "<total><amount>67.99</amount></total>",
            Some("<total> holds child elements"),
        ),
    ] {
        assert!(base.contains(from), "fixture lacks {from}");
        let decoded = decode_str(&base.replacen(from, to, 1), &opts());
        let o = &decoded.orders[0];
        match expected {
            None => {
                accepted(o);
            }
            Some(needle) => {
                let reason = rejected(o);
                assert!(reason.contains(needle), "{to}: {reason}");
            }
        }
    }
}
