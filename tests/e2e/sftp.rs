//! SFTP end to end, with real clients: OpenSSH `sftp` (password through `sshpass`, and keys),
//! `curl sftp://` (libssh2) and `lftp`. Orders flow to the warehouse; the folder rules hold;
//! an upload cut off by a dying client is never processed; the host key survives a restart;
//! nothing but the sftp subsystem is served.

use super::support::*;
use std::path::Path;
use std::process::Command;

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

/// Skips (true) unless every OpenSSH client tool the test needs is installed.
fn missing_openssh(extra: &[&str]) -> bool {
    ["sftp", "ssh", "ssh-keygen"]
        .iter()
        .chain(extra)
        .any(|p| missing(p))
}

#[test]
fn sftp_upload_reaches_the_warehouse_which_downloads_and_acknowledges_it() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    let s = SftpGateway::start();
    let local = s.g.dir.path().join("order.xml");
    std::fs::write(&local, uc_sd("3001")).unwrap();
    let out = s.sftp_password(
        "uc",
        CART_PASSWORD,
        &format!("cd in\nput {} order-3001.xml\n", local.display()),
    );
    assert!(out.status.success(), "sftp: {}", text(&out));

    let target = s.g.home("wh").join("out/order_3001.json");
    s.g.wait_file(&target);
    s.g.wait_in_empty("uc");
    let archived = s.g.files("uc", "archive");
    assert!(
        archived.len() == 1 && archived[0].ends_with("/order-3001.xml"),
        "{archived:?}"
    );
    let expected = read(&target);
    let order: serde_json::Value = serde_json::from_slice(&expected).unwrap();
    assert_eq!(order["cust_ref"], "3001");
    assert_eq!(order["order_source"], "uc");

    // The warehouse downloads its order and deletes it (its acknowledgment).
    let got = s.g.dir.path().join("got.json");
    let out = s.sftp_password(
        "wh",
        WH_PASSWORD,
        &format!(
            "ls -l /out\nget /out/order_3001.json {}\nrm /out/order_3001.json\n",
            got.display()
        ),
    );
    assert!(out.status.success(), "sftp: {}", text(&out));
    assert!(text(&out).contains("order_3001.json"), "{}", text(&out));
    assert_eq!(read(&got), expected);
    assert!(s.g.files("wh", "out").is_empty(), "deleted over SFTP");

    wait_for(10, "the processed line in the log", || {
        s.g.log_text().contains("file processed")
    });
    let log = s.g.log_text();
    for needle in [
        "protocol=\"sftp\"",
        "login",
        "upload complete",
        "file=in/order-3001.xml",
        "download complete",
        "deleted",
    ] {
        assert!(log.contains(needle), "log lacks {needle}:\n{log}");
    }
    assert!(!log.contains(CART_PASSWORD) && !log.contains(WH_PASSWORD));
}

#[test]
fn a_filepart_upload_renamed_into_place_is_processed_once() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    let s = SftpGateway::start();
    let local = s.g.dir.path().join("o.xml");
    std::fs::write(&local, uc_sd("3101")).unwrap();
    let out = s.sftp_password(
        "uc",
        CART_PASSWORD,
        &format!(
            "put {} /in/o.xml.filepart\nls -l /in\nrename /in/o.xml.filepart /in/o.xml\n",
            local.display()
        ),
    );
    assert!(out.status.success(), "sftp: {}", text(&out));
    assert!(
        text(&out).contains("o.xml.filepart"),
        "visible while waiting"
    );
    s.g.wait_file(&s.g.home("wh").join("out/order_3101.json"));
    s.g.wait_in_empty("uc");
    assert_eq!(s.g.files("uc", "archive").len(), 1);
    assert!(
        s.g.files("uc", "error").is_empty(),
        "{:?}",
        s.g.files("uc", "error")
    );
    // The log line comes right after the move: wait for it, then count.
    let processed = || {
        s.g.log_text()
            .lines()
            .filter(|l| l.contains("file processed") && l.contains("in/o.xml"))
            .count()
    };
    wait_for(10, "the processed line in the log", || processed() >= 1);
    assert_eq!(processed(), 1, "{}", s.g.log_text());
}

