//! The return path: shipments and inventory from the warehouse back to the carts
//! in their own formats, and the order life cycle to `confirmed`.

use super::support::*;
use std::process::Command;

pub(super) fn show(g: &Gateway, cust_ref: &str) -> serde_json::Value {
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["orders", "--config"])
        .arg(&g.config)
        .args(["show", cust_ref]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub(super) fn status(g: &Gateway, cust_ref: &str) -> String {
    show(g, cust_ref)["order_status"]
        .as_str()
        .unwrap()
        .to_string()
}

pub(super) fn wait_status(g: &Gateway, cust_ref: &str, want: &str) {
    wait_for(30, &format!("{cust_ref} to be {want}"), || {
        status(g, cust_ref) == want
    });
}

/// Files in a partner's out/ starting with `prefix`, with their content.
fn outputs(g: &Gateway, partner: &str, prefix: &str) -> Vec<(String, String)> {
    g.files(partner, "out")
        .into_iter()
        .filter(|f| f.starts_with(prefix))
        .map(|f| {
            let text = std::fs::read_to_string(g.home(partner).join("out").join(&f)).unwrap();
            (f, text)
        })
        .collect()
}

fn drop_in(g: &Gateway, partner: &str, name: &str, content: &str) {
    assert!(
        curl_upload(
            &g.url(partner, pw(partner), &format!("in/{name}")),
            content.as_bytes()
        )
        .status
        .success()
    );
}

fn pw(partner: &str) -> &'static str {
    match partner {
        "uc" => CART_PASSWORD,
        "uc2" => CART2_PASSWORD,
        _ => WH_PASSWORD,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn partial_then_complete_shipment_over_ftp_confirms_the_order() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with("sku_aliases = { \"G1\" = \"WH-G1\" }", "");
    let order = uc_export(&[uc_order(
        "R-1",
        "SD",
        &[("G1", 3, "10.00"), ("S2", 1, "5.00")],
        "35.00",
    )]);
    drop_in(&g, "uc", "r1.xml", &order);
    let order_file = g.home("wh").join("out/order_R-1.json");
    g.wait_file(&order_file);
    let canonical: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&order_file).unwrap()).unwrap();
    assert_eq!(
        canonical["items"][0]["item"], "WH-G1",
        "alias applied on the way in"
    );
    assert_eq!(canonical["items"][0]["cart_item"], "G1");

    // The warehouse takes its order file: at_wms.
    let mut wh = ftp_login(&g, "wh", WH_PASSWORD).await;
    wh.rm("/out/order_R-1.json").await.unwrap();
    tokio::task::block_in_place(|| wait_status(&g, "R-1", "at_wms"));

    // A partial shipment: 2 of 3 WH-G1.
    let partial = r#"{"cust_ref":"R-1","shipments":[{"carrier":"UPS","method":"Ground","tracking_no":"1ZPART","date":"2026-11-20T23:30:00-05:00","items":[{"item":"WH-G1","quantity":2}]}]}"#;
    let mut r = partial.as_bytes();
    wh.put_file("/in/shipment-1.json", &mut r).await.unwrap();
    tokio::task::block_in_place(|| wait_status(&g, "R-1", "partial"));
    tokio::task::block_in_place(|| g.wait_in_empty("wh"));
    let ships = outputs(&g, "uc", "ship");
    assert_eq!(ships.len(), 1, "{ships:?}");
    let (name, text) = &ships[0];
    assert!(
        name.starts_with("ship2026") && name.ends_with(".csv"),
        "{name}"
    );
    assert_eq!(
        text,
        "\"Order ID\",\"Shipping Date - MM/DD/YYYY\",\"Shipping Method\",\"Tracking Number\"\r\n\"R-1\",\"11/20/2026\",\"USPS: First Class\",\"1ZPART\"\r\n",
        "the cart's own order id, the shipment's own date, the cart's method name"
    );

    // Rejected shipments leave the order unchanged.
    let bad = r#"[{"cust_ref":"NOPE-1","shipments":[{"tracking_no":"X"}]},
                  {"cust_ref":"R-1","shipments":[{"tracking_no":"X","items":[{"item":"NOT-ON-ORDER","quantity":1}]}]},
                  {"cust_ref":"R-1","shipments":[{"tracking_no":"X","items":[{"item":"WH-G1","quantity":5}]}]}]"#;
    let mut r = bad.as_bytes();
    wh.put_file("/in/shipment-bad.json", &mut r).await.unwrap();
    let report = g.home("wh").join("error/shipment-bad.json.error.txt");
    tokio::task::block_in_place(|| g.wait_file(&report));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("unknown cust_ref"), "{text}");
    assert!(text.contains("NOT-ON-ORDER is not on the order"), "{text}");
    assert!(
        text.contains("5 units of WH-G1 shipped but only 1 remain"),
        "{text}"
    );
    assert_eq!(status(&g, "R-1"), "partial");
    assert_eq!(
        outputs(&g, "uc", "ship").len(),
        1,
        "no confirmation for rejected shipments"
    );

    // The rest in two packages, by CSV: two tracking numbers, two rows.
    let rest = "cust_ref,carrier,method,tracking_no,date,item,quantity\r\nR-1,UPS,Ground,1ZTWO,2026-11-21T10:00:00-05:00,WH-G1,1\r\nR-1,USPS,First,9400THREE,2026-11-21T10:00:00-05:00,S2,1\r\n";
    let mut r = rest.as_bytes();
    wh.put_file("/in/shipment-2.csv", &mut r).await.unwrap();
    tokio::task::block_in_place(|| wait_status(&g, "R-1", "shipped"));
    tokio::task::block_in_place(|| g.wait_in_empty("wh"));
    let ships = outputs(&g, "uc", "ship");
    assert_eq!(ships.len(), 2, "{ships:?}");
    let second = &ships.iter().find(|(n, _)| n != name).unwrap().1;
    assert!(
        second.contains("\"R-1\",\"11/21/2026\",\"USPS: First Class\",\"1ZTWO\"\r\n"),
        "{second}"
    );
    assert!(second.contains("\"9400THREE\""), "{second}");
    wh.quit().await.unwrap();

    // The cart takes its confirmations: confirmed once it has taken every one.
    let mut uc = ftp_login(&g, "uc", CART_PASSWORD).await;
    uc.rm(format!("/out/{}", ships[0].0)).await.unwrap();
    tokio::task::block_in_place(|| {
        wait_for(30, "the first confirmation recorded as taken", || {
            show(&g, "R-1")["history"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["event"].as_str().unwrap().contains("took out/ship"))
        })
    });
    assert_eq!(status(&g, "R-1"), "shipped", "one confirmation still waits");
    uc.rm(format!("/out/{}", ships[1].0)).await.unwrap();
    uc.quit().await.unwrap();
    tokio::task::block_in_place(|| wait_status(&g, "R-1", "confirmed"));
    let shown = show(&g, "R-1");
    assert_eq!(shown["cust_po_no"], "R-1");
    assert!(shown["history"].as_array().unwrap().len() >= 6, "{shown}");
}

