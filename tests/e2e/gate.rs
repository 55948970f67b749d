//! The pre-authentication limits against the real server, over SFTP: the login deadline cuts
//! off slow banners and silent clients while partners still log in; the caps on connections
//! not logged in (per source, in total) refuse the extra ones and free their places when a
//! connection ends or logs in; the per-source rate limit; and `ssh-audit`'s connection
//! throttling test (DHEat, CVE-2002-20001).
//!
//! Several "sources" on one machine: Linux answers for all of 127.0.0.0/8 on loopback, so a
//! client socket bound to 127.0.0.N is a different address to the server.

use super::clients::AcceptHostKey;
use super::support::*;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::Command;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// A TCP connection to the test server from `source` (an address in 127.0.0.0/8).
fn connect_from(source: &str, port: u16) -> TcpStream {
    let ip: IpAddr = source.parse().expect("source address");
    let sock =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    sock.bind(&SocketAddr::new(ip, 0).into()).expect("bind");
    sock.connect(&SocketAddr::from(([127, 0, 0, 1], port)).into())
        .expect("connect");
    sock.into()
}

/// The server's first line: `Some` when it greets the client (SSH banner), `None` when it
/// closes the connection without a word (refused by the gate).
fn greeting(stream: &mut TcpStream) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => {
                got.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("no greeting and no close within 10 s: {e}"),
        }
    }
    let line = String::from_utf8_lossy(&got).into_owned();
    assert!(
        line.is_empty() || line.starts_with("SSH-2.0-"),
        "unexpected greeting {line:?}"
    );
    (!line.is_empty()).then_some(line)
}

/// A connection from `source` that the server greeted (the gate admitted it).
fn admitted(source: &str, port: u16) -> TcpStream {
    let mut c = connect_from(source, port);
    assert!(
        greeting(&mut c).is_some(),
        "a connection from {source} was refused"
    );
    c
}

/// Whether a new connection from `source` is refused (closed without a greeting).
fn refused(source: &str, port: u16) -> bool {
    greeting(&mut connect_from(source, port)).is_none()
}

/// Sends an SSH banner a byte every 200 ms (never finishing it) until the server closes the
/// connection; says `ready` once greeted; returns how long it stayed connected, or `None` if
/// still connected after 60 s.
fn trickle_banner(source: &str, port: u16, ready: mpsc::Sender<()>) -> Option<Duration> {
    let mut c = connect_from(source, port);
    let started = Instant::now();
    assert!(greeting(&mut c).is_some(), "{source} refused");
    let _ = ready.send(());
    c.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let banner = b"SSH-2.0-OpenSSH_9.6 slow client sending its banner a byte at a time";
    let mut buf = [0u8; 64];
    for b in banner.iter().cycle() {
        if started.elapsed() > Duration::from_secs(60) {
            return None;
        }
        if c.write_all(&[*b]).is_err() {
            return Some(started.elapsed());
        }
        match c.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Some(started.elapsed()),
        }
    }
    None
}

/// A russh client from `source`, key exchange done, not logged in; it sends a keepalive
/// every 500 ms (traffic that must not extend the login deadline).
async fn ssh_from(source: &str, port: u16) -> russh::client::Handle<AcceptHostKey> {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::new(source.parse().expect("ip"), 0))
        .expect("bind");
    let stream = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .expect("connect");
    let config = russh::client::Config {
        keepalive_interval: Some(Duration::from_millis(500)),
        keepalive_max: 0,
        ..Default::default()
    };
    russh::client::connect_stream(Arc::new(config), stream, AcceptHostKey)
        .await
        .expect("key exchange")
}

/// A russh client from `source`, logged in as the cart `uc`.
async fn logged_in_from(source: &str, port: u16) -> russh::client::Handle<AcceptHostKey> {
    let mut ssh = ssh_from(source, port).await;
    let auth = ssh
        .authenticate_password("uc", CART_PASSWORD)
        .await
        .expect("password auth");
    assert!(auth.success(), "login refused: {auth:?}");
    ssh
}

fn count(log: &str, needle: &str) -> usize {
    log.matches(needle).count()
}

