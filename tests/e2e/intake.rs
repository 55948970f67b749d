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
    // Still there, untouched, while it carries its temp name.
    assert!(g.home("uc").join("in/o.xml.filepart").exists());
    assert!(g.files("wh", "out").is_empty());
    ftp.rename("/in/o.xml.filepart", "/in/o.xml").await.unwrap();
    ftp.quit().await.unwrap();
    g.wait_file(&g.home("wh").join("out/order_8001.json"));
    g.wait_in_empty("uc");
    assert_eq!(g.files("uc", "archive").len(), 1, "processed once");
    assert!(
        g.log_text().matches("file processed").count() == 1,
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
    g.wait_file(&g.home("uc").join("error/bad.xml.error.txt"));
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