#[test]
fn paths_outside_the_folder_rules_are_refused() {
    if missing_openssh(&["sshpass", "curl"]) {
        return;
    }
    let s = SftpGateway::start();
    // Things a partner must never reach: another partner's files, a planted symlink, /etc.
    std::fs::write(s.g.home("uc2").join("out/secret.json"), "secret").unwrap();
    std::os::unix::fs::symlink("../../uc2/out/secret.json", s.g.home("uc").join("out/link"))
        .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", s.g.home("uc").join("out/abs")).unwrap();

    for path in [
        "/../uc2/out/secret.json",
        "/out/../../uc2/out/secret.json",
        "/etc/passwd",
        "/out/link",
        "/out/abs",
        "/in/anything.xml",
    ] {
        let out = run(Command::new("curl")
            .args(["-sS", "-k", "--path-as-is", "-u"])
            .arg(format!("uc:{CART_PASSWORD}"))
            .arg(s.url(path)));
        assert!(!out.status.success(), "{path} was served");
        assert!(
            text(&out).contains("Permission denied"),
            "{path}: {}",
            text(&out)
        );
        assert!(out.stdout.is_empty(), "{path}: nothing may come back");
    }

    let local = s.g.dir.path().join("x.xml");
    std::fs::write(&local, "x").unwrap();
    let l = local.display();
    let out = s.sftp_password(
        "uc",
        CART_PASSWORD,
        &format!(
            "-put {l} /out/x.xml\n-put {l} /x.xml\n-put {l} /archive/x.xml\n\
             -put {l} /in/../../uc2/in/x.xml\n-mkdir /newdir\n-mkdir /../uc2/in/sub\n\
             -rm /in/nothing.xml\n-ln -s /in /in/link\n-rename /in /out/in\n"
        ),
    );
    let t = text(&out);
    for refused in [
        "\"/out/x.xml\": Permission denied",
        "\"/x.xml\": Permission denied",
        "\"/archive/x.xml\": Permission denied",
        "\"/in/../../uc2/in/x.xml\": Permission denied",
        "\"/newdir\": Permission denied",
        "\"/../uc2/in/sub\": Permission denied",
    ] {
        assert!(t.contains(refused), "expected {refused}:\n{t}");
    }
    assert!(
        t.matches("Permission denied").count() >= 9,
        "every write outside in/ is refused:\n{t}"
    );
    assert!(s.g.files("uc2", "in").is_empty(), "nothing reached uc2");
    assert!(!s.g.home("uc").join("newdir").exists());
    assert!(
        s.g.files("uc", "out")
            .iter()
            .all(|f| f == "link" || f == "abs")
    );
}

#[test]
fn a_wrong_password_is_refused_and_never_logged() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    let s = SftpGateway::start();
    let wrong = "Not-The-Password-77";
    let out = s.sftp_password("uc", wrong, "ls /\n");
    assert!(!out.status.success(), "logged in with a wrong password");
    let out = s.sftp_password("nobody", wrong, "ls /\n");
    assert!(!out.status.success(), "logged in as an unknown user");
    wait_for(10, "the refusals to be logged", || {
        s.g.log_text().matches("login refused").count() >= 2
    });
    let log = s.g.log_text();
    assert!(!log.contains(wrong), "the password reached the log:\n{log}");
    assert!(log.contains("protocol=\"sftp\""), "{log}");
}

#[test]
fn key_login_works_and_a_wrong_key_is_refused() {
    if missing_openssh(&[]) {
        return;
    }
    let keys = tempfile::tempdir().unwrap();
    let (good, good_pub) = ssh_keygen(keys.path(), "uc_key");
    let (bad, _) = ssh_keygen(keys.path(), "other_key");
    let s = SftpGateway::start_with("", &format!("authorized_keys = [\"{good_pub}\"]"), "");

    let local = s.g.dir.path().join("k.xml");
    std::fs::write(&local, uc_sd("3201")).unwrap();
    let out = s.sftp_key("uc", &good, &format!("put {} /in/k.xml\n", local.display()));
    assert!(out.status.success(), "key login: {}", text(&out));
    s.g.wait_file(&s.g.home("wh").join("out/order_3201.json"));

    let out = s.sftp_key("uc", &bad, "ls /\n");
    assert!(!out.status.success(), "a wrong key logged in");
    let out = s.sftp_key("wh", &good, "ls /\n");
    assert!(!out.status.success(), "uc's key opened wh's home");
    wait_for(10, "the refusal to be logged", || {
        s.g.log_text().contains("key not authorized")
    });
    assert!(s.g.log_text().contains("method=\"publickey\""));
}

