//! One crash trial: a gateway with an UltraCart cart (`uc`, and `uc2`), a DSCO cart (`ds`) and
//! a warehouse (`wh`), FTP and SFTP; eight clients upload the trial's files (orders from both
//! carts, the warehouse's shipments for the orders it received, inventory); consumers take
//! everything that appears in the four `out/` folders; meanwhile the server is killed with
//! `kill -9` at seeded points and started again. Then [`super::check`] judges the result.
//!
//! Kills are aimed: at a plan being carried out (a held file's plan logs each step before
//! waiting), at a plan whose outputs are out and taken by their partner but which is not
//! finished (a late-held file; a replay must not send them again), at an upload in progress
//! (its `.NAME.uploading` marker is on disk), or anywhere.
//! Before each restart the test notes which complete files were in `in/` and whether an upload
//! was in progress; a kill landed mid-processing when the next run resumed a recorded plan or
//! decided again a file that was in `in/`. After a restart, the next kill waits until any file
//! whose decision was cut has been decided again, so no file is killed twice while being
//! decided (which sets it aside as a poison file, by design).

use super::super::support::{SftpGateway, wait_for};
use super::bodies::{self, Expected, Rng, Shippable, Upload};
use super::clients::{self, DS_PASSWORD, Ports, Proto, Session, Taken};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where a kill is aimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aim {
    /// While a held plan is being carried out.
    Processing,
    /// Once a held plan's outputs are out and taken by their partner, before the plan ends.
    Published,
    /// While an upload is in progress.
    Upload,
    /// At a random moment.
    Anywhere,
}

/// One kill, as it happened.
#[derive(Debug)]
pub struct Kill {
    pub aim: Aim,
    /// The aim's target was seen before the kill (else it fell where it fell).
    pub on_target: bool,
    /// Complete files in `in/` at the kill: (partner, name).
    pub in_flight: BTreeSet<(String, String)>,
    /// An upload marker was on disk: an upload was cut.
    pub cut_upload: bool,
    /// Where the log of the run started after this kill begins.
    pub log_from: u64,
}

/// What a trial's clients did and took (the gateway stopped).
pub struct Trial {
    pub s: SftpGateway,
    pub expected: Expected,
    /// Every confirmed upload.
    pub uploaded: Vec<Upload>,
    /// What each partner took from its `out/`.
    pub taken: BTreeMap<&'static str, Taken>,
    /// Packages shipped: (tracking, cart, cust_ref).
    pub packages: Vec<(String, String, String)>,
    pub kills: Vec<Kill>,
    pub took: Duration,
}

/// Shared by the clients and the killer.
struct World {
    ports: Arc<Ports>,
    uploads_done: AtomicUsize,
    uploaded: Mutex<Vec<Upload>>,
    to_ship: Mutex<VecDeque<Shippable>>,
    packages: Mutex<Vec<(String, String, String)>>,
}

const LIMITS: &str = "per_source_exempt = [\"127.0.0.1\"]\nmax_sessions_per_partner = 50";

fn ds_partner() -> String {
    format!(
        "[[partner]]\nname = \"ds\"\nrole = \"cart\"\nformat = \"dsco\"\npassword_hash = \"{}\"\nwarehouse = \"wh\"\n",
        wharf::config::hash_password(DS_PASSWORD).expect("hash")
    )
}

