//! Transfer benchmark (not a test): upload and download throughput of one large file through
//! Wharf, against reference servers driven by the same clients on 127.0.0.1.
//!
//! - SFTP: Wharf vs Debian's OpenSSH `sshd` + `sftp-server`, both driven by OpenSSH `sftp -b`
//!   with the same key, cipher (`aes128-gcm@openssh.com`), key exchange and host key type.
//! - FTP: Wharf vs Debian's `vsftpd`, both driven by `curl` in passive mode, both with a
//!   password login (vsftpd: a local system user made for the run, chrooted, deleted after).
//!
//! Every (server, protocol, direction) runs `WHARF_BENCH_RUNS` times (default 3), Wharf and the
//! reference interleaved, taking turns at going first; the median wall time of the client gives
//! the throughput. Every run's file is compared byte for byte with the source (an upload on the
//! server's disk, a download on the client's); a run that stalls, fails or delivers other bytes
//! is left out of the median and counted in the "runs done" columns, with its reason under
//! the table, and wrong bytes make the bench exit non-zero. Peak memory: Wharf's `VmHWM`
//! (reset through `/proc/PID/clear_refs` before each run, so each run shows its own peak); for
//! the reference, the largest sum of RSS over its per-session processes and the `VmHWM` of
//! `sftp-server` (or of the largest vsftpd process), polled while they live. sshd's session
//! shell gets an empty `HOME`, so a heavy `~/.bashrc` does not count against it.
//!
//! `cargo bench --bench transfer`; `WHARF_BENCH_MIB` sets the file size (default 1024),
//! `WHARF_BENCH_RUNS` the runs per cell (3), `WHARF_BENCH_PROTOCOLS` `sftp` or `ftp` (both),
//! `WHARF_BENCH_SFTP_ARGS` the forced `sftp` options (`-B 32768 -R 64`),
//! `WHARF_BENCH_TIMEOUT_S` the per-transfer deadline (60 s + the file at 10 MB/s);
//! `WHARF_BENCH_DEBUG=1` prints the reference's session processes.
//! Needs `sftp`, `ssh-keygen`, `curl`; `/usr/sbin/sshd` (openssh-server) and
//! `/usr/sbin/vsftpd` (vsftpd, and root for its user) for the comparisons — a missing one skips
//! its protocol.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anyhow::{Context, Result, bail};
use common::clients::{Ended, run_clients};
use common::files::{same_content, write_random};
use common::peers::{CART, References, Server, Sshd, Subsystem, Wharf, WharfOptions, protocols};
use common::procfs::{SessionMemory, load_average, reset_hwm, status_kib};
use common::rows::{Row, record};
use common::stats::{Cell, Table, mbps, mib_str, num};
use common::{CIPHER, HOST_KEY_ALG, KEX, PASSWORD};
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The OpenSSH `sftp` default buffer and request count, forced so both servers see the same
/// requests (without `-B`, the client takes the buffer size from the server's
/// `limits@openssh.com` answer, which only OpenSSH's sftp-server gives). `WHARF_BENCH_SFTP_ARGS`
/// replaces it.
const FIXED_SFTP: &str = "-B 32768 -R 64";
/// The slowest throughput (bytes/s) before a transfer counts as stalled: its deadline is one
/// minute plus the file at this rate (`WHARF_BENCH_TIMEOUT_S` overrides it).
const STALL_RATE: u64 = 10_000_000;
/// How often memory is sampled during a transfer.
const POLL: Duration = Duration::from_millis(50);

