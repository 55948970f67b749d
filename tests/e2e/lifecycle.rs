//! The order life cycle seen through `wharf orders`, while the server runs: sent orders are
//! `new`, the warehouse deleting its file (over FTP or SFTP) makes them `at_wms`, skipped
//! orders stay visible.

use super::support::*;
use std::process::Command;

fn orders(g: &Gateway, args: &[&str]) -> (i32, String) {
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["orders", "--config"])
        .arg(&g.config)
        .args(args));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn status_of(g: &Gateway, cust_ref: &str) -> String {
    let (code, text) = orders(g, &["show", cust_ref]);
    assert_eq!(code, 0, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["order_status"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_warehouse_taking_its_file_over_ftp_makes_the_order_at_wms() {
    let g = Gateway::start();
    let body = uc_export(&[
        uc_order("L-1", "SD", &[("S", 1, "1.00")], "1.00"),
        uc_order("L-2", "AR", &[("S", 1, "1.00")], "1.00"),
    ]);
    let mut ftp = ftp_login(&g, "uc", CART_PASSWORD).await;
    let mut r = body.as_bytes();
    ftp.put_file("/in/l.xml", &mut r).await.unwrap();
    ftp.quit().await.unwrap();
    g.wait_file(&g.home("wh").join("out/order_L-1.json"));
    g.wait_in_empty("uc");

    let (code, list) = tokio::task::block_in_place(|| orders(&g, &["list"]));
    assert_eq!(code, 0, "{list}");
    assert!(
        list.starts_with("cust_ref\tsource\tcust_po_no\tstatus\torder_date\n"),
        "{list}"
    );
    assert!(
        list.contains("L-1\tuc\tL-1\tnew\t2025-12-17T08:37:38-05:00"),
        "{list}"
    );
    assert!(
        list.contains("L-2\tuc\tL-2\tskipped"),
        "skipped orders stay visible: {list}"
    );
    let (_, only_new) = tokio::task::block_in_place(|| orders(&g, &["list", "--status", "new"]));
    assert!(
        only_new.contains("L-1") && !only_new.contains("L-2"),
        "{only_new}"
    );

    let mut wh = ftp_login(&g, "wh", WH_PASSWORD).await;
    assert!(
        !ftp_get(&mut wh, "/out/order_L-1.json")
            .await
            .unwrap()
            .is_empty()
    );
    wh.rm("/out/order_L-1.json").await.unwrap();
    wh.quit().await.unwrap();
    tokio::task::block_in_place(|| {
        wait_for(30, "L-1 to be at_wms", || status_of(&g, "L-1") == "at_wms")
    });
    let (_, shown) = tokio::task::block_in_place(|| orders(&g, &["show", "L-1"]));
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["cust_po_no"], "L-1");
    let history = v["history"].as_array().unwrap();
    assert!(
        history.iter().any(|h| h["event"]
            .as_str()
            .unwrap()
            .contains("took out/order_L-1.json")),
        "{shown}"
    );
    assert!(history.iter().all(|h| h["time"].is_string()), "{shown}");
    let (code, text) = tokio::task::block_in_place(|| orders(&g, &["show", "NOPE-9"]));
    assert_eq!(code, 1, "{text}");
}

#[test]
fn the_warehouse_taking_its_file_over_sftp_makes_the_order_at_wms() {
    if missing("sshpass") || missing("sftp") {
        return;
    }
    let s = SftpGateway::start();
    std::fs::write(s.g.home("uc").join("in/o.xml"), uc_sd("L-3")).unwrap();
    s.g.wait_file(&s.g.home("wh").join("out/order_L-3.json"));
    assert_eq!(status_of(&s.g, "L-3"), "new");
    let out = s.sftp_password("wh", WH_PASSWORD, "rm /out/order_L-3.json\n");
    assert!(out.status.success(), "{}", text(&out));
    wait_for(30, "L-3 to be at_wms", || {
        status_of(&s.g, "L-3") == "at_wms"
    });
}

/// The warehouse deletes its file over FTP and the server is killed before the acknowledgment
/// is recorded (held by a debug fault request): the next start finds the file gone from `out/`
/// and records the order `at_wms`, saying so in its history.
#[tokio::test(flavor = "multi_thread")]
async fn a_taking_whose_acknowledgment_a_crash_lost_is_found_at_the_next_start() {
    let mut g = Gateway::start();
    let mut ftp = ftp_login(&g, "uc", CART_PASSWORD).await;
    let body = uc_sd("K-1");
    let mut r = body.as_bytes();
    ftp.put_file("/in/k.xml", &mut r).await.unwrap();
    ftp.quit().await.unwrap();
    g.wait_file(&g.home("wh").join("out/order_K-1.json"));
    g.wait_in_empty("uc");
    tokio::task::block_in_place(|| {
        wait_for(30, "the plan to be settled", || {
            g.files("uc", "archive").len() == 1
        });
        g.terminate();
        g.env
            .push(("WHARF_TEST_HOLD_ACK_MS".into(), "600000".into()));
        g.spawn();
    });

    let mut wh = ftp_login(&g, "wh", WH_PASSWORD).await;
    wh.rm("/out/order_K-1.json").await.unwrap();
    wh.quit().await.unwrap();
    tokio::task::block_in_place(|| {
        wait_for(30, "the acknowledgment to be held", || {
            g.log_text().contains("holding the acknowledgment")
        });
        assert_eq!(status_of(&g, "K-1"), "new", "not recorded yet");
        g.kill9();
        g.env.clear();
        g.spawn();
        assert_eq!(status_of(&g, "K-1"), "at_wms");
        let (_, shown) = orders(&g, &["show", "K-1"]);
        assert!(
            shown.contains("took out/order_K-1.json (found taken at start-up)"),
            "{shown}"
        );
        assert!(
            g.log_text().contains("deliveries found taken at start-up"),
            "one line per partner in the log"
        );
    });
}
