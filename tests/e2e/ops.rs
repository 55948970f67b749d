//! Operating Wharf over HTTP: `/healthz`, `/metrics`, the console's login wall and CSRF
//! check, console lockout, JSON logs, configuration checks, and the systemd unit.

use super::ops_support::*;
use super::support::*;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn healthz_is_ok_while_running_and_503_during_shutdown() {
    let mut o = Ops::start("", "");
    let (status, body) = o.get("/healthz");
    assert_eq!((status, body.as_str()), (200, "ok\n"));

    // Keep an upload open so the shutdown waits (shutdown_grace = 2s) while we ask.
    let url = o.g.url("uc", CART_PASSWORD, "/in/slow.xml");
    let mut slow = Command::new("curl")
        .args(["-sS", "--ftp-pasv", "--limit-rate", "1K", "-T", "-", &url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        slow.stdin
            .as_mut()
            .unwrap()
            .write_all(&[b'x'; 512])
            .unwrap();
    }
    wait_for(10, "the upload to start", || {
        o.g.home("uc").join("in/slow.xml").exists()
    });
    let pid = o.g.child.as_ref().unwrap().id();
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    let mut seen = None;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let (status, body) = o.get("/healthz");
        if status == 503 {
            seen = Some(body);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let body = seen.expect("/healthz answered 503 during the shutdown");
    assert!(body.contains("shutting down"), "{body}");
    let _ = slow.kill();
    let _ = slow.wait();
    let st = o.g.wait_exit(30);
    assert!(st.success(), "{st}");
}

#[test]
fn metrics_move_with_an_upload_a_rejection_and_a_failed_login() {
    let o = Ops::start("", "");
    let before = o.metrics();
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/good.xml"),
        uc_sd("M-1").as_bytes(),
    );
    assert!(out.status.success(), "{out:?}");
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/bad.xml"),
        b"<export><order>",
    );
    assert!(out.status.success(), "{out:?}");
    let failed = curl_get(&o.g.url("uc", "wrong-password", "/in/"));
    assert!(!failed.status.success());
    o.g.wait_in_empty("uc");
    o.g.error_report("uc", "bad.xml");
    let mut after = o.metrics();
    wait_for(10, "the settled files to be counted", || {
        after = o.metrics();
        value(&after, "wharf_pipeline_seconds_count") >= 2.0
    });
    let delta = |s: &str| value(&after, s) - value(&before, s);
    assert_eq!(delta("wharf_uploads_total{protocol=\"ftp\"}"), 2.0);
    assert!(delta("wharf_upload_bytes_total{protocol=\"ftp\"}") > 100.0);
    assert_eq!(
        delta("wharf_logins_total{protocol=\"ftp\",result=\"bad_password\"}"),
        1.0
    );
    assert!(delta("wharf_logins_total{protocol=\"ftp\",result=\"ok\"}") >= 2.0);
    assert_eq!(
        delta("wharf_files_processed_total{partner=\"uc\",outcome=\"archived\"}"),
        1.0
    );
    assert_eq!(
        delta("wharf_files_processed_total{partner=\"uc\",outcome=\"rejected\"}"),
        1.0
    );
    assert_eq!(value(&after, "wharf_orders{status=\"new\"}"), 1.0);
    assert_eq!(value(&after, "wharf_error_files{partner=\"uc\"}"), 1.0);
    assert_eq!(value(&after, "wharf_error_files{partner=\"wh\"}"), 0.0);
    assert_eq!(value(&after, "wharf_pipeline_seconds_count"), 2.0);
    let last = value(&after, "wharf_partner_last_file_seconds{partner=\"uc\"}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - last).abs() < 120.0, "{last} vs {now}");
    assert_eq!(value(&after, "wharf_sessions{protocol=\"ftp\"}"), 0.0);
}

/// Every console page, asked without a session, answers the login page.
#[test]
fn every_console_page_without_a_session_gets_the_login_page() {
    let o = Ops::start("", "");
    let out = curl_upload(&o.g.url("uc", CART_PASSWORD, "/in/bad.xml"), b"<export>");
    assert!(out.status.success());
    o.g.error_report("uc", "bad.xml");
    for path in [
        "/",
        "/orders",
        "/orders?status=new",
        "/orders/ANY-REF",
        "/errors",
        "/error?partner=uc&file=bad.xml",
        "/error/download?partner=uc&file=bad.xml",
        "/alerts",
    ] {
        let (status, body) = o.get(path);
        assert_eq!(status, 401, "{path}");
        assert!(
            body.contains("action=\"/login\"") && body.contains("name=\"password\""),
            "{path}: {body}"
        );
        assert!(
            !body.contains("Requeue") && !body.contains("<pre"),
            "{path} leaked content"
        );
    }
    for path in ["/requeue", "/logout"] {
        let (status, body) = curl_http(&["-d", "partner=uc&file=bad.xml&csrf=x", &o.url(path)]);
        assert_eq!(status, 401, "{path}");
        assert!(body.contains("action=\"/login\""), "{path}");
    }
    assert!(
        o.g.home("uc").join("error/bad.xml").exists(),
        "nothing requeued"
    );
    // A wrong password gets the login page again, and no session.
    assert_eq!(o.login("not-the-password"), 401);
    assert_eq!(o.get_in("/").0, 401);
    assert_eq!(o.login(ADMIN_PASSWORD), 303);
    let (status, body) = o.get_in("/");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Dashboard") && body.contains(">uc<"),
        "{body}"
    );
}

