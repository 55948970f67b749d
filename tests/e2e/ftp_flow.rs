//! Orders flow end to end over FTP: upload → canonical JSON in the warehouse outbox, inputs
//! archived or rejected with a report, re-sends absorbed or rejected.

use super::support::*;

fn read_json(p: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn curl_upload_becomes_a_canonical_order_in_the_warehouse_outbox() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let out = curl_upload(
        &g.url("uc", CART_PASSWORD, "in/order-1001.xml"),
        uc_sd("1001").as_bytes(),
    );
    assert!(
        out.status.success(),
        "curl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let target = g.home("wh").join("out/order_1001.json");
    g.wait_file(&target);
    let order = read_json(&target);
    assert_eq!(order["cust_ref"], "1001");
    assert_eq!(order["cust_po_no"], "1001");
    assert_eq!(order["order_source"], "uc");
    assert_eq!(order["order_status"], "new");
    assert_eq!(order["order_date"], "2025-12-17T08:37:38-05:00");
    assert_eq!(order["cust_country"], "US");
    assert_eq!(order["grand_total"], "25.00");
    assert_eq!(order["items"][0]["item"], "SKU-1");
    assert_eq!(order["items"][0]["quantity"], 2);
    assert_eq!(order["items"][0]["price"], "12.50");
    g.wait_in_empty("uc");
    let archived = g.files("uc", "archive");
    assert_eq!(archived.len(), 1, "{archived:?}");
    assert!(archived[0].ends_with("/order-1001.xml"), "{archived:?}");
    let day = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    assert!(
        archived[0].starts_with(&day),
        "archived under the UTC day: {archived:?}"
    );
    // The warehouse downloads its order over FTP.
    let got = curl_get(&g.url("wh", WH_PASSWORD, "out/order_1001.json"));
    assert!(got.status.success());
    assert_eq!(got.stdout, std::fs::read(&target).unwrap());
    wait_for(10, "the processed line in the log", || {
        g.log_text().contains("file processed")
    });
    let log = g.log_text();
    assert!(
        log.contains("login") && log.contains("upload complete") && log.contains("file processed"),
        "{log}"
    );
}

#[test]
fn lftp_upload_into_a_sub_folder_keeps_the_path_in_the_archive() {
    if missing("lftp") {
        return;
    }
    let g = Gateway::start();
    let local = g.dir.path().join("batch.xml");
    std::fs::write(
        &local,
        uc_export(&[
            uc_order("2001", "SD", &[("A", 1, "1.00")], "1.00"),
            uc_order("2002", "AR", &[("B", 1, "2.00")], "2.00"),
            uc_order("2003", "SD", &[("C", 3, "3.00")], "9.00"),
        ]),
    )
    .unwrap();
    let out = lftp(
        &g,
        "uc",
        CART_PASSWORD,
        &format!("mkdir in/batches; cd in/batches; put {}", local.display()),
    );
    assert!(
        out.status.success(),
        "lftp: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    g.wait_file(&g.home("wh").join("out/order_2003.json"));
    g.wait_in_empty("uc");
    assert!(g.home("wh").join("out/order_2001.json").exists());
    assert!(
        !g.home("wh").join("out/order_2002.json").exists(),
        "AR orders are skipped"
    );
    let archived = g.files("uc", "archive");
    assert!(
        archived.iter().any(|a| a.ends_with("/batches/batch.xml")),
        "{archived:?}"
    );
    assert!(
        g.files("uc", "error").is_empty(),
        "skipping is not an error"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rust_ftp_client_uploads_and_the_warehouse_acknowledges_by_deleting() {
    let g = Gateway::start();
    let mut ftp = ftp_login(&g, "uc", CART_PASSWORD).await;
    ftp.cwd("in").await.unwrap();
    let body = uc_sd("3001");
    let mut reader = body.as_bytes();
    ftp.put_file("o.xml", &mut reader).await.unwrap();
    ftp.quit().await.unwrap();
    let target = g.home("wh").join("out/order_3001.json");
    g.wait_file(&target);

    let mut wh = ftp_login(&g, "wh", WH_PASSWORD).await;
    let names = wh.nlst(Some("/out")).await.unwrap();
    assert!(
        names.iter().any(|n| n.ends_with("order_3001.json")),
        "{names:?}"
    );
    wh.rm("/out/order_3001.json").await.unwrap();
    wh.quit().await.unwrap();
    assert!(!target.exists());
}

#[test]
fn a_file_that_is_not_well_formed_goes_to_error_with_line_and_column() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let full = uc_sd("4001");
    let cut = &full[..full.len() / 2];
    assert!(
        curl_upload(&g.url("uc", CART_PASSWORD, "in/cut.xml"), cut.as_bytes())
            .status
            .success()
    );
    let report = g.home("uc").join("error/cut.xml.error.txt");
    g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("file: in/cut.xml"), "{text}");
    assert!(text.contains("rejected"), "{text}");
    let at = regex_line_col(&text);
    assert!(at.is_some(), "report names LINE:COL: {text}");
    // The report is written just before the input moves beside it.
    g.wait_file(&g.home("uc").join("error/cut.xml"));
    assert_eq!(
        std::fs::read(g.home("uc").join("error/cut.xml")).unwrap(),
        cut.as_bytes(),
        "kept unchanged"
    );
    assert!(g.files("wh", "out").is_empty());
    // The same name again gets ~2, beside its own report.
    assert!(
        curl_upload(&g.url("uc", CART_PASSWORD, "in/cut.xml"), b"<export>")
            .status
            .success()
    );
    g.wait_file(&g.home("uc").join("error/cut~2.xml.error.txt"));
    // The report is written just before the input moves beside it.
    g.wait_file(&g.home("uc").join("error/cut~2.xml"));
}

fn regex_line_col(text: &str) -> Option<(u32, u32)> {
    text.split(|c: char| c.is_whitespace()).find_map(|w| {
        let w = w.trim_end_matches(':');
        let (l, c) = w.split_once(':')?;
        Some((l.parse().ok()?, c.parse().ok()?))
    })
}

#[test]
fn identical_resend_is_absorbed_and_a_changed_one_is_rejected() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let url = |n: &str| g.url("uc", CART_PASSWORD, &format!("in/{n}"));
    assert!(
        curl_upload(&url("a.xml"), uc_sd("5001").as_bytes())
            .status
            .success()
    );
    let target = g.home("wh").join("out/order_5001.json");
    g.wait_file(&target);
    g.wait_in_empty("uc");
    // The warehouse takes it, then the cart sends the same order again.
    std::fs::remove_file(&target).unwrap();
    assert!(
        curl_upload(&url("a.xml"), uc_sd("5001").as_bytes())
            .status
            .success()
    );
    wait_for(30, "the re-send archived as a.xml~2", || {
        g.files("uc", "archive")
            .iter()
            .any(|f| f.ends_with("a~2.xml"))
    });
    assert!(
        !target.exists(),
        "an identical re-send is absorbed: no second output"
    );
    assert!(g.files("uc", "error").is_empty());
    // Changed content under the same order number is rejected with the reason.
    let changed = uc_export(&[uc_order("5001", "SD", &[("SKU-1", 3, "12.50")], "37.50")]);
    assert!(
        curl_upload(&url("b.xml"), changed.as_bytes())
            .status
            .success()
    );
    let report = g.home("uc").join("error/b.xml.error.txt");
    g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        text.contains("order 5001") && text.contains("already sent"),
        "{text}"
    );
    assert!(!target.exists());
    // The report is written before the input moves: wait for the move.
    wait_for(30, "the file itself archived", || {
        g.files("uc", "archive")
            .iter()
            .any(|f| f.ends_with("b.xml"))
    });
}

