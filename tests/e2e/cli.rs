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
    let port = free_port();
    std::fs::write(&cfg, format!("data_dir = \"data\"\n[ftp]\nlisten = \"127.0.0.1:{port}\"\npassive_ports = \"50000-50010\"\n\n[[partner]]\nname = \"Bad Name\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword = \"x\"\nwarehouse = \"nowhere\"\ncolour = \"blue\"\n")).unwrap();
    let out = run(wharf().arg("check").arg("--config").arg(&cfg));
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("bad.toml:"), "{text}");
    let serve = run(wharf().arg("serve").arg("--config").arg(&cfg));
    assert_eq!(serve.status.code(), Some(1));
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "listens on nothing"
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