#[test]
fn inventory_goes_to_every_cart_through_its_own_aliases() {
    if missing("curl") {
        return;
    }
    let extra = format!(
        "\n[[partner]]\nname = \"uc3\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword_hash = \"{}\"\nwarehouse = \"wh\"\nsku_aliases = {{ \"CART-B\" = \"WH-1\" }}\n",
        wharf::config::hash_password("uc3-pass").unwrap()
    );
    let g = Gateway::start_with("sku_aliases = { \"CART-A\" = \"WH-1\" }", &extra);
    drop_in(
        &g,
        "wh",
        "inventory-today.csv",
        "sku,qty_available,qty_on_hand\r\nWH-1,5,7\r\nWH-2,0,0\r\n",
    );
    wait_for(30, "inventory files for the three carts", || {
        ["uc", "uc2", "uc3"]
            .iter()
            .all(|c| !outputs(&g, c, "inv").is_empty())
    });
    let inv = |c: &str| outputs(&g, c, "inv").remove(0).1;
    assert_eq!(
        inv("uc"),
        "\"Item ID\",\"Quantity\"\r\n\"CART-A\",\"5\"\r\n\"WH-2\",\"0\"\r\n"
    );
    assert_eq!(
        inv("uc3"),
        "\"Item ID\",\"Quantity\"\r\n\"CART-B\",\"5\"\r\n\"WH-2\",\"0\"\r\n"
    );
    assert_eq!(
        inv("uc2"),
        "\"Item ID\",\"Quantity\"\r\n\"WH-1\",\"5\"\r\n\"WH-2\",\"0\"\r\n"
    );
    g.wait_in_empty("wh");
    assert!(g.files("wh", "error").is_empty());
}

