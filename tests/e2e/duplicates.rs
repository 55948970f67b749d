//! The same shipment sent twice is counted once: two warehouse files with identical content
//! were both applied (two shipments in the history, two confirmations with the same tracking
//! number to the cart, and a later real package refused with "only 0 remain").

use super::return_path::{show, wait_status};
use super::support::*;

#[test]
fn a_shipment_file_sent_twice_is_absorbed() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let order = uc_export(&[uc_order("DUP-1", "SD", &[("SKU-1", 2, "5.00")], "10.00")]);
    assert!(
        curl_upload(&g.url("uc", CART_PASSWORD, "in/dup.xml"), order.as_bytes())
            .status
            .success()
    );
    g.wait_file(&g.home("wh").join("out/order_DUP-1.json"));
    let ship = |tracking: &str| {
        format!(
            r#"{{"cust_ref":"DUP-1","shipments":[{{"carrier":"UPS","tracking_no":"{tracking}","date":"2026-11-20T23:30:00-05:00","items":[{{"item":"SKU-1","quantity":1}}]}}]}}"#
        )
    };
    for name in ["shipment-a.json", "shipment-b.json"] {
        let url = g.url("wh", WH_PASSWORD, &format!("in/{name}"));
        assert!(curl_upload(&url, ship("1ZDUP").as_bytes()).status.success());
        g.wait_in_empty("wh");
    }
    wait_status(&g, "DUP-1", "partial");
    let ships = |g: &Gateway| {
        g.files("uc", "out")
            .into_iter()
            .filter(|f| f.starts_with("ship"))
            .count()
    };
    assert_eq!(ships(&g), 1, "one confirmation for one package");
    let history = show(&g, "DUP-1")["history"].to_string();
    assert!(history.contains("absorbed: tracking 1ZDUP"), "{history}");
    // The real second package ships.
    let url = g.url("wh", WH_PASSWORD, "in/shipment-c.json");
    assert!(
        curl_upload(&url, ship("1ZREAL").as_bytes())
            .status
            .success()
    );
    wait_status(&g, "DUP-1", "shipped");
    g.wait_in_empty("wh");
    assert_eq!(ships(&g), 2);
    assert!(
        g.files("wh", "error").is_empty(),
        "{:?}",
        g.files("wh", "error")
    );
}
