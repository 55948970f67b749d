//! The clients real partner platforms use, against a real gateway: paramiko (Python, SFTP),
//! JSch 0.1.5x (Java, SFTP; no Ed25519 or curve25519), Apache Commons Net (Java, FTP) and
//! russh + russh-sftp (Rust, SFTP). Each uploads an UltraCart order to `/in/`, the order
//! reaches the warehouse, and the warehouse lists `/` and downloads it with the same client.
//! The programs they run live in `tests/clients/`. (OpenSSH `sftp`, curl `sftp://` and lftp
//! are in sftp.rs.)

use super::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A client program or script in `tests/clients/`.
pub(super) fn client_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name)
}

/// Skips (true) when `what` is not available, printing `how` to get it; fails under `CI`.
fn unavailable(available: bool, what: &str, how: &str) -> bool {
    !available && skip(&format!("{what} is not available ({how})"))
}

/// Skips (true) unless `python3` can import `module`.
pub(super) fn missing_python_module(module: &str) -> bool {
    if missing("python3") {
        return true;
    }
    let ok = run(Command::new("python3").args(["-c", &format!("import {module}")]))
        .status
        .success();
    unavailable(
        ok,
        &format!("the Python module {module}"),
        &format!(".ci/run installs it: python3 -m pip install {module}"),
    )
}

/// Skips (true) unless `javac`, `java` and the jar are installed.
fn missing_java(jar: &str, package: &str) -> bool {
    missing("javac")
        || missing("java")
        || unavailable(
            Path::new(jar).is_file(),
            jar,
            &format!(".ci/run installs the Debian package {package}"),
        )
}

/// A Java client from `tests/clients/`, compiled against `jar` into its own temp folder.
struct JavaClient {
    classes: tempfile::TempDir,
    jar: &'static str,
    main: &'static str,
}

impl JavaClient {
    fn compile(main: &'static str, jar: &'static str) -> JavaClient {
        let classes = tempfile::tempdir().unwrap();
        let out = run(Command::new("javac")
            .args(["-nowarn", "-cp", jar, "-d"])
            .arg(classes.path())
            .arg(client_file(&format!("{main}.java"))));
        assert!(out.status.success(), "javac {main}: {}", text(&out));
        JavaClient { classes, jar, main }
    }

    /// Runs it with `args`.
    fn run(&self, args: &[&str]) -> Output {
        let cp = format!("{}:{}", self.classes.path().display(), self.jar);
        run(Command::new("java")
            .args(["-cp", &cp, self.main])
            .args(args))
    }
}

/// Arguments every client program takes: host, port, user, password, local file, remote path.
fn client_args<'a>(
    port: &'a str,
    user: &'a str,
    pass: &'a str,
    local: &'a Path,
    remote: &'a str,
) -> Vec<&'a str> {
    vec![
        "127.0.0.1",
        port,
        user,
        pass,
        local.to_str().unwrap(),
        remote,
    ]
}

/// The order `id` in the warehouse's `out/`, once it is there, as JSON.
fn wait_order(g: &Gateway, id: &str) -> (PathBuf, serde_json::Value) {
    let target = g.home("wh").join(format!("out/order_{id}.json"));
    g.wait_file(&target);
    let order: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(order["cust_ref"], id, "{order}");
    assert_eq!(order["order_source"], "uc", "{order}");
    (target, order)
}

/// The client printed a listing of `/` with the four partner folders.
fn assert_lists_root(out: &Output) {
    let t = text(out);
    let root = t
        .lines()
        .find_map(|l| l.strip_prefix("/:"))
        .unwrap_or_else(|| panic!("no listing of /:\n{t}"));
    let names: Vec<&str> = root.split_whitespace().collect();
    for folder in ["archive", "error", "in", "out"] {
        assert!(names.contains(&folder), "{folder} not listed in /:\n{t}");
    }
}

/// Uploads `uc_sd(id)` as `uc` to `/in/{id}.xml`, waits for the order at the warehouse, then
/// downloads it as `wh` and compares; `client` runs the program with the six arguments (and
/// `get` to download).
fn round_trip(g: &Gateway, port: u16, id: &str, client: impl Fn(&[&str]) -> Output) {
    let port = port.to_string();
    let local = g.dir.path().join(format!("{id}.xml"));
    std::fs::write(&local, uc_sd(id)).unwrap();
    let remote = format!("/in/{id}.xml");
    let out = client(&client_args(&port, "uc", CART_PASSWORD, &local, &remote));
    assert!(
        out.status.success(),
        "upload: {}\nserver log:\n{}",
        text(&out),
        g.log_text()
    );
    assert_lists_root(&out);
    let (target, _) = wait_order(g, id);
    g.wait_in_empty("uc");
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );

    let got = g.dir.path().join(format!("{id}.got.json"));
    let remote = format!("/out/order_{id}.json");
    let mut args = client_args(&port, "wh", WH_PASSWORD, &got, &remote);
    args.push("get");
    let out = client(&args);
    assert!(
        out.status.success(),
        "download: {}\nserver log:\n{}",
        text(&out),
        g.log_text()
    );
    assert_lists_root(&out);
    assert_eq!(
        std::fs::read(&got).unwrap(),
        std::fs::read(&target).unwrap()
    );
    let log = g.log_text();
    assert!(!log.contains(CART_PASSWORD) && !log.contains(WH_PASSWORD));
}

