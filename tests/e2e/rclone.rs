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