#[test]
fn killing_the_client_mid_upload_leaves_nothing_processed() {
    if missing_openssh(&[]) {
        return;
    }
    let keys = tempfile::tempdir().unwrap();
    let (key, public) = ssh_keygen(keys.path(), "uc_key");
    let s = SftpGateway::start_with("", &format!("authorized_keys = [\"{public}\"]"), "");
    // Large enough to still be running when it is killed (sparse: nothing on the local disk).
    let local = s.g.dir.path().join("big.xml");
    std::fs::File::create(&local)
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    let mut client = s
        .sftp_key_command(
            "uc",
            &key,
            &[],
            &format!("put {} /in/big.xml\n", local.display()),
        )
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let partial = s.g.home("uc").join("in/big.xml");
    wait_for(30, "the upload to start growing", || {
        std::fs::metadata(&partial).is_ok_and(|m| m.len() > 64 * 1024)
    });
    client.kill().unwrap();
    client.wait().unwrap();

    let report = s.g.home("uc").join("error/big.xml.error.txt");
    s.g.wait_file(&report);
    let report = std::fs::read_to_string(report).unwrap();
    assert!(
        report.contains("SFTP session ended with the file still open after"),
        "{report}"
    );
    s.g.wait_in_empty("uc");
    assert!(s.g.files("uc", "archive").is_empty());
    assert!(s.g.files("wh", "out").is_empty(), "nothing was processed");
    assert!(s.g.log_text().contains("upload aborted"));
}

#[test]
fn a_killed_temp_name_upload_stays_for_the_client_to_resume() {
    if missing_openssh(&[]) {
        return;
    }
    let keys = tempfile::tempdir().unwrap();
    let (key, public) = ssh_keygen(keys.path(), "uc_key");
    let s = SftpGateway::start_with("", &format!("authorized_keys = [\"{public}\"]"), "");
    let local = s.g.dir.path().join("big.bin");
    let size: u64 = 256 << 20;
    std::fs::File::create(&local)
        .unwrap()
        .set_len(size)
        .unwrap();
    let put = format!("put {} /in/big.xml.filepart\n", local.display());
    let mut client = s
        .sftp_key_command("uc", &key, &[], &put)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let partial = s.g.home("uc").join("in/big.xml.filepart");
    wait_for(30, "the upload to start growing", || {
        std::fs::metadata(&partial).is_ok_and(|m| m.len() > 64 * 1024)
    });
    client.kill().unwrap();
    client.wait().unwrap();
    wait_for(10, "the interruption to be logged", || {
        s.g.log_text()
            .contains("the partial file stays for the client to resume")
    });
    assert!(partial.exists(), "the temp name stays in in/");
    assert!(s.g.files("uc", "error").is_empty());

    // `reput` resumes at the size already there (SFTP open without truncation).
    let out = s.sftp_key(
        "uc",
        &key,
        &format!("reput {} /in/big.xml.filepart\n", local.display()),
    );
    assert!(out.status.success(), "reput: {}", text(&out));
    assert_eq!(std::fs::metadata(&partial).unwrap().len(), size);
    assert!(s.g.files("uc", "error").is_empty());
}

#[test]
fn an_upload_past_max_upload_size_is_refused_and_set_aside() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    let s = SftpGateway::start_with("max_upload_size = \"1MiB\"", "", "");
    let local = s.g.dir.path().join("big.xml");
    std::fs::write(&local, vec![b'x'; 3 << 20]).unwrap();
    let out = s.sftp_password(
        "uc",
        CART_PASSWORD,
        &format!("put {} /in/big.xml\n", local.display()),
    );
    assert!(!out.status.success(), "the upload went through");
    let report = s.g.home("uc").join("error/big.xml.error.txt");
    s.g.wait_file(&report);
    assert!(
        std::fs::read_to_string(report)
            .unwrap()
            .contains("larger than max_upload_size"),
    );
    // The report is written before the input moves: wait for the input too.
    let kept = s.g.home("uc").join("error/big.xml");
    s.g.wait_file(&kept);
    assert!(std::fs::metadata(kept).unwrap().len() <= 1 << 20);
}