fn main() -> Result<()> {
    if !common::bench_mode("transfer") {
        return Ok(());
    }
    let mib: u64 = common::env_num("WHARF_BENCH_MIB", 1024)?;
    let runs: usize = common::env_num("WHARF_BENCH_RUNS", 3)?;
    if mib == 0 || runs == 0 {
        bail!("WHARF_BENCH_MIB and WHARF_BENCH_RUNS must be positive");
    }
    let size = mib << 20;

    let Some(protocols) = protocols(&["sftp", "ssh-keygen", "curl"], Subsystem::SftpServer) else {
        return Ok(());
    };

    // Declared first, dropped last: every process below is stopped before the folder goes.
    let tmp = common::work_dir()?;
    let t = tmp.path().to_path_buf();
    println!("load average at start: {}", load_average());

    let src = t.join("big.bin");
    let started = Instant::now();
    write_random(&src, size)?;
    println!(
        "generated {} MiB of random data in {:.1}s",
        mib,
        started.elapsed().as_secs_f64()
    );

    // The client key, accepted by both SSH servers.
    let (key, public) = common::client_key(&t)?;

    // Wharf.
    let wharf = Wharf::start(
        &t,
        &public,
        &WharfOptions {
            max_upload: Some(size * 2 + (1 << 20)),
            passive_ports: 8,
            limits: "",
        },
    )?;
    let out = wharf.home(CART).join("out");
    std::fs::copy(&src, out.join("big.bin")).context("placing the download file")?;

    // The reference servers: `peer/big.bin` to download, `peer/up/` for uploads.
    let refs = References::start(&t, &public, &protocols, Subsystem::SftpServer, 8)?;
    std::fs::copy(&src, refs.root.join("big.bin"))?;
    common::set_mode(&refs.root.join("big.bin"), 0o644)?;

    let wharf_base_hwm = status_kib(wharf.pid(), "VmHWM").unwrap_or(0);
    let wharf_base_rss = status_kib(wharf.pid(), "VmRSS").unwrap_or(0);
    let can_reset = reset_hwm(wharf.pid());
    if !can_reset {
        println!("note: cannot reset VmHWM through clear_refs; Wharf peaks are cumulative");
    }

    let sftp_args =
        std::env::var("WHARF_BENCH_SFTP_ARGS").unwrap_or_else(|_| FIXED_SFTP.to_string());
    let mut phases: Vec<Phase> = Vec::new();
    if refs.sshd.is_some() {
        for fixed in [true, false] {
            for dir in [Dir::Up, Dir::Down] {
                phases.push(Phase::new(Proto::Sftp { fixed }, dir, &sftp_args));
            }
        }
    }
    if refs.vsftpd.is_some() {
        for dir in [Dir::Up, Dir::Down] {
            phases.push(Phase::new(Proto::Ftp, dir, &sftp_args));
        }
    }

    let ctx = Ctx {
        sftp_args,
        t: t.clone(),
        src: src.clone(),
        size,
        key,
        user: common::current_user()?,
    };
    let mut counter = 0usize;
    for phase in &mut phases {
        println!("\n== {} ==", phase.label());
        for i in 0..runs {
            // Odd runs start with the reference, so neither side always runs on a cache or
            // a disk the other one has just warmed or filled.
            let wharf_first = i % 2 == 0;
            for side in if wharf_first { [0, 1] } else { [1, 0] } {
                counter += 1;
                if side == 0 {
                    let w = run_wharf(&ctx, &wharf, phase, counter, can_reset)
                        .with_context(|| format!("Wharf, {}, run {}", phase.label(), i + 1))?;
                    match &w {
                        Ok(r) => println!(
                            "  wharf run {}: {:>7.2}s {:>8.1} MB/s  VmHWM {}",
                            i + 1,
                            r.secs,
                            mbps(size, r.secs),
                            mib_str(r.mem_main_kib)
                        ),
                        Err(why) => println!("  wharf run {}: FAILED: {why}", i + 1),
                    }
                    phase.wharf.push(w);
                } else {
                    let p = match phase.proto {
                        Proto::Sftp { .. } => run_sshd(&ctx, refs.sshd()?, phase, counter),
                        Proto::Ftp => run_vsftpd(&ctx, &refs, phase, counter),
                    }
                    .with_context(|| {
                        format!("{}, {}, run {}", phase.peer(), phase.label(), i + 1)
                    })?;
                    match &p {
                        Ok(r) => println!(
                            "  {} run {}: {:>7.2}s {:>8.1} MB/s{}  session RSS {} ({} VmHWM {})",
                            phase.peer(),
                            i + 1,
                            r.secs,
                            mbps(size, r.secs),
                            r.fsync_secs
                                .map(|f| format!(" (+{f:.2}s fsync)"))
                                .unwrap_or_default(),
                            mib_str(r.mem_total_kib),
                            phase.main_process(),
                            mib_str(r.mem_main_kib)
                        ),
                        Err(why) => println!("  {} run {}: FAILED: {why}", phase.peer(), i + 1),
                    }
                    phase.peer.push(p);
                }
            }
        }
    }

    let wharf_end_rss = status_kib(wharf.pid(), "VmRSS").unwrap_or(0);
    let wharf_end_hwm = status_kib(wharf.pid(), "VmHWM").unwrap_or(0);
    let wharf_peak = phases
        .iter()
        .map(|p| p.wharf.max(|r| r.mem_main_kib))
        .chain([wharf_base_hwm, wharf_end_hwm])
        .max()
        .unwrap_or(0);

    println!("\nload average at end: {}", load_average());
    println!("\n{}", report(&phases, size, runs));
    record_rows(&phases, size)?;
    println!(
        "Wharf process memory: VmHWM {} / VmRSS {} before the runs; peak VmHWM {} over all \
         runs; VmRSS {} after the runs.",
        mib_str(wharf_base_hwm),
        mib_str(wharf_base_rss),
        mib_str(wharf_peak),
        mib_str(wharf_end_rss)
    );
    println!(
        "SFTP: OpenSSH sftp client, -c {CIPHER}, KexAlgorithms={KEX}, \
         HostKeyAlgorithms={HOST_KEY_ALG}; FTP: curl, passive, password logins on both."
    );

    wharf.print_warnings();

    drop(refs);
    drop(wharf);
    let wrong = phases
        .iter()
        .flat_map(|p| p.wharf.failures().chain(p.peer.failures()))
        .filter(|(_, why)| why.starts_with(WRONG_CONTENT))
        .count();
    if wrong > 0 {
        bail!("{wrong} runs delivered other bytes than the source");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Phases and results.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Up,
    Down,
}

#[derive(Clone, Copy)]
enum Proto {
    /// `fixed`: `-B 32768 -R 64` forced; otherwise the client's defaults.
    Sftp {
        fixed: bool,
    },
    Ftp,
}

struct Phase {
    /// The forced `sftp` options (fixed SFTP phases).
    sftp_args: String,
    proto: Proto,
    dir: Dir,
    wharf: Cell<Run>,
    peer: Cell<Run>,
}

impl Phase {
    fn new(proto: Proto, dir: Dir, sftp_args: &str) -> Phase {
        Phase {
            sftp_args: sftp_args.to_string(),
            proto,
            dir,
            wharf: Cell::default(),
            peer: Cell::default(),
        }
    }

    fn label(&self) -> String {
        let proto = match self.proto {
            Proto::Sftp { fixed: true } => format!("SFTP ({})", self.sftp_args),
            Proto::Sftp { fixed: false } => "SFTP (client defaults)".to_string(),
            Proto::Ftp => "FTP".to_string(),
        };
        let dir = match self.dir {
            Dir::Up => "upload",
            Dir::Down => "download",
        };
        format!("{proto} {dir}")
    }

    /// The reference's per-session process whose VmHWM is shown.
    fn main_process(&self) -> &'static str {
        match self.proto {
            Proto::Sftp { .. } => Subsystem::SftpServer.session_process(),
            Proto::Ftp => "largest vsftpd",
        }
    }

    fn peer(&self) -> &'static str {
        match self.proto {
            Proto::Sftp { .. } => "sshd",
            Proto::Ftp => "vsftpd",
        }
    }
}

