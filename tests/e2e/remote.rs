//! Pull mode: Wharf polls a partner-hosted server (Debian's OpenSSH `sshd` with
//! `sftp-server`, or pyftpdlib for plain FTP), picks up its files and drops off the partner's
//! outputs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::return_path::{status, wait_status};
use super::support::*;

const SSHD: &str = "/usr/sbin/sshd";
const SFTP_SERVER: &str = "/usr/lib/openssh/sftp-server";

/// sshd is needed; skipped (with a reason) outside CI, a failure in CI.
pub(super) fn no_sshd() -> bool {
    let found = Path::new(SSHD).exists() && Path::new(SFTP_SERVER).exists();
    (!found && skip(&format!("{SSHD} is not installed (openssh-server)"))) || missing("ssh-keygen")
}

/// A throwaway sshd on a loopback port, key login only.
pub(super) struct Sshd {
    child: Option<Child>,
    port: u16,
    /// `TYPE BASE64` of its host key.
    pub(super) host_key: String,
    /// The client key authorized to log in.
    client_key: PathBuf,
    /// The remote folders.
    pub(super) pick_up: PathBuf,
    drop_off: PathBuf,
    _dir: tempfile::TempDir,
}

impl Sshd {
    pub(super) fn start() -> Sshd {
        Sshd::start_with(false)
    }

    /// `deny_remove`: the server refuses SFTP deletes (`internal-sftp -P remove`).
    fn start_with(deny_remove: bool) -> Sshd {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        let (_, host_pub) = ssh_keygen(d, "host");
        let (client_key, client_pub) = ssh_keygen(d, "client");
        let authorized = d.join("authorized_keys");
        std::fs::write(&authorized, format!("{client_pub}\n")).unwrap();
        let _ = std::fs::create_dir_all("/run/sshd");
        let pick_up = d.join("pickup");
        let drop_off = d.join("dropoff");
        std::fs::create_dir_all(&pick_up).unwrap();
        std::fs::create_dir_all(&drop_off).unwrap();
        let port = free_port();
        let host_key = host_pub
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let mut s = Sshd {
            child: None,
            port,
            host_key,
            client_key,
            pick_up,
            drop_off,
            _dir: dir,
        };
        s.spawn(deny_remove);
        s
    }