/// OpenSSH `sftp` with 64 writes of 32 KiB in flight (its defaults, forced): the upload lands
/// byte for byte, every write at its offset, however the server groups them.
#[test]
fn an_upload_with_many_writes_in_flight_lands_byte_for_byte() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    let s = SftpGateway::start();
    let local = s.g.dir.path().join("big.bin");
    // 12 MiB and a ragged tail, no two 32 KiB blocks alike: a write at a wrong offset shows.
    let mut rng = super::rng::Rng::new(17);
    let body: Vec<u8> = (0..(12 << 20) + 12_345).map(|_| rng.next() as u8).collect();
    std::fs::write(&local, &body).unwrap();
    for name in ["big.bin.filepart", "again.bin.filepart"] {
        let out = s.sftp_password_args(
            "uc",
            CART_PASSWORD,
            &["-B", "32768", "-R", "64"],
            &format!("put {} /in/{name}\n", local.display()),
        );
        assert!(out.status.success(), "sftp: {}", text(&out));
        let landed = read(&s.g.home("uc").join("in").join(name));
        assert_eq!(landed.len(), body.len(), "{name}: length");
        assert!(landed == body, "{name}: the bytes differ");
    }
}

#[test]
fn the_host_key_is_the_same_after_a_restart() {
    if missing_openssh(&["ssh-keyscan"]) {
        return;
    }
    let mut s = SftpGateway::start();
    let scan = |s: &SftpGateway| {
        let out = run(Command::new("ssh-keyscan").args([
            "-T",
            "10",
            "-p",
            &s.port().to_string(),
            "127.0.0.1",
        ]));
        // "[127.0.0.1]:PORT TYPE KEY": the key without the host (the port changes at a
        // restart).
        let mut keys: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once(' ').map(|(_, key)| key.to_string()))
            .collect();
        keys.sort();
        keys
    };
    let before = scan(&s);
    for kind in ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"] {
        assert!(
            before.iter().any(|k| k.contains(kind)),
            "{kind} offered: {before:?}"
        );
    }
    for name in [
        "ssh_host_ed25519_key",
        "ssh_host_ecdsa_key",
        "ssh_host_rsa_key",
    ] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.g.data().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    s.restart();
    assert_eq!(scan(&s), before);
}

#[test]
fn old_clients_find_algorithms_and_sha1_only_with_legacy_algorithms() {
    if missing_openssh(&[]) {
        return;
    }
    let keys = tempfile::tempdir().unwrap();
    let (key, public) = ssh_keygen(keys.path(), "uc_key");
    let cart = format!("authorized_keys = [\"{public}\"]");
    // What Java JSch 0.1.5x can speak (no curve25519, no Ed25519); then SHA-1 only.
    let jsch = [
        "KexAlgorithms=ecdh-sha2-nistp256",
        "HostKeyAlgorithms=ecdsa-sha2-nistp256",
        "Ciphers=aes128-ctr",
        "MACs=hmac-sha2-256",
    ];
    let sha1 = [
        "KexAlgorithms=diffie-hellman-group14-sha1",
        "HostKeyAlgorithms=ssh-rsa",
    ];
    let with =
        |s: &SftpGateway, opts: &[&str]| run(&mut s.sftp_key_command("uc", &key, opts, "ls /\n"));
    let s = SftpGateway::start_with("", &cart, "");
    let out = with(&s, &jsch);
    assert!(out.status.success(), "JSch-like client: {}", text(&out));
    assert!(
        !with(&s, &sha1).status.success(),
        "SHA-1 offered by default"
    );

    let legacy = SftpGateway::start_with("", &cart, "legacy_algorithms = true");
    let out = with(&legacy, &sha1);
    assert!(out.status.success(), "legacy_algorithms: {}", text(&out));
}

#[test]
fn exec_and_port_forwarding_are_refused() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    let s = SftpGateway::start();
    let out = run(Command::new("sshpass")
        .arg("-e")
        .env("SSHPASS", CART_PASSWORD)
        .arg("ssh")
        .args(["-o", "PubkeyAuthentication=no"])
        .args(SSH_TEST_OPTS)
        .args(["-p", &s.port().to_string(), "uc@127.0.0.1", "ls"]));
    assert!(!out.status.success(), "exec ran: {}", text(&out));
    assert!(text(&out).contains("exec request failed"), "{}", text(&out));
    // Port forwarding (a direct-tcpip channel) is refused as well.
    let out = run(Command::new("sshpass")
        .arg("-e")
        .env("SSHPASS", CART_PASSWORD)
        .arg("ssh")
        .args(["-o", "PubkeyAuthentication=no"])
        .args(SSH_TEST_OPTS)
        .args([
            "-p",
            &s.port().to_string(),
            "-W",
            "127.0.0.1:22",
            "uc@127.0.0.1",
        ]));
    // Refused as forwarding, after a successful login (not for any other failure).
    assert!(
        !out.status.success() && text(&out).contains("stdio forwarding failed"),
        "forwarding: {}",
        text(&out)
    );
    wait_for(10, "the refusal to be logged", || {
        s.g.log_text().contains("refused: only the sftp subsystem")
    });
    let logins =
        s.g.log_text()
            .matches("login protocol=\"sftp\" partner=uc ")
            .count();
    assert_eq!(logins, 2, "exec and forwarding both logged in first");
}

