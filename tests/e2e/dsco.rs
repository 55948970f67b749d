//! DSCO end to end: a purchase order file in, canonical orders to the warehouse, shipments
//! back as DSCO `Shipment_` and `Invoice_` files, the order confirmed when DSCO takes its
//! shipment file; inventory out as `Inventory_`.

use super::support::*;
use std::process::Command;

/// The DSCO cart's password.
pub(super) const DSCO_PASSWORD: &str = "ds-pass";

/// The DSCO cart `ds`, routed to `wh` (TOML to append to the configuration).
pub(super) fn dsco_partner() -> String {
    format!(
        "\n[[partner]]\nname = \"ds\"\nrole = \"cart\"\nformat = \"dsco\"\npassword_hash = \"{}\"\nwarehouse = \"wh\"\n",
        wharf::config::hash_password(DSCO_PASSWORD).unwrap()
    )
}

const PO: &str = "\u{feff}line_item_title,po_number,extra_column,consumer_order_date,ship_first_name,ship_last_name,ship_address_1,ship_city,ship_region,ship_postal,ship_country,ship_carrier,ship_method,line_item_line_number,line_item_sku,line_item_quantity,line_item_expected_cost,dsco_order_id\r\n\
\"Mug, \"\"large\"\"\",PO-77,x,2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,1,MUG-1,3,19.99,9001\r\n\
\"Plate\nwith a newline\",PO-77,y,2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,2,PLATE-2,1,5.00,9001\r\n";

fn status(g: &Gateway, r: &str) -> String {
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["orders", "--config"])
        .arg(&g.config)
        .args(["show", r]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v["order_status"].as_str().unwrap_or("").to_string()
}

#[test]
fn a_dsco_order_goes_to_the_warehouse_and_comes_back_shipped_invoiced_and_confirmed() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with("", &dsco_partner());
    let url = |p: &str, pw: &str, path: &str| g.url(p, pw, path);
    assert!(
        curl_upload(
            &url("ds", "ds-pass", "in/Purchase_Order_20261120.csv"),
            PO.as_bytes()
        )
        .status
        .success()
    );
    let order_file = g.home("wh").join("out/order_PO-77.json");
    g.wait_file(&order_file);
    let o: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&order_file).unwrap()).unwrap();
    assert_eq!(o["order_source"], "ds");
    assert_eq!(o["refs"]["dsco_order_id"], "9001");
    assert_eq!(o["items"][0]["unit_cost"], "19.99");
    assert_eq!(o["items"][1]["description"], "Plate\nwith a newline");

    let ship = r#"{"cust_ref":"PO-77","shipments":[{"carrier":"UPS","method":"Ground","tracking_no":"1ZDSCO","date":"2026-11-21T09:00:00-05:00"}]}"#;
    assert!(
        curl_upload(
            &url("wh", WH_PASSWORD, "in/shipment-77.json"),
            ship.as_bytes()
        )
        .status
        .success()
    );
    wait_for(30, "PO-77 shipped", || status(&g, "PO-77") == "shipped");
    g.wait_in_empty("wh");
    let out = g.files("ds", "out");
    let shipment = out
        .iter()
        .find(|f| f.starts_with("Shipment_"))
        .expect("a Shipment_ file");
    let invoice = out
        .iter()
        .find(|f| f.starts_with("Invoice_"))
        .expect("an Invoice_ file");
    let s = std::fs::read_to_string(g.home("ds").join("out").join(shipment)).unwrap();
    assert!(s.starts_with("po_number,package_tracking_number,package_ship_carrier,package_ship_method,package_ship_date,line_item_line_number,line_item_sku,line_item_quantity"), "{s}");
    assert!(
        s.contains("PO-77,1ZDSCO,UPS,Ground,")
            && s.contains(",1,MUG-1,3")
            && s.contains(",2,PLATE-2,1"),
        "{s}"
    );
    let inv = std::fs::read_to_string(g.home("ds").join("out").join(invoice)).unwrap();
    assert!(inv.contains("64.97"), "3 x 19.99 + 5.00 = 64.97: {inv}");

    // DSCO takes its shipment file: confirmed (the invoice does not count).
    let out = run(Command::new("curl")
        .args(["-sS", "-Q", &format!("DELE /out/{shipment}")])
        .arg(url("ds", "ds-pass", "")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for(30, "PO-77 confirmed", || status(&g, "PO-77") == "confirmed");

    assert!(
        curl_upload(
            &url("wh", WH_PASSWORD, "in/inventory-1.csv"),
            b"sku,qty_available\nMUG-1,4\nPLATE-2,0\n"
        )
        .status
        .success()
    );
    wait_for(30, "an Inventory_ file for DSCO", || {
        g.files("ds", "out")
            .iter()
            .any(|f| f.starts_with("Inventory_"))
    });
    let f = g
        .files("ds", "out")
        .into_iter()
        .find(|f| f.starts_with("Inventory_"))
        .unwrap();
    let text = std::fs::read_to_string(g.home("ds").join("out").join(f)).unwrap();
    assert!(
        text.contains("MUG-1,4,in-stock") && text.contains("PLATE-2,0,out-of-stock"),
        "{text}"
    );
}

#[test]
fn a_dsco_file_missing_a_required_column_is_rejected_naming_it() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with("", &dsco_partner());
    let bad = "po_number,line_item_sku\nPO-1,SKU\n";
    assert!(
        curl_upload(
            &g.url("ds", "ds-pass", "in/Purchase_Order_2.tab"),
            bad.replace(',', "\t").as_bytes()
        )
        .status
        .success()
    );
    let report = g.home("ds").join("error/Purchase_Order_2.tab.error.txt");
    g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("line_item_quantity"), "{text}");
}

