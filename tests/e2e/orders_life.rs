//! The life of an order beyond sending it: the warehouse's catalog and unknown-SKU holds
//! (sent automatically when the catalog learns the SKU or a restart brings an alias, or by
//! `wharf orders release`), cancellations from the cart (DSCO `Cancel_*`, UltraCart stage
//! REJ) and from the warehouse (`cancel*.json|csv`), the go-live date, and the mapping
//! preview. Everything over FTP with curl, against the real binary.

use super::support::*;
use std::path::Path;
use std::process::Command;

fn wharf(g: &Gateway, args: &[&str]) -> std::process::Output {
    let (group, rest) = args.split_first().expect("a command");
    run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args([group, &"--config"])
        .arg(&g.config)
        .args(rest))
}

fn show(g: &Gateway, r: &str) -> serde_json::Value {
    let out = wharf(g, &["orders", "show", r]);
    serde_json::from_slice(&out.stdout).unwrap_or_default()
}

fn status(g: &Gateway, r: &str) -> String {
    show(g, r)["order_status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn history(g: &Gateway, r: &str) -> String {
    show(g, r)["history"].to_string()
}

fn upload(g: &Gateway, user: &str, pass: &str, path: &str, body: &[u8]) {
    let out = curl_upload(&g.url(user, pass, path), body);
    assert!(out.status.success(), "upload {path}: {}", text(&out));
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(rel),
    )
    .expect("fixture")
}

fn dsco_partner() -> String {
    format!(
        "\n[[partner]]\nname = \"ds\"\nrole = \"cart\"\nformat = \"dsco\"\npassword_hash = \"{}\"\nwarehouse = \"wh\"\n",
        wharf::config::hash_password("ds-pass").unwrap()
    )
}

const PO_77: &str = "po_number,consumer_order_date,ship_first_name,ship_last_name,ship_address_1,ship_city,ship_region,ship_postal,ship_country,ship_carrier,ship_method,line_item_line_number,line_item_sku,line_item_quantity\n\
PO-77,2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,1,MUG-1,3\n\
PO-77,2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,2,PLATE-2,1\n";

/// An UltraCart SD order with these (SKU, quantity) lines.
fn uc(order_id: &str, stage: &str, items: &[(&str, u32)]) -> String {
    let lines: Vec<(&str, u32, &str)> = items.iter().map(|(s, q)| (*s, *q, "1.00")).collect();
    uc_export(&[uc_order(order_id, stage, &lines, "2.00")])
}

#[test]
fn an_order_with_an_unknown_sku_is_held_then_sent_when_the_catalog_learns_it() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with("", "check_skus = true\n");
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/product-catalog.csv",
        &fixture("warehouse/product-catalog.csv"),
    );
    g.wait_in_empty("wh");
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/h1.xml",
        uc("H-1", "SD", &[("SKU-1", 1), ("SKU-9", 2)]).as_bytes(),
    );
    let report = g.error_report("uc", "h1.xml");
    assert!(report.contains("1 of 1 orders held"), "{report}");
    assert!(report.contains("unknown SKU SKU-9 (line 2)"), "{report}");
    assert_eq!(status(&g, "H-1"), "held");
    assert!(history(&g, "H-1").contains("unknown SKU SKU-9 (line 2)"));
    assert!(!g.home("wh").join("out/order_H-1.json").exists());
    let held = wharf(&g, &["orders", "list", "--status", "held"]);
    assert!(text(&held).contains("H-1"), "{}", text(&held));

    // The catalog learns SKU-9: the order goes out with no manual step.
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/product-catalog.json",
        &fixture("warehouse/product-catalog.json"),
    );
    g.wait_file(&g.home("wh").join("out/order_H-1.json"));
    assert_eq!(status(&g, "H-1"), "new");
    assert!(history(&g, "H-1").contains("the catalog learned a SKU"));
    let listed = text(&wharf(&g, &["catalog", "list"]));
    assert!(listed.contains("wh\tSKU-9\ttrue\tGreen mug"), "{listed}");
    assert!(listed.contains("wh\tSKU-OLD\tfalse"), "{listed}");
    let one = text(&wharf(&g, &["catalog", "show", "SKU-1"]));
    assert!(one.contains("\"upc\": \"012345678905\""), "{one}");

    // Replaying the product file changes nothing: no second order file, the order stays new.
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/product-catalog.json",
        &fixture("warehouse/product-catalog.json"),
    );
    g.wait_in_empty("wh");
    assert_eq!(status(&g, "H-1"), "new");
    assert_eq!(history(&g, "H-1").matches("sent to warehouse").count(), 1);
}

