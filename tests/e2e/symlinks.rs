//! Symbolic links on disk are never followed, over either protocol and by the watcher: an
//! operator's `in/shared -> /elsewhere` let the watcher take a file from outside the home (and
//! delete it there), and `in/outlink -> ../out` let the partner STOR, APPE and MKD into its
//! own `out/`.

use super::support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Links planted while Wharf is down (as an operator leaves them), then a fresh start: the
/// watcher's first walk is where notify used to follow them.
fn plant(g: &Gateway) -> PathBuf {
    let elsewhere = g.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("secret.txt"), "outside the home").unwrap();
    let home = g.home("uc");
    std::fs::write(home.join("out/ship_1.csv"), "confirmation").unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.join("in/shared")).unwrap();
    std::os::unix::fs::symlink("../out", home.join("in/outlink")).unwrap();
    std::os::unix::fs::symlink("ship_1.csv", home.join("out/alias.csv")).unwrap();
    elsewhere
}

/// A file written behind the link is never taken: once an order uploaded after it has been
/// processed, the file is still where it was and nothing of it reached `error/` or `archive/`.
fn watcher_leaves_the_outside_alone(g: &Gateway, elsewhere: &Path, sentinel: &str) {
    std::fs::write(elsewhere.join("dropped.xml"), uc_sd("OUTSIDE-1")).unwrap();
    let out = curl_upload(
        &g.url("uc", CART_PASSWORD, &format!("in/{sentinel}.xml")),
        uc_sd(sentinel).as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out));
    g.wait_file(&g.home("wh").join(format!("out/order_{sentinel}.json")));
    assert!(elsewhere.join("dropped.xml").exists(), "moved from outside");
    assert!(!g.home("wh").join("out/order_OUTSIDE-1.json").exists());
    for folder in ["error", "archive"] {
        assert!(
            !g.files("uc", folder).iter().any(|f| f.contains("dropped")),
            "{folder}: {:?}",
            g.files("uc", folder)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn links_are_never_followed_over_ftp() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start();
    g.terminate();
    let elsewhere = plant(&g);
    g.spawn();
    let mut ftp = ftp_login(&g, "uc", CART_PASSWORD).await;
    for path in ["/in/outlink/new.json", "/in/shared/new.xml"] {
        let mut body: &[u8] = b"{}";
        let e = ftp.put_file(path, &mut body).await.unwrap_err().to_string();
        assert!(e.contains("550"), "STOR {path}: {e}");
    }
    let mut body: &[u8] = b"more";
    let e = ftp
        .append_file("/in/outlink/ship_1.csv", &mut body)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("550"), "APPE: {e}");
    let e = ftp.mkdir("/in/outlink/sub").await.unwrap_err().to_string();
    assert!(e.contains("550"), "MKD: {e}");
    for path in [
        "/in/shared/secret.txt",
        "/in/outlink/ship_1.csv",
        "/out/alias.csv",
    ] {
        let e = ftp_get(&mut ftp, path).await.unwrap_err();
        assert!(e.contains("550"), "RETR {path}: {e}");
    }
    let listed = ftp.nlst(Some("/in")).await.unwrap_or_default();
    assert!(
        !listed
            .iter()
            .any(|n| n.contains("shared") || n.contains("outlink")),
        "{listed:?}"
    );
    let _ = ftp.quit().await;
    let home = g.home("uc");
    assert_eq!(
        std::fs::read_to_string(home.join("out/ship_1.csv")).unwrap(),
        "confirmation"
    );
    assert!(!home.join("out/new.json").exists() && !home.join("out/sub").exists());
    assert!(!elsewhere.join("new.xml").exists());
    tokio::task::block_in_place(|| watcher_leaves_the_outside_alone(&g, &elsewhere, "FTP-AFTER"));
    assert!(
        g.log_text().contains("symbolic link"),
        "a warning names the link"
    );
}

#[test]
fn links_are_never_followed_over_sftp() {
    if ["sftp", "sshpass", "curl"].iter().any(|p| missing(p)) {
        return;
    }
    let mut s = SftpGateway::start();
    s.g.terminate();
    let elsewhere = plant(&s.g);
    s.g.spawn();
    let local = s.g.dir.path().join("x.json");
    std::fs::write(&local, "{}").unwrap();
    let l = local.display();
    let got = s.g.dir.path().join("got.txt");
    let out = s.sftp_password(
        "uc",
        CART_PASSWORD,
        &format!(
            "-put {l} /in/outlink/new.json\n-put {l} /in/shared/new.xml\n\
             -mkdir /in/outlink/sub\n-get /in/shared/secret.txt {g}\n\
             -get /out/alias.csv {g}\n-ls /in\n",
            g = got.display()
        ),
    );
    let t = text(&out);
    for refused in [
        "/in/outlink/new.json",
        "/in/shared/new.xml",
        "/in/outlink/sub",
    ] {
        assert!(
            t.lines()
                .any(|line| line.contains(refused) && line.contains("Permission denied")),
            "{refused}: {t}"
        );
    }
    // OpenSSH's get stats (globs) first and names a refused stat "not found".
    for refused in ["/in/shared/secret.txt", "/out/alias.csv"] {
        assert!(
            t.lines().any(|line| line.contains(refused)
                && (line.contains("Permission denied") || line.contains("not found"))),
            "{refused}: {t}"
        );
    }
    assert!(!t.contains("shared\n") && !t.contains("outlink\n"), "{t}");
    assert!(!got.exists(), "nothing came back");
    let home = s.g.home("uc");
    assert!(!home.join("out/new.json").exists() && !home.join("out/sub").exists());
    assert!(!elsewhere.join("new.xml").exists());
    // The same over curl's SFTP (libssh2).
    let out = run(Command::new("curl")
        .args(["-sS", "-k", "-u"])
        .arg(format!("uc:{CART_PASSWORD}"))
        .arg(s.url("/in/outlink/ship_1.csv")));
    assert!(
        !out.status.success() && out.stdout.is_empty(),
        "{}",
        text(&out)
    );
    watcher_leaves_the_outside_alone(&s.g, &elsewhere, "SFTP-AFTER");
}
