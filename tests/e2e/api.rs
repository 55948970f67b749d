//! The merchant API (`/v1/merchant/`) with curl as the warehouse's HTTP client, against the
//! real server: an UltraCart order in over FTP, listed, received, shipped in two parts and
//! confirmed once the cart takes its `ship*.csv` files; a duplicate POST applied once; an
//! `Idempotency-Key` retry; a bad body named by its JSON path; wrong keys locked out (FTP
//! too); the rate limit; pagination over 250 orders.

use super::ops_support::*;
use super::support::*;
use std::process::Command;

fn ship_files(o: &Ops) -> Vec<String> {
    o.g.files("uc", "out")
        .into_iter()
        .filter(|n| n.starts_with("ship"))
        .collect()
}

fn ok(answer: &serde_json::Value) -> &serde_json::Value {
    assert_eq!(answer["success_code"], true, "{answer}");
    &answer["response"]
}

fn invalid(answer: &serde_json::Value) -> String {
    assert_eq!(answer["success_code"], false, "{answer}");
    assert_eq!(answer["error_code"], "Invalid", "{answer}");
    answer["message"].as_str().unwrap_or_default().to_owned()
}

/// The cart deletes `out/NAME` over FTP (its acknowledgment).
fn cart_deletes(o: &Ops, name: &str) {
    let out = run(Command::new("curl")
        .args(["-sS", "-Q", &format!("DELE out/{name}")])
        .arg(o.g.url("uc", CART_PASSWORD, "/")));
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn an_ultracart_order_goes_round_the_api_to_confirmed() {
    let o = Ops::start_api("");
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/o.xml"),
        uc_export(&[uc_order("API-1", "SD", &[("SKU-1", 3, "5.00")], "15.00")]).as_bytes(),
    );
    assert!(out.status.success(), "{out:?}");
    let order_file = o.g.home("wh").join("out/order_API-1.json");
    o.g.wait_file(&order_file);

    let new = o.api("GET", "orders/list/new", None);
    let list = ok(&new).as_array().unwrap();
    assert_eq!(list.len(), 1, "{new}");
    assert_eq!(list[0]["cust_ref"], "API-1");
    assert_eq!(list[0]["order_status"], "new");

    let got = o.api(
        "POST",
        "orders/received",
        Some(r#"{"cust_refs":["API-1"]}"#),
    );
    assert_eq!(ok(&got)[0]["order_status"], "at_wms", "{got}");
    assert!(!order_file.exists(), "the order file left out/");
    assert!(
        ok(&o.api("GET", "orders/list/new", None))
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Part of it, then the same body again: applied once.
    let part = r#"{"cust_ref":"API-1","shipments":[{"carrier":"UPS","method":"Ground","tracking_no":"1ZA","date":"2026-11-27T10:00:00-05:00","items":[{"item":"SKU-1","quantity":1}]}]}"#;
    let first = o.api("POST", "shipments", Some(part));
    let input = ok(&first)["input"].as_str().unwrap().to_owned();
    assert!(
        input.starts_with("archive/") && input.contains("shipment-api-"),
        "{first}"
    );
    assert!(
        o.g.home("wh").join(&input).is_file(),
        "the body is archived as a file"
    );
    assert_eq!(ship_files(&o).len(), 1);
    ok(&o.api("POST", "shipments", Some(part)));
    assert_eq!(ship_files(&o).len(), 1, "a duplicate POST is applied once");
    let status = o.api("GET", "orders/status/API-1", None);
    assert_eq!(ok(&status)["order_status"], "partial", "{status}");
    assert_eq!(ok(&status)["shipments"].as_array().unwrap().len(), 1);

    // The rest, with an Idempotency-Key, sent twice: one run, the same answer.
    let rest = r#"{"cust_ref":"API-1","shipments":[{"carrier":"UPS","method":"Ground","tracking_no":"1ZB","date":"2026-11-27T11:00:00-05:00"}]}"#;
    let key = ["Idempotency-Key: rest-1"];
    let (_, a1, _) = o.api_as(API_USER, API_KEY, "POST", "shipments", Some(rest), &key);
    let (_, a2, h2) = o.api_as(API_USER, API_KEY, "POST", "shipments", Some(rest), &key);
    ok(&a1);
    assert_eq!(a1, a2, "the retry gets the first answer");
    assert!(h2.to_ascii_lowercase().contains("x-request-id:"), "{h2}");
    let (_, other, _) = o.api_as(API_USER, API_KEY, "POST", "shipments", Some(part), &key);
    assert!(invalid(&other).contains("different request"), "{other}");
    let ships = ship_files(&o);
    assert_eq!(ships.len(), 2, "{ships:?}");
    assert_eq!(
        ok(&o.api("GET", "orders/status/API-1", None))["order_status"],
        "shipped"
    );

    // The cart takes its confirmations: confirmed, and the history shows the API.
    for s in &ships {
        cart_deletes(&o, s);
    }
    wait_for(20, "the order to be confirmed", || {
        ok(&o.api("GET", "orders/status/API-1", None))["order_status"] == "confirmed"
    });
    let order = o.api("GET", "orders/status/API-1", None);
    let history = ok(&order)["history"].to_string();
    assert!(history.contains("via api"), "{history}");
    let show = super::return_path::show(&o.g, "API-1").to_string();
    assert!(show.contains("via api"), "wharf orders show: {show}");
}

#[test]
fn a_bad_body_is_refused_with_its_json_path_and_lands_in_error() {
    let o = Ops::start_api("");
    let bad = r#"{"cust_ref":"X-1","shipments":[{"items":[{"item":"A","quantity":1},{"item":"B","quantity":0}]}]}"#;
    let answer = o.api("POST", "shipments", Some(bad));
    let message = invalid(&answer);
    assert!(
        message.contains("$.shipments[0].items[1].quantity"),
        "{message}"
    );
    assert!(message.contains("error/shipment-api-"), "{message}");
    let unknown = o.api(
        "POST",
        "shipments",
        Some(r#"{"cust_ref":"NOPE","shipments":[{"tracking_no":"T"}]}"#),
    );
    assert!(invalid(&unknown).contains("unknown cust_ref"), "{unknown}");
    let received = o.api("POST", "orders/received", Some(r#"{"cust_refs":["NOPE"]}"#));
    assert!(invalid(&received).contains("$.cust_refs[0]"), "{received}");
    assert!(invalid(&o.api("GET", "orders/list/nonsense", None)).contains("unknown status"));
    assert!(invalid(&o.api("GET", "orders/list/new?limit=101", None)).contains("limit"));
    // Levels posted are the ones read back.
    ok(&o.api(
        "POST",
        "inventory",
        Some(r#"[{"sku":"SKU-1","qty_available":7}]"#),
    ));
    let level = o.api("GET", "inventory/SKU-1", None);
    assert_eq!(ok(&level)["qty_available"], 7, "{level}");
    assert_eq!(
        ok(&o.api("GET", "inventory", None))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn wrong_keys_lock_the_warehouse_out_over_the_api_and_ftp() {
    let o = Ops::start_api("lockout_failures = 3");
    for _ in 0..3 {
        let (status, a, _) = o.api_as(API_USER, "wrong", "GET", "inventory", None, &[]);
        assert_eq!(status, 200);
        assert!(invalid(&a).contains("wrong api_user or api_key"), "{a}");
    }
    let (_, a, _) = o.api_as(API_USER, API_KEY, "GET", "inventory", None, &[]);
    assert!(invalid(&a).contains("locked out"), "{a}");
    let ftp = curl_get(&o.g.url("wh", WH_PASSWORD, "/out/"));
    assert!(!ftp.status.success(), "the same lockout holds over FTP");
}

#[test]
fn the_rate_limit_answers_rate_limit_with_retry_after() {
    let o = Ops::start_api("");
    let mut limited = None;
    for i in 0..200 {
        let (_, a, head) = o.api_as(API_USER, API_KEY, "GET", "inventory", None, &[]);
        if a["error_code"] == "RateLimit" {
            limited = Some((i, head));
            break;
        }
        ok(&a);
    }
    let (i, head) = limited.expect("RateLimit within 200 calls");
    assert!(i >= 100, "the bucket holds 100 calls, limited after {i}");
    assert!(head.to_ascii_lowercase().contains("retry-after:"), "{head}");
}

#[test]
fn orders_list_pages_over_250_orders() {
    let o = Ops::start_api("");
    let orders: Vec<String> = (0..250)
        .map(|i| uc_order(&format!("P-{i:03}"), "SD", &[("SKU-1", 1, "1.00")], "1.00"))
        .collect();
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/many.xml"),
        uc_export(&orders).as_bytes(),
    );
    assert!(out.status.success(), "{out:?}");
    o.g.wait_in_empty("uc");
    let mut seen = std::collections::BTreeSet::new();
    for (page, want) in [(1, 100), (2, 100), (3, 50), (4, 0)] {
        let a = o.api(
            "GET",
            &format!("orders/list/new?limit=100&page={page}"),
            None,
        );
        let list = ok(&a).as_array().unwrap().clone();
        assert_eq!(list.len(), want, "page {page}");
        for o in list {
            assert!(
                seen.insert(o["cust_ref"].as_str().unwrap().to_owned()),
                "twice: {o}"
            );
        }
    }
    assert_eq!(seen.len(), 250);
    let default = o.api("GET", "orders/list/any", None);
    assert_eq!(ok(&default).as_array().unwrap().len(), 20, "default limit");
    let today = wharf::store::day_of(wharf::store::now_ms());
    let dated = o.api(
        "GET",
        &format!("orders/list/new?from_date={today}&to_date={today}&limit=5"),
        None,
    );
    assert_eq!(ok(&dated).as_array().unwrap().len(), 5);
    let before = o.api("GET", "orders/list/new?to_date=2000-01-01", None);
    assert!(ok(&before).as_array().unwrap().is_empty());
}

#[test]
fn the_openapi_document_is_served() {
    let o = Ops::start_api("");
    let (status, body) = o.get("/v1/openapi.json");
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    let kept: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        doc, kept,
        "the repository's openapi.json is the served document"
    );
    for p in [
        "/v1/merchant/orders/list/{status}",
        "/v1/merchant/shipments",
        "/v1/merchant/orders/received",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p}");
    }
}