/// The requeue form without its CSRF token (or with another) is refused and moves nothing;
/// with it, the file goes back to in/ and is processed again.
#[test]
fn a_post_without_the_csrf_token_is_refused() {
    let o = Ops::start("", "");
    let out = curl_upload(&o.g.url("uc", CART_PASSWORD, "/in/bad.xml"), b"<export>");
    assert!(out.status.success());
    let first = o.g.error_report("uc", "bad.xml");
    assert_eq!(o.login(ADMIN_PASSWORD), 303);
    let (status, page) = o.get_in("/error?partner=uc&file=bad.xml");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("not well-formed") || page.contains("reason:"),
        "{page}"
    );
    let token = csrf_of(&page);
    for fields in [
        vec![("partner", "uc"), ("file", "bad.xml")],
        vec![("partner", "uc"), ("file", "bad.xml"), ("csrf", "forged")],
    ] {
        let (status, body) = o.post_in("/requeue", &fields);
        assert_eq!(status, 403, "{fields:?}: {body}");
        assert!(body.contains("CSRF"), "{body}");
        assert!(o.g.home("uc").join("error/bad.xml").exists());
    }
    let (status, _) = o.post_in("/logout", &[]);
    assert_eq!(status, 403, "logout needs the token too");
    let (status, _) = o.post_in(
        "/requeue",
        &[("partner", "uc"), ("file", "bad.xml"), ("csrf", &token)],
    );
    assert_eq!(status, 303);
    // Processed again: rejected again, with a fresh report.
    wait_for(30, "a fresh report", || {
        std::fs::read_to_string(o.g.home("uc").join("error/bad.xml.error.txt"))
            .is_ok_and(|r| r != first)
    });
    let (_, errors) = o.get_in("/errors");
    assert!(errors.contains("bad.xml"), "{errors}");
    // The download is the input as received.
    let (status, body) = o.get_in("/error/download?partner=uc&file=bad.xml");
    assert_eq!((status, body.as_str()), (200, "<export>"));
    // Paths outside error/ are refused.
    for bad in ["../in/x", "/etc/passwd", "bad.xml.error.txt"] {
        let (status, _) = o.get_in(&format!(
            "/error/download?partner=uc&file={}",
            bad.replace('/', "%2F")
        ));
        assert_eq!(status, 404, "{bad}");
    }
}

#[test]
fn console_logins_are_locked_out_like_partner_logins() {
    let o = Ops::start("lockout_failures = 3", "");
    for _ in 0..3 {
        assert_eq!(o.login("wrong"), 401);
    }
    assert_eq!(o.login(ADMIN_PASSWORD), 429, "locked out");
    assert_eq!(o.get_in("/").0, 401);
    let m = o.metrics();
    assert_eq!(
        value(
            &m,
            "wharf_logins_total{protocol=\"http\",result=\"bad_password\"}"
        ),
        3.0
    );
}