#[test]
fn a_skipped_order_is_processed_afresh_when_it_reaches_the_shipping_stage() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let url = |n: &str| g.url("uc", CART_PASSWORD, &format!("in/{n}"));
    let ar = uc_export(&[uc_order("6001", "AR", &[("X", 1, "5.00")], "5.00")]);
    assert!(curl_upload(&url("ar.xml"), ar.as_bytes()).status.success());
    g.wait_in_empty("uc");
    wait_for(30, "ar.xml archived", || {
        !g.files("uc", "archive").is_empty()
    });
    assert!(g.files("wh", "out").is_empty());
    let sd = uc_export(&[uc_order("6001", "SD", &[("X", 1, "5.00")], "5.00")]);
    assert!(curl_upload(&url("sd.xml"), sd.as_bytes()).status.success());
    g.wait_file(&g.home("wh").join("out/order_6001.json"));
}

#[test]
fn two_carts_with_the_same_order_number_get_distinct_refs() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    assert!(
        curl_upload(
            &g.url("uc", CART_PASSWORD, "in/x.xml"),
            uc_sd("7001").as_bytes()
        )
        .status
        .success()
    );
    g.wait_file(&g.home("wh").join("out/order_7001.json"));
    assert!(
        curl_upload(
            &g.url("uc2", CART2_PASSWORD, "in/x.xml"),
            uc_sd("7001").as_bytes()
        )
        .status
        .success()
    );
    // Outputs are written under a temp name (`.NAME.tmp`) first: count the final names only.
    let outputs = || -> Vec<String> {
        g.files("wh", "out")
            .into_iter()
            .filter(|f| !f.starts_with('.'))
            .collect()
    };
    wait_for(30, "a second order file", || outputs().len() == 2);
    let other = outputs()
        .into_iter()
        .find(|f| f != "order_7001.json")
        .unwrap();
    assert!(other.starts_with("order_7001-"), "{other}");
    let o = read_json(&g.home("wh").join("out").join(&other));
    assert_eq!(o["cust_po_no"], "7001");
    assert_eq!(o["order_source"], "uc2");
}

#[test]
fn an_upload_the_server_knows_failed_goes_to_error_with_reason_and_byte_count() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_custom("max_upload_size = \"4KiB\"", "", "");
    let big = uc_export(&[uc_order("9901", "SD", &[("S", 1, "1.00")], "1.00")])
        + &"<!-- padding -->\n".repeat(1000);
    let out = curl_upload(&g.url("uc", CART_PASSWORD, "in/big.xml"), big.as_bytes());
    assert!(!out.status.success(), "the server refuses the upload");
    let report = g.home("uc").join("error/big.xml.error.txt");
    g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        text.contains("aborted") && text.contains("bytes") && text.contains("max_upload_size"),
        "{text}"
    );
    assert!(g.files("wh", "out").is_empty(), "nothing processed");
    g.wait_in_empty("uc");
}

/// An upload of many chunks (the first up to 1 MiB, then the smaller streaming chunks, the
/// last one partial) lands byte for byte: every byte in its place, none twice, none lost.
#[test]
fn a_multi_chunk_upload_lands_byte_for_byte() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    // Not an order file (it ends in error/, whole); no two 4-byte words alike, so a chunk
    // written twice or in the wrong place shows.
    let content: Vec<u8> = (0u32..(5 << 18) + 77)
        .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
        .collect();
    let out = curl_upload(&g.url("uc", CART_PASSWORD, "in/blob.bin"), &content);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let landed = g.home("uc").join("error/blob.bin");
    g.wait_file(&landed);
    let got = std::fs::read(&landed).unwrap();
    assert_eq!(got.len(), content.len());
    assert!(got == content, "the bytes differ");
}