/// One finished transfer.
struct Run {
    secs: f64,
    /// Wharf: the process's VmHWM. Reference: the largest VmHWM of one session process
    /// (`sftp-server`, or the biggest `vsftpd` session process).
    mem_main_kib: u64,
    /// Wharf: as `mem_main_kib`. Reference: the largest sum of VmRSS over the session
    /// processes alive at one sample.
    mem_total_kib: u64,
    /// Reference uploads: an fsync of the uploaded file right after the client ended (Wharf
    /// fsyncs before it answers the close, inside its time).
    fsync_secs: Option<f64>,
}

/// A run's result: its figures, or why it has none.
type Outcome = std::result::Result<Run, String>;

/// How a failed run's reason starts when the bytes that arrived differ from the source.
const WRONG_CONTENT: &str = "WRONG CONTENT";

/// The summary rows (`common::rows`): each transfer's throughput against the reference's.
fn record_rows(phases: &[Phase], size: u64) -> Result<()> {
    for p in phases {
        let wm = mbps(size, p.wharf.median(|r| r.secs));
        let rm = mbps(size, p.peer.median(|r| r.secs));
        record(&Row {
            row: format!("{} MiB {}", size >> 20, p.label()),
            wharf: format!("{} MB/s", num(wm, 1)),
            peer: p.peer().to_string(),
            peer_figure: format!("{} MB/s", num(rm, 1)),
            ratio: num(wm / rm, 2),
            memory: mib_str(p.wharf.max(|r| r.mem_main_kib)),
            target: "ratio ≥ 1.0".into(),
            runs: p.wharf.done(),
        })?;
    }
    Ok(())
}

