//! Arrivals other than a plain upload: temp names and renames, files placed on disk, the
//! start-up scan, and requeue.

use super::support::*;
use std::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn a_temp_name_waits_for_its_rename_and_is_processed_once() {
    let g = Gateway::start();
    let mut ftp = ftp_login(&g, "uc", CART_PASSWORD).await;
    let body = uc_sd("8001");
    let mut reader = body.as_bytes();
    ftp.put_file("/in/o.xml.filepart", &mut reader)
        .await
        .unwrap();
    // A complete file after it, through the same queue: once it is processed, the pipeline
    // has had every chance to take the temp name.
    let later = uc_sd("8002");
    ftp.put_file("/in/later.xml", &mut later.as_bytes())
        .await
        .unwrap();
    let (home, wh_out) = (g.home("uc"), g.home("wh").join("out"));
    tokio::task::block_in_place(|| {
        wait_for(30, "the later file to be processed", || {
            wh_out.join("order_8002.json").exists() && !home.join("in/later.xml").exists()
        })
    });
    // Still there, untouched, while it carries its temp name.
    assert_eq!(
        std::fs::read_to_string(g.home("uc").join("in/o.xml.filepart")).unwrap(),
        body
    );
    assert_eq!(g.files("wh", "out"), ["order_8002.json"]);
    ftp.rename("/in/o.xml.filepart", "/in/o.xml").await.unwrap();
    ftp.quit().await.unwrap();
    g.wait_file(&g.home("wh").join("out/order_8001.json"));
    g.wait_in_empty("uc");
    assert_eq!(g.files("uc", "archive").len(), 2, "each processed once");
    // The log line comes right after the move: wait for it, then count.
    wait_for(10, "the processed lines in the log", || {
        g.log_text().matches("file processed").count() >= 2
    });
    assert!(
        g.log_text().matches("file processed").count() == 2,
        "{}",
        g.log_text()
    );
}

#[test]
fn a_file_placed_in_in_by_other_means_is_processed() {
    let g = Gateway::start();
    let staged = g.dir.path().join("staged.xml");
    std::fs::write(&staged, uc_sd("8101")).unwrap();
    // Moved in (rename) and copied in (close-after-write).
    std::fs::rename(&staged, g.home("uc").join("in/moved.xml")).unwrap();
    std::fs::write(g.home("uc").join("in/copied.xml"), uc_sd("8102")).unwrap();
    g.wait_file(&g.home("wh").join("out/order_8101.json"));
    g.wait_file(&g.home("wh").join("out/order_8102.json"));
    g.wait_in_empty("uc");
}

#[test]
fn files_left_while_down_are_processed_at_start() {
    let mut g = Gateway::start();
    assert!(g.terminate().success());
    std::fs::write(g.home("uc").join("in/while-down.xml"), uc_sd("8201")).unwrap();
    g.spawn();
    g.wait_file(&g.home("wh").join("out/order_8201.json"));
    g.wait_in_empty("uc");
}

#[test]
fn requeue_sends_a_fixed_file_through_again() {
    let g = Gateway::start();
    // A cart whose orders go to a warehouse that is unknown? Simpler: a broken file fixed in place.
    std::fs::write(g.home("uc").join("in/bad.xml"), "<export><order>").unwrap();
    let failed = g.home("uc").join("error/bad.xml");
    // Settled: the report is written before the input moves, so wait for the input itself
    // (writing error/bad.xml between the two raced the move under load).
    g.wait_file(&g.home("uc").join("error/bad.xml.error.txt"));
    g.wait_in_empty("uc");
    g.wait_file(&failed);
    // The operator fixes the file, then requeues it.
    std::fs::write(&failed, uc_sd("8301")).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .arg("requeue")
        .arg(&failed));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    g.wait_file(&g.home("wh").join("out/order_8301.json"));
    g.wait_in_empty("uc");
    assert!(!failed.exists());
    // A report cannot be requeued, nor a path outside a partner's error/ or archive/.
    std::fs::write(g.home("uc").join("error/x.xml.error.txt"), "r").unwrap();
    for bad in [
        g.home("uc").join("error/x.xml.error.txt"),
        g.dir.path().join("wharf.toml"),
    ] {
        let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
            .arg("requeue")
            .arg(&bad));
        assert!(!out.status.success(), "{}", bad.display());
    }
}

#[test]
fn stale_temp_files_are_removed_a_day_after_their_last_change() {
    let mut g = Gateway::start();
    assert!(g.terminate().success());
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
    let old = g.home("uc").join("in/old.xml.filepart");
    let fresh = g.home("uc").join("in/fresh.xml.filepart");
    std::fs::File::create(&old)
        .unwrap()
        .set_modified(two_days_ago)
        .unwrap();
    std::fs::write(&fresh, "partial").unwrap();
    g.spawn();
    wait_for(30, "the stale temp file to be removed", || !old.exists());
    assert!(
        fresh.exists(),
        "a temp file changed within the day stays for the client to resume"
    );
    assert!(g.files("uc", "error").is_empty() && g.files("wh", "out").is_empty());
}

#[test]
fn an_interrupted_upload_resumes_with_curl_and_is_processed_after_its_rename() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let full = uc_sd("8401");
    let local = g.dir.path().join("o.xml");
    std::fs::write(&local, &full[..full.len() / 2]).unwrap();
    let url = g.url("uc", CART_PASSWORD, "in/o.xml.filepart");
    assert!(
        run(Command::new("curl")
            .args(["-sS", "-T"])
            .arg(&local)
            .arg(&url))
        .status
        .success()
    );
    // The rest, resumed where the server's copy ends (SIZE, then APPE / REST+STOR).
    std::fs::write(&local, &full).unwrap();
    let out = run(Command::new("curl")
        .args(["-sS", "-C", "-", "-T"])
        .arg(&local)
        .arg(&url));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(g.home("uc").join("in/o.xml.filepart")).unwrap(),
        full.as_bytes()
    );
    let out = run(Command::new("curl")
        .args([
            "-sS",
            "-Q",
            "RNFR /in/o.xml.filepart",
            "-Q",
            "RNTO /in/o.xml",
        ])
        .arg(g.url("uc", CART_PASSWORD, "")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    g.wait_file(&g.home("wh").join("out/order_8401.json"));
}

#[test]
fn lftp_resumes_an_upload_with_rest() {
    if missing("lftp") {
        return;
    }
    let g = Gateway::start();
    let full = uc_sd("8402");
    let part = g.home("uc").join("in/r.xml.part");
    std::fs::write(&part, &full[..100]).unwrap();
    let local = g.dir.path().join("r.xml.part");
    std::fs::write(&local, &full).unwrap();
    let out = lftp(
        &g,
        "uc",
        CART_PASSWORD,
        &format!("cd in; put -c {}; mv r.xml.part r.xml", local.display()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    g.wait_file(&g.home("wh").join("out/order_8402.json"));
    g.wait_in_empty("uc");
    let archived = g.files("uc", "archive");
    let body = std::fs::read_to_string(g.home("uc").join("archive").join(&archived[0])).unwrap();
    assert_eq!(body, full, "resumed, not duplicated");
}
