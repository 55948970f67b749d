//! The command line: check, convert, passwd, and a bad configuration refused at start.

use super::support::*;
use std::io::Write;
use std::process::{Command, Stdio};

fn wharf() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
}

#[test]
fn check_reports_problems_with_file_and_line_and_serve_refuses_to_start() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("bad.toml");
    std::fs::write(&cfg, "data_dir = \"data\"\n[ftp]\nlisten = \"127.0.0.1:0\"\npassive_ports = \"20000-20010\"\n\n[[partner]]\nname = \"Bad Name\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword = \"x\"\nwarehouse = \"nowhere\"\ncolour = \"blue\"\n").unwrap();
    let out = run(wharf().arg("check").arg("--config").arg(&cfg));
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("bad.toml:"), "{text}");
    // serve refuses before it listens on anything: no listener is ever started (it would log
    // "FTP listening" and write the ready file), and it says why.
    let ready = d.path().join("ready.json");
    let serve = run(wharf()
        .arg("serve")
        .arg("--config")
        .arg(&cfg)
        .arg("--ready-file")
        .arg(&ready)
        .env("WHARF_LOG", "debug"));
    let said = String::from_utf8_lossy(&serve.stderr).to_string();
    assert_eq!(serve.status.code(), Some(1), "{said}");
    assert!(
        said.contains("bad.toml:") && said.contains("colour"),
        "{said}"
    );
    assert!(!said.contains("listening"), "{said}");
    assert!(
        !ready.exists(),
        "the ready file is written only once listening"
    );
}

#[test]
fn convert_prints_the_canonical_orders() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("o.xml");
    std::fs::write(
        &f,
        uc_export(&[
            uc_order(
                "12474-201212170837-388136",
                "SD",
                &[("G1", 1, "47.00")],
                "47.00",
            ),
            uc_order("AR-1", "AR", &[("G1", 1, "47.00")], "47.00"),
        ]),
    )
    .unwrap();
    let out = run(wharf().args(["convert", "--format", "ultracart"]).arg(&f));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 1, "only SD orders: {v}");
    let r = arr[0]["cust_ref"].as_str().unwrap();
    assert!(r.len() <= 20 && r.contains("388136"), "{r}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped"));
    std::fs::write(&f, "<export><order>").unwrap();
    assert_eq!(
        run(wharf().args(["convert", "--format", "ultracart"]).arg(&f))
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn passwd_prints_an_argon2id_hash_that_verifies() {
    let mut child = wharf()
        .arg("passwd")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"s3cret\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let hash = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(wharf::config::Credential::Hash(hash.clone()).verify("s3cret"));
    assert!(!wharf::config::Credential::Hash(hash).verify("other"));
}

#[test]
fn sigterm_exits_zero() {
    let mut g = Gateway::start();
    assert!(g.terminate().success());
    assert!(g.log_text().contains("stopped"));
}

#[test]
fn sigterm_during_a_transfer_exits_zero_and_loses_no_completed_file() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start();
    // Completed uploads just before the signal.
    for i in 0..3 {
        let out = curl_upload(
            &g.url("uc", CART_PASSWORD, &format!("in/done{i}.xml")),
            uc_sd(&format!("T{i}")).as_bytes(),
        );
        assert!(out.status.success());
    }
    // A slow upload still running when the signal comes (100 KB/s for 600 KB).
    let slow = g.dir.path().join("slow.xml");
    std::fs::write(&slow, uc_sd("TSLOW") + &"<!-- pad -->\n".repeat(50_000)).unwrap();
    let mut client = Command::new("curl")
        .args(["-sS", "--limit-rate", "100K", "-T"])
        .arg(&slow)
        .arg(g.url("uc", CART_PASSWORD, "in/slow.xml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // And a short one that can finish within the grace period (2 s): 150 KB at 200 KB/s.
    let short = g.dir.path().join("short.xml");
    std::fs::write(&short, uc_sd("TSHORT") + &"<!-- pad -->\n".repeat(12_000)).unwrap();
    let mut short_client = Command::new("curl")
        .args(["-sS", "--limit-rate", "200K", "-T"])
        .arg(&short)
        .arg(g.url("uc", CART_PASSWORD, "in/short.xml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = g.home("uc").join("in/slow.xml");
    let short_partial = g.home("uc").join("in/short.xml");
    wait_for(30, "the slow uploads to start", || {
        [&partial, &short_partial]
            .iter()
            .all(|p| std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false))
    });
    let status = g.terminate();
    let _ = client.kill();
    let _ = client.wait();
    assert!(
        short_client.wait().unwrap().success(),
        "the short transfer finished within the grace period"
    );
    assert!(status.success(), "exit status {status:?}");
    g.spawn();
    g.wait_in_empty("uc");
    for i in 0..3 {
        assert!(
            g.home("wh").join(format!("out/order_T{i}.json")).exists(),
            "completed upload {i} lost"
        );
    }
    assert!(
        !g.home("wh").join("out/order_TSLOW.json").exists(),
        "a cut upload is never an order"
    );
    assert!(
        g.home("wh").join("out/order_TSHORT.json").exists(),
        "the finished transfer was processed"
    );
    assert!(
        g.log_text()
            .contains("aborting the transfers still running"),
        "{}",
        g.log_text()
    );
    assert!(
        g.files("uc", "error")
            .iter()
            .any(|f| f.starts_with("slow.xml")),
        "{:?}",
        g.files("uc", "error")
    );
}

#[test]
fn a_closed_pipe_ends_orders_list_quietly_with_status_0() {
    // `wharf orders list | head`: the reader is gone before the first line is written.
    let d = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = wharf()
        .args(["orders", "list"])
        .current_dir(d.path())
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "quietly: {stderr}");
}
