//! The FTP half of the client matrix: real programs doing what they do by default against a
//! real gateway — rclone (`copy`, `check`, `move`, up to a cart and down from a warehouse),
//! lftp (`mirror -R`, `mirror --Remove-source-files`) and a FileZilla-style session (Python
//! ftplib: `MLSD`, `STOR`, `SIZE`, `MDTM`, `MFMT`). Each run exits 0, every file is processed
//! once, and no `~2` copy appears in `archive/` (a client retrying an upload it believed failed
//! would make one).

use super::rclone::*;
use super::support::*;
use std::path::Path;
use std::process::Command;

#[test]
fn rclone_copy_check_and_move_up_to_a_cart_over_ftp_process_each_file_once() {
    if missing_rclone() {
        return;
    }
    let g = Gateway::start();
    let src = g.dir.path().join("orders");
    let mut ids = order_files(&src, "FRC", 20);
    let remote = Remote::ftp(g.ftp_port, "uc", CART_PASSWORD, "in");
    assert_ok(
        "rclone copy",
        &rclone("copy", src.to_str().unwrap(), remote.spec(), &[]),
        &g,
    );
    assert_ok(
        "rclone check",
        &rclone("check", src.to_str().unwrap(), remote.spec(), &[]),
        &g,
    );
    assert_each_processed_once(&g, &ids);
    // Run again, as a scheduled job does: nothing is sent a second time.
    assert_ok(
        "rclone copy (again)",
        &rclone("copy", src.to_str().unwrap(), remote.spec(), &[]),
        &g,
    );
    let more = g.dir.path().join("more");
    ids.extend(order_files(&more, "FRM", 5));
    assert_ok(
        "rclone move",
        &rclone("move", more.to_str().unwrap(), remote.spec(), &[]),
        &g,
    );
    assert_eq!(std::fs::read_dir(&more).unwrap().count(), 0, "moved away");
    assert_each_processed_once(&g, &ids);
}

#[test]
fn rclone_downloads_a_warehouse_outbox_over_ftp_and_deleting_acknowledges() {
    if missing_rclone() {
        return;
    }
    let g = Gateway::start();
    let src = g.dir.path().join("orders");
    let ids = order_files(&src, "FRD", 6);
    let up = Remote::ftp(g.ftp_port, "uc", CART_PASSWORD, "in");
    assert_ok(
        "rclone copy",
        &rclone("copy", src.to_str().unwrap(), up.spec(), &[]),
        &g,
    );
    assert_each_processed_once(&g, &ids);
    let out_dir = Remote::ftp(g.ftp_port, "wh", WH_PASSWORD, "out");
    copy_check_move_down(&g, &out_dir, &ids);
}

#[test]
fn lftp_mirror_up_and_mirror_down_removing_source_files() {
    if missing("lftp") {
        return;
    }
    let g = Gateway::start();
    let local = g.dir.path().join("mirror");
    let ids = order_files(&local, "LFM", 12);
    let out = lftp(
        &g,
        "uc",
        CART_PASSWORD,
        &format!("mirror -R {} /in/mirrored", local.display()),
    );
    assert!(out.status.success(), "lftp mirror -R: {}", text(&out));
    assert_each_processed_once(&g, &ids);
    let down = g.dir.path().join("down");
    std::fs::create_dir_all(&down).unwrap();
    let out = lftp(
        &g,
        "wh",
        WH_PASSWORD,
        &format!("mirror --Remove-source-files /out {}", down.display()),
    );
    assert!(out.status.success(), "lftp mirror down: {}", text(&out));
    for id in &ids {
        assert!(down.join(format!("order_{id}.json")).is_file(), "{id}");
    }
    assert!(
        g.files("wh", "out").is_empty(),
        "{:?}",
        g.files("wh", "out")
    );
}

#[test]
fn filezilla_style_mlsd_stor_size_mdtm_mfmt() {
    if missing("python3") {
        return;
    }
    let g = Gateway::start();
    let local = g.dir.path().join("fz");
    let ids = order_files(&local, "FZ", 5);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/filezilla_style.py");
    let out = run(Command::new("python3")
        .arg(script)
        .args(["127.0.0.1", &g.ftp_port.to_string(), "uc", CART_PASSWORD])
        .arg(&local));
    assert!(
        out.status.success(),
        "filezilla-style session: {}",
        text(&out)
    );
    assert_each_processed_once(&g, &ids);
}