/// The Markdown table of medians, ratios, peaks and runs done, then every failed run.
fn report(phases: &[Phase], size: u64, runs: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Median of the runs done (of {runs}), {} MiB file, MB/s = 10^6 bytes/s; ratio = Wharf / \
         reference throughput (> 1: Wharf faster). Every run's bytes compared with the source.\n",
        size >> 20
    );
    let mut table = Table::new(&[
        ("transfer", false),
        ("Wharf MB/s", true),
        ("Wharf runs done", true),
        ("reference", false),
        ("reference MB/s", true),
        ("reference runs done", true),
        ("ratio", true),
        ("reference + fsync MB/s", true),
        ("ratio vs + fsync", true),
        ("Wharf VmHWM (whole process)", true),
        (
            "reference session RSS (all processes) / VmHWM of the largest",
            true,
        ),
    ]);
    for p in phases {
        let wm = mbps(size, p.wharf.median(|r| r.secs));
        let rm = mbps(size, p.peer.median(|r| r.secs));
        let (synced, synced_ratio) = if p.dir == Dir::Up {
            let m = mbps(
                size,
                p.peer.median(|r| r.secs + r.fsync_secs.unwrap_or(0.0)),
            );
            (num(m, 1), num(wm / m, 2))
        } else {
            ("–".to_string(), "–".to_string())
        };
        table.row(vec![
            p.label(),
            num(wm, 1),
            p.wharf.done(),
            p.peer().to_string(),
            num(rm, 1),
            p.peer.done(),
            num(wm / rm, 2),
            synced,
            synced_ratio,
            mib_str(p.wharf.max(|r| r.mem_main_kib)),
            format!(
                "{} / {}",
                mib_str(p.peer.max(|r| r.mem_total_kib)),
                mib_str(p.peer.max(|r| r.mem_main_kib))
            ),
        ]);
    }
    s.push_str(&table.render());
    for p in phases {
        s.push_str(&p.wharf.not_done(&p.label(), "Wharf"));
        s.push_str(&p.peer.not_done(&p.label(), p.peer()));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// One transfer per server.
// ---------------------------------------------------------------------------------------------

struct Ctx {
    /// The forced `sftp` options of the fixed SFTP phases.
    sftp_args: String,
    t: PathBuf,
    src: PathBuf,
    size: u64,
    key: PathBuf,
    /// The SSH login (the current user).
    user: String,
}

impl Ctx {
    fn deadline(&self) -> Result<Duration> {
        Ok(match std::env::var("WHARF_BENCH_TIMEOUT_S") {
            Ok(v) => Duration::from_secs(v.trim().parse().context("WHARF_BENCH_TIMEOUT_S")?),
            Err(_) => Duration::from_secs(60 + self.size / STALL_RATE),
        })
    }

    fn sftp(&self, port: u16, user: &str, fixed: bool, batch: &str, n: usize) -> Result<Command> {
        let file = self.t.join(format!("batch-{n}.sftp"));
        std::fs::write(&file, batch)?;
        let extra: Vec<&str> = if fixed {
            self.sftp_args.split_whitespace().collect()
        } else {
            Vec::new()
        };
        Ok(common::sftp_client(&self.key, port, user, &extra, &file))
    }

    fn curl_up(&self, url: &str) -> Command {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--ftp-pasv", "-T"])
            .arg(&self.src)
            .arg(url);
        cmd
    }
}

fn curl_down(url: &str, local: &Path) -> Command {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--ftp-pasv", "-o"]).arg(local).arg(url);
    cmd
}

fn run_wharf(
    ctx: &Ctx,
    wharf: &Wharf,
    phase: &Phase,
    n: usize,
    can_reset: bool,
) -> Result<Outcome> {
    let pid = wharf.pid();
    let name = format!("big-{n}.bin.filepart");
    let local = ctx.t.join(format!("dl-{n}.bin"));
    let uploaded = wharf.home(CART).join("in").join(&name);
    let ftp = |path: &str| {
        format!(
            "ftp://{CART}:{PASSWORD}@127.0.0.1:{}/{path}",
            wharf.ftp_port
        )
    };
    let cmd = match (phase.proto, phase.dir) {
        (Proto::Sftp { fixed }, Dir::Up) => ctx.sftp(
            wharf.sftp_port,
            CART,
            fixed,
            &format!("put {} /in/{name}\n", ctx.src.display()),
            n,
        )?,
        (Proto::Sftp { fixed }, Dir::Down) => ctx.sftp(
            wharf.sftp_port,
            CART,
            fixed,
            &format!("get /out/big.bin {}\n", local.display()),
            n,
        )?,
        (Proto::Ftp, Dir::Up) => ctx.curl_up(&ftp(&format!("in/{name}"))),
        (Proto::Ftp, Dir::Down) => curl_down(&ftp("out/big.bin"), &local),
    };
    common::settle();
    if can_reset {
        reset_hwm(pid);
    }
    let mut rss_max = 0;
    let ended = run_clients(
        &ctx.t,
        &format!("client-{n}"),
        vec![cmd],
        pid,
        ctx.deadline()?,
        POLL,
        || rss_max = rss_max.max(status_kib(pid, "VmRSS").unwrap_or(0)),
    )?;
    let hwm = status_kib(pid, "VmHWM").unwrap_or(0).max(rss_max);
    wharf.server.check_alive()?;
    let secs = match ended {
        Ended::Done { secs, .. } => secs,
        Ended::Failed(why) => return Ok(Err(gone(ctx, why, &[&uploaded, &local]))),
        Ended::Stalled(why) => return Ok(Err(gone(ctx, why, &[&uploaded, &local]))),
    };
    if let Err(why) = finish(ctx, phase, &uploaded, &local) {
        return Ok(Err(why));
    }
    Ok(Ok(Run {
        secs,
        mem_main_kib: hwm,
        mem_total_kib: hwm,
        fsync_secs: None,
    }))
}

fn run_sshd(ctx: &Ctx, sshd: &Sshd, phase: &Phase, n: usize) -> Result<Outcome> {
    let Proto::Sftp { fixed } = phase.proto else {
        bail!("not SFTP");
    };
    let uploaded = ctx.t.join("peer/up").join(format!("big-{n}.bin"));
    let local = ctx.t.join(format!("dl-{n}.bin"));
    let batch = match phase.dir {
        Dir::Up => format!("put {} {}\n", ctx.src.display(), uploaded.display()),
        Dir::Down => format!(
            "get {} {}\n",
            ctx.t.join("peer/big.bin").display(),
            local.display()
        ),
    };
    let cmd = ctx.sftp(sshd.port, &ctx.user, fixed, &batch, n)?;
    peer_run(ctx, &sshd.server, cmd, phase, &uploaded, &local, n)
}

fn run_vsftpd(ctx: &Ctx, refs: &References, phase: &Phase, n: usize) -> Result<Outcome> {
    let v = refs.vsftpd()?;
    let name = format!("big-{n}.bin");
    let uploaded = ctx.t.join("peer/up").join(&name);
    let local = ctx.t.join(format!("dl-{n}.bin"));
    let user = refs.ftp_user()?;
    let ftp = |path: &str| format!("ftp://{user}:{PASSWORD}@127.0.0.1:{}/{path}", v.port);
    let cmd = match phase.dir {
        Dir::Up => ctx.curl_up(&ftp(&format!("up/{name}"))),
        Dir::Down => curl_down(&ftp("big.bin"), &local),
    };
    peer_run(ctx, &v.server, cmd, phase, &uploaded, &local, n)
}

/// Runs a reference transfer, watching the server's session processes.
fn peer_run(
    ctx: &Ctx,
    server: &Server,
    cmd: Command,
    phase: &Phase,
    uploaded: &Path,
    local: &Path,
    n: usize,
) -> Result<Outcome> {
    let master = server.pid();
    common::settle();
    let mut mem = SessionMemory::default();
    let ended = run_clients(
        &ctx.t,
        &format!("client-{n}"),
        vec![cmd],
        master,
        ctx.deadline()?,
        POLL,
        || mem.sample(master),
    )?;
    server.check_alive()?;
    let secs = match ended {
        Ended::Done { secs, .. } => secs,
        Ended::Failed(why) => return Ok(Err(gone(ctx, why, &[uploaded, local]))),
        Ended::Stalled(why) => return Ok(Err(gone(ctx, why, &[uploaded, local]))),
    };
    let fsync_secs = if phase.dir == Dir::Up {
        match File::open(uploaded) {
            Ok(f) => {
                let s = Instant::now();
                f.sync_all()?;
                Some(s.elapsed().as_secs_f64())
            }
            Err(e) => return Ok(Err(format!("{WRONG_CONTENT}: {}: {e}", uploaded.display()))),
        }
    } else {
        None
    };
    if let Err(why) = finish(ctx, phase, uploaded, local) {
        return Ok(Err(why));
    }
    let main = match phase.proto {
        Proto::Sftp { .. } => mem.largest(Subsystem::SftpServer.session_process()),
        Proto::Ftp => mem.largest_any(),
    };
    if std::env::var_os("WHARF_BENCH_DEBUG").is_some() {
        eprintln!("  session processes: {}", mem.describe());
    }
    Ok(Ok(Run {
        secs,
        mem_main_kib: main,
        mem_total_kib: mem.total_kib,
        fsync_secs,
    }))
}

/// A failed or stalled run's reason, with the sizes of what it left (then removed).
fn gone(ctx: &Ctx, mut why: String, files: &[&Path]) -> String {
    for f in files {
        if let Ok(m) = std::fs::metadata(f) {
            let _ = write!(
                why,
                "; {} has {} of {} bytes",
                f.display(),
                m.len(),
                ctx.size
            );
            let _ = std::fs::remove_file(f);
        }
    }
    why
}

/// Compares what arrived (the upload on the server, the download on the client) with the
/// source, byte for byte, and removes it; `Err` (starting [`WRONG_CONTENT`]) when it differs.
fn finish(
    ctx: &Ctx,
    phase: &Phase,
    uploaded: &Path,
    local: &Path,
) -> std::result::Result<(), String> {
    let file = match phase.dir {
        Dir::Up => uploaded,
        Dir::Down => local,
    };
    let same = same_content(&ctx.src, file).map_err(|e| {
        format!(
            "{WRONG_CONTENT}: {} after the transfer: {e}",
            file.display()
        )
    });
    let _ = std::fs::remove_file(file);
    match same? {
        true => Ok(()),
        false => Err(format!(
            "{WRONG_CONTENT}: {} differs from the source",
            file.display()
        )),
    }
}
