//! Two real `wharf serve` processes on one PostgreSQL database and one set of partner folders
//! (one data folder, as two instances on one machine would share it): every file is processed
//! by exactly one of them, and when one dies (`kill -9`) the other finishes what it held once
//! its claims expire.

use super::pg_cluster::PgCluster;
use super::support::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How long a silent instance's claims stay its own, in the tests.
const EXPIRY: &str = "3s";

/// Two instances, `a` and `b`, sharing a database and `a`'s data folder.
pub struct Pair {
    pub a: Gateway,
    pub b: Gateway,
    /// Keeps the URL file.
    _secrets: tempfile::TempDir,
}

impl Pair {
    /// Starts `a`, then `b` on `a`'s data folder, both with `[sftp]`, `cart_extra` in the
    /// cart `uc`'s table and `extra` (more partners, placed before `[store]`).
    pub fn start(cluster: &PgCluster, cart_extra: &str, extra: &str) -> Pair {
        Pair::start_with_limits(cluster, "", cart_extra, extra)
    }

    /// As [`Pair::start`], with `[limits]` keys.
    pub fn start_with_limits(
        cluster: &PgCluster,
        limits: &str,
        cart_extra: &str,
        extra: &str,
    ) -> Pair {
        let secrets = tempfile::tempdir().unwrap();
        let url_file = secrets.path().join("store-url");
        std::fs::write(&url_file, cluster.database_url()).unwrap();
        let tail = format!(
            "{extra}\n[sftp]\nlisten = \"127.0.0.1:0\"\n\n[store]\npostgres_file = \"{}\"\n\
             instance = \"a\"\nclaim_expiry = \"{EXPIRY}\"\nrescan = \"1s\"\n",
            url_file.display()
        );
        let a = Gateway::start_passive(8, "", limits, cart_extra, &tail);
        let b = twin(&a, "b");
        Pair {
            a,
            b,
            _secrets: secrets,
        }
    }
}

/// A second instance of `g`'s configuration: `g`'s data folder, its own passive range and
/// name, its own log and ready file.
pub fn twin(g: &Gateway, name: &str) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let (lo, hi) = free_range(8);
    let toml = std::fs::read_to_string(&g.config).unwrap();
    let toml = toml
        .replacen(
            "data_dir = \"data\"",
            &format!("data_dir = \"{}\"", g.data().display()),
            1,
        )
        .replacen("instance = \"a\"", &format!("instance = \"{name}\""), 1);
    let toml = toml
        .lines()
        .map(|l| {
            if l.starts_with("passive_ports =") {
                format!("passive_ports = \"{lo}-{hi}\"")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    Gateway::spawn_in(dir, &toml)
}

/// An export with one order, `id`.
fn export(id: &str) -> String {
    uc_export(&[uc_order(id, "SD", &[("S", 1, "1.00")], "1.00")])
}

/// Writes `n` exports `PREFIX-i` into a new local folder; its path.
fn local_batch(keep: &tempfile::TempDir, prefix: &str, n: usize) -> PathBuf {
    let dir = keep.path().join(prefix);
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        let id = format!("{prefix}-{i}");
        std::fs::write(dir.join(format!("{id}.xml")), export(&id)).unwrap();
    }
    dir
}

/// Uploads every file of `dir` to `in/` over FTP (lftp `mput`).
fn ftp_put_all(g: &Gateway, dir: &Path) -> std::process::Output {
    lftp(
        g,
        "uc",
        CART_PASSWORD,
        &format!("cd /in; lcd {}; mput *.xml", dir.display()),
    )
}

/// Uploads every file of `dir` to `in/` over SFTP (OpenSSH `sftp`, password through
/// `sshpass`).
fn sftp_put_all(g: &Gateway, dir: &Path) -> std::process::Output {
    let batch = dir.with_extension("sftp");
    std::fs::write(&batch, format!("put {}/*.xml /in/\n", dir.display())).unwrap();
    run(Command::new("sshpass")
        .arg("-e")
        .env("SSHPASS", CART_PASSWORD)
        .arg("sftp")
        .args(["-o", "BatchMode=no", "-o", "PubkeyAuthentication=no"])
        .args(SSH_TEST_OPTS)
        .args(["-P", &g.sftp_port.expect("sftp").to_string(), "-b"])
        .arg(&batch)
        .arg("uc@127.0.0.1"))
}

/// The order files in the warehouse's `out/`, by name, and how many inputs `uc` archived, by
/// name (a name twice would be a file processed twice).
fn tally(g: &Gateway) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut out = BTreeMap::new();
    for f in g.files("wh", "out") {
        *out.entry(f).or_insert(0) += 1;
    }
    let mut archived = BTreeMap::new();
    for f in g.files("uc", "archive") {
        let name = f.rsplit('/').next().unwrap_or(&f).to_owned();
        *archived.entry(name).or_insert(0) += 1;
    }
    (out, archived)
}

