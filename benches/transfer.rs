//! Transfer benchmark (not a test): upload and download throughput of one large file through
//! Wharf, against reference servers driven by the same clients on 127.0.0.1.
//!
//! - SFTP: Wharf vs Debian's OpenSSH `sshd` + `sftp-server`, both driven by OpenSSH `sftp -b`
//!   with the same key, cipher (`aes128-gcm@openssh.com`), key exchange and host key type.
//! - FTP: Wharf vs Debian's `vsftpd`, both driven by `curl` in passive mode.
//!
//! Every (server, protocol, direction) runs `WHARF_BENCH_RUNS` times (default 3), Wharf and the
//! reference interleaved; the median wall time of the client gives the throughput. Peak memory:
//! Wharf's `VmHWM` (reset through `/proc/PID/clear_refs` before each run, so each run shows its
//! own peak); for the reference, the largest sum of RSS over its per-session processes and the
//! `VmHWM` of `sftp-server` (or of the largest vsftpd process), polled while they live. sshd's
//! session shell gets an empty `HOME`, so a heavy `~/.bashrc` does not count against it.
//!
//! `cargo bench --bench transfer`; `WHARF_BENCH_MIB` sets the file size (default 1024),
//! `WHARF_BENCH_RUNS` the runs per cell (3), `WHARF_BENCH_PROTOCOLS` `sftp` or `ftp` (both),
//! `WHARF_BENCH_SFTP_ARGS` the forced `sftp` options (`-B 32768 -R 64`),
//! `WHARF_BENCH_TIMEOUT_S` the per-transfer deadline (60 s + the file at 10 MB/s);
//! `WHARF_BENCH_DEBUG=1` prints the reference's session processes.
//! Needs `sftp`, `ssh-keygen`, `curl`; `/usr/sbin/sshd` (openssh-server) and
//! `/usr/sbin/vsftpd` (vsftpd) for the comparisons — a missing one skips its protocol.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use anyhow::{Context, Result, anyhow, bail};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";
const SFTP_SERVER: &str = "/usr/lib/openssh/sftp-server";
const VSFTPD: &str = "/usr/sbin/vsftpd";
const CIPHER: &str = "aes128-gcm@openssh.com";
const KEX: &str = "curve25519-sha256";
const HOST_KEY_ALG: &str = "ssh-ed25519";
const PASSWORD: &str = "bench-Secret-42";
const CART: &str = "uc";
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
    // `cargo bench` passes `--bench`; `cargo test --benches` / `--all-targets` runs this binary
    // without it, and must not start a multi-gigabyte benchmark.
    if !std::env::args().any(|a| a == "--bench") {
        println!("skipped: the transfer benchmark runs only under `cargo bench --bench transfer`");
        return Ok(());
    }
    let mib: u64 = env_num("WHARF_BENCH_MIB", 1024)?;
    let runs: usize = env_num("WHARF_BENCH_RUNS", 3)?;
    if mib == 0 || runs == 0 {
        bail!("WHARF_BENCH_MIB and WHARF_BENCH_RUNS must be positive");
    }
    let size = mib << 20;

    for tool in ["sftp", "ssh-keygen", "curl"] {
        if !on_path(tool) {
            println!("skipped: the client `{tool}` is not installed");
            return Ok(());
        }
    }
    let root = is_root();
    // `WHARF_BENCH_PROTOCOLS=sftp` or `=ftp` runs one protocol only.
    let wanted = std::env::var("WHARF_BENCH_PROTOCOLS").unwrap_or_else(|_| "sftp,ftp".into());
    let wants = |p: &str| wanted.split(',').any(|w| w.trim().eq_ignore_ascii_case(p));
    let have_sshd = Path::new(SSHD).exists() && Path::new(SFTP_SERVER).exists();
    let have_vsftpd = Path::new(VSFTPD).exists() && root;
    if !wants("sftp") || !wants("ftp") {
        println!("protocols: {wanted}");
    }
    let (run_sftp, run_ftp) = (have_sshd && wants("sftp"), have_vsftpd && wants("ftp"));
    if !have_sshd {
        println!(
            "skipped: {SSHD} is missing (apt-get install -y openssh-server); no SFTP comparison"
        );
    }
    if !have_vsftpd {
        println!(
            "skipped: {VSFTPD} is missing or not running as root (apt-get install -y vsftpd); \
             no FTP comparison"
        );
    }
    if !run_sftp && !run_ftp {
        return Ok(());
    }

    // Declared first, dropped last: every process below is stopped before the folder goes.
    let tmp = tempfile::Builder::new()
        .prefix("wharf-bench-")
        .tempdir()
        .context("temp dir")?;
    let t = tmp.path().to_path_buf();
    println!("work folder: {}", t.display());
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
    let key = t.join("client_key");
    run_ok(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f"])
            .arg(&key),
    )?;
    let public = std::fs::read_to_string(key.with_extension("pub"))?
        .trim()
        .to_string();

    // Wharf.
    let wharf = Wharf::start(&t, &public, size)?;
    let out = wharf.data.join("partners").join(CART).join("out");
    std::fs::copy(&src, out.join("big.bin")).context("placing the download file")?;

    // The reference servers share one folder: `peer/big.bin` to download, `peer/up/` for uploads
    // (vsftpd refuses a writable anonymous root).
    let peer_root = t.join("peer");
    std::fs::create_dir_all(peer_root.join("up"))?;
    set_mode(&peer_root, 0o755)?;
    set_mode(&peer_root.join("up"), 0o777)?;
    std::fs::copy(&src, peer_root.join("big.bin"))?;
    set_mode(&peer_root.join("big.bin"), 0o644)?;

    let sshd = if run_sftp {
        Some(Sshd::start(&t, &public, root)?)
    } else {
        None
    };
    let vsftpd = if run_ftp {
        Some(Vsftpd::start(&t, &peer_root)?)
    } else {
        None
    };

    let user = current_user()?;
    let wharf_base_hwm = status_kib(wharf.pid(), "VmHWM").unwrap_or(0);
    let wharf_base_rss = status_kib(wharf.pid(), "VmRSS").unwrap_or(0);
    let can_reset = reset_hwm(wharf.pid());
    if !can_reset {
        println!("note: cannot reset VmHWM through clear_refs; Wharf peaks are cumulative");
    }

    let sftp_args =
        std::env::var("WHARF_BENCH_SFTP_ARGS").unwrap_or_else(|_| FIXED_SFTP.to_string());
    let mut phases: Vec<Phase> = Vec::new();
    if sshd.is_some() {
        for dir in [Dir::Up, Dir::Down] {
            phases.push(Phase::new(Proto::Sftp { fixed: true }, dir, &sftp_args));
        }
        for dir in [Dir::Up, Dir::Down] {
            phases.push(Phase::new(Proto::Sftp { fixed: false }, dir, &sftp_args));
        }
    }
    if vsftpd.is_some() {
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
        user,
    };
    let mut counter = 0usize;
    for phase in &mut phases {
        println!("\n== {} ==", phase.label());
        for i in 0..runs {
            let verify = i == 0;
            counter += 1;
            let w = run_wharf(&ctx, &wharf, phase, counter, verify, can_reset)
                .with_context(|| format!("Wharf, {}, run {}", phase.label(), i + 1))?;
            match &w.stalled {
                None => println!(
                    "  wharf run {}: {:>7.2}s {:>8.1} MB/s  VmHWM {}",
                    i + 1,
                    w.secs,
                    mbps(size, w.secs),
                    mib_str(w.mem_main_kib)
                ),
                Some(why) => println!("  wharf run {}: STALLED: {why}", i + 1),
            }
            phase.wharf.push(w);
            let p = match phase.proto {
                Proto::Sftp { .. } => {
                    run_sshd(&ctx, sshd.as_ref().unwrap(), phase, counter, verify)
                }
                Proto::Ftp => run_vsftpd(&ctx, vsftpd.as_ref().unwrap(), phase, counter, verify),
            }
            .with_context(|| format!("{}, {}, run {}", phase.peer(), phase.label(), i + 1))?;
            if let Some(why) = &p.stalled {
                println!("  {} run {}: STALLED: {why}", phase.peer(), i + 1);
            } else {
                println!(
                    "  {} run {}: {:>7.2}s {:>8.1} MB/s{}  session RSS {} ({} VmHWM {})",
                    phase.peer(),
                    i + 1,
                    p.secs,
                    mbps(size, p.secs),
                    p.fsync_secs
                        .map(|f| format!(" (+{f:.2}s fsync)"))
                        .unwrap_or_default(),
                    mib_str(p.mem_total_kib),
                    phase.main_process(),
                    mib_str(p.mem_main_kib)
                );
            }
            phase.peer.push(p);
        }
    }

    let wharf_end_rss = status_kib(wharf.pid(), "VmRSS").unwrap_or(0);
    let wharf_end_hwm = status_kib(wharf.pid(), "VmHWM").unwrap_or(0);
    let wharf_peak = phases
        .iter()
        .flat_map(|p| p.wharf.iter().map(|r| r.mem_main_kib))
        .chain([wharf_base_hwm, wharf_end_hwm])
        .max()
        .unwrap_or(0);

    println!("\nload average at end: {}", load_average());
    println!("\n{}", report(&phases, size, runs));
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
         HostKeyAlgorithms={HOST_KEY_ALG}; FTP: curl, passive."
    );

    let log = std::fs::read_to_string(&wharf.log).unwrap_or_default();
    let bad: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    if !bad.is_empty() {
        println!(
            "Wharf logged {} warnings/errors, the first ones:",
            bad.len()
        );
        for l in bad.iter().take(10) {
            println!("  {l}");
        }
    }

    drop(vsftpd);
    drop(sshd);
    drop(wharf);
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
    wharf: Vec<Run>,
    peer: Vec<Run>,
}

