//! IPv4 and IPv6 listen addresses, for FTP (EPSV) and SFTP alike.

use super::support::*;
use std::process::{Command, Stdio};

#[test]
fn ftp_and_sftp_listen_on_ipv4_and_ipv6() {
    if missing("curl") || missing("sshpass") || missing("sftp") {
        return;
    }
    if std::net::TcpListener::bind("[::1]:0").is_err() && skip("no IPv6 loopback on this machine") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (lo, hi) = free_range(8);
    let hash = |p: &str| wharf::config::hash_password(p).unwrap();
    let cfg = dir.path().join("wharf.toml");
    std::fs::write(
        &cfg,
        format!(
            r#"data_dir = "data"
[ftp]
listen = ["127.0.0.1:0", "[::1]:0"]
passive_ports = "{lo}-{hi}"
[sftp]
listen = ["127.0.0.1:0", "[::1]:0"]
[[partner]]
name = "uc"
role = "cart"
format = "ultracart"
password_hash = "{}"
warehouse = "wh"
[[partner]]
name = "wh"
role = "warehouse"
format = "canonical"
password_hash = "{}"
"#,
            hash(CART_PASSWORD),
            hash(WH_PASSWORD)
        ),
    )
    .unwrap();
    let log_path = dir.path().join("log");
    let ready_path = dir.path().join("ready.json");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["serve", "--config"])
        .arg(&cfg)
        .arg("--ready-file")
        .arg(&ready_path)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let guard = scopeguard(&mut child);
    let ready = wait_ready(guard.0, &ready_path, &log_path);
    let port_of = |addrs: &[std::net::SocketAddr], v6: bool| {
        let a = addrs.iter().find(|a| a.is_ipv6() == v6).unwrap_or_else(|| {
            panic!(
                "no {} listener in {addrs:?}",
                if v6 { "IPv6" } else { "IPv4" }
            )
        });
        assert_ne!(a.port(), 0, "the bound port, not the configured 0");
        a.port()
    };
    let (f4, f6) = (port_of(&ready.ftp, false), port_of(&ready.ftp, true));
    let (s4, s6) = (port_of(&ready.sftp, false), port_of(&ready.sftp, true));
    for addr in [
        format!("127.0.0.1:{f4}"),
        format!("[::1]:{f6}"),
        format!("127.0.0.1:{s4}"),
        format!("[::1]:{s6}"),
    ] {
        assert!(
            std::net::TcpStream::connect(&addr).is_ok(),
            "{addr} accepts connections once the ready file is written"
        );
    }
    let local = dir.path().join("v6.xml");
    std::fs::write(&local, uc_sd("V6-FTP")).unwrap();
    let out = run(Command::new("curl")
        .args(["-sS", "-g", "-T"])
        .arg(&local)
        .arg(format!("ftp://uc:{CART_PASSWORD}@[::1]:{f6}/in/v6.xml")));
    assert!(
        out.status.success(),
        "FTP over IPv6: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&local, uc_sd("V6-SFTP")).unwrap();
    let batch = dir.path().join("batch");
    std::fs::write(&batch, format!("put {} /in/v6s.xml\n", local.display())).unwrap();
    let out = run(Command::new("sshpass")
        .arg("-e")
        .env("SSHPASS", CART_PASSWORD)
        .arg("sftp")
        .args(["-o", "BatchMode=no", "-o", "PubkeyAuthentication=no"])
        .args(SSH_TEST_OPTS)
        .args(["-P", &s6.to_string(), "-b"])
        .arg(&batch)
        .arg("uc@[::1]"));
    assert!(
        out.status.success(),
        "SFTP over IPv6: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out_dir = dir.path().join("data/partners/wh/out");
    wait_for(30, "both orders", || {
        out_dir.join("order_V6-FTP.json").exists() && out_dir.join("order_V6-SFTP.json").exists()
    });
    drop(guard);
}

/// Kills the child when the test ends, however it ends.
fn scopeguard(child: &mut std::process::Child) -> Kill<'_> {
    Kill(child)
}

struct Kill<'a>(&'a mut std::process::Child);

impl Drop for Kill<'_> {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