#[test]
fn an_empty_catalog_holds_nothing_and_says_so_once() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with("", "check_skus = true\n");
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/e1.xml",
        uc_sd("E-1").as_bytes(),
    );
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/e2.xml",
        uc_sd("E-2").as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/order_E-2.json"));
    assert!(g.home("wh").join("out/order_E-1.json").exists());
    wait_for(10, "the warning", || {
        g.log_text().contains("catalog is empty")
    });
    assert_eq!(g.log_text().matches("catalog is empty").count(), 1);
}

#[test]
fn a_restart_with_a_new_alias_sends_a_held_order() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start_with("", "check_skus = true\n");
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/product-catalog.csv",
        &fixture("warehouse/product-catalog.csv"),
    );
    g.wait_in_empty("wh");
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/a1.xml",
        uc("A-1", "SD", &[("CART-MUG", 1)]).as_bytes(),
    );
    g.error_report("uc", "a1.xml");
    assert_eq!(status(&g, "A-1"), "held");
    g.terminate();
    let toml = std::fs::read_to_string(&g.config).unwrap();
    let toml = toml.replacen(
        "warehouse = \"wh\"\n",
        "warehouse = \"wh\"\nsku_aliases = { CART-MUG = \"SKU-1\" }\n",
        1,
    );
    std::fs::write(&g.config, toml).unwrap();
    g.spawn();
    let order = g.home("wh").join("out/order_A-1.json");
    g.wait_file(&order);
    let o: serde_json::Value = serde_json::from_slice(&std::fs::read(&order).unwrap()).unwrap();
    assert_eq!(o["items"][0]["item"], "SKU-1");
    assert_eq!(o["items"][0]["cart_item"], "CART-MUG");
}

#[test]
fn release_and_cancel_from_the_command_line() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start_with("", "check_skus = true\n");
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/product-catalog.csv",
        &fixture("warehouse/product-catalog.csv"),
    );
    g.wait_in_empty("wh");
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/r1.xml",
        uc("R-1", "SD", &[("NOPE-1", 1)]).as_bytes(),
    );
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/r2.xml",
        uc("R-2", "SD", &[("NOPE-2", 1)]).as_bytes(),
    );
    g.error_report("uc", "r2.xml");
    g.error_report("uc", "r1.xml");
    g.terminate();

    let rel = wharf(&g, &["orders", "release", "R-1"]);
    assert!(rel.status.success(), "{}", text(&rel));
    assert!(g.home("wh").join("out/order_R-1.json").exists());
    let can = wharf(
        &g,
        &["orders", "cancel", "R-2", "--reason", "customer called"],
    );
    assert!(can.status.success(), "{}", text(&can));
    // R-2 was never sent: nothing goes to the warehouse.
    assert!(!g.home("wh").join("out/cancel_R-2.json").exists());
    // Releasing again is refused: R-1 is no longer held.
    assert!(!wharf(&g, &["orders", "release", "R-1"]).status.success());
    // Cancelling the sent R-1 tells the warehouse.
    assert!(wharf(&g, &["orders", "cancel", "R-1"]).status.success());
    let c: serde_json::Value =
        serde_json::from_slice(&std::fs::read(g.home("wh").join("out/cancel_R-1.json")).unwrap())
            .unwrap();
    assert_eq!(c["cust_ref"], "R-1");

    g.spawn();
    assert_eq!(status(&g, "R-1"), "canceled");
    assert_eq!(status(&g, "R-2"), "canceled");
    assert!(history(&g, "R-2").contains("customer called"));
    let listed = text(&wharf(&g, &["orders", "list", "--status", "canceled"]));
    assert!(listed.contains("R-1") && listed.contains("R-2"), "{listed}");
}

/// A running gateway checking SKUs, with a catalog and the held orders `refs` (each with one
/// SKU the catalog does not know).
fn gateway_holding(refs: &[&str]) -> Gateway {
    let g = Gateway::start_with("", "check_skus = true\n");
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/product-catalog.csv",
        &fixture("warehouse/product-catalog.csv"),
    );
    g.wait_in_empty("wh");
    for r in refs {
        let name = format!("{}.xml", r.to_lowercase());
        upload(
            &g,
            "uc",
            CART_PASSWORD,
            &format!("in/{name}"),
            uc(r, "SD", &[("NOPE-1", 1)]).as_bytes(),
        );
        g.error_report("uc", &name);
        assert_eq!(status(&g, r), "held");
    }
    g
}

