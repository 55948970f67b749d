//! Who may do what where, over FTP: logins, the chroot, folder rules, and secrets in logs.

use super::support::*;
use suppaftp::tokio::AsyncFtpStream;

async fn login(g: &Gateway, user: &str, pass: &str) -> AsyncFtpStream {
    ftp_login(g, user, pass).await
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_and_unknown_user_are_refused_alike_and_never_logged() {
    let g = Gateway::start();
    let wrong = "Wrong-Password-9876";
    for user in ["uc", "nobody"] {
        let mut ftp = AsyncFtpStream::connect(("127.0.0.1", g.ftp_port))
            .await
            .unwrap();
        let err = ftp.login(user, wrong).await.unwrap_err().to_string();
        assert!(err.contains("530"), "{user}: {err}");
    }
    let mut ok = login(&g, "uc", CART_PASSWORD).await;
    ok.quit().await.unwrap();
    wait_for(10, "the login lines", || {
        g.log_text().matches("login").count() >= 3
    });
    let log = g.log_text();
    for secret in [wrong, CART_PASSWORD, CART2_PASSWORD, WH_PASSWORD, "$argon2"] {
        assert!(
            !log.contains(secret),
            "the log shows a secret ({secret}):\n{log}"
        );
    }
    assert!(log.contains("login refused"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn paths_never_leave_the_home() {
    let g = Gateway::start();
    std::fs::write(g.dir.path().join("secret.txt"), "top secret").unwrap();
    std::fs::write(g.home("uc2").join("out/theirs.json"), "{}").unwrap();
    // A symlink planted on disk inside the partner's out/, pointing outside the home.
    std::os::unix::fs::symlink(
        g.dir.path().join("secret.txt"),
        g.home("uc").join("out/link.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "../../uc2/out/theirs.json",
        g.home("uc").join("out/rel.json"),
    )
    .unwrap();
    let mut ftp = login(&g, "uc", CART_PASSWORD).await;
    for path in [
        "../secret.txt",
        "/../../secret.txt",
        "/../uc2/out/theirs.json",
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "%2e%2e/secret.txt",
        "/out/link.txt",
        "/out/rel.json",
    ] {
        let r = ftp_get(&mut ftp, path).await;
        assert!(r.is_err(), "{path} was readable");
        let e = r.unwrap_err();
        assert!(e.contains("550") || e.contains("553"), "{path}: {e}");
    }
    // cd .. at the top stays at the top, and the top holds the four folders and nothing else.
    ftp.cwd("/in").await.unwrap();
    for up in ["..", "..", "/.."] {
        let cwd = ftp.cwd(up).await;
        let pwd = ftp.pwd().await.unwrap();
        assert_eq!(pwd, "/", "CWD {up}: {cwd:?}");
    }
    let mut list: Vec<String> = ftp
        .nlst(None)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.trim_start_matches('/').to_string())
        .collect();
    list.sort();
    assert_eq!(list, ["archive", "error", "in", "out"]);
    ftp.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_outside_in_are_refused() {
    let g = Gateway::start();
    let mut ftp = login(&g, "uc", CART_PASSWORD).await;
    for path in [
        "/x.xml",
        "/out/x.xml",
        "/archive/x.xml",
        "/error/x.xml",
        "/../uc2/in/x.xml",
    ] {
        let mut body: &[u8] = b"<export/>";
        let e = ftp.put_file(path, &mut body).await.unwrap_err().to_string();
        assert!(e.contains("550"), "{path}: {e}");
    }
    assert!(ftp.mkdir("/newdir").await.is_err());
    assert!(ftp.rm("/archive").await.is_err());
    // Downloading from in/ is refused too: in/ is the partner's drop box.
    std::fs::write(g.home("uc").join("in/.draft"), "x").unwrap();
    assert!(ftp_get(&mut ftp, "/in/.draft").await.is_err());
    // Renaming out of in/ is refused.
    assert!(ftp.rename("/in/.draft", "/out/stolen").await.is_err());
    ftp.quit().await.unwrap();
    assert!(!g.home("uc2").join("in/x.xml").exists());
    assert!(g.files("uc", "out").is_empty());
    assert!(!g.home("uc").join("x.xml").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_cannot_read_another_partners_files() {
    let g = Gateway::start();
    std::fs::write(g.home("wh").join("out/order_X.json"), "{}").unwrap();
    let mut ftp = login(&g, "uc", CART_PASSWORD).await;
    assert!(
        ftp_get(&mut ftp, "/out/order_X.json").await.is_err(),
        "uc sees only its own out/"
    );
    assert!(ftp_get(&mut ftp, "/../wh/out/order_X.json").await.is_err());
    assert!(
        ftp.cwd("/../wh").await.is_err()
            || ftp
                .nlst(None)
                .await
                .unwrap()
                .iter()
                .all(|n| !n.contains("order_X"))
    );
    ftp.quit().await.unwrap();
    let mut wh = login(&g, "wh", WH_PASSWORD).await;
    assert_eq!(ftp_get(&mut wh, "/out/order_X.json").await.unwrap(), b"{}");
    wh.quit().await.unwrap();
}

async fn try_login(g: &Gateway, user: &str, pass: &str) -> Result<AsyncFtpStream, String> {
    let mut ftp = AsyncFtpStream::connect(("127.0.0.1", g.ftp_port))
        .await
        .map_err(|e| e.to_string())?;
    ftp.login(user, pass).await.map_err(|e| e.to_string())?;
    Ok(ftp)
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failures_lock_out_the_address_for_that_name_only() {
    let g = Gateway::start_custom("lockout_failures = 3\nlockout_duration = \"3s\"", "", "");
    for _ in 0..3 {
        assert!(try_login(&g, "uc", "wrong-one").await.is_err());
    }
    let e = try_login(&g, "uc", CART_PASSWORD)
        .await
        .err()
        .expect("locked: even the right password is refused");
    assert!(e.contains("530"), "{e}");
    // The same for a name that does not exist: nothing tells the two apart.
    for _ in 0..3 {
        assert!(try_login(&g, "ghost", "x").await.is_err());
    }
    // Other partners from the same address are not affected.
    try_login(&g, "uc2", CART2_PASSWORD)
        .await
        .unwrap()
        .quit()
        .await
        .unwrap();
    let log = g.log_text();
    assert_eq!(
        log.matches("locked out: too many failed logins").count(),
        2,
        "{log}"
    );
    // The lock ends after lockout_duration.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        match try_login(&g, "uc", CART_PASSWORD).await {
            Ok(mut f) => {
                f.quit().await.unwrap();
                break;
            }
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await
            }
            Err(e) => panic!("still locked: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn session_limits_per_partner_and_in_total() {
    let g = Gateway::start_custom("max_sessions = 3\nmax_sessions_per_partner = 2", "", "");
    let a = try_login(&g, "uc", CART_PASSWORD).await.unwrap();
    let _b = try_login(&g, "uc", CART_PASSWORD).await.unwrap();
    assert!(
        try_login(&g, "uc", CART_PASSWORD).await.is_err(),
        "third session of one partner"
    );
    let _c = try_login(&g, "wh", WH_PASSWORD).await.unwrap();
    assert!(
        try_login(&g, "uc2", CART2_PASSWORD).await.is_err(),
        "fourth session in total"
    );
    let mut a = a;
    a.quit().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        match try_login(&g, "uc2", CART2_PASSWORD).await {
            Ok(_) => break,
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await
            }
            Err(e) => panic!("a closed session did not free its place: {e}"),
        }
    }
    assert!(g.log_text().contains("too many sessions"));
}

#[test]
fn active_mode_is_refused_so_no_ftp_bounce() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start();
    let f = g.dir.path().join("a.xml");
    std::fs::write(&f, uc_sd("ACT-1")).unwrap();
    // curl -P - sends EPRT then PORT, pointing at itself; both must be refused.
    let out = run(std::process::Command::new("curl")
        .args(["-sS", "-v", "-P", "-", "-T"])
        .arg(&f)
        .arg(g.url("uc", CART_PASSWORD, "in/a.xml")));
    assert!(!out.status.success(), "an active-mode upload must fail");
    let talk = String::from_utf8_lossy(&out.stderr);
    assert!(talk.contains("> PORT") || talk.contains("> EPRT"), "{talk}");
    assert!(!g.home("uc").join("in/a.xml").exists());
    assert!(g.files("wh", "out").is_empty());
}

#[test]
fn active_mode_connects_only_to_the_clients_own_address() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_ftp_extra("active_mode = true");
    let f = g.dir.path().join("a.xml");
    std::fs::write(&f, uc_sd("ACT-2")).unwrap();
    // curl -P - names its own address (EPRT): allowed.
    let out = run(std::process::Command::new("curl")
        .args(["-sS", "-v", "-P", "-", "-T"])
        .arg(&f)
        .arg(g.url("uc", CART_PASSWORD, "in/a.xml")));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("> EPRT"), "{}", text(&out));
    g.wait_file(&g.home("wh").join("out/order_ACT-2.json"));
    // Anywhere else, or a privileged port: refused (no FTP bounce), the session goes on.
    let mut w = super::ftp_wire::Wire::login(g.ftp_port, "uc", CART_PASSWORD);
    for bad in [
        "PORT 127,0,0,2,200,10",
        "PORT 10,0,0,1,200,10",
        "EPRT |1|192.0.2.1|5000|",
        "PORT 127,0,0,1,0,25",
        "EPRT |1|127.0.0.1|22|",
    ] {
        let (c, t) = w.cmd(bad);
        assert_eq!(c, 504, "{bad}: {t}");
    }
    assert_eq!(w.cmd("NOOP").0, 200);
}
