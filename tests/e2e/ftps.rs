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

/// Python's ftplib over TLS (AUTH TLS, then login), asking for a clear data channel.
const PROT_C: &str = r#"
import ftplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
f = ftplib.FTP_TLS(context=ctx)
f.connect("127.0.0.1", int(sys.argv[1]), timeout=30)
f.login(sys.argv[2], sys.argv[3])
try:
    print("PROT C:", f.prot_c())
except ftplib.error_perm as e:
    print("PROT C refused:", e)
try:
    print("clear listing:", f.nlst("/out"))
except ftplib.error_perm as e:
    print("clear transfer refused:", e)
f.prot_p()
print("protected listing:", f.nlst("/out"))
f.quit()
"#;

/// Runs [`PROT_C`] as the warehouse against a TLS gateway (`require_tls` or not) with one file
/// in its `out/`; returns what it printed.
fn prot_c_session(require: bool) -> String {
    let g = tls_gateway(require);
    std::fs::write(g.home("wh").join("out/order_T.json"), "{}").unwrap();
    let port = g.ftp_port.to_string();
    let out = run(Command::new("python3").args(["-c", PROT_C, &port, "wh", WH_PASSWORD]));
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    t
}

#[test]
fn require_tls_refuses_a_clear_data_channel_after_auth_tls() {
    if missing("openssl") || missing("python3") {
        return;
    }
    let t = prot_c_session(true);
    assert!(t.contains("PROT C refused: 534"), "{t}");
    assert!(t.contains("clear transfer refused: 521"), "{t}");
    assert!(
        t.contains("protected listing: ['/out/order_T.json']"),
        "{t}"
    );
    // Without require_tls, a clear data channel after AUTH TLS is the client's choice.
    let t = prot_c_session(false);
    assert!(
        t.contains("PROT C: 200") && t.contains("clear listing: ['/out/order_T.json']"),
        "{t}"
    );
}
