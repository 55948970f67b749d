//! `wharf host-key sftp://HOST:PORT` against Wharf's own SFTP listener: the printed line is
//! the server's ed25519 host key (as its `.pub` file and `ssh-keyscan` say), and failures
//! exit 1 (unreachable) or 2 (bad URL) with a clear message.

use super::support::*;
use std::process::Command;

fn wharf() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
}

/// `TYPE BASE64` of an OpenSSH public key line (no comment).
fn key_part(line: &str) -> String {
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn prints_the_gateways_host_key_for_pinning() {
    let s = SftpGateway::start();
    let out = run(wharf()
        .arg("host-key")
        .arg(format!("sftp://127.0.0.1:{}", s.port())));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stdout}");
    let printed = lines[0];
    assert!(printed.starts_with("ssh-ed25519 AAAA"), "{printed}");
    assert!(
        stderr.contains(&format!(
            "pin it with: host_key = \"{printed}\" in [partner.remote]"
        )),
        "{stderr}"
    );

    let pub_file = s.g.dir.path().join("data/ssh_host_ed25519_key.pub");
    let written = std::fs::read_to_string(&pub_file).expect("the .pub file next to the host key");
    assert_eq!(key_part(printed), key_part(&written));

    let scan = run(Command::new("ssh-keyscan").args([
        "-p",
        &s.port().to_string(),
        "-t",
        "ed25519",
        "127.0.0.1",
    ]));
    let scanned = String::from_utf8_lossy(&scan.stdout);
    let scanned = scanned
        .lines()
        .find(|l| !l.starts_with('#') && l.contains("ssh-ed25519"))
        .unwrap_or_else(|| panic!("ssh-keyscan printed no key: {scanned}"));
    // "HOST TYPE BASE64"
    let scanned_key = scanned
        .split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(key_part(printed), scanned_key);
}

#[test]
fn an_unreachable_server_fails_with_exit_1() {
    let port = free_port(); // free: nothing listens there
    let out = run(wharf()
        .arg("host-key")
        .arg(format!("sftp://127.0.0.1:{port}")));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains(&format!("sftp://127.0.0.1:{port}: cannot connect")),
        "{stderr}"
    );
}

#[test]
fn a_server_that_is_not_ssh_fails_with_exit_1() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        use std::io::Write;
        if let Ok((mut conn, _)) = listener.accept() {
            let _ = conn.write_all(b"220 an FTP server, not SSH\r\n");
        }
    });
    let out = run(wharf()
        .arg("host-key")
        .arg(format!("sftp://127.0.0.1:{port}")));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not an SSH server"), "{stderr}");
    server.join().unwrap();
}

#[test]
fn a_bad_url_is_a_usage_error() {
    for url in ["ftp://127.0.0.1:21", "127.0.0.1:22", "sftp://:22"] {
        let out = run(wharf().arg("host-key").arg(url));
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert!(
            stderr.contains("usage: wharf host-key sftp://HOST:PORT"),
            "{stderr}"
        );
    }
}