#[test]
fn curl_and_lftp_upload_over_sftp() {
    if missing("curl") || missing("lftp") || missing("ssh") {
        return;
    }
    let s = SftpGateway::start();
    // libssh2: upload under a temp name, then rename it (a quote command after the transfer).
    let part = s.g.dir.path().join("c.xml.part");
    std::fs::write(&part, uc_sd("3301")).unwrap();
    let out = run(Command::new("curl")
        .args(["-sS", "-k", "-u"])
        .arg(format!("uc:{CART_PASSWORD}"))
        .args(["-Q", "-rename /in/c.xml.part /in/c.xml", "-T"])
        .arg(&part)
        .arg(s.url("/in/")));
    assert!(out.status.success(), "curl: {}", text(&out));
    s.g.wait_file(&s.g.home("wh").join("out/order_3301.json"));

    let local = s.g.dir.path().join("l.xml");
    std::fs::write(&local, uc_sd("3302")).unwrap();
    let script = format!(
        "set sftp:auto-confirm yes; set net:max-retries 1; set net:timeout 10; \
         set sftp:connect-program \"ssh -a -x {}\"; \
         open -u uc,{CART_PASSWORD} sftp://127.0.0.1:{}; cd in; put {} -o l.xml; cls -l /",
        SSH_TEST_OPTS.join(" "),
        s.port(),
        local.display()
    );
    let out = run(Command::new("lftp").args(["-c", &script]));
    assert!(out.status.success(), "lftp: {}", text(&out));
    s.g.wait_file(&s.g.home("wh").join("out/order_3302.json"));
}

#[test]
fn the_lockout_is_shared_by_ftp_and_sftp() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    // The lockout is shared with FTP: failures over FTP lock SFTP as well.
    let s = SftpGateway::start_with("lockout_failures = 2\nlockout_duration = \"1h\"", "", "");
    for _ in 0..2 {
        let out = curl_upload(&s.g.url("uc", "wrong-password", "in/x.xml"), b"x");
        assert!(!out.status.success());
    }
    let out = s.sftp_password("uc", CART_PASSWORD, "ls /\n");
    assert!(
        !out.status.success(),
        "locked out over SFTP after failures over FTP: {}",
        text(&out)
    );
    assert_locked_out(&s.g, "ftp", "sftp");
    // Another partner from the same address is not locked.
    let out = s.sftp_password("uc2", CART2_PASSWORD, "ls /\n");
    assert!(out.status.success(), "{}", text(&out));
}

/// The log says the lock came from failures over `by` and refused the right password over
/// `then`.
fn assert_locked_out(g: &Gateway, by: &str, then: &str) {
    let log = g.log_text();
    assert!(
        log.lines()
            .any(|l| l.contains("locked out: too many failed logins")
                && l.contains(&format!("protocol=\"{by}\" user=uc "))),
        "locked by {by}: {log}"
    );
    assert!(
        log.lines().any(|l| l.contains(&format!(
            "login refused protocol=\"{then}\" user=uc ip=127.0.0.1 reason=locked out after repeated failures"
        ))),
        "refused over {then}: {log}"
    );
}

