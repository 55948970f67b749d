//! FTP under load: many clients through a small passive range, and a partner's sessions held
//! at full load by clients whose data connections keep failing.

use super::ftp_wire::{Wire, fd_count};
use super::support::*;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_clients_of_125_files_through_a_20_port_range() {
    let g = Gateway::start_passive(20, "", "", "", "");
    let port = g.ftp_port;
    let mut clients = Vec::new();
    for c in 0..8 {
        clients.push(tokio::spawn(async move {
            let mut ftp = suppaftp::tokio::AsyncFtpStream::connect(("127.0.0.1", port))
                .await
                .map_err(|e| format!("client {c} connect: {e}"))?;
            ftp.login("uc", CART_PASSWORD)
                .await
                .map_err(|e| format!("client {c} login: {e}"))?;
            ftp.transfer_type(suppaftp::types::FileType::Binary)
                .await
                .map_err(|e| format!("client {c}: {e}"))?;
            for i in 0..125 {
                let body = uc_sd(&format!("L{c}-{i}"));
                let mut r = body.as_bytes();
                ftp.put_file(format!("/in/l{c}-{i}.xml"), &mut r)
                    .await
                    .map_err(|e| format!("client {c} file {i}: {e}"))?;
            }
            ftp.quit()
                .await
                .map_err(|e| format!("client {c} quit: {e}"))?;
            Ok::<(), String>(())
        }));
    }
    for c in clients {
        c.await.unwrap().unwrap();
    }
    // A deadline, not a speed target (the benches measure speed): a debug build on a loaded
    // 2-core machine with slow fsync needs minutes for 1,000 files.
    wait_for(400, "1000 orders in the warehouse outbox", || {
        g.files("wh", "out").len() == 1000
    });
    g.wait_in_empty("uc");
    let archived = g.files("uc", "archive");
    assert_eq!(archived.len(), 1000, "every file archived once");
    assert!(archived.iter().all(|f| !f.contains('~')));
    assert!(g.files("uc", "error").is_empty());
    let log = g.log_text();
    assert!(
        !log.contains("AddrInUse") && !log.contains("Closing control"),
        "{log}"
    );
}

#[test]
fn a_partner_held_at_full_load_with_failing_data_connections_can_still_log_in() {
    let per_partner = 4;
    let g = Gateway::start_custom(
        &format!("max_sessions_per_partner = {per_partner}\nidle_timeout = \"5s\""),
        "",
        "",
    );
    let pid = g.child.as_ref().unwrap().id();
    let before = {
        let mut w = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
        w.cmd("QUIT");
        std::thread::sleep(Duration::from_millis(300));
        fd_count(pid)
    };
    let secs: u64 = std::env::var("WHARF_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let port = g.ftp_port;
    let until = Instant::now() + Duration::from_secs(secs);
    let workers: Vec<_> = (0..per_partner)
        .map(|k| {
            std::thread::spawn(move || {
                let mut rounds = 0u32;
                while Instant::now() < until {
                    // Every way a data connection can fail, then the session ends badly too.
                    let mut w = login_retrying(port, Duration::from_secs(5));
                    let d = w.data();
                    assert_eq!(w.cmd("RETR /out/missing.csv").0, 550);
                    drop(d);
                    let _unused = w.data();
                    let d = w.data();
                    assert_eq!(w.cmd("LIST /in").0, 150);
                    drop(d); // closed before reading
                    let _ = w.reply();
                    let port_only = w.epsv();
                    assert_eq!(w.cmd("NOOP").0, 200);
                    let _ = port_only;
                    let d = w.data();
                    assert_eq!(w.cmd(&format!("STOR /in/w{k}-{rounds}.xml.part")).0, 150);
                    let _ = socket2::SockRef::from(&d).set_linger(Some(Duration::ZERO));
                    drop(d); // reset mid-upload
                    let _ = w.reply();
                    match rounds % 3 {
                        0 => {
                            w.cmd("QUIT");
                        }
                        1 => {
                            let _ =
                                socket2::SockRef::from(w.socket()).set_linger(Some(Duration::ZERO));
                        }
                        _ => {}
                    }
                    drop(w);
                    rounds += 1;
                }
                rounds
            })
        })
        .collect();
    let rounds: u32 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(rounds > 0);
    // The partner logs in again at once, to its full limit.
    let again: Vec<Wire> = (0..per_partner)
        .map(|_| login_retrying(g.ftp_port, Duration::from_secs(5)))
        .collect();
    drop(again);
    let deadline = Instant::now() + Duration::from_secs(15);
    while fd_count(pid) > before {
        assert!(
            Instant::now() < deadline,
            "{} fds open, {before} before",
            fd_count(pid)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Logs in as `uc`, retrying while the session limit is still full (a session whose client
/// just went away is freed as soon as the server sees the close).
fn login_retrying(port: u16, within: Duration) -> Wire {
    let deadline = Instant::now() + within;
    loop {
        let mut w = Wire::connect(port);
        w.cmd("USER uc");
        let (c, t) = w.cmd(&format!("PASS {CART_PASSWORD}"));
        if c == 230 {
            return w;
        }
        assert!(
            Instant::now() < deadline,
            "login refused for {within:?}: {t}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
