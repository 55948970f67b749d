//! Hostile and clumsy FTP clients: failed data connections never leak a session place or a
//! file descriptor, one session cannot take the passive range, `REST` cannot grow a file past
//! its size or `max_upload_size`, `ABOR` during `STOR` is an aborted upload, and a rename
//! cannot cut an upload in progress.

use super::ftp_wire::{Wire, fd_count};
use super::support::*;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn pid(g: &Gateway) -> u32 {
    g.child.as_ref().expect("running").id()
}

/// Waits until the gateway's fd count is at most `baseline`.
fn wait_fds(g: &Gateway, baseline: usize, what: &str) {
    let p = pid(g);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = fd_count(p);
        if now <= baseline {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {now} file descriptors open, {baseline} before"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One warm-up login, so the fds every later session shares (password threads...) exist.
fn baseline(g: &Gateway) -> usize {
    let mut w = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    assert_eq!(w.cmd("QUIT").0, 221);
    drop(w);
    std::thread::sleep(Duration::from_millis(300));
    fd_count(pid(g))
}

#[test]
fn twenty_failed_curl_downloads_do_not_lock_the_partner_out() {
    if missing("curl") || missing("sshpass") || missing("sftp") {
        return;
    }
    let s = SftpGateway::start();
    let g = &s.g;
    for _ in 0..20 {
        let out = curl_get(&g.url("uc", CART_PASSWORD, "out/missing.csv"));
        assert!(!out.status.success(), "a missing file cannot download");
    }
    // Every place was freed: the partner logs in over FTP and SFTP at once.
    let mut w = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    assert_eq!(w.cmd("NOOP").0, 200);
    let out = s.sftp_password("uc", CART_PASSWORD, "ls /\n");
    assert!(
        out.status.success(),
        "SFTP after 20 failed FTP downloads: {}",
        text(&out)
    );
    assert!(
        !g.log_text().contains("too many sessions"),
        "{}",
        g.log_text()
    );
}

#[test]
fn a_hundred_failed_data_transfers_leak_no_file_descriptor() {
    let g = Gateway::start();
    let before = baseline(&g);
    let mut w = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    let mut held = Vec::new();
    for _ in 0..100 {
        held.push(w.data());
        let (c, t) = w.cmd("SIZE /out/missing.csv");
        assert_eq!(c, 550, "{t}");
    }
    // A session with a hundred opened and unused data connections still answers.
    assert_eq!(w.cmd("NOOP").0, 200);
    assert_eq!(w.cmd("QUIT").0, 221);
    drop(held);
    drop(w);
    wait_fds(&g, before, "after QUIT");
}

#[test]
fn sixty_pasv_in_one_session_hold_at_most_one_port() {
    let g = Gateway::start();
    let mut greedy = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    let mut ports = std::collections::BTreeSet::new();
    for _ in 0..60 {
        let a = greedy.pasv().expect("PASV");
        ports.insert(a.port());
    }
    // Only the last PASV still listens: every other port of the range is free again.
    let last = greedy.pasv().expect("PASV").port();
    ports.insert(last);
    let listening: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|&p| std::net::TcpListener::bind(("127.0.0.1", p)).is_err())
        .collect();
    assert_eq!(listening, vec![last], "ports still listening");
    // Another partner still gets a data connection.
    let mut other = Wire::login(g.ftp_port, "wh", WH_PASSWORD);
    std::fs::write(g.home("wh").join("out/o.json"), "{}").unwrap();
    let data = other.data();
    let (c, t) = other.cmd("NLST /out");
    assert_eq!(c, 150, "{t}");
    let names = String::from_utf8(Wire::read_all(data)).unwrap();
    assert_eq!(names.trim(), "/out/o.json");
    assert_eq!(other.reply().0, 226);
    assert_eq!(greedy.cmd("NOOP").0, 200, "the greedy session goes on");
}

#[test]
fn a_partner_cannot_take_more_than_its_share_of_passive_ports() {
    let g = Gateway::start_ftp_extra("passive_ports_per_partner = 2");
    let mut a = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    let mut b = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    let mut c = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    a.pasv().expect("first port");
    b.pasv().expect("second port");
    let refused = c.pasv().expect_err("a third port for the same partner");
    assert!(refused.starts_with("425"), "{refused}");
    assert_eq!(c.cmd("NOOP").0, 200, "the session goes on after 425");
    let mut other = Wire::login(g.ftp_port, "wh", WH_PASSWORD);
    other.pasv().expect("another partner still gets a port");
}

#[test]
fn rest_past_the_end_is_refused_and_rest_stor_stays_within_max_upload_size() {
    let g = Gateway::start_custom("max_upload_size = \"4KiB\"", "", "");
    let mut w = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    assert_eq!(w.cmd("TYPE I").0, 200);
    // A 100-byte temp file to resume.
    let mut d = w.data();
    assert_eq!(w.cmd("STOR /in/big.xml.part").0, 150);
    d.write_all(&[b'x'; 100]).unwrap();
    drop(d);
    assert_eq!(w.reply().0, 226);
    // REST past the current size: refused, nothing grows.
    let d = w.data();
    assert_eq!(w.cmd("REST 2000000000").0, 350);
    let (c, t) = w.cmd("STOR /in/big.xml.part");
    assert_eq!(c, 554, "{t}");
    drop(d);
    let part = g.home("uc").join("in/big.xml.part");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 100);
    // REST inside the file, then more than max_upload_size counting the offset.
    let mut d = w.data();
    assert_eq!(w.cmd("REST 100").0, 350);
    assert_eq!(w.cmd("STOR /in/big.xml.part").0, 150);
    let _ = d.write_all(&[b'y'; 4000]);
    drop(d);
    let (c, t) = w.reply();
    assert_eq!(c, 552, "{t}");
    assert!(t.contains("max_upload_size"), "{t}");
    assert!(
        !part.exists(),
        "a too-large upload is set aside even under a temp name"
    );
    let report = g.home("uc").join("error/big.xml.part.error.txt");
    g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("max_upload_size"), "{text}");
    assert_eq!(w.cmd("NOOP").0, 200);
}

