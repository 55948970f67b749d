//! Small-files benchmark (not a test): 1,000 single-order UltraCart files (~7 KB each, each
//! with its own order id) uploaded from 1 client and from 8 clients (125 files each), each
//! client one connection for all its files, as a partner's automation does:
//!
//! - FTP: Wharf vs Debian's vsftpd 3.0.3, both driven by the same Python `ftplib` script (one
//!   login, then `STOR` per file, passive mode), both with a password login (vsftpd: a local
//!   system user made for the run, chrooted, deleted after).
//! - SFTP: Wharf vs OpenSSH's `sshd` with `Subsystem sftp internal-sftp`, both driven by
//!   OpenSSH `sftp -b` with one `put` per file, the same key, cipher, key exchange and host key
//!   type.
//!
//! All servers run side by side; each (protocol, clients) cell runs `WHARF_BENCH_RUNS` times
//! (3), Wharf and the reference interleaved and taking turns at going first. Upload figure:
//! files / (seconds from the clients' start to the last client's exit), the median of the runs
//! done. For Wharf also the end-to-end figure: seconds from the clients' start until the last
//! of the warehouse files (`partners/wh/out/order_*.json`) exists, and each order's latency
//! from its upload's end to its warehouse file (p50, p99, max; see [`Arrivals`]). Wharf fsyncs every upload
//! before it answers `226` / the close; vsftpd and OpenSSH do not. Wharf's processing makes
//! several fsyncs per file, so its end-to-end time follows the disk: just before and just after
//! each of its runs, the median time of a 4 KB write + fsync is measured and shown beside it (on
//! a disk shared with other work it moves tenfold).
//!
//! Every run is checked: on the reference, every file arrived with the source's bytes; on
//! Wharf, every file was archived once with the source's bytes, nothing went to `error/`, and
//! exactly the expected warehouse files were written. A run that stalls, fails or is wrong is
//! left out of the median, counted in the "runs done" column with its reason under the table,
//! and makes the bench exit non-zero. The warehouse files and archived inputs are removed after
//! each run (as a warehouse would pick them up). Memory: Wharf's whole-process `VmHWM` (reset
//! before each run); for the reference the largest sum of RSS over its session processes and
//! the `VmHWM` of the largest one.
//!
//! `cargo bench --bench small_files`; `WHARF_BENCH_FILES` (1000), `WHARF_BENCH_CLIENTS` (`1,8`),
//! `WHARF_BENCH_RUNS` (3), `WHARF_BENCH_PROTOCOLS` (`ftp,sftp`), `WHARF_BENCH_TIMEOUT_S` (the
//! deadline of a run's uploads: 60 s + 0.1 s a file). Needs `python3`, `sftp`, `ssh-keygen`,
//! `/usr/sbin/vsftpd` (and root, for its user) and `/usr/sbin/sshd`: a missing one skips its
//! protocol.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anyhow::{Context, Result, bail};
use common::clients::{Ended, run_clients};
use common::files::{fsync_probe, same_content};
use common::peers::{
    CART, References, Server, Subsystem, WAREHOUSE, Wharf, WharfOptions, protocols,
};
use common::procfs::{SessionMemory, load_average, reset_hwm, status_kib};
use common::rows::{Row, record};
use common::stats::{Cell, Table, mib_str, num};
use common::ultracart::SingleOrder;
use common::{CIPHER, HOST_KEY_ALG, KEX, PASSWORD};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How often Wharf's warehouse folder is counted during a run.
const POLL_WHARF: Duration = Duration::from_millis(10);
/// How often a reference's session processes are sampled (each sample walks `/proc`).
const POLL_PEER: Duration = Duration::from_millis(100);
/// Rounds of the disk probe before each of Wharf's runs.
const FSYNC_PROBES: usize = 20;
/// Passive ports, the same number on both FTP servers.
const PASSIVE_PORTS: u16 = 100;

/// The FTP client: one login, `STOR` of every listed file into a folder, `QUIT`.
const FTP_CLIENT: &str = r#"import ftplib, os, sys
host, port, user, password, remote, listing = sys.argv[1:]
paths = [p for p in open(listing).read().split("\n") if p]
ftp = ftplib.FTP()
ftp.connect(host, int(port), timeout=120)
ftp.login(user, password)
for p in paths:
    with open(p, "rb") as f:
        ftp.storbinary("STOR " + remote + "/" + os.path.basename(p), f)