/// Runs trial `t` with `files` uploads and the given kills.
pub fn trial(t: usize, files: usize, rng: &mut Rng, aims: &[Aim]) -> Trial {
    let started = Instant::now();
    let s = SftpGateway::start_passive(32, LIMITS, "", &ds_partner(), "");
    let ports = Arc::new(Ports::default());
    ports.ftp.store(s.g.ftp_port, Ordering::SeqCst);
    ports.sftp.store(s.port(), Ordering::SeqCst);

    // The files: 35% UltraCart, 25% DSCO, 10% inventory, the rest shipments; one in eight held.
    let (n_uc, n_ds, n_inv) = (files * 35 / 100, files * 25 / 100, files / 10);
    let n_ship = files - n_uc - n_ds - n_inv;
    let mut expected = Expected::default();
    let held = |rng: &mut Rng| rng.chance(12);
    let uc: Vec<Upload> = (0..n_uc)
        .map(|k| {
            let h = held(rng);
            bodies::ultracart(t, k, rng, h, &mut expected)
        })
        .collect();
    let ds: Vec<Upload> = (0..n_ds)
        .map(|k| {
            let h = held(rng);
            bodies::dsco(t, k, rng, h, &mut expected)
        })
        .collect();
    let inv: Vec<Upload> = (0..n_inv)
        .map(|k| {
            let h = held(rng);
            bodies::inventory(t, k, rng, h, &mut expected)
        })
        .collect();
    let ship_held: Vec<bool> = (0..n_ship).map(|_| held(rng)).collect();
    let ship_two: Vec<bool> = (0..n_ship).map(|_| rng.chance(33)).collect();
    let pauses: Vec<u64> = (0..files).map(|_| rng.below(30)).collect();

    // Each kill when a seeded share of the uploads is done.
    let mut at: Vec<usize> = aims
        .iter()
        .map(|_| files / 20 + rng.below((files * 17 / 20) as u64) as usize)
        .collect();
    at.sort_unstable();
    let killer_rng = Rng::new(rng.next());

    let world = Arc::new(World {
        ports: ports.clone(),
        uploads_done: AtomicUsize::new(0),
        uploaded: Mutex::new(Vec::new()),
        to_ship: Mutex::new(VecDeque::new()),
        packages: Mutex::new(Vec::new()),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    let stop = Arc::new(AtomicBool::new(false));
    let (s, kills, taken) = rt.block_on(async {
        // Consumers: every partner takes what Wharf puts in its out/.
        let mut consumers = Vec::new();
        for partner in ["wh", "uc", "uc2", "ds"] {
            let w = world.clone();
            let stop = stop.clone();
            consumers.push(tokio::spawn(async move {
                let taken = clients::consume(w.ports.clone(), partner, stop, |name, content| {
                    if partner == "wh"
                        && name.starts_with("order_")
                        && let Some(o) = Shippable::from_order(content)
                    {
                        w.to_ship.lock().expect("lock").push_back(o);
                    }
                })
                .await;
                (partner, taken)
            }));
        }
        // Uploaders: three UltraCart, two DSCO, two shipment and one inventory client.
        let mut uploaders = Vec::new();
        let fixed = |files: &[Upload], of: usize, n: usize| -> Vec<Upload> {
            files.iter().skip(of).step_by(n).cloned().collect()
        };
        for (proto, list) in [
            (Proto::Ftp, fixed(&uc, 0, 3)),
            (Proto::Ftp, fixed(&uc, 1, 3)),
            (Proto::Sftp, fixed(&uc, 2, 3)),
            (Proto::Ftp, fixed(&ds, 0, 2)),
            (Proto::Sftp, fixed(&ds, 1, 2)),
            (Proto::Sftp, inv.clone()),
        ] {
            let w = world.clone();
            let pauses = pauses.clone();
            uploaders.push(tokio::spawn(async move {
                let Some(first) = list.first() else { return };
                let mut session = Session::new(w.ports.clone(), proto, first.partner);
                for (i, u) in list.iter().enumerate() {
                    let pause = Duration::from_millis(pauses[i % pauses.len()]);
                    session
                        .put_until_done(&format!("/in/{}", u.name), u.body.as_bytes(), pause)
                        .await;
                    w.uploaded.lock().expect("lock").push(u.clone());
                    w.uploads_done.fetch_add(1, Ordering::SeqCst);
                }
                session.close().await;
            }));
        }
        for (c, proto) in [Proto::Ftp, Proto::Sftp].into_iter().enumerate() {
            let w = world.clone();
            let (ship_held, ship_two) = (ship_held.clone(), ship_two.clone());
            let pauses = pauses.clone();
            uploaders.push(tokio::spawn(async move {
                let mut session = Session::new(w.ports.clone(), proto, "wh");
                for k in (c..ship_held.len()).step_by(2) {
                    let orders = take_orders(&w, if ship_two[k] { 2 } else { 1 }).await;
                    let (u, packages) = bodies::shipment(t, k, &orders, ship_held[k]);
                    w.packages.lock().expect("lock").extend(packages);
                    let pause = Duration::from_millis(pauses[k % pauses.len()]);
                    session
                        .put_until_done(&format!("/in/{}", u.name), u.body.as_bytes(), pause)
                        .await;
                    w.uploaded.lock().expect("lock").push(u);
                    w.uploads_done.fetch_add(1, Ordering::SeqCst);
                }
                session.close().await;
            }));
        }
        // The killer, on a thread of its own (it waits on files and processes).
        let killer = {
            let w = world.clone();
            let aims = aims.to_vec();
            tokio::task::spawn_blocking(move || kill_at(s, &w, &at, &aims, killer_rng))
        };
        for u in uploaders {
            u.await.expect("uploader");
        }
        let (s, kills) = killer.await.expect("killer");
        // Everything uploaded: wait until every input is settled and every output taken.
        tokio::task::block_in_place(|| {
            let homes: Vec<_> = ["uc", "uc2", "ds", "wh"]
                .iter()
                .map(|p| s.g.home(p))
                .collect();
            wait_for(
                120 + files as u64 / 4,
                "every input settled and every output taken",
                || {
                    homes.iter().all(|h| {
                        files_in(&h.join("in")).is_empty() && files_in(&h.join("out")).is_empty()
                    })
                },
            );
        });
        stop.store(true, Ordering::SeqCst);
        let mut taken = BTreeMap::new();
        for c in consumers {
            let (partner, t) = c.await.expect("consumer");
            taken.insert(partner, t);
        }
        (s, kills, taken)
    });
    // A clean stop drains the queue (the acknowledgments of the last files taken, hundreds in a
    // long trial on a loaded machine); the store is then read as it stays.
    let mut s = s;
    assert!(
        s.g.terminate_within(Duration::from_secs(300)).success(),
        "wharf did not stop cleanly"
    );
    let world = Arc::try_unwrap(world).ok().expect("clients done");
    Trial {
        s,
        expected,
        uploaded: world.uploaded.into_inner().expect("lock"),
        taken,
        packages: world.packages.into_inner().expect("lock"),
        kills,
        took: started.elapsed(),
    }
}

/// `n` orders the warehouse received and has not shipped (fewer when fewer are left and no
/// more can come), waiting for them.
async fn take_orders(w: &World, n: usize) -> Vec<Shippable> {
    let started = Instant::now();
    loop {
        {
            let mut q = w.to_ship.lock().expect("lock");
            if !q.is_empty() {
                let k = n.min(q.len());
                return q.drain(..k).collect();
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the warehouse received no order to ship for 300s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every file under `dir` (hidden ones too), relative.
pub fn files_in(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(base, &p, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The log from byte `from` up to byte `to` (or its end).
pub fn log_range(path: &Path, from: u64, to: Option<u64>) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let mut text = Vec::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = f.seek(SeekFrom::Start(from));
        let _ = match to {
            Some(to) => f.take(to.saturating_sub(from)).read_to_end(&mut text),
            None => f.read_to_end(&mut text),
        };
    }
    String::from_utf8_lossy(&text).into_owned()
}

fn log_from(path: &Path, from: u64) -> String {
    log_range(path, from, None)
}

fn log_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The killer: at each threshold of confirmed uploads, aims, kills, notes what was in flight,
/// restarts, and waits until the decisions the kill cut are made again.
fn kill_at(
    mut s: SftpGateway,
    w: &World,
    at: &[usize],
    aims: &[Aim],
    mut rng: Rng,
) -> (SftpGateway, Vec<Kill>) {
    let mut kills = Vec::new();
    for (&threshold, &aim) in at.iter().zip(aims) {
        let started = Instant::now();
        while w.uploads_done.load(Ordering::SeqCst) < threshold {
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "uploads stalled at {} of the {threshold} awaited",
                w.uploads_done.load(Ordering::SeqCst)
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // The plan a kill after published outputs aims at: its file, and where the log was.
        let mut aimed_at: Option<(String, u64)> = None;
        let on_target = match aim {
            Aim::Processing => {
                let from = log_len(&s.g.log);
                let seen = poll(Duration::from_secs(15), || {
                    log_from(&s.g.log, from).contains("wharf-test-hold: holding")
                });
                std::thread::sleep(Duration::from_millis(rng.below(2 * bodies::HOLD_MS)));
                seen
            }
            Aim::Published => {
                // Taken: the partner downloaded and deleted each output (the late hold leaves
                // it time) while the plan still runs; a plan that ended first, or had no
                // output, gives way to the next late-held one.
                let started = Instant::now();
                let mut on_target = false;
                while !on_target && started.elapsed() < Duration::from_secs(15) {
                    let from = log_len(&s.g.log);
                    let mut late = None;
                    poll(Duration::from_secs(15), || {
                        late = late_held_outputs(&log_from(&s.g.log, from));
                        late.is_some()
                    });
                    let Some((file, outputs)) = late else { break };
                    let taken = || outputs.iter().all(|o| !Path::new(o).exists());
                    on_target = !outputs.is_empty()
                        && poll(Duration::from_millis(3 * bodies::LATE_MS), || {
                            taken() || processed(&log_from(&s.g.log, from), &file)
                        })
                        && taken();
                    aimed_at = Some((file, from));
                }
                on_target
            }
            Aim::Upload => poll(Duration::from_secs(15), || {
                ["uc", "ds", "wh"].iter().any(|p| {
                    files_in(&s.g.home(p).join("in"))
                        .iter()
                        .any(|f| f.ends_with(".uploading"))
                })
            }),
            Aim::Anywhere => {
                std::thread::sleep(Duration::from_millis(rng.below(250)));
                true
            }
        };
        s.g.kill9();
        // A kill after the plan ended missed it.
        let on_target = on_target
            && aimed_at.is_none_or(|(file, from)| !processed(&log_from(&s.g.log, from), &file));
        let mut in_flight = BTreeSet::new();
        let mut cut_upload = false;
        for p in ["uc", "ds", "wh"] {
            for f in files_in(&s.g.home(p).join("in")) {
                let name = f.rsplit('/').next().unwrap_or(&f);
                if name.ends_with(".uploading") {
                    cut_upload = true;
                } else if !name.starts_with('.') {
                    in_flight.insert((p.to_string(), f.clone()));
                }
            }
        }
        let log_from_here = log_len(&s.g.log);
        s.g.spawn();
        w.ports.ftp.store(s.g.ftp_port, Ordering::SeqCst);
        w.ports.sftp.store(s.port(), Ordering::SeqCst);
        await_retried_decisions(&s.g.log, log_from_here);
        kills.push(Kill {
            aim,
            on_target,
            in_flight,
            cut_upload,
            log_from: log_from_here,
        });
    }
    (s, kills)
}

/// Polls `cond` every 2 ms until it holds (true) or `limit` passes (false).
fn poll(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// The first late-held plan in `log` once it is held after its outputs are out: its file (as
/// [`file_of`] gives it) and the outputs it published. `log` starts before the plan does, so it
/// holds the plan's "output written" lines.
fn late_held_outputs(log: &str) -> Option<(String, Vec<String>)> {
    let held = log
        .lines()
        .find(|l| l.contains("wharf-test-hold: holding, the outputs out"))?;
    let file = file_of(held)?;
    Some((
        file.to_string(),
        log.lines()
            .filter(|l| l.contains("output written") && file_of(l) == Some(file))
            .filter_map(|l| {
                let at = l.find("output=")? + "output=".len();
                let rest = l[at..].trim_start_matches('"');
                Some(rest.split([' ', '"']).next()?.to_string())
            })
            .collect(),
    ))
}

/// Whether `log` says `file` (as [`file_of`] gives it) was processed to its end.
fn processed(log: &str, file: &str) -> bool {
    log.lines()
        .any(|l| l.contains("file processed") && file_of(l) == Some(file))
}

/// The span of a log line about one file: `partner=P file=in/NAME`.
fn file_of(line: &str) -> Option<&str> {
    let at = line.find("partner=")?;
    let end = line[at..].find('}')? + at;
    Some(&line[at..end])
}

/// Waits until every file the restart began deciding again ("trying once more") is processed.
fn await_retried_decisions(log: &Path, from: u64) {
    // The start-up scan queues what was in in/; give the pipeline time to reach them.
    wait_for(
        120,
        "the decisions cut by the kill to be made again",
        || {
            let text = log_from(log, from);
            let retried: BTreeSet<&str> = text
                .lines()
                .filter(|l| l.contains("trying once more"))
                .filter_map(file_of)
                .collect();
            retried.iter().all(|f| processed(&text, f))
        },
    );
}

/// Whether kill `i` landed in the middle of processing: the run after it resumed a recorded
/// plan, or decided again, a file that was complete in `in/` at the kill; or found the job of
/// an input already moved but not yet forgotten (the plan's last step).
pub fn landed_mid_processing(log: &Path, kills: &[Kill], i: usize) -> bool {
    let text = log_range(log, kills[i].log_from, kills.get(i + 1).map(|k| k.log_from));
    text.contains("forgot jobs of inputs settled before the last stop")
        || text
            .lines()
            .filter(|l| l.contains("resuming after a restart") || l.contains("trying once more"))
            .filter_map(file_of)
            .any(|f| {
                kills[i]
                    .in_flight
                    .iter()
                    .any(|(p, name)| f == format!("partner={p} file=in/{name}"))
            })
}