#[test]
fn paramiko_uploads_over_sftp_and_the_warehouse_downloads() {
    if missing_python_module("paramiko") {
        return;
    }
    let s = SftpGateway::start();
    let script = client_file("paramiko_put.py");
    round_trip(&s.g, s.port(), "PM-1", |args| {
        run(Command::new("python3").arg(&script).args(args))
    });
    assert!(s.g.log_text().contains("protocol=\"sftp\""));
}

const JSCH_JAR: &str = "/usr/share/java/jsch.jar";

#[test]
fn jsch_uploads_over_sftp_with_its_classic_algorithms() {
    if missing_java(JSCH_JAR, "libjsch-java") {
        return;
    }
    let jsch = JavaClient::compile("JschPut", JSCH_JAR);
    let s = SftpGateway::start();
    round_trip(&s.g, s.port(), "JS-1", |args| {
        let out = jsch.run(args);
        // JSch 0.1.5x has neither Ed25519 nor curve25519: what it negotiated, for the record.
        let t = text(&out);
        assert!(
            !t.contains("Algorithm negotiation fail"),
            "JSch found no common algorithms:\n{t}\nserver log:\n{}",
            s.g.log_text()
        );
        // Its log names the ciphers and MACs; the key exchange shows as ECDH.
        for needle in [
            "kex: client->server aes128-ctr hmac-sha2-256",
            "kex: server->client aes128-ctr hmac-sha2-256",
            "SSH_MSG_KEX_ECDH_INIT sent",
            "Authentication succeeded (password)",
            "host key: ecdsa-sha2-nistp256",
        ] {
            assert!(t.contains(needle), "JSch did not log {needle}:\n{t}");
        }
        out
    });
}

const COMMONS_NET_JAR: &str = "/usr/share/java/commons-net.jar";

#[test]
fn commons_net_stores_over_ftp_with_226_and_the_warehouse_retrieves() {
    if missing_java(COMMONS_NET_JAR, "libcommons-net-java") {
        return;
    }
    let ftp = JavaClient::compile("CommonsNetPut", COMMONS_NET_JAR);
    let g = Gateway::start();
    round_trip(&g, g.ftp_port, "CN-1", |args| {
        let out = ftp.run(args);
        if out.status.success() {
            let verb = if args.len() == 7 { "RETR" } else { "STOR" };
            assert!(
                text(&out).contains(&format!("{verb} reply: 226")),
                "{}",
                text(&out)
            );
        }
        out
    });
}

/// A russh client that accepts the test gateway's fresh host key.
pub(super) struct AcceptHostKey;

impl russh::client::Handler for AcceptHostKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Logs in with a password over russh and opens the sftp subsystem with russh-sftp.
async fn russh_sftp(
    port: u16,
    user: &str,
    pass: &str,
) -> (
    russh::client::Handle<AcceptHostKey>,
    russh_sftp::client::SftpSession,
) {
    let config = std::sync::Arc::new(russh::client::Config::default());
    let mut ssh = russh::client::connect(config, ("127.0.0.1", port), AcceptHostKey)
        .await
        .expect("ssh connect");
    let auth = ssh
        .authenticate_password(user, pass)
        .await
        .expect("password auth");
    assert!(auth.success(), "{user}: password refused: {auth:?}");
    let channel = ssh.channel_open_session().await.expect("session channel");
    channel
        .request_subsystem(true, "sftp")
        .await
        .expect("sftp subsystem");
    let sftp = russh_sftp::client::SftpSession::new(channel.into_stream())
        .await
        .expect("sftp init");
    (ssh, sftp)
}

async fn names(sftp: &russh_sftp::client::SftpSession, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = sftp
        .read_dir(dir)
        .await
        .expect("read_dir")
        .map(|e| e.file_name())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn russh_sftp_uploads_and_the_warehouse_downloads() {
    use tokio::io::AsyncWriteExt;
    let s = SftpGateway::start();
    let id = "RS-1";

    let (ssh, sftp) = russh_sftp(s.port(), "uc", CART_PASSWORD).await;
    let mut file = sftp.create(format!("/in/{id}.xml")).await.expect("create");
    file.write_all(uc_sd(id).as_bytes()).await.expect("write");
    file.shutdown().await.expect("close");
    let root = names(&sftp, "/").await;
    for folder in ["archive", "error", "in", "out"] {
        assert!(root.contains(&folder.to_string()), "{root:?}");
    }
    sftp.close().await.expect("sftp close");
    ssh.disconnect(russh::Disconnect::ByApplication, "", "en")
        .await
        .expect("disconnect");

    let g = &s.g;
    let (target, _) = tokio::task::block_in_place(|| {
        let found = wait_order(g, id);
        g.wait_in_empty("uc");
        found
    });
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );

    let (ssh, sftp) = russh_sftp(s.port(), "wh", WH_PASSWORD).await;
    assert!(
        names(&sftp, "/out")
            .await
            .contains(&format!("order_{id}.json")),
        "the order is listed in /out"
    );
    let got = sftp
        .read(format!("/out/order_{id}.json"))
        .await
        .expect("download");
    assert_eq!(got, std::fs::read(&target).unwrap());
    sftp.remove_file(format!("/out/order_{id}.json"))
        .await
        .expect("delete (the acknowledgment)");
    sftp.close().await.expect("sftp close");
    ssh.disconnect(russh::Disconnect::ByApplication, "", "en")
        .await
        .expect("disconnect");
    assert!(g.files("wh", "out").is_empty(), "deleted over SFTP");

    let log = g.log_text();
    for needle in ["protocol=\"sftp\"", "upload complete", "download complete"] {
        assert!(log.contains(needle), "log lacks {needle}:\n{log}");
    }
    assert!(!log.contains(CART_PASSWORD) && !log.contains(WH_PASSWORD));
}