ftp.quit()
print(len(paths))
"#;

fn main() -> Result<()> {
    if !common::bench_mode("small_files") {
        return Ok(());
    }
    let files: usize = common::env_num("WHARF_BENCH_FILES", 1000)?;
    let runs: usize = common::env_num("WHARF_BENCH_RUNS", 3)?;
    let clients: Vec<usize> = std::env::var("WHARF_BENCH_CLIENTS")
        .unwrap_or_else(|_| "1,8".into())
        .split(',')
        .map(|c| c.trim().parse::<usize>())
        .collect::<Result<_, _>>()
        .context("WHARF_BENCH_CLIENTS: numbers separated by commas")?;
    if files == 0 || runs == 0 || clients.iter().any(|&c| c == 0 || c > files) {
        bail!("WHARF_BENCH_FILES, WHARF_BENCH_RUNS and each client count must be positive");
    }
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".to_string()
    } else {
        "python3".to_string()
    };
    let Some(protocols) = protocols(&[&python, "sftp", "ssh-keygen"], Subsystem::Internal) else {
        return Ok(());
    };

    // Declared first, dropped last: every process below is stopped before the folder goes.
    let tmp = common::work_dir()?;
    let t = tmp.path().to_path_buf();
    let load_start = load_average();
    println!("load average at start: {load_start}");
    let template = SingleOrder::fixture()?;
    println!(
        "{files} files of ~{} bytes each, clients {clients:?}, {runs} runs per cell",
        template.with_id("B0-0-0000").len()
    );

    let (key, public) = common::client_key(&t)?;
    let ftp_script = t.join("ftp_put.py");
    std::fs::write(&ftp_script, FTP_CLIENT)?;

    let wharf = Wharf::start(
        &t,
        &public,
        &WharfOptions {
            max_upload: None,
            passive_ports: PASSIVE_PORTS,
            limits: "",
        },
    )?;
    let refs = References::start(&t, &public, &protocols, Subsystem::Internal, PASSIVE_PORTS)?;
    let can_reset = reset_hwm(wharf.pid());
    if !can_reset {
        println!("note: cannot reset VmHWM through clear_refs; Wharf peaks are cumulative");
    }

    let mut cells: Vec<CellRuns> = Vec::new();
    for proto in [Proto::Ftp, Proto::Sftp] {
        if (proto == Proto::Ftp && !protocols.ftp) || (proto == Proto::Sftp && !protocols.sftp) {
            continue;
        }
        for &c in &clients {
            cells.push(CellRuns {
                proto,
                clients: c,
                wharf: Cell::default(),
                peer: Cell::default(),
            });
        }
    }
    let ctx = Ctx {
        t: t.clone(),
        files,
        key,
        ssh_user: common::current_user()?,
        python,
        ftp_script,
        peer_up: refs.up.clone(),
        can_reset,
    };
    for r in 0..runs {
        for (c, cell) in cells.iter_mut().enumerate() {
            println!("\n== run {}: {} ==", r + 1, cell.label());
            let batch = Batch::make(&ctx, &template, r, c, cell.clients)?;
            // Taking turns at going first, run by run and cell by cell.
            let wharf_first = (r + c) % 2 == 0;
            for side in if wharf_first { [0, 1] } else { [1, 0] } {
                if side == 0 {
                    let w = run_wharf(&ctx, &wharf, cell.proto, &batch)
                        .with_context(|| format!("Wharf, {}, run {}", cell.label(), r + 1))?;
                    match &w {
                        Ok(w) => println!(
                            "  wharf:  upload {:>6.2}s {:>7.1} files/s, end to end {:>6.2}s \
                             {:>7.1} files/s, upload end -> warehouse file p50 {:.0} ms p99 {:.0} \
                             ms max {:.0} ms, VmHWM {}, disk fsync {:.2} ms before, {:.2} ms after",
                            w.upload_secs,
                            files as f64 / w.upload_secs,
                            w.end_to_end_secs,
                            files as f64 / w.end_to_end_secs,
                            w.latency.0 * 1e3,
                            w.latency.1 * 1e3,
                            w.latency.2 * 1e3,
                            mib_str(w.hwm_kib),
                            w.fsync_secs.0 * 1e3,
                            w.fsync_secs.1 * 1e3
                        ),
                        Err(why) => println!("  wharf:  NOT DONE: {why}"),
                    }
                    cell.wharf.push(w);
                } else {
                    let p = match cell.proto {
                        Proto::Ftp => {
                            let v = refs.vsftpd()?;
                            let cmds = ftp_commands(&ctx, v.port, refs.ftp_user()?, "/up", &batch)?;
                            run_peer(&ctx, &v.server, cmds, &batch)
                        }
                        Proto::Sftp => {
                            let s = refs.sshd()?;
                            let up = ctx.peer_up.display().to_string();
                            run_peer(
                                &ctx,
                                &s.server,
                                sftp_commands(&ctx, s.port, &ctx.ssh_user, &up, &batch)?,
                                &batch,
                            )
                        }
                    }
                    .with_context(|| format!("{}, {}, run {}", cell.peer(), cell.label(), r + 1))?;
                    match &p {
                        Ok(p) => println!(
                            "  {:<7} upload {:>6.2}s {:>7.1} files/s, session RSS {} (largest \
                             process VmHWM {})",
                            format!("{}:", cell.peer()),
                            p.upload_secs,
                            files as f64 / p.upload_secs,
                            mib_str(p.total_kib),
                            mib_str(p.largest_kib)
                        ),
                        Err(why) => println!("  {}: NOT DONE: {why}", cell.peer()),
                    }
                    cell.peer.push(p);
                }
            }
            batch.remove();
        }
    }

    let load_end = load_average();
    println!("\nload average at end: {load_end}");
    println!("\n{}", report(&cells, files, runs, &load_start, &load_end));
    record_rows(&cells, files)?;
    wharf.print_warnings();
    drop(refs);
    drop(wharf);
    let not_done: usize = cells
        .iter()
        .map(|c| c.wharf.failures().count() + c.peer.failures().count())
        .sum();
    if not_done > 0 {
        bail!("{not_done} runs were not done (see above)");
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Proto {
    Ftp,
    Sftp,
}

/// One (protocol, clients) cell's runs on both servers.
struct CellRuns {
    proto: Proto,
    clients: usize,
    wharf: Cell<WharfRun>,
    peer: Cell<PeerRun>,
}

impl CellRuns {
    fn label(&self) -> String {
        format!(
            "{}, {} client{}",
            match self.proto {
                Proto::Ftp => "FTP",
                Proto::Sftp => "SFTP",
            },
            self.clients,
            if self.clients == 1 { "" } else { "s" }
        )
    }

    fn peer(&self) -> &'static str {
        match self.proto {
            Proto::Ftp => "vsftpd",
            Proto::Sftp => "internal-sftp",
        }
    }
}

