//! The console in a real browser: Debian's headless Chromium driven by playwright-core
//! (`tests/browser/console.mjs`). Log in, find an order by its `cust_ref`, open a file in
//! `error/` and read its reason, fix the configuration and restart, press Requeue, and see the
//! file processed; a screenshot of the dashboard is kept under `target/`.

use super::ops_support::*;
use super::support::*;
use std::path::Path;
use std::process::Command;

/// Whether the browser and the driver are there (a failure under CI, a skip elsewhere).
fn browser_ready(dir: &Path) -> bool {
    let chromium = Path::new("/usr/bin/chromium").exists();
    let driver = dir.join("node_modules/playwright-core").exists();
    if chromium && driver {
        return true;
    }
    let why = if chromium {
        "playwright-core is not installed (npm install in tests/browser)"
    } else {
        "/usr/bin/chromium is missing (apt-get install chromium chromium-driver)"
    };
    if std::env::var("CI").is_ok() {
        panic!("{why}: .ci/run installs it");
    }
    eprintln!("skipped: {why}");
    false
}

fn node(dir: &Path, args: &[&str], order: &str) -> serde_json::Value {
    let out = run(Command::new("node")
        .arg(dir.join("console.mjs"))
        .args(args)
        .env("WHARF_ORDER", order)
        .current_dir(dir));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node {args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("the script's JSON")
}

#[test]
fn an_operator_finds_an_order_reads_a_rejection_requeues_it_after_the_fix() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !browser_ready(&dir) {
        return;
    }
    let dtd = Path::new(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd");
    let cart = format!("dtd = \"{}\"\ndtd_mode = \"reject\"", dtd.display());
    let mut o = Ops::start_with("", &cart, "");
    let good = uc_sd("BR-100");
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/good.xml"),
        good.as_bytes(),
    );
    assert!(out.status.success());
    let invalid =
        uc_sd("BR-200").replace("<bill_to_company/>", "<bill_to_company/><bogus>1</bogus>");
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/late.xml"),
        invalid.as_bytes(),
    );
    assert!(out.status.success());
    o.g.error_report("uc", "late.xml");
    o.g.wait_in_empty("uc");

    let base = o.url("");
    let found = node(&dir, &["find", &base, ADMIN, ADMIN_PASSWORD, "BR-100"], "");
    assert_eq!(found["order"]["cust_ref"], "BR-100", "{found}");
    assert_eq!(found["order"]["order_status"], "new", "{found}");
    assert_eq!(found["file"], "late.xml", "{found}");
    let reason = found["reason"].as_str().unwrap();
    assert!(reason.contains("bogus"), "{reason}");

    // The fix: report DTD errors instead of rejecting; restart with it.
    let text = std::fs::read_to_string(&o.g.config).unwrap();
    std::fs::write(
        &o.g.config,
        text.replace("dtd_mode = \"reject\"", "dtd_mode = \"report\""),
    )
    .unwrap();
    o.g.terminate();
    o.g.spawn();
    o.wait_http();

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("console-dashboard.png");
    let _ = std::fs::remove_file(&shot);
    let done = node(
        &dir,
        &[
            "requeue",
            &base,
            ADMIN,
            ADMIN_PASSWORD,
            shot.to_str().unwrap(),
            "late.xml",
        ],
        "BR-200",
    );
    assert_eq!(done["processed"], true, "{done}");
    assert!(!o.g.home("uc").join("error/late.xml").exists());
    assert!(
        o.g.files("uc", "archive")
            .iter()
            .any(|f| f.ends_with("late.xml")),
        "{:?}",
        o.g.files("uc", "archive")
    );
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "a screenshot"
    );
    eprintln!("dashboard screenshot: {}", shot.display());
}
