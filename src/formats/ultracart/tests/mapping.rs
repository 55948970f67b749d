//! The order's canonical fields: every field of a postback, addresses, shipping methods, test
//! orders.

use super::{accepted, decode_fixture, decode_str, fixture, opts, rejected, skipped};
use crate::formats::DecodeOptions;

#[test]
fn single_sd_postback_maps_every_field() {
    let decoded = decode_fixture("single-sd.xml", &opts());
    assert_eq!(decoded.orders.len(), 1);
    let o = &decoded.orders[0];
    assert_eq!(o.order_no, "HRBTEA-201407041015-551203");
    assert_eq!(o.place, "4:3");
    let json = serde_json::to_value(accepted(o)).unwrap();
    assert_eq!(
        json,
        serde_json::from_str::<serde_json::Value>(
            r#"{
            "cust_po_no": "HRBTEA-201407041015-551203",
            "order_source": "harbor-tea",
            "refs": { "merchant_id": "HRBTEA" },
            "order_date": "2014-07-04T10:15:00-04:00",
            "cust_first_name": "Zoë",
            "cust_last_name": "Marchetti",
            "cust_address_1": "118 Pine Street",
            "cust_address_2": "Apt 3B",
            "cust_city": "Burlington",
            "cust_state": "VT",
            "cust_zip": "05401",
            "cust_country": "US",
            "cust_phone": "(802) 555-0147",
            "cust_e_mail": "zoe.marchetti@example.com",
            "ship_company": "Atelier Brunet",
            "ship_first_name": "Élodie",
            "ship_last_name": "Brunet",
            "ship_address_1": "4521 rue Saint-Denis",
            "ship_city": "Montréal",
            "ship_state": "QC",
            "ship_zip": "H2J 2L3",
            "ship_country": "CA",
            "ship_phone": "(802) 555-0147",
            "ship_e_mail": "elodie@example.org",
            "ship_code": "USPS: Priority Mail International",
            "ship_code_description": "USPS: Priority Mail International",
            "shipping_instructions": "Leave with the concierge & ring bell <2>",
            "gift_message": "Joyeux anniversaire, Élodie!\nWith love — Zoë",
            "sub_total": "60.50",
            "order_discount": "4.80",
            "sales_tax": "3.34",
            "shipping_handling": "8.95",
            "grand_total": "67.99",
            "currency_code": "USD",
            "items": [
                {
                    "line_no": 1,
                    "item": "TEA-SENCHA-100G",
                    "quantity": 2,
                    "price": "24.00",
                    "discount": "2.40",
                    "extended_amount": "43.20",
                    "description": "Organic Sencha Green Tea, 100 g tin"
                },
                {
                    "line_no": 2,
                    "item": "INFUSER-SS",
                    "quantity": 1,
                    "price": "12.50",
                    "discount": "0.00",
                    "extended_amount": "12.50",
                    "description": "Stainless steel tea infuser"
                }
            ]
        }"#
        )
        .unwrap()
    );
}

#[test]
fn without_a_ship_to_group_the_bill_to_address_is_used() {
    let decoded = decode_fixture("no-ship-to.xml", &opts());
    let order = accepted(&decoded.orders[0]);
    let bill = (
        &order.cust_company,
        &order.cust_first_name,
        &order.cust_last_name,
        &order.cust_address_1,
        &order.cust_address_2,
        &order.cust_city,
        &order.cust_state,
        &order.cust_zip,
        &order.cust_country,
    );
    let ship = (
        &order.ship_company,
        &order.ship_first_name,
        &order.ship_last_name,
        &order.ship_address_1,
        &order.ship_address_2,
        &order.ship_city,
        &order.ship_state,
        &order.ship_zip,
        &order.ship_country,
    );
    assert_eq!(bill, ship);
    assert_eq!(order.ship_company.as_deref(), Some("Café Lumière"));
    assert_eq!(order.ship_country.as_deref(), Some("US"));
    assert_eq!(
        order.ship_e_mail.as_deref(),
        Some("antoine@cafe-lumiere.example")
    );
    assert_eq!(order.ship_phone.as_deref(), Some("303-555-0172"));
}

#[test]
fn ship_methods_map_or_reject() {
    let map = |pairs: &[(&str, &str)]| DecodeOptions {
        ship_methods: pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        ..opts()
    };
    let decoded = decode_fixture(
        "batch-mixed-stages.xml",
        &map(&[("FedEx: Ground", "FDX_GND")]),
    );
    let first = accepted(&decoded.orders[1]);
    assert_eq!(first.ship_code.as_deref(), Some("FDX_GND"));
    assert_eq!(
        first.ship_code_description.as_deref(),
        Some("FedEx: Ground")
    );
    assert_eq!(
        rejected(&decoded.orders[5]),
        "shipping method 'USPS: First Class' has no ship_methods mapping"
    );
    // Skipped orders stay skipped whatever their method.
    assert!(skipped(&decoded.orders[0]).starts_with("stage AR"));

    let decoded = decode_fixture("bad-values.xml", &map(&[("USPS: First Class", "USPS_FC")]));
    assert_eq!(
        rejected(&decoded.orders[0]),
        "shipping method 'FedEx: Ground' has no ship_methods mapping"
    );
}

#[test]
fn test_orders_are_flagged_and_others_are_not() {
    let decoded = decode_fixture("test-order.xml", &opts());
    assert_eq!(accepted(&decoded.orders[0]).test_order, Some(true));
    let decoded = decode_fixture("single-sd.xml", &opts());
    assert_eq!(accepted(&decoded.orders[0]).test_order, None);
    for (flag, expected) in [
        ("false", None),
        ("N", None),
        ("YES", Some(true)),
        ("", None),
    ] {
        let xml = fixture("test-order.xml").replace(
            "<test_order>true</test_order>",
            &format!("<test_order>{flag}</test_order>"),
        );
        let decoded = decode_str(&xml, &opts());
        assert_eq!(
            accepted(&decoded.orders[0]).test_order,
            expected,
            "{flag:?}"
        );
    }
    let xml = fixture("test-order.xml").replace(
        "<test_order>true</test_order>",
        "<test_order>maybe</test_order>",
    );
    let reason = decode_str(&xml, &opts()).orders[0].clone();
    assert!(rejected(&reason).contains("<test_order> 'maybe' is not a flag"));
}