struct WharfRun {
    upload_secs: f64,
    end_to_end_secs: f64,
    /// Seconds from each upload's end to its warehouse file: (p50, p99, max).
    latency: (f64, f64, f64),
    hwm_kib: u64,
    /// The disk's small-write fsync time just before and just after the run
    /// ([`fsync_probe`]).
    fsync_secs: (f64, f64),
}

struct PeerRun {
    upload_secs: f64,
    /// The largest sum of VmRSS over the session processes at one sample.
    total_kib: u64,
    /// The largest VmHWM of one session process.
    largest_kib: u64,
}

struct Ctx {
    t: PathBuf,
    files: usize,
    key: PathBuf,
    /// The SSH login on sshd (the current user).
    ssh_user: String,
    python: String,
    ftp_script: PathBuf,
    /// Where the references' uploads land.
    peer_up: PathBuf,
    can_reset: bool,
}

impl Ctx {
    fn upload_deadline(&self) -> Result<Duration> {
        Ok(match std::env::var("WHARF_BENCH_TIMEOUT_S") {
            Ok(v) => Duration::from_secs(v.trim().parse().context("WHARF_BENCH_TIMEOUT_S")?),
            Err(_) => Duration::from_secs(60) + Duration::from_millis(100) * self.files as u32,
        })
    }

    /// After the uploads, how long Wharf may take to write the last warehouse file.
    fn processing_deadline(&self) -> Duration {
        Duration::from_secs(60) + Duration::from_millis(50) * self.files as u32
    }
}

/// One run's files: `files` single-order exports with order ids unique over the whole bench
/// (Wharf would absorb a re-sent order), split between the clients in contiguous shares.
struct Batch {
    dir: PathBuf,
    tag: String,
    /// (file name, order id), in upload order.
    files: Vec<(String, String)>,
    /// Each client's share: a range of `files`.
    shares: Vec<std::ops::Range<usize>>,
}

