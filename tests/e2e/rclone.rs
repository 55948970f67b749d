//! rclone (Debian's 1.60), as partners run it: on-the-fly remotes (`:sftp,host=…:path`,
//! `:ftp,host=…:path`), its default behaviour otherwise. Shared by the client-matrix tests.

use super::support::*;
use std::path::Path;
use std::process::{Command, Output};

/// Skips (true) when rclone is missing; CI installs it (Debian's `rclone`).
pub fn missing_rclone() -> bool {
    missing("rclone")
}

/// A remote folder as rclone names it.
pub struct Remote {
    spec: String,
}

fn obscure(pass: &str) -> String {
    let out = run(Command::new("rclone").args(["obscure", pass]));
    assert!(out.status.success(), "rclone obscure: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Remote {
    /// `path` on the SFTP endpoint at `port`, as `user`.
    pub fn sftp(port: u16, user: &str, pass: &str, path: &str) -> Remote {
        Remote {
            spec: format!(
                ":sftp,host=127.0.0.1,port={port},user={user},pass={}:{path}",
                obscure(pass)
            ),
        }
    }

    /// `path` on the FTP endpoint at `port`, as `user` (rclone's defaults: EPSV, MLSD).
    pub fn ftp(port: u16, user: &str, pass: &str, path: &str) -> Remote {
        Remote {
            spec: format!(
                ":ftp,host=127.0.0.1,port={port},user={user},pass={}:{path}",
                obscure(pass)
            ),
        }
    }

    /// The spec to pass on rclone's command line.
    pub fn spec(&self) -> &str {
        &self.spec
    }
}

/// `rclone VERB FROM TO` (plus `args`), with no config file; returns the output.
pub fn rclone(verb: &str, from: &str, to: &str, args: &[&str]) -> Output {
    run(Command::new("rclone")
        .args([
            "--config",
            "/dev/null",
            "--contimeout",
            "10s",
            "--timeout",
            "30s",
        ])
        .args([verb, from, to])
        .args(args))
}

/// Asserts rclone exited 0, showing its output and the server log otherwise.
pub fn assert_ok(what: &str, out: &Output, g: &Gateway) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}\nserver log:\n{}",
        out.status.code(),
        text(out),
        g.log_text()
    );
}

/// Writes `n` single-order UltraCart files `PREFIX-i.xml` (orders `PREFIX-i`) into `dir`.
pub fn order_files(dir: &Path, prefix: &str, n: usize) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    (1..=n)
        .map(|i| {
            let id = format!("{prefix}-{i}");
            std::fs::write(dir.join(format!("{id}.xml")), uc_sd(&id)).unwrap();
            id
        })
        .collect()
}

/// Every file of `ids` was archived exactly once (no `~2` copies) and every order reached the
/// warehouse exactly once, with nothing in `error/`.
pub fn assert_each_processed_once(g: &Gateway, ids: &[String]) {
    wait_for(60, "every order at the warehouse", || {
        let out = g.files("wh", "out");
        ids.iter()
            .all(|id| out.contains(&format!("order_{id}.json")))
    });
    g.wait_in_empty("uc");
    let archived = g.files("uc", "archive");
    for id in ids {
        let copies = archived
            .iter()
            .filter(|p| {
                let name = p.rsplit('/').next().unwrap_or(p);
                name == format!("{id}.xml") || name.starts_with(&format!("{id}~"))
            })
            .count();
        assert_eq!(copies, 1, "{id}.xml archived {copies} times: {archived:?}");
    }
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
    // Output names are fixed per order, so a second send would overwrite the first unseen:
    // count the writes in the log instead.
    let log = g.log_text();
    for id in ids {
        let written = log
            .lines()
            .filter(|l| l.contains("output written") && l.contains(&format!("/order_{id}.json")))
            .count();
        assert_eq!(written, 1, "order {id} written {written} times");
    }
}

/// What a warehouse's scheduled download does: `rclone copy` its `out/`, `rclone check` it,
/// then `rclone move` it (deleting = acknowledging). Asserts each run exits 0, the moved
/// files match the copied ones for every order of `ids`, `out/` ends empty and every order is
/// `at_wms`.
pub fn copy_check_move_down(g: &Gateway, out_dir: &Remote, ids: &[String]) {
    let got = g.dir.path().join("got");
    assert_ok(
        "rclone copy out/",
        &rclone("copy", out_dir.spec(), got.to_str().unwrap(), &[]),
        g,
    );
    assert_ok(
        "rclone check out/",
        &rclone("check", out_dir.spec(), got.to_str().unwrap(), &[]),
        g,
    );
    let moved = g.dir.path().join("moved");
    assert_ok(
        "rclone move out/",
        &rclone("move", out_dir.spec(), moved.to_str().unwrap(), &[]),
        g,
    );
    for id in ids {
        let name = format!("order_{id}.json");
        assert_eq!(
            std::fs::read(got.join(&name)).unwrap(),
            std::fs::read(moved.join(&name)).unwrap()
        );
    }
    assert!(
        g.files("wh", "out").is_empty(),
        "{:?}",
        g.files("wh", "out")
    );
    // Deleting is the acknowledgment: every order is now at the warehouse.
    wait_for(30, "every order at_wms", || {
        let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
            .args(["orders", "--config"])
            .arg(&g.config)
            .args(["list", "--status", "at_wms"]));
        let listed = String::from_utf8_lossy(&out.stdout).to_string();
        ids.iter().all(|id| listed.contains(id.as_str()))
    });
}