#[test]
fn rest_overflow_is_501_and_the_session_goes_on() {
    let g = Gateway::start();
    let mut w = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    let (c, t) = w.cmd("REST 18446744073709551616");
    assert_eq!(c, 501, "{t}");
    for bad in ["REST -1", "REST 12abc", "TYPE X", "PORT 1,2,3"] {
        let (c, t) = w.cmd(bad);
        assert_eq!(c, 501, "{bad}: {t}");
    }
    let (c, t) = w.cmd("XYZZ");
    assert_eq!(c, 502, "{t}");
    w.send(b"STOR caf\xe9.xml\r\n");
    let (c, t) = w.reply();
    assert_eq!(c, 501, "latin-1 name: {t}");
    assert_eq!(w.cmd("NOOP").0, 200);
    assert_eq!(w.cmd("QUIT").0, 221);
}

/// A DSCO partner `ds` (CSV purchase orders, one PO per row here).
fn dsco_partner() -> String {
    format!(
        "\n[[partner]]\nname = \"ds\"\nrole = \"cart\"\nformat = \"dsco\"\npassword_hash = \"{}\"\nwarehouse = \"wh\"\n",
        wharf::config::hash_password("ds-pass").unwrap()
    )
}

fn po_header() -> &'static str {
    "po_number,consumer_order_date,ship_first_name,ship_last_name,ship_address_1,ship_city,ship_region,ship_postal,ship_country,ship_carrier,ship_method,line_item_line_number,line_item_sku,line_item_quantity,line_item_expected_cost,dsco_order_id\r\n"
}

fn po_row(n: u32) -> String {
    format!(
        "PO-{n},2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,1,SKU-{n},1,9.99,{}\r\n",
        9000 + n
    )
}

#[test]
fn abor_during_stor_sets_the_partial_file_aside_and_sends_no_order() {
    let g = Gateway::start_with("", &dsco_partner());
    let mut w = Wire::login(g.ftp_port, "ds", "ds-pass");
    assert_eq!(w.cmd("TYPE I").0, 200);
    let mut d = w.data();
    assert_eq!(w.cmd("STOR /in/Purchase_Order_1.csv").0, 150);
    // Two complete POs of ten, then the client aborts.
    let sent = format!("{}{}{}", po_header(), po_row(1), po_row(2));
    d.write_all(sent.as_bytes()).unwrap();
    d.flush().unwrap();
    wait_for(10, "the bytes on disk", || {
        std::fs::metadata(g.home("ds").join("in/Purchase_Order_1.csv"))
            .map(|m| m.len() == sent.len() as u64)
            .unwrap_or(false)
    });
    // ABOR as RFC 959 §4.1.3 sends it: Telnet IP and Synch first.
    w.send(b"\xff\xf4\xff\xf2ABOR\r\n");
    let (c1, t1) = w.reply();
    let (c2, t2) = w.reply();
    assert_eq!((c1, c2), (426, 226), "{t1}{t2}");
    drop(d);
    let report = g.home("ds").join("error/Purchase_Order_1.csv.error.txt");
    let set_aside = g.home("ds").join("error/Purchase_Order_1.csv");
    // The report is written before the input is moved beside it: wait for both.
    g.wait_file(&report);
    g.wait_file(&set_aside);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        text.contains("the client aborted") && text.contains(&format!("{} bytes", sent.len())),
        "{text}"
    );
    assert_eq!(std::fs::read(&set_aside).unwrap(), sent.as_bytes());
    assert_eq!(w.cmd("NOOP").0, 200, "the session goes on");
    // Nothing was processed: no order reached the warehouse, nothing archived.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        g.files("wh", "out").is_empty(),
        "{:?}",
        g.files("wh", "out")
    );
    assert!(g.files("ds", "archive").is_empty());
}