#[test]
fn the_lockout_carries_from_sftp_to_ftp() {
    if missing_openssh(&["sshpass"]) || missing("curl") {
        return;
    }
    let s = SftpGateway::start_with("lockout_failures = 2\nlockout_duration = \"1h\"", "", "");
    for _ in 0..2 {
        let out = s.sftp_password("uc", "wrong-password", "ls /\n");
        assert!(!out.status.success(), "{}", text(&out));
    }
    // The right password over FTP, from the same address: refused while locked.
    let out = curl_upload(
        &s.g.url("uc", CART_PASSWORD, "in/x.xml"),
        uc_sd("LOCK-1").as_bytes(),
    );
    assert!(
        !out.status.success() && text(&out).contains("530"),
        "logged in over FTP after failures over SFTP: {}",
        text(&out)
    );
    assert!(s.g.files("uc", "in").is_empty());
    assert_locked_out(&s.g, "sftp", "ftp");
    // Another partner from the same address is not locked.
    let out = curl_upload(
        &s.g.url("uc2", CART2_PASSWORD, "in/y.xml"),
        uc_sd("LOCK-2").as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn allowed_ips_hold_on_both_protocols() {
    if missing_openssh(&["sshpass"]) || missing("curl") {
        return;
    }
    let s = SftpGateway::start_with("", "allowed_ips = [\"192.0.2.0/24\"]", "");
    let out = s.sftp_password("uc", CART_PASSWORD, "ls /\n");
    assert!(
        !out.status.success(),
        "SFTP from outside allowed_ips: {}",
        text(&out)
    );
    let out = curl_upload(
        &s.g.url("uc", CART_PASSWORD, "in/x.xml"),
        uc_sd("IP-1").as_bytes(),
    );
    assert!(
        !out.status.success() && text(&out).contains("530"),
        "FTP from outside allowed_ips: {}",
        text(&out)
    );
    assert!(s.g.files("uc", "in").is_empty());
    let out = s.sftp_password("uc2", CART2_PASSWORD, "ls /\n");
    assert!(out.status.success(), "{}", text(&out));
    // Refused for the address, on each protocol (not for some other reason).
    let log = s.g.log_text();
    for protocol in ["sftp", "ftp"] {
        assert!(
            log.lines().any(|l| l.contains(&format!(
                "login refused protocol=\"{protocol}\" user=uc ip=127.0.0.1 reason=address not allowed"
            ))),
            "{protocol}: {log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn session_limits_count_both_protocols() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    let s = SftpGateway::start_with("max_sessions_per_partner = 1", "", "");
    let mut ftp = ftp_login(&s.g, "uc", CART_PASSWORD).await;
    let s2 = &s;
    let out = tokio::task::block_in_place(|| s2.sftp_password("uc", CART_PASSWORD, "ls /\n"));
    assert!(
        !out.status.success(),
        "a second session over SFTP is over the limit"
    );
    ftp.quit().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let out = tokio::task::block_in_place(|| s2.sftp_password("uc", CART_PASSWORD, "ls /\n"));
        if out.status.success() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the FTP session's place was not freed: {}",
            text(&out)
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(s.g.log_text().contains("too many sessions"));
}

#[test]
fn idle_sessions_are_closed_on_both_protocols() {
    if missing_openssh(&["sshpass"]) {
        return;
    }
    use std::io::{BufRead, BufReader, Write};
    let s = SftpGateway::start_with("idle_timeout = \"1s\"", "", "");
    // FTP: log in, then say nothing; the server closes the control connection.
    let conn = std::net::TcpStream::connect(("127.0.0.1", s.g.ftp_port)).unwrap();
    conn.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut writer = conn;
    let mut line = String::new();
    reader.read_line(&mut line).unwrap(); // greeting
    write!(writer, "USER uc\r\nPASS {CART_PASSWORD}\r\n").unwrap();
    let started = std::time::Instant::now();
    let mut closed = false;
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) if line.starts_with("421") => {
                closed = true;
                break;
            }
            Ok(_) => continue,
            Err(_) => break, // the 20 s read timeout: not closed
        }
    }
    assert!(closed, "the idle FTP session was not closed");
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    // SFTP: an interactive session that sends nothing is closed too.
    let mut child = std::process::Command::new("sshpass")
        .arg("-e")
        .env("SSHPASS", CART_PASSWORD)
        .arg("sftp")
        .args(["-o", "BatchMode=no", "-o", "PubkeyAuthentication=no"])
        .args(SSH_TEST_OPTS)
        .args(["-P", &s.port().to_string()])
        .arg("uc@127.0.0.1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _keep_stdin_open = child.stdin.take();
    // (The interactive client only notices at its next command: the server's word counts.)
    wait_for(20, "the server to close the idle SFTP session", || {
        s.g.log_text().contains("session closed: idle timeout")
    });
    let _ = child.kill();
    let _ = child.wait();
}
