//! Poison files on the real server: a file nested deep enough to overflow a parser's stack, a
//! file that kills the process while it is processed (debug-build fault injection, see
//! `src/faults.rs`), and a file too large to hold. None of them may take the server down for
//! good: each ends in `error/` with its reason and the server goes on serving.

use super::support::*;
use std::path::PathBuf;

fn dtd() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd")
}

/// `<export>` with `depth` nested `<order>` elements (1,500: 22 KB).
fn nested(depth: usize) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<export>{}{}</export>\n",
        "<order>".repeat(depth),
        "</order>".repeat(depth)
    )
}

/// A good order still flows after the bad files: the server serves.
fn still_serving(g: &Gateway, order: &str) {
    let out = curl_upload(
        &g.url("uc", CART_PASSWORD, &format!("in/{order}.xml")),
        uc_sd(order).as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out));
    g.wait_file(&g.home("wh").join(format!("out/order_{order}.json")));
}

/// 1,500 nested elements under a DTD overflowed the worker's stack: "fatal runtime error:
/// stack overflow, aborting", and again at every start.
#[test]
fn a_deeply_nested_file_is_refused_and_the_server_keeps_serving() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start_with(&format!("dtd = \"{}\"", dtd().display()), "");
    // Under the DTD (validator), and without one (the UltraCart decoder).
    for (partner, pass, depth) in [
        ("uc", CART_PASSWORD, 1_500),
        ("uc2", CART2_PASSWORD, 100_000),
    ] {
        let out = curl_upload(
            &g.url(partner, pass, "in/deep.xml"),
            nested(depth).as_bytes(),
        );
        assert!(out.status.success(), "{}", text(&out));
        let r = g.error_report(partner, "deep.xml");
        assert!(r.contains("nesting deeper than 256"), "{partner}: {r}");
        assert!(r.contains("2:"), "a LINE:COL: {r}");
    }
    still_serving(&g, "AFTER-DEEP");
    let log = g.log_text();
    assert!(!log.contains("overflow"), "{log}");
    assert!(g.terminate().success());
}

/// A file that kills the process while it is decided (as a stack overflow or the OOM killer
/// would) is tried again once, then set aside: the third start serves normally.
#[test]
fn a_file_that_kills_the_server_is_set_aside_after_two_crashes() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start();
    let body = uc_sd("POISON-1").replacen("?>\n", "?>\n<?wharf-test-abort?>\n", 1);
    // The upload itself completes; the process dies while deciding the file (the reply may
    // or may not have left before).
    let _ = curl_upload(
        &g.url("uc", CART_PASSWORD, "in/poison.xml"),
        body.as_bytes(),
    );
    let first = g.wait_exit(30);
    assert!(!first.success(), "the first run died: {first:?}");
    // The start-up scan finds it in in/ and dies on it a second time.
    g.spawn_process();
    let second = g.wait_exit(30);
    assert!(!second.success(), "the second run died: {second:?}");
    assert!(g.home("uc").join("in/poison.xml").exists());
    // The third start sets it aside and serves.
    g.spawn();
    let r = g.error_report("uc", "poison.xml");
    assert!(
        r.contains("processing this file stopped the server twice; set aside"),
        "{r}"
    );
    // The report is written just before the input moves beside it.
    g.wait_file(&g.home("uc").join("error/poison.xml"));
    still_serving(&g, "AFTER-POISON");
    assert!(!g.home("wh").join("out/order_POISON-1.json").exists());
    assert!(g.terminate().success());
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// `REST 2000000000` + an empty `STOR` made a 2 GB sparse file that the pipeline read whole
/// (1.97 GB resident); at 40 GB, "out of memory … retried at the next start" at every start.
/// However it got into `in/`, a file too large to hold is refused unread.
#[test]
fn a_huge_sparse_file_in_in_goes_to_error_unread() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start();
    let pid = g.child.as_ref().unwrap().id();
    let f = std::fs::File::create(g.home("uc").join("in/huge.xml")).unwrap();
    f.set_len(40_000_000_000).unwrap();
    drop(f); // close-after-write: the watcher queues it
    let r = g.error_report("uc", "huge.xml");
    assert!(
        r.contains("the file is 40000000000 bytes, more than this server processes"),
        "{r}"
    );
    let peak = rss_kib(pid);
    assert!(peak < 200 * 1024, "peak resident memory {peak} KiB");
    still_serving(&g, "AFTER-HUGE");
    assert!(g.terminate().success());
}