#[test]
fn over_sftp_a_psv_file_with_one_bad_po_sends_the_others_and_reports_row_and_column() {
    if missing("sshpass") || missing("sftp") {
        return;
    }
    let s = SftpGateway::start_with_partners("", "", &dsco_partner(), "");
    let psv = "retailer_create_date|line_item_quantity|po_number|dsco_create_date|line_item_sku|channel|line_item_expected_cost\n\
2026-11-20T10:00:00Z|2|PO-A|2026-11-20T10:00:00Z|SKU-A|web|1.50\n\
2026-11-20T10:00:00Z|two|PO-B|2026-11-20T10:00:00Z|SKU-B|web|1.50\n\
2026-11-20T10:00:00Z|1|PO-C|2026-11-20T10:00:00Z|SKU-C|web|2.00\n";
    let local = s.g.dir.path().join("Purchase_Order_3.psv");
    std::fs::write(&local, psv).unwrap();
    let out = s.sftp_password(
        "ds",
        "ds-pass",
        &format!("put {} /in/Purchase_Order_3.psv\n", local.display()),
    );
    assert!(out.status.success(), "{}", text(&out));
    s.g.wait_file(&s.g.home("wh").join("out/order_PO-A.json"));
    s.g.wait_file(&s.g.home("wh").join("out/order_PO-C.json"));
    let report = s.g.home("ds").join("error/Purchase_Order_3.psv.error.txt");
    s.g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        text.contains("PO-B") && text.contains("row 3, column line_item_quantity"),
        "{text}"
    );
    assert!(!s.g.home("wh").join("out/order_PO-B.json").exists());
}

/// A DSCO order file with every real column name shuffled (plus extra ones), `pos` POs of two
/// lines each, as `.tab` with a BOM and a quoted newline: what a real export looks like.
fn generated_tab(seed: u64, pos: usize) -> String {
    let mut names: Vec<String> = include_str!("../../fixtures/dsco/order-columns.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    names.extend((0..20).map(|i| format!("new_column_{i}")));
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in (1..names.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        names.swap(i, j);
    }
    let value = |col: &str, po: usize, line: usize| -> String {
        match col {
            "po_number" => format!("GEN-{po}"),
            "line_item_line_number" => format!("{line}"),
            "line_item_sku" => format!("SKU-{po}-{line}"),
            "line_item_quantity" => format!("{}", line + 1),
            "line_item_expected_cost" => "3.25".into(),
            "line_item_title" => "Two\nlines".into(),
            "consumer_order_date" | "retailer_create_date" | "dsco_create_date" => {
                "2026-11-20T10:00:00-05:00".into()
            }
            "ship_country" | "bill_to_country" => "US".into(),
            "test_flag" => "0".into(),
            c if c.contains("date") => "2026-11-22T10:00:00-05:00".into(),
            c if c.contains("cost") || c.contains("price") || c.contains("amount") => "1.00".into(),
            c if c.contains("quantity") || c.contains("number_of") => "1".into(),
            _ => "x".into(),
        }
    };
    let quote = |v: String| {
        if v.contains('\n') {
            format!("\"{v}\"")
        } else {
            v
        }
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&names.join("\t"));
    out.push_str("\r\n");
    for po in 0..pos {
        for line in 1..=2 {
            let row: Vec<String> = names.iter().map(|c| quote(value(c, po, line))).collect();
            out.push_str(&row.join("\t"));
            out.push_str("\r\n");
        }
    }
    out
}

#[test]
fn generated_exports_with_shuffled_real_headers_arrive_whole_over_sftp() {
    if missing("sshpass") || missing("sftp") {
        return;
    }
    let s = SftpGateway::start_with_partners("", "", &dsco_partner(), "");
    let mut puts = String::new();
    for seed in [7u64, 99, 12345] {
        let local = s.g.dir.path().join(format!("Purchase_Order_{seed}.tab"));
        std::fs::write(
            &local,
            generated_tab(seed, 3).replace("GEN-", &format!("GEN{seed}-")),
        )
        .unwrap();
        puts.push_str(&format!(
            "put {} /in/Purchase_Order_{seed}.tab\n",
            local.display()
        ));
    }
    let out = s.sftp_password("ds", "ds-pass", &puts);
    assert!(out.status.success(), "{}", text(&out));
    wait_for(30, "nine orders at the warehouse", || {
        s.g.files("wh", "out").len() == 9
    });
    s.g.wait_in_empty("ds");
    assert!(
        s.g.files("ds", "error").is_empty(),
        "{:?}",
        s.g.files("ds", "error")
    );
    let o: serde_json::Value = serde_json::from_slice(
        &std::fs::read(s.g.home("wh").join("out/order_GEN99-2.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(o["items"].as_array().unwrap().len(), 2);
    assert_eq!(o["items"][1]["item"], "SKU-2-2");
    assert_eq!(o["items"][1]["quantity"], 3);
    assert_eq!(o["items"][0]["description"], "Two\nlines");
    assert_eq!(o["items"][0]["unit_cost"], "3.25");
}