impl Phase {
    fn new(proto: Proto, dir: Dir, sftp_args: &str) -> Phase {
        Phase {
            sftp_args: sftp_args.to_string(),
            proto,
            dir,
            wharf: Vec::new(),
            peer: Vec::new(),
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
            Proto::Sftp { .. } => "sftp-server",
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

/// One transfer.
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
    /// Set when the transfer did not finish in time: what was seen.
    stalled: Option<String>,
}

/// The wall times of the runs that finished.
fn ok_secs(runs: &[Run]) -> Vec<f64> {
    runs.iter()
        .filter(|r| r.stalled.is_none())
        .map(|r| r.secs)
        .collect()
}

/// The median (NaN when nothing finished).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn mbps(size: u64, secs: f64) -> f64 {
    size as f64 / 1e6 / secs
}

fn mib_str(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The Markdown table of medians, ratios and peaks.
fn report(phases: &[Phase], size: u64, runs: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Median of {runs} runs, {} MiB file, MB/s = 10^6 bytes/s; ratio = Wharf / reference \
         throughput (> 1: Wharf faster).\n",
        size >> 20
    );
    let _ = writeln!(
        s,
        "| transfer | Wharf MB/s | Wharf runs done | reference | reference MB/s | ratio | reference + fsync MB/s \
         | ratio vs + fsync | Wharf VmHWM (whole process) | reference session RSS (all processes) / VmHWM of the largest |"
    );
    let _ = writeln!(s, "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    for p in phases {
        let done = |v: &[Run]| v.iter().filter(|r| r.stalled.is_none()).count();
        let w = median(ok_secs(&p.wharf));
        let r = median(ok_secs(&p.peer));
        let (wm, rm) = (mbps(size, w), mbps(size, r));
        let (synced, synced_ratio) = if p.dir == Dir::Up {
            let rs = median(
                p.peer
                    .iter()
                    .filter(|r| r.stalled.is_none())
                    .map(|r| r.secs + r.fsync_secs.unwrap_or(0.0))
                    .collect(),
            );
            let m = mbps(size, rs);
            (format!("{m:.1}"), format!("{:.2}", wm / m))
        } else {
            ("–".to_string(), "–".to_string())
        };
        let wharf_mem = p.wharf.iter().map(|r| r.mem_main_kib).max().unwrap_or(0);
        let peer_total = p.peer.iter().map(|r| r.mem_total_kib).max().unwrap_or(0);
        let peer_main = p.peer.iter().map(|r| r.mem_main_kib).max().unwrap_or(0);
        let _ = writeln!(
            s,
            "| {} | {wm:.1} | {}/{} | {} | {rm:.1} | {:.2} | {synced} | {synced_ratio} | {} | {} / {} |",
            p.label(),
            done(&p.wharf),
            p.wharf.len(),
            p.peer(),
            wm / rm,
            mib_str(wharf_mem),
            mib_str(peer_total),
            mib_str(peer_main),
        );
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
    user: String,
}

fn run_wharf(
    ctx: &Ctx,
    wharf: &Wharf,
    phase: &Phase,
    n: usize,
    verify: bool,
    can_reset: bool,
) -> Result<Run> {
    let pid = wharf.pid();
    let home = wharf.data.join("partners").join(CART);
    let name = format!("big-{n}.bin.filepart");
    let local = ctx.t.join(format!("dl-{n}.bin"));
    let uploaded = home.join("in").join(&name);
    let cmd = match (phase.proto, phase.dir) {
        (Proto::Sftp { fixed }, Dir::Up) => sftp_cmd(
            ctx,
            wharf.sftp_port,
            CART,
            fixed,
            &format!("put {} /in/{name}\n", ctx.src.display()),
            n,
        )?,
        (Proto::Sftp { fixed }, Dir::Down) => sftp_cmd(
            ctx,
            wharf.sftp_port,
            CART,
            fixed,
            &format!("get /out/big.bin {}\n", local.display()),
            n,
        )?,
        (Proto::Ftp, Dir::Up) => curl_up(
            ctx,
            &format!(
                "ftp://{CART}:{PASSWORD}@127.0.0.1:{}/in/{name}",
                wharf.ftp_port
            ),
        ),
        (Proto::Ftp, Dir::Down) => curl_down(&format!(
            "ftp://{CART}:{PASSWORD}@127.0.0.1:{}/out/big.bin",
            wharf.ftp_port
        )),
    };
    settle();
    if can_reset {
        reset_hwm(pid);
    }
    let mut rss_max = 0;
    let timed = run_timed(ctx, n, cmd, pid, &[&uploaded, &local], || {
        rss_max = rss_max.max(status_kib(pid, "VmRSS").unwrap_or(0));
    })?;
    let hwm = status_kib(pid, "VmHWM").unwrap_or(0).max(rss_max);
    if !wharf.alive() {
        bail!("Wharf exited; log:\n{}", tail(&wharf.log));
    }
    let (secs, stalled) = match timed {
        Timed::Done { secs, stdout } => {
            finish(ctx, phase, &uploaded, &local, &stdout, verify)?;
            (secs, None)
        }
        Timed::Stalled(why) => {
            discard(&[&uploaded, &local]);
            (f64::NAN, Some(why))
        }
    };
    Ok(Run {
        secs,
        mem_main_kib: hwm,
        mem_total_kib: hwm,
        fsync_secs: None,
        stalled,
    })
}

fn run_sshd(ctx: &Ctx, sshd: &Sshd, phase: &Phase, n: usize, verify: bool) -> Result<Run> {
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
    let cmd = sftp_cmd(ctx, sshd.port, &ctx.user, fixed, &batch, n)?;
    peer_run(
        ctx,
        &sshd.server,
        "sftp-server",
        cmd,
        phase,
        &uploaded,
        &local,
        n,
        verify,
    )
}

fn run_vsftpd(ctx: &Ctx, v: &Vsftpd, phase: &Phase, n: usize, verify: bool) -> Result<Run> {
    let name = format!("big-{n}.bin");
    let uploaded = ctx.t.join("peer/up").join(&name);
    let cmd = match phase.dir {
        Dir::Up => curl_up(ctx, &format!("ftp://127.0.0.1:{}/up/{name}", v.port)),
        Dir::Down => curl_down(&format!("ftp://127.0.0.1:{}/big.bin", v.port)),
    };
    let local = PathBuf::new();
    peer_run(
        ctx, &v.server, "vsftpd", cmd, phase, &uploaded, &local, n, verify,
    )
}

/// Runs a reference transfer, watching the server's session processes.
#[allow(clippy::too_many_arguments)]
fn peer_run(
    ctx: &Ctx,
    server: &Server,
    main_name: &str,
    cmd: Command,
    phase: &Phase,
    uploaded: &Path,
    local: &Path,
    n: usize,
    verify: bool,
) -> Result<Run> {
    let master = server.pid();
    settle();
    // pid -> (name, VmHWM kB), for every process under the listener during the transfer (the
    // name as last seen: the shell that sshd starts becomes sftp-server when it execs).
    let mut seen: HashMap<u32, (String, u64)> = HashMap::new();
    // The largest sum of VmRSS over the session processes alive at one sample.
    let mut total = 0;
    let timed = run_timed(ctx, n, cmd, master, &[uploaded, local], || {
        let mut sum = 0;
        for pid in descendants(master) {
            if let (Some(name), Some(hwm), Some(rss)) = (
                proc_name(pid),
                status_kib(pid, "VmHWM"),
                status_kib(pid, "VmRSS"),
            ) {
                let e = seen.entry(pid).or_insert((String::new(), 0));
                e.0 = name;
                e.1 = e.1.max(hwm);
                sum += rss;
            }
        }
        total = total.max(sum);
    })?;
    if !server.alive() {
        bail!("{} exited; log:\n{}", server.name, tail(&server.log));
    }
    let stdout = match timed {
        Timed::Done { secs, stdout } => (secs, stdout),
        Timed::Stalled(why) => {
            discard(&[uploaded, local]);
            return Ok(Run {
                secs: f64::NAN,
                mem_main_kib: 0,
                mem_total_kib: total,
                fsync_secs: None,
                stalled: Some(why),
            });
        }
    };
    let (secs, stdout) = stdout;
    let fsync_secs = if phase.dir == Dir::Up {
        let f =
            File::open(uploaded).with_context(|| format!("the uploaded {}", uploaded.display()))?;
        let s = Instant::now();
        f.sync_all()?;
        Some(s.elapsed().as_secs_f64())
    } else {
        None
    };
    finish(ctx, phase, uploaded, local, &stdout, verify)?;
    let main = seen
        .values()
        .filter(|(name, _)| name == main_name)
        .map(|(_, h)| *h)
        .max()
        .unwrap_or(0);
    if std::env::var_os("WHARF_BENCH_DEBUG").is_some() {
        eprintln!("  session processes: {seen:?}");
    }
    Ok(Run {
        secs,
        mem_main_kib: main,
        mem_total_kib: total,
        fsync_secs,
        stalled: None,
    })
}

/// Checks the result of a transfer (size always, content on the first run) and removes it.
fn finish(
    ctx: &Ctx,
    phase: &Phase,
    uploaded: &Path,
    local: &Path,
    stdout: &str,
    verify: bool,
) -> Result<()> {
    let check_file = |p: &Path| -> Result<()> {
        let len = std::fs::metadata(p)
            .with_context(|| format!("{} after the transfer", p.display()))?
            .len();
        if len != ctx.size {
            bail!("{} has {len} bytes, expected {}", p.display(), ctx.size);
        }
        if verify && !same_content(&ctx.src, p)? {
            bail!("{} differs from the source", p.display());
        }
        Ok(())
    };
    match (phase.proto, phase.dir) {
        (_, Dir::Up) => {
            check_file(uploaded)?;
            std::fs::remove_file(uploaded)?;
        }
        (Proto::Sftp { .. }, Dir::Down) => {
            check_file(local)?;
            std::fs::remove_file(local)?;
        }
        (Proto::Ftp, Dir::Down) => {
            // curl -o /dev/null -w %{size_download}
            let got: u64 = stdout.trim().parse().unwrap_or(0);
            if got != ctx.size {
                bail!("curl downloaded {got} bytes, expected {}", ctx.size);
            }
        }
    }
    Ok(())
}

fn sftp_cmd(
    ctx: &Ctx,
    port: u16,
    user: &str,
    fixed: bool,
    batch: &str,
    n: usize,
) -> Result<Command> {
    let file = ctx.t.join(format!("batch-{n}.sftp"));
    std::fs::write(&file, batch)?;
    let mut cmd = Command::new("sftp");
    cmd.args(["-F", "/dev/null"])
        .args(["-o", "StrictHostKeyChecking=no"])
        .args(["-o", "UserKnownHostsFile=/dev/null"])
        .args(["-o", "LogLevel=ERROR"])
        .args(["-o", "IdentitiesOnly=yes"])
        .args(["-o", "PasswordAuthentication=no"])
        .args(["-o", &format!("KexAlgorithms={KEX}")])
        .args(["-o", &format!("HostKeyAlgorithms={HOST_KEY_ALG}")])
        .args(["-c", CIPHER])
        .arg("-i")
        .arg(&ctx.key)
        .args(["-P", &port.to_string()]);
    if fixed {
        cmd.args(ctx.sftp_args.split_whitespace());
    }
    cmd.arg("-b").arg(&file).arg(format!("{user}@127.0.0.1"));
    Ok(cmd)
}

fn curl_up(ctx: &Ctx, url: &str) -> Command {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--ftp-pasv", "-T"]).arg(&ctx.src).arg(url);
    cmd
}

fn curl_down(url: &str) -> Command {
    let mut cmd = Command::new("curl");
    cmd.args([
        "-sS",
        "--ftp-pasv",
        "-o",
        "/dev/null",
        "-w",
        "%{size_download}",
        url,
    ]);
    cmd
}

/// How a client run ended.
enum Timed {
    /// In time: the wall time and the client's stdout.
    Done { secs: f64, stdout: String },
    /// Past the deadline (the client was stopped): what the sockets and files showed.
    Stalled(String),
}

/// Runs a client to its end, calling `sample` every [`POLL`]. A client that fails is an error;
/// one that passes the deadline is stopped and reported as stalled, with the TCP queues of
/// `server` (and its children) and of the client, and the sizes of `files`.
fn run_timed(
    ctx: &Ctx,
    n: usize,
    mut cmd: Command,
    server: u32,
    files: &[&Path],
    mut sample: impl FnMut(),
) -> Result<Timed> {
    let t = &ctx.t;
    let deadline = match std::env::var("WHARF_BENCH_TIMEOUT_S") {
        Ok(v) => Duration::from_secs(v.trim().parse().context("WHARF_BENCH_TIMEOUT_S")?),
        Err(_) => Duration::from_secs(60 + ctx.size / STALL_RATE),
    };
    let out_path = t.join(format!("client-{n}.out"));
    let err_path = t.join(format!("client-{n}.err"));
    cmd.stdin(Stdio::null())
        .stdout(File::create(&out_path)?)
        .stderr(File::create(&err_path)?);
    let start = Instant::now();
    let mut client = Guard::spawn("client", &mut cmd)?;
    let status = loop {
        sample();
        if let Some(st) = client.child.try_wait()? {
            break st;
        }
        if start.elapsed() > deadline {
            let mut why = format!("no end after {:.0}s; ", start.elapsed().as_secs_f64());
            for f in files.iter().filter(|f| !f.as_os_str().is_empty()) {
                if let Ok(m) = std::fs::metadata(f) {
                    let _ = write!(
                        why,
                        "{} has {} of {} bytes; ",
                        f.display(),
                        m.len(),
                        ctx.size
                    );
                }
            }
            let mut pids = vec![server, client.child.id()];
            pids.extend(descendants(server));
            pids.extend(descendants(client.child.id()));
            let _ = write!(why, "TCP (state recv-q send-q local peer process):");
            for line in tcp_queues(&pids) {
                let _ = write!(why, "\n      {line}");
            }
            return Ok(Timed::Stalled(why));
        }
        std::thread::sleep(POLL);
    };
    let secs = start.elapsed().as_secs_f64();
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    if !status.success() {
        bail!(
            "{cmd:?} failed ({status}):\n{stdout}{}",
            std::fs::read_to_string(&err_path).unwrap_or_default()
        );
    }
    Ok(Timed::Done { secs, stdout })
}

/// The `ss -tanp` lines of the connections (not listeners) held by `pids`.
fn tcp_queues(pids: &[u32]) -> Vec<String> {
    let Ok(out) = Command::new("ss").args(["-tanp"]).output() else {
        return vec!["(ss not available)".to_string()];
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("LISTEN"))
        .filter(|l| pids.iter().any(|p| l.contains(&format!("pid={p},"))))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Removes what a stalled transfer left.
fn discard(files: &[&Path]) {
    for f in files {
        if !f.as_os_str().is_empty() {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// Writes dirty pages out before a run, so one run's writeback does not land in the next.
fn settle() {
    // SAFETY: sync(2) has no preconditions.
    unsafe { libc::sync() };
    std::thread::sleep(Duration::from_millis(200));
}

// ---------------------------------------------------------------------------------------------
// Servers.
// ---------------------------------------------------------------------------------------------

/// A child process stopped (with everything it started) when dropped.
struct Guard {
    name: String,
    child: Child,
}

impl Guard {
    fn spawn(name: &str, cmd: &mut Command) -> Result<Guard> {
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {name}: {cmd:?}"))?;
        Ok(Guard {
            name: name.to_string(),
            child,
        })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = self.child.id();
        let tree = descendants(pid);
        signal(pid, libc::SIGTERM);
        for p in &tree {
            signal(*p, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut rest = descendants(pid);
        rest.extend(tree);
        for p in rest {
            if Path::new(&format!("/proc/{p}")).exists() {
                signal(p, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("stopped {} (pid {pid})", self.name);
    }
}

/// A long-lived server with its log file.
struct Server {
    name: &'static str,
    guard: Guard,
    log: PathBuf,
}

impl Server {
    fn start(name: &'static str, cmd: &mut Command, log: PathBuf) -> Result<Server> {
        let f = File::create(&log)?;
        cmd.stdin(Stdio::null()).stdout(f.try_clone()?).stderr(f);
        let guard = Guard::spawn(name, cmd)?;
        Ok(Server { name, guard, log })
    }

    fn pid(&self) -> u32 {
        self.guard.child.id()
    }

    fn alive(&self) -> bool {
        Path::new(&format!("/proc/{}", self.pid())).exists()
            && status_kib(self.pid(), "VmRSS").is_some()
    }

    /// Waits until every port accepts connections (the process still running).
    fn wait_ports(&mut self, ports: &[u16]) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        for &port in ports {
            loop {
                if let Some(st) = self.guard.child.try_wait()? {
                    bail!("{} exited ({st}); log:\n{}", self.name, tail(&self.log));
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    break;
                }
                if Instant::now() > deadline {
                    bail!(
                        "{} does not accept connections on {port}; log:\n{}",
                        self.name,
                        tail(&self.log)
                    );
                }
                std::thread::sleep(Duration::from_millis(25));
            }
        }
        Ok(())
    }
}

struct Wharf {
    server: Server,
    data: PathBuf,
    ftp_port: u16,
    sftp_port: u16,
    log: PathBuf,
}

impl Wharf {
    fn start(t: &Path, public_key: &str, size: u64) -> Result<Wharf> {
        let dir = t.join("wharf");
        std::fs::create_dir_all(&dir)?;
        let ftp_port = free_port()?;
        let sftp_port = free_port()?;
        let (lo, hi) = free_range(8)?;
        let hash = wharf::config::hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
        let max_upload = size * 2 + (1 << 20);
        let toml = format!(
            r#"data_dir = "data"

[ftp]
listen = "127.0.0.1:{ftp_port}"
passive_ports = "{lo}-{hi}"

[sftp]
listen = "127.0.0.1:{sftp_port}"

[limits]
max_upload_size = {max_upload}

[[partner]]
name = "{CART}"
role = "cart"
format = "ultracart"
password_hash = "{hash}"
warehouse = "wh"
authorized_keys = ["{public_key}"]

[[partner]]
name = "wh"
role = "warehouse"
format = "canonical"
password_hash = "{hash}"
"#
        );
        let config = dir.join("wharf.toml");
        std::fs::write(&config, toml)?;
        let log = dir.join("wharf.log");
        let mut server = Server::start(
            "wharf",
            Command::new(env!("CARGO_BIN_EXE_wharf"))
                .args(["serve", "--config"])
                .arg(&config)
                .current_dir(&dir)
                .env("WHARF_LOG", "info"),
            log.clone(),
        )?;
        server.wait_ports(&[ftp_port, sftp_port])?;
        let data = dir.join("data");
        let out = data.join("partners").join(CART).join("out");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !out.is_dir() {
            if Instant::now() > deadline {
                bail!("{} was not created; log:\n{}", out.display(), tail(&log));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        println!(
            "wharf: pid {}, FTP {ftp_port}, SFTP {sftp_port}",
            server.pid()
        );
        Ok(Wharf {
            server,
            data,
            ftp_port,
            sftp_port,
            log,
        })
    }

    fn pid(&self) -> u32 {
        self.server.pid()
    }

    fn alive(&self) -> bool {
        self.server.alive()
    }
}

struct Sshd {
    server: Server,
    port: u16,
}

impl Sshd {
    fn start(t: &Path, public_key: &str, root: bool) -> Result<Sshd> {
        let dir = t.join("sshd");
        std::fs::create_dir_all(&dir)?;
        let host_key = dir.join("ssh_host_ed25519_key");
        run_ok(
            Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", "bench-host", "-f"])
                .arg(&host_key),
        )?;
        // The session's shell (`$SHELL -c sftp-server`) gets an empty HOME, so a heavy
        // ~/.bashrc (pyenv, …) does not run inside the timed session start.
        let home = dir.join("home");
        std::fs::create_dir_all(&home)?;
        let authorized = dir.join("authorized_keys");
        std::fs::write(&authorized, format!("{public_key}\n"))?;
        // sshd insists on its privilege separation folder.
        let privsep = Path::new("/run/sshd");
        if root && !privsep.is_dir() {
            std::fs::create_dir_all(privsep).context("creating /run/sshd")?;
            set_mode(privsep, 0o755)?;
        }
        let port = free_port()?;
        let config = dir.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "ListenAddress 127.0.0.1\n\
                 HostKey {hk}\n\
                 PidFile {pid}\n\
                 AuthorizedKeysFile {ak}\n\
                 PermitRootLogin {prl}\n\
                 StrictModes no\n\
                 UsePAM no\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PubkeyAuthentication yes\n\
                 PrintMotd no\n\
                 UseDNS no\n\
                 LogLevel INFO\n\
                 SetEnv HOME={home}\n\
                 Subsystem sftp {SFTP_SERVER}\n",
                hk = host_key.display(),
                pid = dir.join("sshd.pid").display(),
                ak = authorized.display(),
                home = home.display(),
                prl = if root { "yes" } else { "no" },
            ),
        )?;
        let mut server = Server::start(
            "sshd",
            Command::new(SSHD)
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .args(["-p", &port.to_string()]),
            dir.join("sshd.log"),
        )?;
        server.wait_ports(&[port])?;
        println!("sshd: pid {}, port {port}", server.pid());
        Ok(Sshd { server, port })
    }
}

struct Vsftpd {
    server: Server,
    port: u16,
}

impl Vsftpd {
    fn start(t: &Path, anon_root: &Path) -> Result<Vsftpd> {
        let dir = t.join("vsftpd");
        let empty = dir.join("empty");
        std::fs::create_dir_all(&empty)?;
        set_mode(&empty, 0o755)?;
        let port = free_port()?;
        let (lo, hi) = free_range(8)?;
        let config = dir.join("vsftpd.conf");
        std::fs::write(
            &config,
            format!(
                "listen=YES\n\
                 listen_ipv6=NO\n\
                 listen_address=127.0.0.1\n\
                 listen_port={port}\n\
                 background=NO\n\
                 pasv_enable=YES\n\
                 pasv_min_port={lo}\n\
                 pasv_max_port={hi}\n\
                 anonymous_enable=YES\n\
                 local_enable=NO\n\
                 anon_root={root}\n\
                 write_enable=YES\n\
                 anon_upload_enable=YES\n\
                 anon_mkdir_write_enable=NO\n\
                 anon_other_write_enable=YES\n\
                 no_anon_password=YES\n\
                 secure_chroot_dir={empty}\n\
                 seccomp_sandbox=NO\n\
                 xferlog_enable=YES\n\
                 vsftpd_log_file={log}\n\
                 syslog_enable=NO\n\
                 dirmessage_enable=NO\n\
                 use_localtime=YES\n",
                root = anon_root.display(),
                empty = empty.display(),
                log = dir.join("vsftpd-transfers.log").display(),
            ),
        )?;
        let mut server = Server::start(
            "vsftpd",
            Command::new(VSFTPD).arg(&config),
            dir.join("vsftpd.log"),
        )?;
        server.wait_ports(&[port])?;
        println!("vsftpd: pid {}, port {port}", server.pid());
        Ok(Vsftpd { server, port })
    }
}

// ---------------------------------------------------------------------------------------------
// /proc, files, ports.
// ---------------------------------------------------------------------------------------------

/// A `kB` field of /proc/PID/status (`VmHWM`, `VmRSS`).
fn status_kib(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find_map(|l| {
        l.strip_prefix(key)?
            .strip_prefix(':')?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

fn proc_name(pid: u32) -> Option<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("Name:"))
        .map(|n| n.trim().to_string())
}

/// Resets the process's VmHWM to its current RSS (Linux ≥ 4.0).
fn reset_hwm(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// Every process below `root`.
fn descendants(root: u32) -> Vec<u32> {
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
                continue;
            };
            if let Some(ppid) = after
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse::<u32>().ok())
            {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if let Some(kids) = children.get(&p) {
            for &k in kids {
                out.push(k);
                stack.push(k);
            }
        }
    }
    out
}

fn signal(pid: u32, sig: i32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) on a pid we started (or one of its children).
        unsafe { libc::kill(pid, sig) };
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn current_user() -> Result<String> {
    let out = Command::new("id").arg("-un").output()?;
    if !out.status.success() {
        bail!("id -un failed");
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn run_ok(cmd: &mut Command) -> Result<()> {
    let out = cmd.stdin(Stdio::null()).output()?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn set_mode(p: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {mode:o} {}", p.display()))
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| anyhow!("{name}={v:?} is not a number")),
        Err(_) => Ok(default),
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `n` consecutive free ports, for passive FTP.
fn free_range(n: u16) -> Result<(u16, u16)> {
    let seed = (std::process::id() % 20000) as u16;
    for k in 0..2000u16 {
        let base = 30000 + (seed.wrapping_add(k.wrapping_mul(n + 7)) % 25000);
        if (base..base + n).all(|p| TcpListener::bind(("127.0.0.1", p)).is_ok()) {
            return Ok((base, base + n - 1));
        }
    }
    bail!("no {n} consecutive free ports")
}

/// `size` bytes of xorshift64* output: incompressible, and fast to make.
fn write_random(path: &Path, size: u64) -> Result<()> {
    let mut f = File::create(path)?;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for chunk in buf.chunks_exact_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            chunk.copy_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        let n = left.min(buf.len() as u64) as usize;
        f.write_all(&buf[..n])?;
        left -= n as u64;
    }
    f.sync_all()?;
    Ok(())
}

fn same_content(a: &Path, b: &Path) -> Result<bool> {
    let (mut fa, mut fb) = (File::open(a)?, File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = read_full(&mut fa, &mut ba)?;
        let m = read_full(&mut fb, &mut bb)?;
        if n != m || ba[..n] != bb[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full(f: &mut File, buf: &mut [u8]) -> Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        let n = f.read(&mut buf[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    Ok(got)
}

/// The first three fields of /proc/loadavg (other work on the machine skews the figures).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