#[test]
fn the_console_pages_show_orders_and_errors() {
    let o = Ops::start("", "");
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/o.xml"),
        uc_sd("FIND-ME-42").as_bytes(),
    );
    assert!(out.status.success());
    o.g.wait_in_empty("uc");
    assert_eq!(o.login(ADMIN_PASSWORD), 303);
    let (_, list) = o.get_in("/orders?q=find-me");
    assert!(list.contains("FIND-ME-42"), "{list}");
    assert!(list.contains("1 orders"), "{list}");
    let (_, none) = o.get_in("/orders?status=shipped&q=find-me");
    assert!(none.contains("0 orders"), "{none}");
    let (status, order) = o.get_in("/orders/FIND-ME-42");
    assert_eq!(status, 200);
    assert!(
        order.contains("&#34;cust_po_no&#34;: &#34;FIND-ME-42&#34;"),
        "{order}"
    );
    assert!(order.contains("History"));
    let (_, dash) = o.get_in("/");
    assert!(dash.contains("<svg"), "charts are inline SVG");
    for path in ["/", "/orders", "/errors", "/alerts"] {
        let (status, page) = o.get_in(path);
        assert_eq!(status, 200, "{path}");
        eprintln!(
            "page weight {path}: {} bytes (uncompressed HTML)",
            page.len()
        );
    }
}

#[test]
fn log_format_json_writes_one_object_per_line_with_span_fields() {
    let mut g = Gateway::start();
    g.kill9();
    let text = std::fs::read_to_string(&g.config).unwrap();
    std::fs::write(&g.config, format!("log_format = \"json\"\n{text}")).unwrap();
    std::fs::write(&g.log, "").unwrap();
    g.spawn();
    let out = curl_upload(
        &g.url("uc", CART_PASSWORD, "/in/j.xml"),
        uc_sd("J-1").as_bytes(),
    );
    assert!(out.status.success());
    g.wait_in_empty("uc");
    wait_for(10, "the processed line", || {
        g.log_text().contains("file processed")
    });
    let log = g.log_text();
    let mut processed = None;
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if v["fields"]["message"] == "file processed" {
            processed = Some(v);
        }
    }
    let v = processed.expect("a 'file processed' line");
    assert_eq!(v["span"]["partner"], "uc", "{v}");
    assert_eq!(v["fields"]["outcome"], "archived", "{v}");
}

