//! Alerts end to end: each rule against a local webhook receiver (Python's http.server) and a
//! local SMTP server (aiosmtpd, STARTTLS and AUTH), each firing once for a burst and clearing.

use super::ops_support::*;
use super::support::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Whether a Python module is there; a failure under CI, a skip (with the reason) elsewhere.
fn python_has(module: &str) -> bool {
    let found = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("CI").is_ok() {
            panic!("python3 module {module} is required in CI (.ci/run installs it)");
        }
        eprintln!("skipped: python3 -m pip install {module}");
    }
    found
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name)
}

/// A child process killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_on(port: u16, cmd: &mut Command) -> Proc {
    let mut child = Proc(cmd.stdin(Stdio::null()).spawn().expect("spawn"));
    wait_for(20, "the test server to listen", || {
        if let Ok(Some(st)) = child.0.try_wait() {
            panic!("the test server exited: {st}");
        }
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    child
}

/// The webhook receiver and what it got.
struct Hook {
    port: u16,
    log: PathBuf,
    _p: Proc,
}

impl Hook {
    fn start(dir: &Path, fail_first: u32) -> Hook {
        let port = free_port();
        let log = dir.join(format!("hook-{port}.jsonl"));
        let p = spawn_on(
            port,
            Command::new("python3")
                .arg(script("webhook_receiver.py"))
                .arg(port.to_string())
                .arg(&log)
                .arg(fail_first.to_string()),
        );
        Hook { port, log, _p: p }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// Every request: (answered status, headers, body as JSON).
    fn requests(&self) -> Vec<(u64, serde_json::Value, serde_json::Value)> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| {
                let body = serde_json::from_str(v["body"].as_str().unwrap_or("")).unwrap();
                (v["answered"].as_u64().unwrap(), v["headers"].clone(), body)
            })
            .collect()
    }

    /// The states of the requests answered 204, in order.
    fn delivered(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|(s, _, _)| *s == 204)
            .map(|(_, _, b)| b["state"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    fn wait_delivered(&self, n: usize) -> Vec<String> {
        wait_for(30, &format!("{n} alert(s) delivered"), || {
            self.delivered().len() >= n
        });
        self.delivered()
    }
}

/// Long enough for several evaluations (one a second): what has not come by then does not.
fn quiet() {
    std::thread::sleep(Duration::from_secs(3));
}

fn bad_upload(o: &Ops, name: &str) {
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, &format!("/in/{name}")),
        b"<export>",
    );
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn file_rejected_fires_once_per_burst_and_clears_by_webhook_and_email() {
    if !python_has("aiosmtpd") {
        return;
    }
    let side = tempfile::tempdir().unwrap();
    let hook = Hook::start(side.path(), 1);
    // The SMTP server: a certificate for 127.0.0.1 from a test CA, STARTTLS required.
    let key = super::remote::make_certs(side.path());
    let cert = side.path().join("ca.pem");
    let smtp_port = free_port();
    let mails = side.path().join("mail.jsonl");
    let _smtp = spawn_on(
        smtp_port,
        Command::new("python3")
            .arg(script("smtp_receiver.py"))
            .arg(smtp_port.to_string())
            .arg(&mails)
            .arg(&key)
            .arg(&key)
            .arg("smtp-Secret-1"),
    );
    let pw = side.path().join("smtp.pw");
    std::fs::write(&pw, "smtp-Secret-1\n").unwrap();
    let extra = format!(
        r#"
[smtp]
host = "127.0.0.1"
port = {smtp_port}
username = "wharf"
password_file = "{pw}"
from = "wharf@example.com"
ca_file = "{cert}"

[[alert]]
rule = "file_rejected"
partner = "uc"
webhook = "{url}"
secret = "hook-Secret-9"
email = "ops@example.com"
"#,
        pw = pw.display(),
        cert = cert.display(),
        url = hook.url(),
    );
    let o = Ops::start("", &extra);
    for i in 0..3 {
        bad_upload(&o, &format!("bad{i}.xml"));
    }
    for i in 0..3 {
        o.g.error_report("uc", &format!("bad{i}.xml"));
    }
    assert_eq!(hook.wait_delivered(1), ["firing"]);
    quiet();
    assert_eq!(hook.delivered(), ["firing"], "one alert for the burst");
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/good.xml"),
        uc_sd("OK-1").as_bytes(),
    );
    assert!(out.status.success());
    assert_eq!(hook.wait_delivered(2), ["firing", "cleared"]);

    // The first attempt was answered 500 and retried with the same signed body.
    let reqs = hook.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert_eq!((reqs[0].0, reqs[1].0), (500, 204));
    assert_eq!(reqs[0].2, reqs[1].2);
    let firing = &reqs[1].2;
    assert_eq!(firing["rule"], "file_rejected");
    assert_eq!(firing["partner"], "uc");
    assert_eq!(firing["file"], "in/bad0.xml", "the burst's first file");
    assert!(firing["message"].as_str().unwrap().contains("rejected"));
    assert!(firing["at"].as_str().unwrap().ends_with('Z'));
    let raw = std::fs::read_to_string(&hook.log).unwrap();
    let first: serde_json::Value = serde_json::from_str(raw.lines().nth(1).unwrap()).unwrap();
    let body = first["body"].as_str().unwrap();
    let sig = first["headers"]["x-wharf-signature"].as_str().unwrap();
    assert_eq!(
        sig,
        wharf::alerts::deliver::signature("hook-Secret-9", body.as_bytes())
    );
    {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"hook-Secret-9").unwrap();
        mac.update(body.as_bytes());
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sig, format!("sha256={hex}"));
    }

    // E-mail: the same two events, over STARTTLS with the login.
    wait_for(30, "two e-mails", || {
        std::fs::read_to_string(&mails).is_ok_and(|t| t.lines().count() >= 2)
    });
    let mail: Vec<serde_json::Value> = std::fs::read_to_string(&mails)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(mail.len(), 2);
    for (m, state) in mail.iter().zip(["firing", "cleared"]) {
        assert_eq!(m["tls"], true);
        assert_eq!(m["user"], "wharf");
        assert_eq!(m["to"][0], "ops@example.com");
        let data = m["data"].as_str().unwrap();
        assert!(
            data.contains(&format!("Subject: [wharf] {state} file_rejected (uc)")),
            "{data}"
        );
    }
    // The console's alert log has both.
    assert_eq!(o.login(ADMIN_PASSWORD), 303);
    let (_, page) = o.get_in("/alerts");
    assert!(
        page.contains("firing") && page.contains("cleared"),
        "{page}"
    );
}