/// The files in `DATA_DIR/requests/` (requests, answers, temp files).
fn request_files(g: &Gateway) -> Vec<String> {
    std::fs::read_dir(wharf::layout::requests_dir(&g.data()))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn release_and_cancel_while_the_server_runs() {
    if missing("curl") {
        return;
    }
    let g = gateway_holding(&["S-1", "S-2"]);

    let rel = wharf(&g, &["orders", "release", "S-1"]);
    assert!(rel.status.success(), "{}", text(&rel));
    assert!(text(&rel).contains("order S-1 released"), "{}", text(&rel));
    // Sent before the command returns.
    let order: serde_json::Value = serde_json::from_slice(
        &std::fs::read(g.home("wh").join("out/order_S-1.json")).expect("order_S-1.json"),
    )
    .unwrap();
    assert_eq!(order["cust_ref"], "S-1");
    assert_eq!(status(&g, "S-1"), "new");
    assert!(history(&g, "S-1").contains("released by the operator"));

    let can = wharf(
        &g,
        &["orders", "cancel", "S-2", "--reason", "customer called"],
    );
    assert!(can.status.success(), "{}", text(&can));
    assert_eq!(status(&g, "S-2"), "canceled");
    assert!(history(&g, "S-2").contains("customer called"));
    // S-2 was never sent: nothing goes to the warehouse.
    assert!(!g.home("wh").join("out/cancel_S-2.json").exists());

    // Refusals come back with their reason and exit 1.
    let again = wharf(&g, &["orders", "release", "S-1"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("not held"), "{}", text(&again));
    let unknown = wharf(&g, &["orders", "cancel", "NO-SUCH"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", text(&unknown));
    assert!(
        text(&unknown).contains("no order \"NO-SUCH\""),
        "{}",
        text(&unknown)
    );

    // Cancelling the sent S-1 tells the warehouse.
    assert!(wharf(&g, &["orders", "cancel", "S-1"]).status.success());
    let c: serde_json::Value =
        serde_json::from_slice(&std::fs::read(g.home("wh").join("out/cancel_S-1.json")).unwrap())
            .unwrap();
    assert_eq!(c["cust_ref"], "S-1");
    assert_eq!(status(&g, "S-1"), "canceled");
    // Every request answered and its files gone.
    assert_eq!(request_files(&g), Vec::<String>::new());
}

#[test]
fn a_server_that_does_not_answer_leaves_no_request_behind() {
    if missing("curl") || missing("kill") {
        return;
    }
    let g = gateway_holding(&["T-1"]);
    let pid = g.child.as_ref().expect("running").id().to_string();
    // The server still holds the store but answers nothing while it is stopped.
    assert!(
        run(Command::new("kill").args(["-STOP", &pid]))
            .status
            .success()
    );
    let out = wharf(&g, &["orders", "release", "T-1", "--wait", "1"]);
    assert!(
        run(Command::new("kill").args(["-CONT", &pid]))
            .status
            .success()
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nothing was done"), "{}", text(&out));
    assert_eq!(request_files(&g), Vec::<String>::new());
    assert_eq!(status(&g, "T-1"), "held");
    assert!(!g.home("wh").join("out/order_T-1.json").exists());
}

#[test]
fn a_request_taken_before_a_crash_is_carried_out_once_at_the_next_start() {
    if missing("curl") {
        return;
    }
    let mut g = gateway_holding(&["U-1"]);
    g.kill9();
    // The server had taken a release of U-1 when it died, before deciding anything.
    let dir = wharf::layout::requests_dir(&g.data());
    std::fs::create_dir_all(&dir).unwrap();
    let release = br#"{"action":"release","reference":"U-1"}"#;
    std::fs::write(dir.join("1-1.taken.json"), release).unwrap();
    g.spawn();
    g.wait_file(&dir.join("1-1.answer.json"));
    let answer = std::fs::read_to_string(dir.join("1-1.answer.json")).unwrap();
    assert!(answer.contains("order U-1 released"), "{answer}");
    // The answer is written before the taken request is removed: wait for that step too.
    let taken = dir.join("1-1.taken.json");
    wait_for(10, "the taken request removed after its answer", || {
        !taken.exists()
    });
    assert!(g.home("wh").join("out/order_U-1.json").exists());

    // The same request replayed (its answer lost in a crash) changes nothing.
    std::fs::write(dir.join("1-2.taken.json"), release).unwrap();
    g.wait_file(&dir.join("1-2.answer.json"));
    let answer = std::fs::read_to_string(dir.join("1-2.answer.json")).unwrap();
    assert!(answer.contains("not held"), "{answer}");
    assert_eq!(status(&g, "U-1"), "new");
    let h = history(&g, "U-1");
    assert_eq!(h.matches("released by the operator").count(), 1, "{h}");
}

#[test]
fn a_dsco_cancel_before_shipment_reaches_the_warehouse_and_after_shipment_is_refused() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with("", &dsco_partner());
    upload(
        &g,
        "ds",
        "ds-pass",
        "in/Purchase_Order_1.csv",
        PO_77.as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/order_PO-77.json"));
    let po_78 = PO_77.replace("PO-77", "PO-78");
    upload(
        &g,
        "ds",
        "ds-pass",
        "in/Purchase_Order_2.csv",
        po_78.as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/order_PO-78.json"));

    upload(
        &g,
        "ds",
        "ds-pass",
        "in/Cancel_20261121090000.csv",
        &fixture("dsco/Cancel_20261121090000.csv"),
    );
    let cancel = g.home("wh").join("out/cancel_PO-77.json");
    g.wait_file(&cancel);
    let c: serde_json::Value = serde_json::from_slice(&std::fs::read(&cancel).unwrap()).unwrap();
    assert_eq!(c["cust_po_no"], "PO-77");
    assert_eq!(c["reason"], "customer request");
    assert!(c.get("items").is_none(), "{c}");
    assert_eq!(status(&g, "PO-77"), "canceled");

    // Replaying the same cancellation changes nothing: refused, no second file.
    upload(
        &g,
        "ds",
        "ds-pass",
        "in/Cancel_20261121090000.csv",
        &fixture("dsco/Cancel_20261121090000.csv"),
    );
    let again = g.error_report("ds", "Cancel_20261121090000.csv");
    assert!(again.contains("already canceled"), "{again}");
    assert!(!g.home("wh").join("out/cancel_PO-77_2.json").exists());

    // PO-78 ships, then the retailer cancels it: refused with the reason.
    let ship = r#"{"cust_ref":"PO-78","shipments":[{"carrier":"UPS","tracking_no":"1Z78"}]}"#;
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/shipment-78.json",
        ship.as_bytes(),
    );
    wait_for(30, "PO-78 shipped", || status(&g, "PO-78") == "shipped");
    let cancel_78 = "po_number,order_cancel_reason\nPO-78,changed mind\n";
    upload(
        &g,
        "ds",
        "ds-pass",
        "in/Cancel_20261122090000.csv",
        cancel_78.as_bytes(),
    );
    let report = g.error_report("ds", "Cancel_20261122090000.csv");
    assert!(report.contains("already shipped"), "{report}");
    assert_eq!(status(&g, "PO-78"), "shipped");
    assert!(history(&g, "PO-78").contains("refused"));
    assert!(!g.home("wh").join("out/cancel_PO-78.json").exists());
}

#[test]
fn an_ultracart_order_sent_again_as_rejected_is_canceled() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/j1.xml",
        uc_sd("J-1").as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/order_J-1.json"));
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/j1-rej.xml",
        uc("J-1", "REJ", &[("SKU-1", 2)]).as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/cancel_J-1.json"));
    assert_eq!(status(&g, "J-1"), "canceled");
    // Sent again as rejected: nothing more happens.
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/j1-rej.xml",
        uc("J-1", "REJ", &[("SKU-1", 2)]).as_bytes(),
    );
    g.error_report("uc", "j1-rej.xml");
    assert!(!g.home("wh").join("out/cancel_J-1_2.json").exists());
}

#[test]
fn a_warehouse_cancel_of_one_dsco_line_becomes_a_dsco_cancel_file() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with("", &dsco_partner());
    upload(
        &g,
        "ds",
        "ds-pass",
        "in/Purchase_Order_1.csv",
        PO_77.as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/order_PO-77.json"));
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/cancel-line.json",
        &fixture("warehouse/cancel-line.json"),
    );
    wait_for(30, "a Cancel_ file for DSCO", || {
        g.files("ds", "out")
            .iter()
            .any(|f| f.starts_with("Cancel_"))
    });
    let name = g
        .files("ds", "out")
        .into_iter()
        .find(|f| f.starts_with("Cancel_"))
        .unwrap();
    assert!(
        name.ends_with(".csv") && name.len() == "Cancel_20261121090000_090000000.csv".len(),
        "{name}"
    );
    let csv = std::fs::read_to_string(g.home("ds").join("out").join(&name)).unwrap();
    assert!(
        csv.starts_with(
            "po_number,line_item_line_number,line_item_sku,line_item_cancelled_quantity"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("PO-77,2,PLATE-2,1,out_of_stock,out_of_stock"),
        "{csv}"
    );
    assert_eq!(status(&g, "PO-77"), "partial");
    // The cancelled unit can no longer ship; MUG-1 ships and the order is done.
    let ship = r#"{"cust_ref":"PO-77","shipments":[{"carrier":"UPS","tracking_no":"1Z77","items":[{"item":"MUG-1","quantity":3}]}]}"#;
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/shipment-77.json",
        ship.as_bytes(),
    );
    wait_for(30, "PO-77 shipped", || status(&g, "PO-77") == "shipped");
}

#[test]
fn a_warehouse_cancel_of_an_ultracart_order_tells_the_merchant_to_cancel_in_ultracart() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/k1.xml",
        uc_sd("K-1").as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/order_K-1.json"));
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/cancel-k1.csv",
        b"cust_ref,reason\nK-1,out_of_stock\n",
    );
    let report = g.error_report("wh", "cancel-k1.csv");
    assert!(
        report.contains("the merchant must cancel order K-1 in the cart"),
        "{report}"
    );
    assert_eq!(status(&g, "K-1"), "canceled");
    assert!(history(&g, "K-1").contains("merchant must cancel"));
    assert!(g.log_text().contains("merchant must cancel"));
}

