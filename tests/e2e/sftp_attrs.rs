//! SFTP attribute changes (chmod, utime, truncate: SETSTAT by path, FSETSTAT by handle) are
//! refused with PERMISSION_DENIED on what Wharf keeps (`archive/`, `error/`), instead of a
//! success that changes nothing, while a partner's uploads in `in/` still accept them (clients
//! set the time after an upload). Clients: paramiko and OpenSSH `sftp`.

use super::clients::{client_file, missing_python_module};
use super::support::*;
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// Size, mode and modification time, to show nothing changed.
fn facts(p: &Path) -> (u64, u32, std::time::SystemTime) {
    let m = std::fs::metadata(p).unwrap();
    (m.len(), m.permissions().mode(), m.modified().unwrap())
}

#[test]
fn attributes_of_archive_and_error_files_are_refused_and_uploads_keep_theirs() {
    if missing_python_module("paramiko") {
        return;
    }
    let s = SftpGateway::start();
    let home = s.g.home("uc");
    // What the pipeline leaves behind, written on disk.
    let kept = [
        "archive/2026-01-02/kept.xml",
        "error/bad.xml",
        "error/bad.xml.error.txt",
    ];
    for rel in kept {
        let p = home.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "<export/>\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let before: Vec<_> = kept.iter().map(|rel| facts(&home.join(rel))).collect();

    let mut args = vec![
        "127.0.0.1".to_string(),
        s.port().to_string(),
        "uc".into(),
        CART_PASSWORD.into(),
    ];
    args.extend(kept.iter().map(|rel| format!("/{rel}")));
    args.push("upload:/in/partial.xml.part".into());
    let out = run(Command::new("python3")
        .arg(client_file("paramiko_setstat.py"))
        .args(&args));
    let t = text(&out);
    assert!(out.status.success(), "paramiko: {t}");
    let results: HashMap<(String, String), String> = t
        .lines()
        .filter_map(|l| {
            let (head, outcome) = l.split_once(": ")?;
            let (op, path) = head.split_once(' ')?;
            let word = outcome.split_whitespace().next()?.to_string();
            Some(((op.to_string(), path.to_string()), word))
        })
        .collect();
    let outcome = |op: &str, path: &str| {
        results
            .get(&(op.to_string(), path.to_string()))
            .cloned()
            .unwrap_or_else(|| panic!("no result for {op} {path}:\n{t}"))
    };

    for rel in kept {
        let path = format!("/{rel}");
        assert_eq!(outcome("fopen", &path), "ok", "{path} can be downloaded");
        for op in [
            "chmod",
            "utime",
            "truncate",
            "fchmod",
            "futime",
            "ftruncate",
        ] {
            assert_eq!(outcome(op, &path), "denied", "{op} {path}:\n{t}");
        }
    }
    let after: Vec<_> = kept.iter().map(|rel| facts(&home.join(rel))).collect();
    assert_eq!(before, after, "nothing changed on disk");

    // An upload in in/ (a temp name, so it waits there): attributes through its handle and by
    // path are accepted, as before.
    for op in [
        "fchmod",
        "futime",
        "ftruncate",
        "chmod",
        "utime",
        "truncate",
    ] {
        assert_eq!(outcome(op, "/in/partial.xml.part"), "ok", "{op}:\n{t}");
    }
    assert!(home.join("in/partial.xml.part").is_file());

    // OpenSSH's chmod says so too.
    if missing("sftp") || missing("sshpass") {
        return;
    }
    let out = s.sftp_password(
        "uc",
        CART_PASSWORD,
        "-chmod 600 /archive/2026-01-02/kept.xml\n-chmod 600 /error/bad.xml\n",
    );
    let t = text(&out);
    assert_eq!(t.matches("Permission denied").count(), 2, "{t}");
    assert_eq!(
        facts(&home.join("error/bad.xml")),
        before[1],
        "OpenSSH's chmod changed nothing"
    );
}