#[test]
fn no_file_fires_after_the_window_survives_a_restart_and_clears() {
    let side = tempfile::tempdir().unwrap();
    let hook = Hook::start(side.path(), 0);
    let extra = format!(
        "\n[[alert]]\nrule = \"no_file\"\npartner = \"uc\"\nwithin = \"2s\"\nwebhook = \"{}\"\n",
        hook.url()
    );
    let mut o = Ops::start("", &extra);
    assert_eq!(hook.wait_delivered(1), ["firing"]);
    let firing = &hook.requests()[0].2;
    assert_eq!(firing["rule"], "no_file");
    assert!(
        firing["message"]
            .as_str()
            .unwrap()
            .contains("no file from uc within 2s")
    );
    // A restart does not fire it again: the state is in the store.
    o.g.terminate();
    o.g.spawn();
    o.wait_http();
    quiet();
    assert_eq!(hook.delivered(), ["firing"]);
    let out = curl_upload(
        &o.g.url("uc", CART_PASSWORD, "/in/f.xml"),
        uc_sd("NF-1").as_bytes(),
    );
    assert!(out.status.success());
    assert_eq!(hook.wait_delivered(2), ["firing", "cleared"]);
}

#[test]
fn order_not_taken_fires_once_for_many_orders_and_clears_when_taken() {
    let side = tempfile::tempdir().unwrap();
    let hook = Hook::start(side.path(), 0);
    let extra = format!(
        "\n[[alert]]\nrule = \"order_not_taken\"\npartner = \"wh\"\nwithin = \"2s\"\nwebhook = \"{}\"\n",
        hook.url()
    );
    let o = Ops::start("", &extra);
    let two = uc_export(&[
        uc_order("NT-1", "SD", &[("SKU-1", 1, "5.00")], "5.00"),
        uc_order("NT-2", "SD", &[("SKU-1", 1, "5.00")], "5.00"),
    ]);
    let out = curl_upload(&o.g.url("uc", CART_PASSWORD, "/in/two.xml"), two.as_bytes());
    assert!(out.status.success());
    o.g.wait_in_empty("uc");
    assert_eq!(hook.wait_delivered(1), ["firing"]);
    let firing = &hook.requests()[0].2;
    assert_eq!(firing["partner"], "wh");
    assert!(
        ["NT-1", "NT-2"].contains(&firing["cust_ref"].as_str().unwrap()),
        "{firing}"
    );
    quiet();
    assert_eq!(hook.delivered(), ["firing"], "one alert for both orders");
    // The warehouse takes one: the other still waits.
    let del = |name: &str| {
        let out = run(Command::new("curl").args([
            "-sS",
            "-Q",
            &format!("DELE out/{name}"),
            &o.g.url("wh", WH_PASSWORD, "/"),
        ]));
        assert!(out.status.success(), "{out:?}");
    };
    del("order_NT-1.json");
    quiet();
    assert_eq!(hook.delivered(), ["firing"]);
    del("order_NT-2.json");
    assert_eq!(hook.wait_delivered(2), ["firing", "cleared"]);
}

