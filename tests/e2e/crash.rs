//! Never lose a file: kill -9 four times during a stream of 200 uploads from four concurrent
//! clients, restart each time, and every input ends in exactly one of archive/ or error/, every
//! SD order with exactly one outbox file.

use super::support::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use suppaftp::tokio::AsyncFtpStream;

const FILES: usize = 200;
const CLIENTS: usize = 4;

async fn upload(port: u16, name: &str, body: &str) -> Result<(), String> {
    let mut ftp = AsyncFtpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    ftp.login("uc", CART_PASSWORD)
        .await
        .map_err(|e| e.to_string())?;
    ftp.transfer_type(suppaftp::types::FileType::Binary)
        .await
        .map_err(|e| e.to_string())?;
    let mut reader = body.as_bytes();
    ftp.put_file(format!("/in/{name}"), &mut reader)
        .await
        .map_err(|e| e.to_string())?;
    let _ = ftp.quit().await;
    Ok(())
}

/// Uploads until the server confirms (226), as a client retrying after a failure would.
async fn upload_until_done(port: u16, name: String, body: String) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while upload(port, &name, &body).await.is_err() {
        assert!(Instant::now() < deadline, "{name} never uploaded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn order_file(i: usize) -> (String, String) {
    // Every fifth order is an AR order (skipped), the rest SD. Each body is padded so an upload
    // takes long enough for a kill to land in the middle of one.
    let stage = if i % 5 == 4 { "AR" } else { "SD" };
    let mut body = uc_export(&[uc_order(
        &format!("9{i:03}"),
        stage,
        &[("S", 1, "1.00")],
        "1.00",
    )]);
    body.push_str(&format!("<!-- {} -->\n", "x".repeat(512 * 1024)));
    (format!("o{i:03}.xml"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_200_uploads_loses_nothing_and_sends_nothing_twice() {
    let mut g = Gateway::start();
    let port = g.ftp_port;
    let done = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let done = done.clone();
        clients.push(tokio::spawn(async move {
            for i in (c..FILES).step_by(CLIENTS) {
                let (name, body) = order_file(i);
                upload_until_done(port, name, body).await;
                done.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    // Crash four times while uploads and processing are in full flow.
    for at in [FILES / 5, 2 * FILES / 5, 3 * FILES / 5, 4 * FILES / 5] {
        let d = done.clone();
        tokio::task::spawn_blocking(move || {
            wait_for(90, "uploads to progress", || d.load(Ordering::SeqCst) >= at)
        })
        .await
        .unwrap();
        g.kill9();
        g.spawn();
    }
    for c in clients {
        c.await.unwrap();
    }
    tokio::task::spawn_blocking({
        let home = g.home("uc");
        move || {
            wait_for(60, "uc/in to be empty", || {
                std::fs::read_dir(home.join("in"))
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(false)
            })
        }
    })
    .await
    .unwrap();

    let archived = g.files("uc", "archive");
    let errored: Vec<String> = g
        .files("uc", "error")
        .into_iter()
        .filter(|f| !f.ends_with(".error.txt"))
        .collect();
    let base = |f: &String| {
        let n = f.rsplit('/').next().unwrap().to_string();
        match n.split_once('~') {
            Some((stem, rest)) => {
                format!("{stem}{}", &rest[rest.find('.').unwrap_or(rest.len())..])
            }
            None => n,
        }
    };
    let archived_names: BTreeSet<String> = archived.iter().map(base).collect();
    // Every confirmed upload was processed and archived.
    for i in 0..FILES {
        let (name, _) = order_file(i);
        assert!(archived_names.contains(&name), "{name} was never archived");
    }
    // Only uploads cut by a crash may be in error/ (and they were then sent again and archived).
    for e in &errored {
        let report =
            std::fs::read_to_string(g.home("uc").join("error").join(format!("{e}.error.txt")))
                .unwrap();
        assert!(report.contains("rejected"), "{e}: {report}");
    }
    // Every SD order has exactly one outbox file; no AR order has one.
    let out: BTreeSet<String> = g.files("wh", "out").into_iter().collect();
    for i in 0..FILES {
        let file = format!("order_9{i:03}.json");
        assert_eq!(out.contains(&file), i % 5 != 4, "{file}");
    }
    assert_eq!(out.len(), FILES - FILES / 5, "no other outputs: {out:?}");
    let log = g.log_text();
    eprintln!(
        "crash test: {} archived, {} cut uploads in error/, {} plans resumed, {} files found by the start-up scans",
        archived.len(),
        errored.len(),
        log.matches("resuming after a restart").count(),
        log.matches("start-up scan queued").count()
    );
    assert!(g.terminate().success());
}

#[test]
fn an_upload_cut_off_by_a_crash_goes_to_error_not_to_the_warehouse() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start();
    // A complete order followed by padding: a cut copy could even look complete.
    let body = uc_sd("CUT-1") + &"<!-- pad -->\n".repeat(50_000);
    let local = g.dir.path().join("cut.xml");
    std::fs::write(&local, &body).unwrap();
    let mut client = std::process::Command::new("curl")
        .args(["-sS", "--limit-rate", "100K", "-T"])
        .arg(&local)
        .arg(g.url("uc", CART_PASSWORD, "in/cut.xml"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let partial = g.home("uc").join("in/cut.xml");
    wait_for(30, "the upload to start", || {
        std::fs::metadata(&partial)
            .map(|m| m.len() > 4096)
            .unwrap_or(false)
    });
    assert!(
        g.home("uc").join("in/.cut.xml.uploading").exists(),
        "the upload is marked"
    );
    g.kill9();
    let _ = client.kill();
    let _ = client.wait();
    g.spawn();
    let report = g.home("uc").join("error/cut.xml.error.txt");
    g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("cut off when Wharf stopped"), "{text}");
    g.wait_in_empty("uc");
    assert!(
        g.files("wh", "out").is_empty(),
        "half a file is never an order"
    );
}