    /// Starts sshd (again) on the same port.
    fn spawn(&mut self, deny_remove: bool) {
        let d = self._dir.path();
        let subsystem = if deny_remove {
            "internal-sftp -P remove".to_string()
        } else {
            SFTP_SERVER.to_string()
        };
        let config = d.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "ListenAddress 127.0.0.1\n\
                 HostKey {hk}\n\
                 PidFile {pid}\n\
                 AuthorizedKeysFile {ak}\n\
                 PermitRootLogin yes\n\
                 StrictModes no\n\
                 UsePAM no\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PubkeyAuthentication yes\n\
                 PrintMotd no\n\
                 UseDNS no\n\
                 LogLevel INFO\n\
                 Subsystem sftp {subsystem}\n",
                hk = d.join("host").display(),
                pid = d.join("sshd.pid").display(),
                ak = d.join("authorized_keys").display(),
            ),
        )
        .unwrap();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(d.join("sshd.log"))
            .unwrap();
        let port = self.port;
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .args(["-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        self.child = Some(child);
        wait_for(20, "sshd to accept connections", || {
            if let Some(Ok(Some(st))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("sshd exited: {st}");
            }
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
    }

    /// Kills sshd (and, with it, the sessions it serves).
    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // Session processes forked by sshd outlive the listener: wait until no login works.
        wait_for(10, "sshd to stop listening", || {
            std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err()
        });
    }

    /// The `[partner.remote]` table for the cart `uc`.
    pub(super) fn remote_table(&self, host_key: &str, delete: bool) -> String {
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        format!(
            r#"
[partner.remote]
url = "sftp://127.0.0.1:{port}"
username = "{user}"
key_file = "{key}"
host_key = "{host_key}"
pick_up = "{pick}"
drop_off = "{drop}"
poll_every = "1s"
delete_after_pick_up = {delete}
"#,
            port = self.port,
            key = self.client_key.display(),
            pick = self.pick_up.display(),
            drop = self.drop_off.display(),
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Waits until the gateway has polled the remote `n` more times (each poll logs "poll done" or
/// "poll failed" at debug): a condition, not a guess at timing.
fn wait_polls(g: &Gateway, n: usize) {
    let count = || {
        let log = g.log_text();
        log.matches("poll done").count() + log.matches("poll failed").count()
    };
    let start = count();
    wait_for(60, &format!("{n} more polls"), || count() >= start + n);
}

/// The warehouse ships the whole order in `order` (its `out/order_*.json`): one package of
/// its first item, tracked as `tracking`, dropped into the warehouse's `in/` as `file`.
fn ship_whole_order(g: &Gateway, order: &Path, cust_ref: &str, tracking: &str, file: &str) {
    let canonical: serde_json::Value =
        serde_json::from_slice(&std::fs::read(order).unwrap()).unwrap();
    let item = canonical["items"][0]["item"].as_str().unwrap().to_string();
    let qty = canonical["items"][0]["quantity"].clone();
    let shipment = format!(
        r#"{{"cust_ref":"{cust_ref}","shipments":[{{"carrier":"UPS","method":"Ground","tracking_no":"{tracking}","date":"2026-11-20T23:30:00-05:00","items":[{{"item":"{item}","quantity":{qty}}}]}}]}}"#
    );
    put(&g.home("wh").join("in"), file, &shipment);
}

/// Writes a file into a folder the way an uploader should: temp name, then rename.
pub(super) fn put(dir: &Path, name: &str, content: &str) {
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, content).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn picks_up_orders_and_drops_off_shipments_over_sftp() {
    if no_sshd() {
        return;
    }
    let sshd = Sshd::start();
    let g = Gateway::start_with(&sshd.remote_table(&sshd.host_key, true), "");

    put(&sshd.pick_up, "RM-1.xml", &uc_sd("RM-1"));
    let order = g.home("wh").join("out/order_RM-1.json");
    wait_for(30, "the picked-up order to reach the warehouse", || {
        order.exists()
    });
    wait_for(10, "the remote file to be deleted", || {
        names(&sshd.pick_up).is_empty()
    });
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );

    // The warehouse ships it; the cart's confirmation goes to the remote drop-off.
    ship_whole_order(&g, &order, "RM-1", "1ZREMOTE", "shipment-1.json");
    wait_for(30, "the shipment confirmation on the remote server", || {
        names(&sshd.drop_off).iter().any(|n| n.starts_with("ship"))
    });
    let dropped = names(&sshd.drop_off);
    assert_eq!(dropped.len(), 1, "no temp file left: {dropped:?}");
    let text = std::fs::read_to_string(sshd.drop_off.join(&dropped[0])).unwrap();
    assert!(text.contains("1ZREMOTE"), "{text}");
    wait_for(10, "the confirmation to leave out/", || {
        g.files("uc", "out").is_empty()
    });
    let sent = g.home("uc").join("archive/sent");
    let days = names(&sent);
    assert_eq!(days.len(), 1, "{days:?}");
    assert_eq!(
        names(&sent.join(&days[0])),
        dropped,
        "archived under its name"
    );
    // Delivered but still on the remote: shipped, not yet confirmed.
    wait_polls(&g, 3);
    assert_eq!(
        status(&g, "RM-1"),
        "shipped",
        "the cart has not taken it yet"
    );
    // The cart takes it: confirmed.
    std::fs::remove_file(sshd.drop_off.join(&dropped[0])).unwrap();
    wait_status(&g, "RM-1", "confirmed");
    let log = g.log_text();
    assert!(log.contains("picked up a file"), "{log}");
    assert!(log.contains("dropped off a file"), "{log}");
    assert!(log.contains("the partner took a delivered file"), "{log}");
}

/// With a `drop_off` table, a file goes to the folder of the kind of output Wharf recorded
/// when it planned it: the confirmation to the shipment folder, while a file Wharf did not write
/// stays in `out/` whatever its name says. Arrivals from the remote are logged as such.
#[test]
fn drop_off_by_kind_follows_the_recorded_output_kind_not_the_name() {
    if no_sshd() {
        return;
    }
    let sshd = Sshd::start();
    let by_kind = sshd.remote_table(&sshd.host_key, true).replace(
        &format!("drop_off = \"{}\"", sshd.drop_off.display()),
        &format!(
            "drop_off = {{ shipment = \"{}\" }}",
            sshd.drop_off.display()
        ),
    );
    assert!(by_kind.contains("shipment ="), "{by_kind}");
    let g = Gateway::start_with(&by_kind, "");
    // Not Wharf's output, though its name looks like a shipment file.
    put(
        &g.home("uc").join("out"),
        "ship_manual.csv",
        "not from wharf\n",
    );
    put(&sshd.pick_up, "RM-8.xml", &uc_sd("RM-8"));
    let order = g.home("wh").join("out/order_RM-8.json");
    wait_for(30, "the picked-up order to reach the warehouse", || {
        order.exists()
    });
    ship_whole_order(&g, &order, "RM-8", "1ZKIND", "shipment-8.json");
    // Wharf puts a dotted temp name first and renames it: wait for the final name.
    wait_for(30, "the confirmation in the shipment folder", || {
        names(&sshd.drop_off).iter().any(|n| !n.starts_with('.'))
    });
    let dropped = names(&sshd.drop_off);
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert!(
        std::fs::read_to_string(sshd.drop_off.join(&dropped[0]))
            .unwrap()
            .contains("1ZKIND")
    );
    wait_polls(&g, 2);
    assert_eq!(g.files("uc", "out"), ["ship_manual.csv"], "left in out/");
    let log = g.log_text();
    assert!(
        log.contains("no drop_off folder for this kind of file"),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("file processed") && l.contains("via=\"remote\"")),
        "{log}"
    );
}

#[test]
fn a_file_left_on_the_server_is_fetched_once() {
    if no_sshd() {
        return;
    }
    let sshd = Sshd::start();
    let g = Gateway::start_with(&sshd.remote_table(&sshd.host_key, false), "");
    put(&sshd.pick_up, "RM-2.xml", &uc_sd("RM-2"));
    let order = g.home("wh").join("out/order_RM-2.json");
    wait_for(30, "the picked-up order to reach the warehouse", || {
        order.exists()
    });
    // Let three more polls pass (each logs "poll done" at debug).
    let polls = g.log_text().matches("poll done").count();
    wait_for(30, "three more polls", || {
        g.log_text().matches("poll done").count() >= polls + 3
    });
    let log = g.log_text();
    assert_eq!(
        log.matches("picked up a file").count(),
        1,
        "fetched once: {log}"
    );
    assert_eq!(names(&sshd.pick_up), ["RM-2.xml"], "left on the server");
    // The ledger (in the order store) outlives the process: a restart fetches nothing again.
    let mut g = g;
    g.kill9();
    g.spawn();
    wait_polls(&g, 3);
    let log = g.log_text();
    assert_eq!(
        log.matches("picked up a file").count(),
        1,
        "fetched once across a restart: {log}"
    );
}

#[test]
fn a_wrong_host_key_is_refused() {
    if no_sshd() {
        return;
    }
    let sshd = Sshd::start();
    let (_, other) = ssh_keygen(sshd._dir.path(), "other");
    let other = other
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let g = Gateway::start_with(&sshd.remote_table(&other, true), "");
    put(&sshd.pick_up, "RM-3.xml", &uc_sd("RM-3"));
    wait_for(20, "the refusal in the log", || {
        g.log_text()
            .contains("does not match the pinned `host_key`")
    });
    wait_polls(&g, 2);
    assert_eq!(names(&sshd.pick_up), ["RM-3.xml"], "nothing fetched");
    assert!(g.files("uc", "in").is_empty());
    assert!(!g.home("wh").join("out/order_RM-3.json").exists());
    assert_eq!(
        g.log_text()
            .matches("polling the partner's server failed")
            .count(),
        1,
        "logged once per failure streak"
    );
}

#[test]
fn a_server_that_goes_down_and_comes_back_is_polled_again() {
    if no_sshd() {
        return;
    }
    let mut sshd = Sshd::start();
    let g = Gateway::start_with(&sshd.remote_table(&sshd.host_key, true), "");
    // A first good poll, then the server goes away.
    wait_for(20, "a first poll", || {
        g.data().join("remote").exists() || g.log_text().contains("pull mode: polling")
    });
    wait_polls(&g, 2);
    sshd.stop();
    wait_for(20, "the failure in the log", || {
        g.log_text().contains("polling the partner's server failed")
    });
    put(&sshd.pick_up, "RM-4.xml", &uc_sd("RM-4"));
    wait_polls(&g, 3);
    sshd.spawn(false);
    let order = g.home("wh").join("out/order_RM-4.json");
    wait_for(40, "the order fetched once the server is back", || {
        order.exists()
    });
    wait_for(10, "the remote file to be deleted", || {
        names(&sshd.pick_up).is_empty()
    });
    let log = g.log_text();
    assert_eq!(
        log.matches("polling the partner's server failed").count(),
        1,
        "one warning per failure streak: {log}"
    );
    assert_eq!(
        log.matches("the partner's server works again").count(),
        1,
        "one recovery line: {log}"
    );
}

#[test]
fn a_failed_remote_delete_does_not_make_a_second_order() {
    if no_sshd() {
        return;
    }
    // The server refuses deletes: Wharf fetches the file but cannot remove it.
    let mut sshd = Sshd::start_with(true);
    let g = Gateway::start_with(&sshd.remote_table(&sshd.host_key, true), "");
    put(&sshd.pick_up, "RM-5.xml", &uc_sd("RM-5"));
    let order = g.home("wh").join("out/order_RM-5.json");
    wait_for(30, "the picked-up order to reach the warehouse", || {
        order.exists()
    });
    wait_for(10, "the failed delete in the log", || {
        g.log_text().contains("polling the partner's server failed")
    });
    // Several more polls with the file still there.
    wait_polls(&g, 4);
    assert_eq!(names(&sshd.pick_up), ["RM-5.xml"], "the delete was refused");
    // Deletes work again: the file is removed, not fetched again.
    sshd.stop();
    sshd.spawn(false);
    wait_for(40, "the remote file to be deleted", || {
        names(&sshd.pick_up).is_empty()
    });
    wait_polls(&g, 2);
    let log = g.log_text();
    assert_eq!(log.matches("picked up a file").count(), 1, "{log}");
    assert!(log.contains("deleted a file picked up earlier"), "{log}");
    let orders: Vec<String> = g
        .files("wh", "out")
        .into_iter()
        .filter(|n| n.starts_with("order_"))
        .collect();
    assert_eq!(orders, ["order_RM-5.json"], "one order");
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
}

#[test]
fn a_large_file_is_fetched_intact() {
    if no_sshd() {
        return;
    }
    let sshd = Sshd::start();
    let g = Gateway::start_with(&sshd.remote_table(&sshd.host_key, false), "");
    // About 50 MB: the order export padded with an XML comment.
    let xml = uc_sd("RM-6");
    let pad = format!("<!-- {} -->\n", "x".repeat(50 * 1024 * 1024));
    let big = match xml.find("?>") {
        Some(i) => format!("{}\n{pad}{}", &xml[..i + 2], &xml[i + 2..]),
        None => format!("{pad}{xml}"),
    };
    put(&sshd.pick_up, "RM-6.xml", &big);
    let order = g.home("wh").join("out/order_RM-6.json");
    wait_for(90, "the large file's order to reach the warehouse", || {
        order.exists()
    });
    // The copy Wharf fetched is byte for byte the remote file.
    let mut found = None;
    wait_for(20, "the fetched copy in the archive", || {
        found = find_named(&g.home("uc").join("archive"), "RM-6.xml");
        found.is_some()
    });
    let fetched = std::fs::read(found.unwrap()).unwrap();
    assert_eq!(fetched.len(), big.len());
    assert!(fetched == big.as_bytes(), "fetched intact");
}

/// The first file named `name` under `dir`, at any depth.
fn find_named(dir: &Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Some(f) = find_named(&p, name) {
                return Some(f);
            }
        } else if e.file_name() == name {
            return Some(p);
        }
    }
    None
}

/// A throwaway pyftpdlib server (`tests/clients/ftp_server.py`) on a loopback port.
struct FtpServer {
    child: Child,
    port: u16,
    pick_up: PathBuf,
    drop_off: PathBuf,
    _dir: tempfile::TempDir,
}

impl FtpServer {
    /// `None` (skipped, with a reason) without pyftpdlib outside CI; a failure in CI.
    fn start() -> Option<FtpServer> {
        FtpServer::start_tls(false)
    }

    /// With `tls`, explicit FTPS with a certificate for 127.0.0.1 signed by a test CA
    /// (`ca.pem` in its folder); needs pyOpenSSL too.
    fn start_tls(tls: bool) -> Option<FtpServer> {
        let import = if tls {
            "import pyftpdlib, OpenSSL"
        } else {
            "import pyftpdlib"
        };
        let found = Command::new("python3")
            .args(["-c", import])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            skip(
                "pyftpdlib (and pyOpenSSL for FTPS) is not installed (python3 -m pip install pyftpdlib pyopenssl)",
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let pick_up = dir.path().join("pickup");
        let drop_off = dir.path().join("dropoff");
        std::fs::create_dir_all(&pick_up).unwrap();
        std::fs::create_dir_all(&drop_off).unwrap();
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/ftp_server.py");
        let log = std::fs::File::create(dir.path().join("ftp.log")).unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg(script)
            .args([&port.to_string(), "acme", "s3cret-ftp"])
            .arg(dir.path());
        if tls {
            cmd.arg(make_certs(dir.path()));
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start the FTP server");
        let mut s = FtpServer {
            child,
            port,
            pick_up,
            drop_off,
            _dir: dir,
        };
        wait_for(20, "the FTP server to accept connections", || {
            if let Ok(Some(st)) = s.child.try_wait() {
                panic!("the FTP server exited: {st}");
            }
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Some(s)
    }

    fn remote_table(&self) -> String {
        self.remote_table_with("ftp", "")
    }

    fn remote_table_with(&self, scheme: &str, extra: &str) -> String {
        format!(
            r#"
[partner.remote]
url = "{scheme}://127.0.0.1:{port}"
username = "acme"
password = "s3cret-ftp"
pick_up = "/pickup"
drop_off = "/dropoff"
poll_every = "1s"
delete_after_pick_up = true
{extra}
"#,
            port = self.port,
        )
    }
}

/// A test CA and a certificate for 127.0.0.1 it signed; returns the server's PEM (certificate
/// and key). The CA is `dir/ca.pem`.
pub(super) fn make_certs(dir: &Path) -> PathBuf {
    let sh = |args: &[&str]| {
        let out = run(Command::new("openssl").args(args).current_dir(dir));
        assert!(out.status.success(), "openssl {args:?}: {}", text(&out));
    };
    sh(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Wharf test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    sh(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "srv.key",
        "-out",
        "srv.csr",
    ]);
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    sh(&[
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "srv.pem",
    ]);
    let mut both = std::fs::read(dir.join("srv.pem")).unwrap();
    both.extend(std::fs::read(dir.join("srv.key")).unwrap());
    let path = dir.join("server.pem");
    std::fs::write(&path, both).unwrap();
    path
}

impl Drop for FtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn picks_up_orders_and_drops_off_shipments_over_ftp() {
    let Some(ftp) = FtpServer::start() else {
        return;
    };
    let g = Gateway::start_with(&ftp.remote_table(), "");
    put(&ftp.pick_up, "RF-1.xml", &uc_sd("RF-1"));
    let order = g.home("wh").join("out/order_RF-1.json");
    wait_for(30, "the picked-up order to reach the warehouse", || {
        order.exists()
    });
    wait_for(10, "the remote file to be deleted", || {
        names(&ftp.pick_up).is_empty()
    });
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
    wait_polls(&g, 3);
    assert_eq!(
        g.log_text().matches("picked up a file").count(),
        1,
        "fetched once"
    );

    ship_whole_order(&g, &order, "RF-1", "1ZFTPPULL", "shipment-1.json");
    wait_for(30, "the shipment confirmation on the FTP server", || {
        names(&ftp.drop_off).iter().any(|n| n.starts_with("ship"))
    });
    let dropped = names(&ftp.drop_off);
    assert_eq!(dropped.len(), 1, "no temp file left: {dropped:?}");
    let text = std::fs::read_to_string(ftp.drop_off.join(&dropped[0])).unwrap();
    assert!(text.contains("1ZFTPPULL"), "{text}");
    wait_for(10, "the confirmation to leave out/", || {
        g.files("uc", "out").is_empty()
    });
    assert_eq!(status(&g, "RF-1"), "shipped");
    std::fs::remove_file(ftp.drop_off.join(&dropped[0])).unwrap();
    wait_status(&g, "RF-1", "confirmed");
    let log = g.log_text();
    assert!(!log.contains("not implemented"), "{log}");
    assert!(!log.contains("s3cret-ftp"), "no password in the log");
}

#[test]
fn ftps_checks_the_certificate_and_picks_up_over_tls() {
    let Some(ftp) = FtpServer::start_tls(true) else {
        return;
    };
    // Without the CA, the certificate is not trusted: nothing is fetched.
    let untrusted = Gateway::start_with(&ftp.remote_table_with("ftps", ""), "");
    put(&ftp.pick_up, "RF-2.xml", &uc_sd("RF-2"));
    wait_for(20, "the refused certificate in the log", || {
        untrusted
            .log_text()
            .contains("polling the partner's server failed")
    });
    let log = untrusted.log_text();
    assert!(
        log.contains("TLS with ftps://127.0.0.1"),
        "refused at TLS: {log}"
    );
    wait_polls(&untrusted, 2);
    assert_eq!(names(&ftp.pick_up), ["RF-2.xml"], "nothing fetched");
    drop(untrusted);

    // With the CA in `ca_file`: fetched over TLS (the server requires it).
    let ca = ftp._dir.path().join("ca.pem");
    let g = Gateway::start_with(
        &ftp.remote_table_with("ftps", &format!("ca_file = \"{}\"", ca.display())),
        "",
    );
    let order = g.home("wh").join("out/order_RF-2.json");
    wait_for(30, "the picked-up order to reach the warehouse", || {
        order.exists()
    });
    wait_for(10, "the remote file to be deleted", || {
        names(&ftp.pick_up).is_empty()
    });
    assert!(!g.log_text().contains("polling the partner's server failed"));
}

#[test]
fn a_crash_after_the_download_but_before_the_remote_delete_makes_one_order() {
    if no_sshd() {
        return;
    }
    // Deletes refused, so the file is still there when Wharf is killed.
    let mut sshd = Sshd::start_with(true);
    let mut g = Gateway::start_with(&sshd.remote_table(&sshd.host_key, true), "");
    put(&sshd.pick_up, "RM-7.xml", &uc_sd("RM-7"));
    let order = g.home("wh").join("out/order_RM-7.json");
    wait_for(30, "the picked-up order to reach the warehouse", || {
        order.exists()
    });
    // The crash this test is about comes once the pick-up is recorded (its log line follows
    // the ledger): the order alone can be out before that, since the watcher sees the file
    // the moment it is renamed into in/ (under load, a kill there fetched the file twice).
    wait_for(30, "the pick-up to be recorded", || {
        g.log_text().contains("picked up a file")
    });
    g.kill9();
    assert_eq!(names(&sshd.pick_up), ["RM-7.xml"], "still on the server");
    // Restart both, deletes allowed: the ledger says it was fetched.
    sshd.stop();
    sshd.spawn(false);
    g.spawn();
    wait_for(30, "the remote file to be deleted", || {
        names(&sshd.pick_up).is_empty()
    });
    wait_polls(&g, 2);
    let log = g.log_text();
    assert_eq!(log.matches("picked up a file").count(), 1, "{log}");
    let orders: Vec<String> = g
        .files("wh", "out")
        .into_iter()
        .filter(|n| n.starts_with("order_"))
        .collect();
    assert_eq!(orders, ["order_RM-7.json"], "one order");
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
}

#[test]
fn picks_up_dsco_purchase_orders_over_sftp() {
    if no_sshd() {
        return;
    }
    let sshd = Sshd::start();
    let dsco = format!(
        "\n[[partner]]\nname = \"ds\"\nrole = \"cart\"\nformat = \"dsco\"\npassword_hash = \"{}\"\nwarehouse = \"wh\"\n{}",
        wharf::config::hash_password("ds-pass").unwrap(),
        sshd.remote_table(&sshd.host_key, true)
    );
    let g = Gateway::start_with("", &dsco);
    put(
        &sshd.pick_up,
        "Purchase_Order_20261121.csv",
        "po_number,line_item_sku,line_item_quantity,line_item_expected_cost\r\nPO-RM-1,SKU-1,2,4.50\r\n",
    );
    let order = g.home("wh").join("out/order_PO-RM-1.json");
    wait_for(
        30,
        "the picked-up DSCO order to reach the warehouse",
        || order.exists(),
    );
    let o: serde_json::Value = serde_json::from_slice(&std::fs::read(&order).unwrap()).unwrap();
    assert_eq!(o["order_source"], "ds");
    assert_eq!(o["items"][0]["unit_cost"], "4.50");
    wait_for(30, "the remote file to be deleted", || {
        names(&sshd.pick_up).is_empty()
    });
}