#[test]
fn a_file_or_folder_being_uploaded_cannot_be_renamed_and_the_upload_then_completes() {
    let g = Gateway::start();
    let body = uc_sd("RACE-1");
    let (head, tail) = body.as_bytes().split_at(1000);
    let mut a = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    assert_eq!(a.cmd("TYPE I").0, 200);
    assert_eq!(a.cmd("MKD /in/sub").0, 257);
    let mut d = a.data();
    assert_eq!(a.cmd("STOR /in/sub/race1.xml").0, 150);
    d.write_all(head).unwrap();
    d.flush().unwrap();
    wait_for(10, "the first bytes on disk", || {
        std::fs::metadata(g.home("uc").join("in/sub/race1.xml"))
            .map(|m| m.len() == 1000)
            .unwrap_or(false)
    });
    let mut b = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    for (from, to) in [
        ("/in/sub/race1.xml", "/in/sub/race1-renamed.xml"),
        ("/in/sub", "/in/sub2"),
    ] {
        let (c, t) = b.cmd(&format!("RNFR {from}"));
        let refused = if c == 350 {
            b.cmd(&format!("RNTO {to}"))
        } else {
            (c, t)
        };
        assert!(
            refused.0 == 450 || refused.0 == 550,
            "renaming {from} during its upload: {}",
            refused.1
        );
    }
    let (c, t) = b.cmd("DELE /in/sub/race1.xml");
    assert!(c >= 450, "{t}");
    // The upload finishes and is processed.
    d.write_all(tail).unwrap();
    drop(d);
    assert_eq!(a.reply().0, 226);
    g.wait_file(&g.home("wh").join("out/order_RACE-1.json"));
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
}

#[test]
fn a_data_connection_from_another_address_is_refused() {
    let g = Gateway::start();
    let mut w = Wire::login(g.ftp_port, "wh", WH_PASSWORD);
    std::fs::write(g.home("wh").join("out/secret.json"), "{\"x\":1}").unwrap();
    let port = w.epsv();
    // 127.0.0.2 is another address on the loopback: its connection is closed unread.
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.bind(&std::net::SocketAddr::from(([127, 0, 0, 2], 0)).into())
        .unwrap();
    sock.connect(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())
        .unwrap();
    let mut thief = TcpStream::from(sock);
    thief
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    wait_for(10, "the refusal in the log", || {
        g.log_text()
            .contains("data connection from another address refused")
    });
    let mut got = Vec::new();
    let _ = std::io::Read::read_to_end(&mut thief, &mut got);
    assert!(got.is_empty(), "the other address read {got:?}");
    // The client itself still connects to the same port and gets its file.
    let d = TcpStream::connect(("127.0.0.1", port)).unwrap();
    assert_eq!(w.cmd("RETR /out/secret.json").0, 150);
    assert_eq!(Wire::read_all(d), b"{\"x\":1}");
    assert_eq!(w.reply().0, 226);
}

/// A connection from `source` (an address in 127.0.0.0/8): its greeting, or `None` when the
/// server closes it without one (refused by the pre-authentication gate).
fn greeted_from(source: [u8; 4], port: u16) -> (TcpStream, Option<String>) {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.bind(&std::net::SocketAddr::from((source, 0)).into())
        .unwrap();
    sock.connect(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())
        .unwrap();
    let s = TcpStream::from(sock);
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut line = String::new();
    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(&s), &mut line);
    let greeting = (!line.is_empty()).then_some(line);
    (s, greeting)
}