impl Batch {
    fn make(
        ctx: &Ctx,
        template: &SingleOrder,
        run: usize,
        cell: usize,
        clients: usize,
    ) -> Result<Batch> {
        let tag = format!("r{run}c{cell}");
        let dir = ctx.t.join("files").join(&tag);
        std::fs::create_dir_all(&dir)?;
        let mut files = Vec::with_capacity(ctx.files);
        for i in 0..ctx.files {
            let id = format!("B{run}-{cell}-{i:05}");
            let name = format!("order-{id}.xml");
            std::fs::write(dir.join(&name), template.with_id(&id))?;
            files.push((name, id));
        }
        let shares = (0..clients)
            .map(|k| k * ctx.files / clients..(k + 1) * ctx.files / clients)
            .collect();
        Ok(Batch {
            dir,
            tag,
            files,
            shares,
        })
    }

    fn local(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One client per share of the batch, each reading its share from a file in the work folder:
/// `line(local path, remote path)` writes a file's line, `command(that file)` the client.
fn clients_for(
    ctx: &Ctx,
    batch: &Batch,
    tag: &str,
    remote: &str,
    line: impl Fn(&Path, &str) -> String,
    command: impl Fn(&Path) -> Command,
) -> Result<Vec<Command>> {
    let mut cmds = Vec::new();
    for (k, share) in batch.shares.iter().enumerate() {
        let file = ctx.t.join(format!("{}-{tag}-{k}.list", batch.tag));
        let mut text = String::new();
        for (name, _) in &batch.files[share.clone()] {
            text.push_str(&line(&batch.local(name), &format!("{remote}/{name}")));
            text.push('\n');
        }
        std::fs::write(&file, text)?;
        cmds.push(command(&file));
    }
    Ok(cmds)
}

/// The ftplib script, one per share: a list of local files, stored into `remote`.
fn ftp_commands(
    ctx: &Ctx,
    port: u16,
    user: &str,
    remote: &str,
    batch: &Batch,
) -> Result<Vec<Command>> {
    let tag = format!("ftp-{port}");
    clients_for(
        ctx,
        batch,
        &tag,
        remote,
        |local, _| local.display().to_string(),
        |listing| {
            let mut cmd = Command::new(&ctx.python);
            cmd.arg(&ctx.ftp_script)
                .args(["127.0.0.1", &port.to_string(), user, PASSWORD, remote])
                .arg(listing);
            cmd
        },
    )
}

/// `sftp -b`, one per share: a batch of `put LOCAL REMOTE/NAME`.
fn sftp_commands(
    ctx: &Ctx,
    port: u16,
    user: &str,
    remote: &str,
    batch: &Batch,
) -> Result<Vec<Command>> {
    let tag = format!("sftp-{port}");
    clients_for(
        ctx,
        batch,
        &tag,
        remote,
        |local, to| format!("put {} {to}", local.display()),
        |file| common::sftp_client(&ctx.key, port, user, &[], file),
    )
}

/// Counts the regular files in a folder (0 when it is missing).
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .count()
        })
        .unwrap_or(0)
}

/// Every regular file below `dir` (one level of day folders in `archive/`), by name.
fn files_below(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => out.extend(files_below(&p)),
            Ok(t) if t.is_file() => out.push((e.file_name().to_string_lossy().into_owned(), p)),
            _ => {}
        }
    }
    out
}

