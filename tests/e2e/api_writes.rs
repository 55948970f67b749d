//! The merchant API's catalog and cancellation writes (`POST products`, `POST cancels`) with
//! curl against the real server, checked against what the same bytes do as a warehouse file
//! over FTP: the catalog the files and `wharf catalog` see, a held order sent once when the
//! catalog learns its SKU, an order canceled with the DSCO cart's `Cancel_` file exactly as the
//! file path writes it, a replay applied once, and a bad body refused with its JSON path and
//! the file report's own reason.

use super::api::{dsco_po, invalid, ok};
use super::dsco::{DSCO_PASSWORD, dsco_partner};
use super::ops_support::*;
use super::support::*;
use std::process::Command;

fn wharf(o: &Ops, args: &[&str]) -> String {
    let (group, rest) = args.split_first().expect("a command");
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args([group, &"--config"])
        .arg(&o.g.config)
        .args(rest));
    assert!(out.status.success(), "{out:?}");
    text(&out)
}

fn status(o: &Ops, cust_ref: &str) -> serde_json::Value {
    let a = o.api("GET", &format!("orders/status/{cust_ref}"), None);
    ok(&a).clone()
}

fn upload(o: &Ops, user: &str, password: &str, path: &str, body: &[u8]) {
    let out = curl_upload(&o.g.url(user, password, path), body);
    assert!(out.status.success(), "{out:?}");
}

/// The `reason:` line of a report (or of an API answer carrying one).
fn reason(report: &str) -> String {
    report
        .lines()
        .find(|l| l.starts_with("reason:"))
        .unwrap_or_else(|| panic!("no reason in: {report}"))
        .to_owned()
}