#[test]
fn remote_down_fires_after_its_time_and_clears_when_the_server_answers() {
    if !python_has("pyftpdlib") {
        return;
    }
    let side = tempfile::tempdir().unwrap();
    let hook = Hook::start(side.path(), 0);
    let home = side.path().join("remote");
    std::fs::create_dir_all(home.join("pickup")).unwrap();
    std::fs::create_dir_all(home.join("dropoff")).unwrap();
    let port = free_port();
    let ftp = |home: &Path| {
        spawn_on(
            port,
            Command::new("python3")
                .arg(script("ftp_server.py"))
                .args([&port.to_string(), "acme", "s3cret-ftp"])
                .arg(home)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
    };
    let server = ftp(&home);
    let remote = format!(
        "\n[partner.remote]\nurl = \"ftp://127.0.0.1:{port}\"\nusername = \"acme\"\npassword = \"s3cret-ftp\"\npick_up = \"/pickup\"\ndrop_off = \"/dropoff\"\npoll_every = \"1s\"\n"
    );
    let extra = format!(
        "\n[[alert]]\nrule = \"remote_down\"\npartner = \"uc\"\nfor = \"2s\"\nwebhook = \"{}\"\n",
        hook.url()
    );
    let o = Ops::start_with("", &remote, &extra);
    wait_for(30, "a successful poll", || {
        value(&o.metrics(), "wharf_remote_up{partner=\"uc\"}") == 1.0
    });
    drop(server);
    wait_for(30, "a failed poll", || {
        value(&o.metrics(), "wharf_remote_up{partner=\"uc\"}") == 0.0
    });
    assert_eq!(hook.wait_delivered(1), ["firing"]);
    assert!(
        hook.requests()[0].2["message"]
            .as_str()
            .unwrap()
            .contains("failed every poll for 2s")
    );
    quiet();
    assert_eq!(hook.delivered(), ["firing"], "once while it stays down");
    let _server = ftp(&home);
    assert_eq!(hook.wait_delivered(2), ["firing", "cleared"]);
}