#[test]
fn check_reports_http_alert_and_smtp_problems_with_lines() {
    let g = Gateway::start();
    let text = std::fs::read_to_string(&g.config).unwrap();
    let bad = format!(
        "log_format = \"yaml\"\n{text}\n[http]\nlisten = \"nowhere\"\n\n[[http.admin]]\nname = \"ops\"\npassword_hash = \"plain\"\n\n[[alert]]\nrule = \"no_file\"\npartner = \"ghost\"\nwithin = \"soon\"\n\n[[alert]]\nrule = \"file_rejected\"\nemail = \"ops@example.com\"\n\n[[alert]]\nrule = \"remote_down\"\npartner = \"uc\"\nfor = \"5m\"\n"
    );
    let path = g.dir.path().join("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["check", "--config"])
        .arg(&path));
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let n = text.lines().count();
    for needle in [
        ":1: `log_format` \"yaml\"",
        "[http]: `listen` \"nowhere\" is not IP:PORT",
        "`password_hash` is not a valid argon2",
        "no partner is named \"ghost\"",
        "`within`: invalid duration",
        "`email` needs an [smtp] table",
        "has no [partner.remote]",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(
        text.lines().all(|l| l.contains("bad.toml:")),
        "FILE:LINE on each of {n} lines:\n{text}"
    );
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    if missing("systemd-analyze") {
        return;
    }
    let unit = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/wharf.service"),
    )
    .unwrap();
    for key in [
        "User=wharf",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/wharf",
        "NoNewPrivileges=yes",
        "KillSignal=SIGTERM",
    ] {
        assert!(unit.lines().any(|l| l == key), "{key}");
    }
    // verify also checks that ExecStart's program exists: point it at the binary under test.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wharf.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/wharf", env!("CARGO_BIN_EXE_wharf")),
    )
    .unwrap();
    let out = run(Command::new("systemd-analyze").arg("verify").arg(&path));
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The orders page over 100,000 orders in the store: the first page, a status filter, a text
/// search (a full scan of the summaries), a partner filter and a deep page, timed through the
/// real server with curl (best of five), with each page's weight as sent (gzip) and unpacked.
/// Every list is paginated: no page holds more than 50 orders.
///
/// `cargo test --test tests orders_page_with_100k -- --ignored --nocapture`; for the figure of
/// an optimised server, `cargo build --release --bin wharf` and set
/// `WHARF_BIN=target/release/wharf` (then each page must answer within 200 ms).
#[test]
#[ignore = "fills a store with 100,000 orders (about a minute); run by hand for the figure"]
fn orders_page_with_100k_orders_renders_quickly() {
    use wharf::model::{Order, OrderStatus};
    use wharf::store::{HistoryEntry, OrderRecord, Store};
    let mut o = Ops::start("", "");
    o.g.kill9();
    let store = Store::open(&o.g.data().join("wharf.redb")).unwrap();
    let statuses = [
        OrderStatus::New,
        OrderStatus::AtWms,
        OrderStatus::Shipped,
        OrderStatus::Confirmed,
    ];
    let t = Instant::now();
    for chunk in 0..10 {
        store
            .write(|txn| {
                for i in chunk * 10_000..(chunk + 1) * 10_000 {
                    let no = format!("{:07}", i);
                    txn.put_order(&OrderRecord {
                        source: if i % 2 == 0 { "uc" } else { "uc2" }.into(),
                        order_no: no.clone(),
                        cust_ref: format!("C-{no}"),
                        status: statuses[i % 4],
                        content_hash: String::new(),
                        reason: None,
                        order: Some(Order {
                            cust_po_no: no.clone(),
                            ship_first_name: Some(format!("First{}", i % 977)),
                            ship_last_name: Some(format!("Last{}", i % 1013)),
                            ..Default::default()
                        }),
                        history: vec![HistoryEntry::now("sent", "in/x.xml")],
                        confirmations: vec![],
                        shipped: Default::default(),
                        shipments: vec![],
                        canceled: Default::default(),
                    })?;
                }
                Ok(())
            })
            .unwrap();
    }
    drop(store);
    eprintln!("filled 100,000 orders in {:?}", t.elapsed());
    o.g.spawn();
    o.wait_http();
    assert_eq!(o.login(ADMIN_PASSWORD), 303);
    let jar = o.jar();
    let release = std::env::var_os("WHARF_BIN").is_some();
    let curl = |path: &str, compressed: bool| -> (f64, u64) {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "-o", "/dev/null", "-b", jar.to_str().unwrap()])
            .args(["-w", "%{http_code} %{time_total} %{size_download}"]);
        if compressed {
            cmd.arg("--compressed");
        }
        let out = run(cmd.arg(o.url(path)));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut f = text.split(' ');
        assert_eq!(f.next(), Some("200"), "{path}: {text}");
        let time = f.next().unwrap().parse::<f64>().unwrap();
        (time, f.next().unwrap().parse().unwrap())
    };
    let (_, css) = curl("/static/console.css", false);
    let (_, css_gz) = curl("/static/console.css", true);
    eprintln!("/static/console.css: {css} bytes ({css_gz} gzip); no script, no image");
    for path in [
        "/",
        "/orders",
        "/orders?status=shipped",
        "/orders?q=last1012",
        "/orders?q=C-0099999",
        "/orders?partner=uc2&status=at_wms",
        "/orders?page=1500",
    ] {
        let best = (0..5).map(|_| curl(path, false).0).fold(f64::MAX, f64::min);
        let (_, size) = curl(path, false);
        let (_, wire) = curl(path, true);
        eprintln!(
            "{path}: {:.1} ms, {size} bytes ({wire} gzip)",
            best * 1000.0
        );
        if path.starts_with("/orders") {
            let (_, body) = o.get_in(path);
            let rows = body.matches("href=\"/orders/").count();
            assert!((1..=50).contains(&rows), "{path}: {rows} order links");
        }
        let limit = if release { 0.2 } else { 2.0 };
        assert!(best < limit, "{path} took {best} s");
    }
}
