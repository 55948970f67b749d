//! Explicit FTPS (AUTH TLS) with curl: uploads over TLS are processed, and with
//! `require_tls = true` a plain login is refused with a clear reply.

use super::support::*;
use std::process::Command;

/// A self-signed certificate for 127.0.0.1 in `dir` (openssl CLI).
fn self_signed(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = run(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}

fn tls_gateway(require: bool) -> Gateway {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(certs.path());
    let ftp_extra = format!(
        "tls_cert = \"{}\"\ntls_key = \"{}\"\nrequire_tls = {require}\n",
        cert.display(),
        key.display()
    );
    let mut g = Gateway::start_ftp_extra(&ftp_extra);
    g.keep.push(certs);
    g
}

#[test]
fn uploads_over_explicit_tls_are_processed() {
    if missing("curl") || missing("openssl") {
        return;
    }
    let g = tls_gateway(false);
    let url = g.url("uc", CART_PASSWORD, "in/tls.xml");
    let f = g.dir.path().join("tls.xml");
    std::fs::write(&f, uc_sd("TLS-1")).unwrap();
    let out = run(Command::new("curl")
        .args(["-sS", "--ssl-reqd", "-k", "-T"])
        .arg(&f)
        .arg(&url));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    g.wait_file(&g.home("wh").join("out/order_TLS-1.json"));
}

#[test]
fn require_tls_refuses_plain_logins_clearly() {
    if missing("curl") || missing("openssl") {
        return;
    }
    let g = tls_gateway(true);
    let f = g.dir.path().join("plain.xml");
    std::fs::write(&f, uc_sd("PLAIN-1")).unwrap();
    let out = run(Command::new("curl")
        .args(["-sS", "-v", "-T"])
        .arg(&f)
        .arg(g.url("uc", CART_PASSWORD, "in/plain.xml")));
    assert!(!out.status.success(), "a plain upload must fail");
    let talk = String::from_utf8_lossy(&out.stderr);
    assert!(
        talk.contains("< 534") || talk.contains("< 530") || talk.contains("< 522"),
        "{talk}"
    );
    assert!(!g.home("uc").join("in/plain.xml").exists());
    // The same over TLS works.
    let out = run(Command::new("curl")
        .args(["-sS", "--ssl-reqd", "-k", "-T"])
        .arg(&f)
        .arg(g.url("uc", CART_PASSWORD, "in/plain.xml")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    g.wait_file(&g.home("wh").join("out/order_PLAIN-1.json"));
}