#[test]
fn posted_products_feed_the_catalog_and_send_a_held_order_once() {
    let o = Ops::start_api_with("", "check_skus = true", "");
    let first = o.api(
        "POST",
        "products",
        Some(
            r#"[{"sku":"SKU-1","description":"Blue mug","upc":"012345678905","weight_lb":"1.5"}]"#,
        ),
    );
    let input = ok(&first)["input"].as_str().unwrap().to_owned();
    assert!(
        input.starts_with("archive/") && input.contains("product-api-"),
        "{first}"
    );
    assert!(o.g.home("wh").join(&input).is_file(), "archived as a file");
    let product = o.api("GET", "product/SKU-1", None);
    assert_eq!(ok(&product)["description"], "Blue mug", "{product}");
    assert_eq!(ok(&product)["upc"], "012345678905");
    // The file side sees the same catalog.
    let listed = wharf(&o, &["catalog", "list"]);
    assert!(listed.contains("wh\tSKU-1\ttrue\tBlue mug"), "{listed}");
    assert!(wharf(&o, &["catalog", "show", "SKU-1"]).contains("\"weight_lb\": \"1.5\""));

    // An order for a SKU the catalog does not know is held...
    upload(
        &o,
        "uc",
        CART_PASSWORD,
        "/in/h1.xml",
        uc_export(&[uc_order(
            "H-1",
            "SD",
            &[("SKU-1", 1, "1.00"), ("SKU-9", 2, "1.00")],
            "3.00",
        )])
        .as_bytes(),
    );
    let report = o.g.error_report("uc", "h1.xml");
    assert!(report.contains("unknown SKU SKU-9"), "{report}");
    assert_eq!(status(&o, "H-1")["order_status"], "held");

    // ...and sent, before the answer, once the API teaches the catalog that SKU.
    let teach = r#"[{"sku":"SKU-9","description":"Green mug"},{"sku":"SKU-OLD","description":"Retired plate","active":false}]"#;
    ok(&o.api("POST", "products", Some(teach)));
    let order_file = o.g.home("wh").join("out/order_H-1.json");
    assert!(order_file.is_file(), "the held order went out");
    let h1 = status(&o, "H-1");
    assert_eq!(h1["order_status"], "new", "{h1}");
    assert!(
        h1["history"]
            .to_string()
            .contains("the catalog learned a SKU"),
        "{h1}"
    );
    assert_eq!(
        ok(&o.api("GET", "product/SKU-OLD", None))["active"],
        false,
        "retired"
    );
    ok(&o.api("POST", "orders/received", Some(r#"{"cust_refs":["H-1"]}"#)));
    assert!(!order_file.exists());

    // The same body again: applied once (the order is not sent a second time).
    ok(&o.api("POST", "products", Some(teach)));
    assert!(!order_file.exists(), "no second order file");
    let h1 = status(&o, "H-1");
    assert_eq!(h1["order_status"], "at_wms", "{h1}");
    let history = h1["history"].to_string();
    assert_eq!(history.matches("sent to warehouse").count(), 1, "{history}");
    let show = super::return_path::show(&o.g, "H-1").to_string();
    assert!(show.contains("via api"), "wharf orders show: {show}");
}

/// The DSCO `Cancel_` file in `ds/out/` that `before` did not list.
fn new_cancel_file(o: &Ops, before: &[String]) -> String {
    let fresh = || {
        o.g.files("ds", "out")
            .into_iter()
            .filter(|f| f.starts_with("Cancel_") && !before.contains(f))
            .collect::<Vec<_>>()
    };
    wait_for(30, "a new Cancel_ file for DSCO", || fresh().len() == 1);
    let name = fresh().remove(0);
    std::fs::read_to_string(o.g.home("ds").join("out").join(name)).unwrap()
}

#[test]
fn a_posted_cancel_cancels_the_order_as_the_cancel_file_does() {
    let o = Ops::start_api_with("", "", &dsco_partner());
    for po in ["PO-F", "PO-A"] {
        upload(
            &o,
            "ds",
            DSCO_PASSWORD,
            &format!("/in/Purchase_Order_{po}.csv"),
            dsco_po(po).as_bytes(),
        );
        o.g.wait_file(&o.g.home("wh").join(format!("out/order_{po}.json")));
    }
    // PO-F through the file path, PO-A through the API, with the same cancellation.
    let cancel = |po: &str| format!(r#"{{"cust_ref":"{po}","reason":"out_of_stock"}}"#);
    upload(
        &o,
        "wh",
        WH_PASSWORD,
        "/in/cancel-f.json",
        cancel("PO-F").as_bytes(),
    );
    let by_file = new_cancel_file(&o, &[]);
    let before = o.g.files("ds", "out");
    let answer = o.api("POST", "cancels", Some(&cancel("PO-A")));
    let input = ok(&answer)["input"].as_str().unwrap().to_owned();
    assert!(input.contains("cancel-api-"), "{answer}");
    let by_api = new_cancel_file(&o, &before);
    assert!(by_file.contains("PO-F,1,MUG-1,3"), "{by_file}");
    assert_eq!(
        by_api,
        by_file.replace("PO-F", "PO-A"),
        "the cart gets what the file path writes"
    );
    let po_a = status(&o, "PO-A");
    assert_eq!(po_a["order_status"], "canceled", "{po_a}");

    // The same body again is refused as a replayed file is, and nothing goes out twice.
    let again = o.api("POST", "cancels", Some(&cancel("PO-A")));
    assert!(invalid(&again).contains("already canceled"), "{again}");
    let cancels =
        o.g.files("ds", "out")
            .into_iter()
            .filter(|f| f.starts_with("Cancel_"))
            .count();
    assert_eq!(cancels, 2, "one Cancel_ file per order");
    let show = super::return_path::show(&o.g, "PO-A").to_string();
    assert!(show.contains("via api"), "wharf orders show: {show}");
}

#[test]
fn a_posted_cancel_of_an_ultracart_order_notes_the_merchant_must_cancel_it() {
    let o = Ops::start_api("");
    upload(
        &o,
        "uc",
        CART_PASSWORD,
        "/in/k1.xml",
        uc_sd("K-1").as_bytes(),
    );
    o.g.wait_file(&o.g.home("wh").join("out/order_K-1.json"));
    let answer = o.api(
        "POST",
        "cancels",
        Some(r#"[{"cust_ref":"K-1","reason":"out_of_stock"}]"#),
    );
    let notes = ok(&answer)["notes"].as_str().unwrap_or_default().to_owned();
    assert!(
        notes.contains("the merchant must cancel order K-1 in the cart"),
        "{answer}"
    );
    assert_eq!(status(&o, "K-1")["order_status"], "canceled");
}

#[test]
fn bad_product_and_cancel_bodies_are_refused_with_the_file_reports_reason() {
    let o = Ops::start_api("");
    for (route, kind, body, path) in [
        (
            "products",
            "product",
            r#"[{"sku":"A-1","description":"Mug"},{"sku":"","description":"Plate"}]"#,
            "$[1].sku",
        ),
        (
            "cancels",
            "cancel",
            r#"{"cust_ref":"X-1","items":[{"line_no":1},{"line_no":2,"quantity":-1}]}"#,
            "$.items[1].quantity",
        ),
    ] {
        let answer = o.api("POST", route, Some(body));
        let message = invalid(&answer);
        assert!(message.contains(path), "{route}: {message}");
        assert!(message.contains(&format!("error/{kind}-api-")), "{message}");
        // The same bytes as a file over FTP: the same reason.
        let file = format!("{kind}-bad.json");
        upload(
            &o,
            "wh",
            WH_PASSWORD,
            &format!("/in/{file}"),
            body.as_bytes(),
        );
        let report = o.g.error_report("wh", &file);
        assert_eq!(reason(&message), reason(&report), "{route}");
    }
    assert!(
        invalid(&o.api("GET", "product/A-1", None)).contains("not in the catalog"),
        "nothing of a refused body is applied"
    );
    let unknown = o.api("POST", "cancels", Some(r#"{"cust_ref":"NOPE"}"#));
    assert!(
        invalid(&unknown).contains("no order of this warehouse has it"),
        "{unknown}"
    );
}
