//! Never lose a file: kill -9 during a stream of uploads, restart, and every input ends in
//! exactly one of archive/ or error/, every SD order with exactly one outbox file.

use super::support::*;
use std::collections::BTreeSet;
use suppaftp::tokio::AsyncFtpStream;

const FILES: usize = 200;

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

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_200_uploads_loses_nothing_and_sends_nothing_twice() {
    let mut g = Gateway::start();
    let port = g.ftp_port;
    let mut confirmed = Vec::new();
    let mut failed = Vec::new();
    for i in 0..FILES {
        let name = format!("o{i:03}.xml");
        // Every fifth file is an AR order (skipped), the rest SD.
        let stage = if i % 5 == 4 { "AR" } else { "SD" };
        let body = uc_export(&[uc_order(
            &format!("9{i:03}"),
            stage,
            &[("S", 1, "1.00")],
            "1.00",
        )]);
        if i == FILES / 2 {
            g.kill9();
            g.spawn();
        }
        match upload(port, &name, &body).await {
            Ok(()) => confirmed.push((name, stage)),
            Err(_) => failed.push((name, body)),
        }
    }
    // What failed during the crash is sent again, as a client would.
    for (name, body) in &failed {
        upload(port, name, body).await.unwrap();
    }
    g.wait_in_empty("uc");
    let archived: Vec<String> = g.files("uc", "archive");
    let errored: Vec<String> = g
        .files("uc", "error")
        .into_iter()
        .filter(|f| !f.ends_with(".error.txt"))
        .collect();
    let settled: BTreeSet<String> = archived
        .iter()
        .chain(errored.iter())
        .map(|f| f.rsplit('/').next().unwrap().replace("~2", ""))
        .collect();
    for i in 0..FILES {
        let name = format!("o{i:03}.xml");
        assert!(
            settled.contains(&name),
            "{name} is in neither archive/ nor error/"
        );
    }
    // Every SD order has exactly one outbox file; no AR order has one.
    let out: BTreeSet<String> = g.files("wh", "out").into_iter().collect();
    assert!(
        out.iter()
            .all(|f| f.starts_with("order_") && f.ends_with(".json")),
        "{out:?}"
    );
    for i in 0..FILES {
        let file = format!("order_9{i:03}.json");
        assert_eq!(out.contains(&file), i % 5 != 4, "{file}");
    }
    assert_eq!(out.len(), FILES - FILES / 5);
    // Only an upload cut by the crash may be in error/, and then it was re-sent and archived.
    for e in &errored {
        let base = e.rsplit('/').next().unwrap().replace("~2", "");
        assert!(
            archived.iter().any(|a| a.ends_with(&base)),
            "{e} in error/ but never archived"
        );
    }
    assert!(g.terminate().success());
}
