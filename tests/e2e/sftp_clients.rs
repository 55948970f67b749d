//! The SFTP half of the client matrix: what partners' own automation does after an upload
//! (stat it, set its time, check it, run again) must finish cleanly, with each file processed
//! once. rclone copy/move/check up to a cart's `in/` and down (with deletion) from a
//! warehouse's `out/`; WinSCP's default sequence (`.filepart`, rename, set the time, stat);
//! paramiko downloading a large file, which asks for every block of it at once.

use super::rclone::*;
use super::support::*;
use std::process::Command;

#[test]
fn rclone_copy_check_and_move_up_to_a_cart_process_each_file_once() {
    if missing_rclone() {
        return;
    }
    let s = SftpGateway::start();
    let g = &s.g;
    let src = g.dir.path().join("orders");
    let mut ids = order_files(&src, "RC", 20);
    let remote = Remote::sftp(s.port(), "uc", CART_PASSWORD, "in");
    let out = rclone("copy", src.to_str().unwrap(), remote.spec(), &[]);
    assert_ok("rclone copy", &out, g);
    let out = rclone("check", src.to_str().unwrap(), remote.spec(), &[]);
    assert_ok("rclone check", &out, g);
    assert_each_processed_once(g, &ids);
    // Run again, as a scheduled job does: nothing is sent a second time.
    let out = rclone("copy", src.to_str().unwrap(), remote.spec(), &[]);
    assert_ok("rclone copy (again)", &out, g);
    // `move` uploads and then deletes the local files.
    let more = g.dir.path().join("more");
    ids.extend(order_files(&more, "RM", 5));
    let out = rclone("move", more.to_str().unwrap(), remote.spec(), &[]);
    assert_ok("rclone move", &out, g);
    assert_eq!(std::fs::read_dir(&more).unwrap().count(), 0, "moved away");
    assert_each_processed_once(g, &ids);
}

#[test]
fn rclone_downloads_a_warehouse_outbox_and_deleting_acknowledges() {
    if missing_rclone() {
        return;
    }
    let s = SftpGateway::start();
    let g = &s.g;
    let src = g.dir.path().join("orders");
    let ids = order_files(&src, "RD", 6);
    let up = Remote::sftp(s.port(), "uc", CART_PASSWORD, "in");
    assert_ok(
        "rclone copy",
        &rclone("copy", src.to_str().unwrap(), up.spec(), &[]),
        g,
    );
    assert_each_processed_once(g, &ids);
    let out_dir = Remote::sftp(s.port(), "wh", WH_PASSWORD, "out");
    copy_check_move_down(g, &out_dir, &ids);
}

/// Whether paramiko is missing (then the test skips; under CI it fails).
fn missing_paramiko() -> bool {
    if missing("python3")
        || !run(Command::new("python3").args(["-c", "import paramiko"]))
            .status
            .success()
    {
        return skip("paramiko is not available");
    }
    false
}

fn winscp_style(small: bool) {
    if missing_paramiko() {
        return;
    }
    let s = SftpGateway::start();
    let g = &s.g;
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/winscp_style.py");
    let mut ids = Vec::new();
    for i in 1..=5 {
        let id = format!("WS{}-{i}", u8::from(small));
        let local = g.dir.path().join(format!("{id}.xml"));
        std::fs::write(&local, uc_sd(&id)).unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg(&script)
            .args(["127.0.0.1", &s.port().to_string(), "uc", CART_PASSWORD])
            .arg(&local)
            .arg(format!("/in/{id}.xml"));
        if small {
            cmd.arg("small");
        }
        let out = run(&mut cmd);
        assert!(
            out.status.success(),
            "{}\nserver log:\n{}",
            text(&out),
            g.log_text()
        );
        ids.push(id);
    }
    super::rclone::assert_each_processed_once(g, &ids);
}

#[test]
fn winscp_style_filepart_rename_and_timestamp_finish_cleanly() {
    winscp_style(false);
}

#[test]
fn a_time_set_on_the_open_handle_and_after_close_finishes_cleanly() {
    winscp_style(true);
}

/// paramiko's `get` asks for every block of the file before reading a reply. The server must
/// keep reading those requests while the replies wait for the client's window: the window
/// adjustments come behind the requests in the SSH stream.
#[test]
fn paramiko_downloads_a_large_file_asking_for_all_of_it_at_once() {
    if missing_paramiko() || missing("timeout") {
        return;
    }
    let s = SftpGateway::start();
    let g = &s.g;
    // Far more requests than the server takes into its budget, and replies far past the
    // client's window.
    let content: Vec<u8> = (0..24u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(g.home("wh").join("out/large.bin"), &content).unwrap();
    let local = g.dir.path().join("large.bin");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/paramiko_put.py");
    let out = run(Command::new("timeout")
        .args(["120", "python3"])
        .arg(&script)
        .args(["127.0.0.1", &s.port().to_string(), "wh", WH_PASSWORD])
        .arg(&local)
        .args(["/out/large.bin", "get"]));
    assert!(
        out.status.success(),
        "{}\nserver log:\n{}",
        text(&out),
        g.log_text()
    );
    assert!(
        std::fs::read(&local).unwrap() == content,
        "the bytes differ"
    );
}