/// Every order of `ids` reached the warehouse once, every input was archived once, and nothing
/// else is in `out/`, `error/` or `in/`.
fn assert_exactly_once(g: &Gateway, ids: &[String]) {
    let (out, archived) = tally(g);
    let want_out: BTreeMap<String, usize> = ids
        .iter()
        .map(|id| (format!("order_{id}.json"), 1))
        .collect();
    assert_eq!(out, want_out, "the warehouse's out/");
    let archived_inputs: BTreeMap<String, usize> = archived
        .into_iter()
        .filter(|(n, _)| n.ends_with(".xml"))
        .collect();
    let want_in: BTreeMap<String, usize> = ids.iter().map(|id| (format!("{id}.xml"), 1)).collect();
    assert_eq!(archived_inputs, want_in, "uc's archive/");
    assert_eq!(g.files("uc", "error"), Vec::<String>::new(), "uc's error/");
}

/// Prints what is where and the ends of both logs (a test about to fail).
fn diagnose(a: &Gateway, b: &Gateway) {
    for f in ["in", "archive", "error"] {
        eprintln!(
            "uc/{f}: {} files: {:?}",
            a.files("uc", f).len(),
            a.files("uc", f).iter().take(10).collect::<Vec<_>>()
        );
    }
    eprintln!("wh/out: {} files", a.files("wh", "out").len());
    for f in a.files("uc", "error") {
        if f.ends_with(".error.txt") {
            let report = std::fs::read_to_string(a.home("uc").join("error").join(&f));
            eprintln!("uc/error/{f}: {}", report.unwrap_or_default());
        }
    }
    for (n, g) in [("a", a), ("b", b)] {
        let log = g.log_text();
        let lines: Vec<&str> = log.lines().collect();
        eprintln!(
            "--- {n}'s log, last lines:\n{}",
            lines[lines.len().saturating_sub(40)..].join("\n")
        );
    }
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

/// How many lines of `g`'s log contain `what`.
fn log_count(g: &Gateway, what: &str) -> usize {
    g.log_text().lines().filter(|l| l.contains(what)).count()
}

#[test]
fn two_instances_process_every_upload_once_and_finish_a_killed_ones_files() {
    let Some(cluster) = PgCluster::shared() else {
        return;
    };
    if missing("lftp") || missing("sshpass") || missing("sftp") {
        return;
    }
    let mut p = Pair::start(cluster, "", "");
    let local = tempfile::tempdir().unwrap();

    // 240 uploads, a quarter to each instance over each protocol, all at once.
    let batches = [
        ("fa", local_batch(&local, "fa", 60)),
        ("fb", local_batch(&local, "fb", 60)),
        ("sa", local_batch(&local, "sa", 60)),
        ("sb", local_batch(&local, "sb", 60)),
    ];
    let started = Instant::now();
    std::thread::scope(|s| {
        let outs = [
            s.spawn(|| ftp_put_all(&p.a, &batches[0].1)),
            s.spawn(|| ftp_put_all(&p.b, &batches[1].1)),
            s.spawn(|| sftp_put_all(&p.a, &batches[2].1)),
            s.spawn(|| sftp_put_all(&p.b, &batches[3].1)),
        ];
        for o in outs {
            let o = o.join().unwrap();
            assert!(o.status.success(), "{}", text(&o));
        }
    });
    let mut all: Vec<String> = batches.iter().flat_map(|(p, _)| ids(p, 60)).collect();
    let done = || p.a.files("wh", "out").len() >= all.len() && p.a.files("uc", "in").is_empty();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if !done() {
        diagnose(&p.a, &p.b);
        panic!("240 orders did not reach the warehouse's out/ within 120 s");
    }
    eprintln!(
        "240 uploads through two instances, processed in {:?}",
        started.elapsed()
    );
    assert_exactly_once(&p.a, &all);
    // The last files' log lines come just after their input moved.
    let processed = || {
        (
            log_count(&p.a, "file processed"),
            log_count(&p.b, "file processed"),
        )
    };
    wait_for(30, "240 files logged as processed", || {
        let (a, b) = processed();
        a + b >= 240
    });
    let (done_a, done_b) = processed();
    assert_eq!(done_a + done_b, 240, "each file processed by one instance");
    assert!(
        done_a > 0 && done_b > 0,
        "both instances worked: a {done_a}, b {done_b}"
    );

    // One file whose plan is carried out slowly, then a stream to the instance holding it:
    // that instance is killed while it holds the file (and the stream is half processed). The
    // other takes over, the held file only once the dead one's claim expired, and replays its
    // recorded plan.
    let held_body =
        export("HELD-1").replacen("<export>\n", "<?wharf-test-hold 2000?>\n<export>\n", 1);
    let out = curl_upload(
        &p.a.url("uc", CART_PASSWORD, "/in/HELD-1.xml"),
        held_body.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let holding = |g: &Gateway| log_count(g, "wharf-test-hold: holding before this step") > 0;
    wait_for(30, "an instance to hold HELD-1's plan", || {
        holding(&p.a) || holding(&p.b)
    });
    // Both instances' folders are `a`'s: `a`'s helpers look at them.
    let data = &p.a;
    let a_holds = holding(&p.a);
    let victim = if a_holds { &p.a } else { &p.b };
    let stream = local_batch(&local, "k", 60);
    let streaming = std::thread::scope(|s| {
        let up = s.spawn(|| ftp_put_all(victim, &stream));
        wait_for(30, "part of the stream processed", || {
            data.files("uc", "archive")
                .iter()
                .filter(|f| f.contains("/k-"))
                .count()
                >= 5
        });
        up.join().unwrap()
    });
    assert!(streaming.status.success(), "{}", text(&streaming));
    assert!(
        data.files("uc", "in").iter().any(|f| f == "HELD-1.xml"),
        "HELD-1 is still held when its instance is killed"
    );
    let killed = Instant::now();
    if a_holds {
        p.a.kill9();
    } else {
        p.b.kill9();
    }
    let survivor = if a_holds { &p.b } else { &p.a };
    let data = &p.a;
    all.push("HELD-1".into());
    all.extend(ids("k", 60));
    let done = || data.files("uc", "in").is_empty() && data.files("wh", "out").len() >= all.len();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if !done() {
        diagnose(&p.a, &p.b);
        panic!("the survivor did not finish everything within 120 s");
    }
    eprintln!(
        "the survivor finished {:?} after the kill",
        killed.elapsed()
    );
    assert_exactly_once(data, &all);
    let log = survivor.log_text();
    let about_held = |what: &str| {
        log.lines()
            .any(|l| l.contains("HELD-1.xml") && l.contains(what))
    };
    assert!(
        about_held("another instance is processing this file: left to it"),
        "the survivor left HELD-1 alone while its holder lived:\n{log}"
    );
    assert!(
        about_held("resuming after a restart"),
        "the survivor replayed HELD-1's recorded plan:\n{log}"
    );
}

#[test]
fn one_instance_polls_a_remote_partner_and_the_other_takes_over_when_it_dies() {
    use super::remote::{Sshd, no_sshd, put};
    let Some(cluster) = PgCluster::shared() else {
        return;
    };
    if no_sshd() {
        return;
    }
    let sshd = Sshd::start();
    // Polled every 3 s; a dead instance's lease ends within the expiry (3 s): the other
    // instance polls within two intervals.
    let remote = sshd
        .remote_table(&sshd.host_key, false)
        .replace("poll_every = \"1s\"", "poll_every = \"3s\"");
    let mut p = Pair::start(cluster, &remote, "");
    for i in 0..5 {
        put(
            &sshd.pick_up,
            &format!("RM-{i}.xml"),
            &uc_sd(&format!("RM-{i}")),
        );
    }
    let polls = |g: &Gateway| log_count(g, "poll done") + log_count(g, "poll failed");
    wait_for(60, "the five orders picked up", || {
        (0..5).all(|i| {
            p.a.home("wh")
                .join(format!("out/order_RM-{i}.json"))
                .exists()
        })
    });
    let a_polls = polls(&p.a) > 0;
    let (poller, other) = if a_polls { (&p.a, &p.b) } else { (&p.b, &p.a) };
    let before = polls(poller);
    wait_for(30, "three more polls", || polls(poller) >= before + 3);
    assert_eq!(polls(other), 0, "only one instance polls");
    assert!(
        log_count(other, "another instance polls the partner's server") > 0,
        "the other instance knows who polls"
    );

    let killed = Instant::now();
    if a_polls {
        p.a.kill9();
    } else {
        p.b.kill9();
    }
    let other = if a_polls { &p.b } else { &p.a };
    put(&sshd.pick_up, "RM-5.xml", &uc_sd("RM-5"));
    wait_for(30, "the other instance to poll", || polls(other) > 0);
    let took = killed.elapsed();
    eprintln!("the other instance polled {took:?} after the kill");
    assert!(
        took < Duration::from_secs(7),
        "taken over within two intervals (6 s, and 1 s for scheduling): {took:?}"
    );
    wait_for(30, "RM-5 picked up by the survivor", || {
        p.a.home("wh").join("out/order_RM-5.json").exists()
    });
    let start = polls(other);
    wait_for(30, "two more polls", || polls(other) >= start + 2);
    let fetched = log_count(&p.a, "picked up a file") + log_count(&p.b, "picked up a file");
    assert_eq!(fetched, 6, "each file fetched once, across both instances");
    let out: Vec<String> =
        p.a.files("wh", "out")
            .into_iter()
            .filter(|f| f.starts_with("order_RM-"))
            .collect();
    assert_eq!(out.len(), 6, "{out:?}");
}

#[test]
fn a_lockout_earned_on_one_instance_holds_on_the_other() {
    let Some(cluster) = PgCluster::shared() else {
        return;
    };
    let p = Pair::start_with_limits(
        cluster,
        "lockout_failures = 3\nlockout_window = \"10m\"\nlockout_duration = \"10m\"",
        "",
        "",
    );
    let list = |g: &Gateway, user: &str, pass: &str| curl_get(&g.url(user, pass, "/"));
    assert!(
        list(&p.b, "uc", CART_PASSWORD).status.success(),
        "b lets uc in before"
    );
    for _ in 0..3 {
        let out = list(&p.a, "uc", "wrong-password");
        assert!(!out.status.success(), "a wrong password is refused");
    }
    assert!(
        !list(&p.b, "uc", CART_PASSWORD).status.success(),
        "the lockout earned on a holds on b, right password or not"
    );
    assert!(
        !list(&p.a, "uc", CART_PASSWORD).status.success(),
        "and on a"
    );
    assert!(
        list(&p.b, "uc2", CART2_PASSWORD).status.success(),
        "another partner is not locked out"
    );
}