fn run_wharf(
    ctx: &Ctx,
    wharf: &Wharf,
    proto: Proto,
    batch: &Batch,
) -> Result<std::result::Result<WharfRun, String>> {
    let pid = wharf.pid();
    let home = wharf.home(CART);
    let wh_out = wharf.home(WAREHOUSE).join("out");
    let cmds = match proto {
        Proto::Ftp => ftp_commands(ctx, wharf.ftp_port, CART, "/in", batch)?,
        Proto::Sftp => sftp_commands(ctx, wharf.sftp_port, CART, "/in", batch)?,
    };
    common::settle();
    let fsync_before = fsync_probe(&ctx.t, FSYNC_PROBES)?;
    if ctx.can_reset {
        reset_hwm(pid);
    }
    let n = ctx.files;
    let started = Instant::now();
    let mut reached: Option<f64> = None;
    let mut seen = Arrivals::default();
    let mut watch = |reached: &mut Option<f64>| {
        if reached.is_none() && seen.poll(&wh_out) >= n {
            *reached = Some(started.elapsed().as_secs_f64());
        }
    };
    let ended = run_clients(
        &ctx.t,
        &format!("{}-wharf", batch.tag),
        cmds,
        pid,
        ctx.upload_deadline()?,
        POLL_WHARF,
        || watch(&mut reached),
    )?;
    wharf.server.check_alive()?;
    let upload_secs = match ended {
        Ended::Done { secs, .. } => secs,
        Ended::Failed(why) | Ended::Stalled(why) => {
            let left = drain_wharf(wharf)?;
            return Ok(Err(format!("{why}{left}")));
        }
    };
    let deadline = Instant::now() + ctx.processing_deadline();
    while reached.is_none() && Instant::now() < deadline {
        std::thread::sleep(POLL_WHARF);
        watch(&mut reached);
    }
    let hwm = status_kib(pid, "VmHWM").unwrap_or(0);
    let fsync_secs = (fsync_before, fsync_probe(&ctx.t, FSYNC_PROBES)?);
    let Some(end_to_end_secs) = reached else {
        let got = count_files(&wh_out);
        let left = drain_wharf(wharf)?;
        return Ok(Err(format!(
            "{got} of {n} warehouse files {:.0}s after the uploads ended{left}",
            ctx.processing_deadline().as_secs_f64()
        )));
    };
    // The last output is written before its input moves to archive/: wait for that too.
    let deadline = Instant::now() + Duration::from_secs(30);
    while count_files(&home.join("in")) > 0 && Instant::now() < deadline {
        std::thread::sleep(POLL_WHARF);
    }
    let checked = check_wharf(wharf, batch);
    let latency = seen.latency(&home.join("archive"));
    clear_wharf(wharf)?;
    if let Err(why) = checked {
        return Ok(Err(why));
    }
    let latency = match latency {
        Ok(l) => l,
        Err(why) => return Ok(Err(why)),
    };
    Ok(Ok(WharfRun {
        upload_secs,
        end_to_end_secs,
        latency,
        hwm_kib: hwm,
        fsync_secs,
    }))
}

/// When each warehouse file was first seen (polled every [`POLL_WHARF`]), to measure each
/// order's latency: from its upload's end — the archived input's modification time, its last
/// byte written just before the fsync and the `226` / close answer, kept by the move to
/// `archive/` — to its warehouse file `order_ID.json` existing. Both are wall-clock times on
/// this machine; the poll adds up to [`POLL_WHARF`].
#[derive(Default)]
struct Arrivals {
    first_seen: std::collections::HashMap<String, std::time::SystemTime>,
}

impl Arrivals {
    /// Notes the warehouse files not seen before (not the dot-names of outputs being written
    /// or staged); returns how many have been seen.
    fn poll(&mut self, dir: &Path) -> usize {
        let now = std::time::SystemTime::now();
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.starts_with('.') && e.file_type().is_ok_and(|t| t.is_file()) {
                    self.first_seen.entry(name).or_insert(now);
                }
            }
        }
        self.first_seen.len()
    }

    /// (p50, p99, max) seconds from upload end to warehouse file, over every archived input
    /// `order-ID.xml` below `archive`.
    fn latency(&self, archive: &Path) -> std::result::Result<(f64, f64, f64), String> {
        let mut secs = Vec::new();
        for (name, path) in files_below(archive) {
            let Some(id) = name
                .strip_prefix("order-")
                .and_then(|n| n.strip_suffix(".xml"))
            else {
                continue;
            };
            let Some(seen) = self.first_seen.get(&format!("order_{id}.json")) else {
                return Err(format!("no warehouse file was seen for {name}"));
            };
            let ended = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .map_err(|e| format!("{name}: {e}"))?;
            secs.push(
                seen.duration_since(ended)
                    .unwrap_or(Duration::ZERO)
                    .as_secs_f64(),
            );
        }
        if secs.is_empty() {
            return Err("no archived input to measure the latency on".into());
        }
        secs.sort_by(f64::total_cmp);
        let at = |q: f64| secs[((secs.len() as f64 * q).ceil() as usize).clamp(1, secs.len()) - 1];
        Ok((at(0.50), at(0.99), secs[secs.len() - 1]))
    }
}