#[test]
fn slow_banners_are_cut_off_at_the_login_deadline_while_a_partner_logs_in() {
    if missing("sftp") || missing("sshpass") {
        return;
    }
    let s = SftpGateway::start_with("login_timeout = \"3s\"", "", "");
    let port = s.port();
    let (ready, greeted) = mpsc::channel();
    let slow: Vec<_> = (10..30)
        .map(|n| {
            let ready = ready.clone();
            std::thread::spawn(move || trickle_banner(&format!("127.0.0.{n}"), port, ready))
        })
        .collect();
    // Once all twenty hold a place, a partner logs in meanwhile.
    for _ in 0..20 {
        greeted
            .recv_timeout(Duration::from_secs(10))
            .expect("every slow client greeted");
    }
    let out = s.sftp_password("uc", CART_PASSWORD, "ls /in\n");
    assert!(
        out.status.success(),
        "the partner could not log in meanwhile: {}\n{}",
        text(&out),
        s.g.log_text()
    );
    let lived: Vec<Option<Duration>> = slow.into_iter().map(|t| t.join().unwrap()).collect();
    for (i, life) in lived.iter().enumerate() {
        let life = life.unwrap_or_else(|| panic!("slow client {i} still connected after 60 s"));
        assert!(
            life >= Duration::from_millis(2500) && life < Duration::from_secs(15),
            "slow client {i} was cut off after {life:?}, not at the 3 s deadline"
        );
    }
    wait_for(10, "twenty login-timeout lines", || {
        count(&s.g.log_text(), "no login within login_timeout") >= 20
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_never_logs_in_after_the_key_exchange_is_cut_off() {
    let s = SftpGateway::start_with("login_timeout = \"3s\"", "", "");
    let started = Instant::now();
    let idle = ssh_from("127.0.0.40", s.port()).await;
    // Keepalives flow every 500 ms: traffic, but no login.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !idle.is_closed() {
        assert!(
            Instant::now() < deadline,
            "a client that never logs in is still connected after 20 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let life = started.elapsed();
    assert!(
        life >= Duration::from_millis(2500),
        "cut off after {life:?}, before the 3 s deadline"
    );
    // A partner that logs in stays past the deadline.
    let partner = logged_in_from("127.0.0.41", s.port()).await;
    let past = Instant::now() + Duration::from_secs(4);
    while Instant::now() < past {
        assert!(!partner.is_closed(), "a logged-in session was cut off");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for(10, "the login-timeout line", || {
        s.g.log_text().contains("no login within login_timeout")
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn caps_refuse_extra_unauthenticated_connections_and_free_places() {
    let s = SftpGateway::start_with(
        "max_unauthenticated = 5\nmax_unauthenticated_per_source = 3\nconnection_burst_per_source = 1000",
        "",
        "",
    );
    let port = s.port();

    // Per source: three from 127.0.0.2 are greeted, the fourth is closed at once.
    let mut from2: Vec<TcpStream> = (0..3).map(|_| admitted("127.0.0.2", port)).collect();
    assert!(refused("127.0.0.2", port), "a 4th from one address");
    // Another address is not affected; together they reach the total of 5.
    let from3: Vec<TcpStream> = (0..2).map(|_| admitted("127.0.0.3", port)).collect();
    assert!(refused("127.0.0.4", port), "a 6th in total");

    // A connection that ends frees its place (for its source and in total).
    drop(from2.pop());
    let mut again = None;
    wait_for(10, "the ended connection's place to be free", || {
        let mut c = connect_from("127.0.0.4", port);
        let ok = greeting(&mut c).is_some();
        again = ok.then_some(c);
        ok
    });
    drop(again);
    drop(from2);
    drop(from3);

    // A connection that logs in frees its place: with two unauthenticated connections held
    // from 127.0.0.5 (one place left), five partners log in from there one after another and
    // stay logged in; a 3rd unauthenticated connection is still greeted, a 4th is not.
    let mut held = Vec::new();
    wait_for(
        10,
        "the places of the closed connections to be free",
        || {
            let mut c = connect_from("127.0.0.5", port);
            let ok = greeting(&mut c).is_some();
            if ok {
                held.push(c);
            }
            held.len() == 2
        },
    );
    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(logged_in_from("127.0.0.5", port).await);
    }
    held.push(admitted("127.0.0.5", port));
    assert!(
        refused("127.0.0.5", port),
        "logged-in sessions hold no place; these 3 do"
    );
    assert!(sessions.iter().all(|ssh| !ssh.is_closed()));

    let log = s.g.log_text();
    assert!(
        log.contains("reason=too many connections not logged in from this address"),
        "{log}"
    );
    assert!(
        log.contains("reason=too many connections not logged in "),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rate_limit_refuses_a_source_that_keeps_connecting_without_logging_in() {
    let s = SftpGateway::start_with(
        "connection_rate_per_source = \"1/5s\"\nconnection_burst_per_source = 5",
        "",
        "",
    );
    let port = s.port();
    // Five connections that end without a login spend the bucket; the sixth is refused.
    for _ in 0..5 {
        drop(admitted("127.0.0.6", port));
    }
    assert!(refused("127.0.0.6", port), "the bucket is empty");
    assert!(refused("127.0.0.6", port), "and refusals do not refill it");
    // Another address has its own bucket.
    drop(admitted("127.0.0.7", port));
    // A token comes back every 5 s.
    wait_for(15, "127.0.0.6 to be admitted again", || {
        greeting(&mut connect_from("127.0.0.6", port)).is_some()
    });

    // Logins give their token back: eight partners log in (and leave) from one address with
    // a bucket of five, and five connections that do not log in still get through after.
    for _ in 0..8 {
        let ssh = logged_in_from("127.0.0.8", port).await;
        let _ = ssh
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
    for _ in 0..5 {
        drop(admitted("127.0.0.8", port));
    }
    assert!(refused("127.0.0.8", port));
    assert!(
        s.g.log_text()
            .contains("reason=too many new connections from this address")
    );
}

#[test]
fn ssh_audit_finds_connection_throttling() {
    if missing("ssh-audit") {
        return;
    }
    let s = SftpGateway::start();
    // -d prints the rate test's own figures; the audit exits non-zero for algorithm findings
    // (NIST curves...), which are not this test's business.
    let out = run(Command::new("ssh-audit").args(["-d", "-p", &s.port().to_string(), "127.0.0.1"]));
    let t = text(&out);
    let results: Vec<&str> = t
        .lines()
        .filter(|l| l.contains("DHEat.dh_rate_test() results"))
        .collect();
    for l in &results {
        eprintln!("ssh-audit: {l}");
    }
    assert!(
        results
            .iter()
            .any(|l| l.contains("connections opened per second")),
        "ssh-audit did not run its connection rate test:\n{t}"
    );
    assert!(
        !t.contains("insufficient connection throttling"),
        "ssh-audit reports no connection throttling:\n{}",
        results.join("\n")
    );
    // Its other probes (host keys, group exchange) still went through the gate.
    for needle in ["ssh-ed25519", "diffie-hellman-group-exchange-sha256"] {
        assert!(t.contains(needle), "ssh-audit output lacks {needle}:\n{t}");
    }
}