#[test]
fn the_go_live_date_skips_an_older_order() {
    if missing("curl") {
        return;
    }
    // The test orders are dated 17 Dec 2025.
    let g = Gateway::start_with("accept_orders_since = \"2026-11-01\"\n", "");
    upload(
        &g,
        "uc",
        CART_PASSWORD,
        "in/old.xml",
        uc_sd("OLD-1").as_bytes(),
    );
    g.wait_in_empty("uc");
    assert_eq!(status(&g, "OLD-1"), "skipped");
    assert_eq!(
        show(&g, "OLD-1")["status_reason"],
        "before go-live 2026-11-01"
    );
    assert!(!g.home("wh").join("out/order_OLD-1.json").exists());
    // A second cart without a go-live date sends the same order.
    upload(
        &g,
        "uc2",
        CART2_PASSWORD,
        "in/old.xml",
        uc_sd("OLD-2").as_bytes(),
    );
    g.wait_file(&g.home("wh").join("out/order_OLD-2.json"));
}

#[test]
fn the_mapping_preview_shows_sent_held_and_skipped_and_writes_nothing() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(
        "accept_orders_since = \"2025-12-01\"\nsku_aliases = { CART-MUG = \"SKU-1\" }\n",
        "check_skus = true\n",
    );
    upload(
        &g,
        "wh",
        WH_PASSWORD,
        "in/product-catalog.csv",
        &fixture("warehouse/product-catalog.csv"),
    );
    g.wait_in_empty("wh");
    let file = g.dir.path().join("test-orders.xml");
    let old = uc_order("P-OLD", "SD", &[("SKU-1", 1, "1.00")], "1.00")
        .replace("17 DEC 2025", "17 NOV 2025");
    let body = uc_export(&[
        uc_order("P-OK", "SD", &[("CART-MUG", 1, "1.00")], "1.00"),
        uc_order(
            "P-HOLD",
            "SD",
            &[("SKU-1", 1, "1.00"), ("SKU-X", 1, "1.00")],
            "2.00",
        ),
        old,
    ]);
    std::fs::write(&file, body).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["convert", "--config"])
        .arg(&g.config)
        .args(["--partner", "uc"])
        .arg(&file));
    assert!(out.status.success(), "{}", text(&out));
    let sent: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sent.as_array().map(Vec::len), Some(1), "{sent}");
    assert_eq!(sent[0]["items"][0]["item"], "SKU-1");
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("order P-OK at") && summary.contains("sent as order_P-OK.json"),
        "{summary}"
    );
    assert!(
        summary.contains("P-HOLD") && summary.contains("held: unknown SKU SKU-X (line 2)"),
        "{summary}"
    );
    assert!(
        summary.contains("skipped: before go-live 2025-12-01"),
        "{summary}"
    );
    // Nothing stored, nothing sent.
    assert_eq!(status(&g, "P-OK"), "");
    assert!(g.files("wh", "out").iter().all(|f| !f.contains("P-OK")));
}