#[test]
fn a_client_that_does_not_log_in_in_time_is_cut_off_while_partners_log_in() {
    let g = Gateway::start_custom("login_timeout = \"2s\"", "", "");
    // Sends a command a byte at a time and never finishes it: traffic does not extend the
    // deadline.
    let port = g.ftp_port;
    let slow = std::thread::spawn(move || {
        let mut w = Wire::connect(port);
        let started = Instant::now();
        for b in b"USER uc".iter().cycle() {
            if started.elapsed() > Duration::from_secs(30) {
                return None;
            }
            let _ = w
                .socket()
                .set_read_timeout(Some(Duration::from_millis(200)));
            let mut buf = [0u8; 64];
            match std::io::Read::read(&mut w.socket(), &mut buf) {
                Ok(0) => return Some((started.elapsed(), String::new())),
                Ok(n) => {
                    return Some((started.elapsed(), String::from_utf8_lossy(&buf[..n]).into()));
                }
                Err(_) => {}
            }
            w.send(&[*b]);
        }
        None
    });
    // A partner logs in meanwhile and stays past the deadline.
    let mut ok = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    let (took, said) = slow.join().unwrap().expect("cut off within 30 s");
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(10),
        "{took:?}"
    );
    assert!(said.is_empty() || said.starts_with("421"), "{said}");
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        ok.cmd("NOOP").0,
        200,
        "a logged-in session has no login deadline"
    );
}

#[test]
fn connections_not_logged_in_are_capped_per_source() {
    let g = Gateway::start_custom("max_unauthenticated_per_source = 2", "", "");
    let port = g.ftp_port;
    let (a, ga) = greeted_from([127, 0, 0, 7], port);
    let (_b, gb) = greeted_from([127, 0, 0, 7], port);
    assert!(ga.is_some() && gb.is_some(), "the first two are greeted");
    let (_c, gc) = greeted_from([127, 0, 0, 7], port);
    assert_eq!(
        gc, None,
        "a third one from that address is closed without a greeting"
    );
    let (_d, gd) = greeted_from([127, 0, 0, 8], port);
    assert!(gd.is_some(), "another address is not affected");
    // One of the first two logs in: its place is free for a new connection.
    let mut w = std::io::BufReader::new(a.try_clone().unwrap());
    let mut a = a;
    for line in [
        "USER uc\r\n".to_string(),
        format!("PASS {CART_PASSWORD}\r\n"),
    ] {
        a.write_all(line.as_bytes()).unwrap();
        let mut reply = String::new();
        std::io::BufRead::read_line(&mut w, &mut reply).unwrap();
        assert!(
            reply.starts_with('3') || reply.starts_with("230"),
            "{reply}"
        );
    }
    let (_e, ge) = greeted_from([127, 0, 0, 7], port);
    assert!(ge.is_some(), "a logged-in connection gave its place back");
}

#[test]
fn an_idle_session_is_closed_and_frees_its_place() {
    let g = Gateway::start_custom(
        "idle_timeout = \"1s\"\nmax_sessions_per_partner = 1",
        "",
        "",
    );
    let mut idle = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    let started = Instant::now();
    let (c, t) = idle.reply();
    assert_eq!(c, 421, "{t}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(idle.reply().0, 0, "and the connection is closed");
    let mut again = Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    assert_eq!(again.cmd("NOOP").0, 200);
}

#[test]
fn abor_during_retr_stops_the_download_and_the_session_goes_on() {
    let g = Gateway::start();
    // Larger than every socket buffer on the way: the server is still sending when ABOR comes.
    std::fs::write(g.home("wh").join("out/big.json"), vec![b'x'; 64 << 20]).unwrap();
    let mut w = Wire::login(g.ftp_port, "wh", WH_PASSWORD);
    assert_eq!(w.cmd("TYPE I").0, 200);
    let mut d = w.data();
    assert_eq!(w.cmd("RETR /out/big.json").0, 150);
    let mut first = [0u8; 4096];
    std::io::Read::read_exact(&mut d, &mut first).unwrap();
    w.send(b"ABOR\r\n");
    let (c1, t1) = w.reply();
    let (c2, t2) = w.reply();
    assert_eq!((c1, c2), (426, 226), "{t1}{t2}");
    drop(d);
    assert_eq!(w.cmd("NOOP").0, 200);
    // The session carries on: the next download goes through.
    std::fs::write(g.home("wh").join("out/small.json"), "{}").unwrap();
    let d = w.data();
    assert_eq!(w.cmd("RETR /out/small.json").0, 150);
    assert_eq!(Wire::read_all(d), b"{}");
    assert_eq!(w.reply().0, 226);
}