/// What Wharf made of a run: every file archived once with its bytes, nothing in `error/` or
/// left in `in/`, and exactly one warehouse file per order.
fn check_wharf(wharf: &Wharf, batch: &Batch) -> std::result::Result<(), String> {
    let home = wharf.home(CART);
    let mut problems = Vec::new();
    let left = files_below(&home.join("in"));
    if !left.is_empty() {
        problems.push(format!("{} files still in in/", left.len()));
    }
    let errors = files_below(&home.join("error"));
    if let Some((name, _)) = errors.first() {
        problems.push(format!("{} files in error/, e.g. {name}", errors.len()));
    }
    let archived = files_below(&home.join("archive"));
    if archived.len() != batch.files.len() {
        problems.push(format!(
            "{} files archived, expected {}",
            archived.len(),
            batch.files.len()
        ));
    }
    let by_name: std::collections::HashMap<&str, &Path> = archived
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_path()))
        .collect();
    let mut differ = 0;
    let mut missing = 0;
    for (name, _) in &batch.files {
        match by_name.get(name.as_str()) {
            Some(p) => {
                if !same_content(&batch.local(name), p).unwrap_or(false) {
                    differ += 1;
                }
            }
            None => missing += 1,
        }
    }
    if missing > 0 {
        problems.push(format!("{missing} uploaded files not archived"));
    }
    if differ > 0 {
        problems.push(format!(
            "{differ} archived files differ from what was uploaded"
        ));
    }
    let expected: BTreeSet<String> = batch
        .files
        .iter()
        .map(|(_, id)| format!("order_{id}.json"))
        .collect();
    let written: BTreeSet<String> = files_below(&wharf.home(WAREHOUSE).join("out"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    if written != expected {
        problems.push(format!(
            "warehouse files: {} written, {} expected, {} unexpected, {} missing",
            written.len(),
            expected.len(),
            written.difference(&expected).count(),
            expected.difference(&written).count()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("WRONG RESULT: {}", problems.join("; ")))
    }
}

/// After a failed run: waits (a minute at most) until Wharf has taken every upload out of
/// `in/`, then clears it; says what was left.
fn drain_wharf(wharf: &Wharf) -> Result<String> {
    let inbox = wharf.home(CART).join("in");
    let deadline = Instant::now() + Duration::from_secs(60);
    while count_files(&inbox) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let left = count_files(&inbox);
    let outs = count_files(&wharf.home(WAREHOUSE).join("out"));
    clear_wharf(wharf)?;
    Ok(format!(
        "; afterwards {outs} warehouse files, {left} files left in in/"
    ))
}

/// Takes the warehouse files away (as the warehouse would) and empties `archive/`, `error/`
/// and whatever a failed run left in `in/`.
fn clear_wharf(wharf: &Wharf) -> Result<()> {
    let home = wharf.home(CART);
    for dir in [
        wharf.home(WAREHOUSE).join("out"),
        home.join("archive"),
        home.join("error"),
        home.join("in"),
    ] {
        for (_, p) in files_below(&dir) {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    Ok(())
}

fn run_peer(
    ctx: &Ctx,
    server: &Server,
    cmds: Vec<Command>,
    batch: &Batch,
) -> Result<std::result::Result<PeerRun, String>> {
    let listener = server.pid();
    common::settle();
    let mut mem = SessionMemory::default();
    let ended = run_clients(
        &ctx.t,
        &format!("{}-{}", batch.tag, server.name.replace(' ', "_")),
        cmds,
        listener,
        ctx.upload_deadline()?,
        POLL_PEER,
        || mem.sample(listener),
    )?;
    server.check_alive()?;
    let result = match ended {
        Ended::Done { secs, .. } => check_peer(ctx, batch).map(|()| PeerRun {
            upload_secs: secs,
            total_kib: mem.total_kib,
            largest_kib: mem.largest_any(),
        }),
        Ended::Failed(why) | Ended::Stalled(why) => Err(why),
    };
    for (_, p) in files_below(&ctx.peer_up) {
        std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
    }
    Ok(result)
}

/// Every file arrived in `peer/up/` with the source's bytes, and nothing else.
fn check_peer(ctx: &Ctx, batch: &Batch) -> std::result::Result<(), String> {
    let arrived = files_below(&ctx.peer_up);
    let mut differ = 0;
    let mut missing = 0;
    for (name, _) in &batch.files {
        let p = ctx.peer_up.join(name);
        if !p.exists() {
            missing += 1;
        } else if !same_content(&batch.local(name), &p).unwrap_or(false) {
            differ += 1;
        }
    }
    if missing == 0 && differ == 0 && arrived.len() == batch.files.len() {
        Ok(())
    } else {
        Err(format!(
            "WRONG RESULT: {} files arrived for {}, {missing} missing, {differ} differ",
            arrived.len(),
            batch.files.len()
        ))
    }
}

/// The table (Markdown), then every run not done with its reason.
/// The summary rows (`common::rows`): Wharf end to end (until the last warehouse file) against
/// the reference merely receiving the same files.
fn record_rows(cells: &[CellRuns], files: usize) -> Result<()> {
    let f = files as f64;
    for c in cells {
        let e2e = f / c.wharf.median(|r| r.end_to_end_secs);
        let p = f / c.peer.median(|r| r.upload_secs);
        record(&Row {
            row: format!("{files} small files over {}: end to end", c.label()),
            wharf: format!("{} files/s", num(e2e, 1)),
            peer: format!("{} receiving", c.peer()),
            peer_figure: format!("{} files/s", num(p, 1)),
            ratio: num(e2e / p, 2),
            memory: mib_str(c.wharf.max(|r| r.hwm_kib)),
            target: "ratio ≥ 1.0".into(),
            runs: c.wharf.done(),
        })?;
    }
    Ok(())
}

fn report(
    cells: &[CellRuns],
    files: usize,
    runs: usize,
    load_start: &str,
    load_end: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{files} single-order UltraCart files (~7 KB), median of the runs done (of {runs}), \
         interleaved. files/s = files / seconds from the clients' start to the last client's \
         exit; ratio = Wharf / reference (> 1: Wharf faster). Wharf end to end: until the last \
         warehouse file exists; latency: from each upload's end (the input's last write) until \
         its warehouse file is seen (polled every 10 ms). Wharf fsyncs every upload before 226 / the close; vsftpd and \
         OpenSSH do not fsync; the disk column is the median time of a 4 KB write + fsync just \
         before and just after Wharf's runs (the end-to-end time follows it). Load average {load_start} at the \
         start, {load_end} at the end.\n"
    );
    let mut table = Table::new(&[
        ("upload", false),
        ("Wharf files/s", true),
        ("Wharf runs done", true),
        ("reference", false),
        ("reference files/s", true),
        ("reference runs done", true),
        ("ratio", true),
        ("Wharf end to end s", true),
        ("Wharf end to end files/s", true),
        ("upload end -> warehouse file p50 / p99 / max ms", true),
        ("disk fsync 4 KB before / after Wharf's runs", true),
        ("Wharf VmHWM (whole process)", true),
        (
            "reference session RSS (all processes) / largest process",
            true,
        ),
    ]);
    for c in cells {
        let f = files as f64;
        let w = f / c.wharf.median(|r| r.upload_secs);
        let p = f / c.peer.median(|r| r.upload_secs);
        let e2e = c.wharf.median(|r| r.end_to_end_secs);
        table.row(vec![
            c.label(),
            num(w, 1),
            c.wharf.done(),
            c.peer().to_string(),
            num(p, 1),
            c.peer.done(),
            num(w / p, 2),
            num(e2e, 2),
            num(f / e2e, 1),
            format!(
                "{} / {} / {}",
                num(c.wharf.median(|r| r.latency.0) * 1e3, 0),
                num(c.wharf.median(|r| r.latency.1) * 1e3, 0),
                num(c.wharf.median(|r| r.latency.2) * 1e3, 0)
            ),
            format!(
                "{} / {} ms",
                num(c.wharf.median(|r| r.fsync_secs.0) * 1e3, 2),
                num(c.wharf.median(|r| r.fsync_secs.1) * 1e3, 2)
            ),
            mib_str(c.wharf.max(|r| r.hwm_kib)),
            format!(
                "{} / {}",
                mib_str(c.peer.max(|r| r.total_kib)),
                mib_str(c.peer.max(|r| r.largest_kib))
            ),
        ]);
    }
    s.push_str(&table.render());
    let _ = writeln!(
        s,
        "\nFTP: Python ftplib, one connection per client, passive, password logins on both. \
         SFTP: OpenSSH sftp -b, one connection per client, -c {CIPHER}, KexAlgorithms={KEX}, \
         HostKeyAlgorithms={HOST_KEY_ALG}, key login on both."
    );
    for c in cells {
        s.push_str(&c.wharf.not_done(&c.label(), "Wharf"));
        s.push_str(&c.peer.not_done(&c.label(), c.peer()));
    }
    s
}