#[test]
fn an_unmapped_ship_method_is_rejected_then_goes_on_after_a_config_fix_and_requeue() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start_with("ship_methods = { \"UPS: Ground\" = \"UPS_GND\" }", "");
    drop_in(
        &g,
        "uc",
        "m.xml",
        &uc_export(&[
            uc_order("M-1", "SD", &[("S", 1, "1.00")], "1.00"),
            uc_order("M-2", "SD", &[("S", 1, "1.00")], "1.00")
                .replace("USPS: First Class", "UPS: Ground"),
        ]),
    );
    g.wait_file(&g.home("wh").join("out/order_M-2.json"));
    let report = g.home("uc").join("error/m.xml.error.txt");
    g.wait_file(&report);
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("USPS: First Class")
    );
    g.wait_in_empty("uc");
    assert_eq!(status(&g, "M-1"), "error");
    // The operator maps the method, restarts, and requeues the archived file.
    let cfg = std::fs::read_to_string(&g.config).unwrap().replace(
        "ship_methods = { \"UPS: Ground\" = \"UPS_GND\" }",
        "ship_methods = { \"UPS: Ground\" = \"UPS_GND\", \"USPS: First Class\" = \"USPS_FC\" }",
    );
    std::fs::write(&g.config, cfg).unwrap();
    assert!(g.terminate().success());
    g.spawn();
    let archived = g.files("uc", "archive");
    assert_eq!(
        archived.len(),
        1,
        "a file with rejected orders is archived: {archived:?}"
    );
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .arg("requeue")
        .arg(g.home("uc").join("archive").join(&archived[0])));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let order_file = g.home("wh").join("out/order_M-1.json");
    g.wait_file(&order_file);
    let o: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&order_file).unwrap()).unwrap();
    assert_eq!(o["ship_code"], "USPS_FC");
    assert_eq!(o["ship_code_description"], "USPS: First Class");
    assert_eq!(status(&g, "M-1"), "new");
    // The order that went on the first time is absorbed, not sent twice.
    g.wait_in_empty("uc");
    assert_eq!(outputs(&g, "wh", "order_M-2").len(), 1);
    let history = show(&g, "M-2")["history"].clone();
    assert!(
        history.to_string().contains("identical re-send absorbed"),
        "{history}"
    );
}

#[test]
fn over_sftp_the_cart_taking_its_confirmation_confirms_the_order() {
    if missing("sshpass") || missing("sftp") {
        return;
    }
    let s = SftpGateway::start();
    std::fs::write(s.g.home("uc").join("in/o.xml"), uc_sd("R-9")).unwrap();
    s.g.wait_file(&s.g.home("wh").join("out/order_R-9.json"));
    let ship = s.g.dir.path().join("shipment-9.json");
    std::fs::write(
        &ship,
        r#"{"cust_ref":"R-9","shipments":[{"tracking_no":"1ZSFTP"}]}"#,
    )
    .unwrap();
    let out = s.sftp_password(
        "wh",
        WH_PASSWORD,
        &format!(
            "rm /out/order_R-9.json\nput {} /in/shipment-9.json\n",
            ship.display()
        ),
    );
    assert!(out.status.success(), "{}", text(&out));
    wait_status(&s.g, "R-9", "shipped");
    // The status is recorded before the confirmation is written; the input moves last.
    s.g.wait_in_empty("wh");
    let name = outputs(&s.g, "uc", "ship").remove(0).0;
    let out = s.sftp_password(
        "uc",
        CART_PASSWORD,
        &format!(
            "get /out/{name} {}\nrm /out/{name}\n",
            s.g.dir.path().join("got.csv").display()
        ),
    );
    assert!(out.status.success(), "{}", text(&out));
    wait_status(&s.g, "R-9", "confirmed");
}
