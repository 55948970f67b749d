//! Sessions benchmark (not a test): what many logged-in sessions cost Wharf, and how fast it
//! answers many password logins at once.
//!
//! The storm runs first, so its peak is not what the held sessions leave behind.
//!
//! - **Held sessions.** `WHARF_BENCH_SESSIONS` (1,000) SFTP sessions — key login, the `sftp`
//!   subsystem, `SSH_FXP_INIT` answered — held open together; then, on their own, as many FTP
//!   sessions (`USER`/`PASS` checked against the partner's argon2 `password_hash`, `230`
//!   answered). Per protocol: Wharf's `VmRSS` idle, with every session open (and per session
//!   above idle), the `VmHWM` of the phase, the time to open them all (at most
//!   [`OPENING`] logins at a time: the storm is the other row's), and `VmRSS` once they are
//!   closed again (memory given back). Target: under 150 MB with all sessions open.
//! - **Login storm.** `WHARF_BENCH_LOGINS` (300) FTP password logins started at once, until the
//!   last `230`: Wharf against vsftpd (a PAM password user) on the same machine,
//!   `WHARF_BENCH_RUNS` (3) runs each, interleaved, taking turns at going first; the median,
//!   the logins that failed or missed the deadline (`WHARF_BENCH_TIMEOUT_S`, 60 s), and peak
//!   memory (Wharf's `VmHWM`, reset before each run; vsftpd's largest sum of RSS over its
//!   processes). A report, not a target.
//!
//! Wharf runs with limits that let the bench in (sessions, unauthenticated connections,
//! 127.0.0.1 exempt from per-source limits): the bench measures the cost of sessions, not the
//! gate that turns them away.
//!
//! `cargo bench --bench sessions`; `WHARF_BENCH_PROTOCOLS` `sftp` or `ftp` (both; the storm
//! is FTP's). Needs `ssh-keygen`; `/usr/sbin/vsftpd` and root for the storm's comparison.
//! Opens about 2 × SESSIONS file descriptors in this process and in Wharf.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anyhow::{Context, Result, bail};
use common::peers::{CART, References, Subsystem, Wharf, WharfOptions, protocols};
use common::procfs::{SessionMemory, load_average, reset_hwm, status_kib};
use common::rows::{Row, record};
use common::stats::{Cell, Table, mib_str, num};
use common::{PASSWORD, env_wants};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// Logins in progress at once while sessions are being opened for the held-sessions row.
const OPENING: usize = 32;
/// Under this much RSS (MiB) with every session open (the target).
const TARGET_MIB: u64 = 150;

fn main() -> Result<()> {
    if !common::bench_mode("sessions") {
        return Ok(());
    }
    let sessions: usize = common::env_num("WHARF_BENCH_SESSIONS", 1000)?;
    let logins: usize = common::env_num("WHARF_BENCH_LOGINS", 300)?;
    let runs: usize = common::env_num("WHARF_BENCH_RUNS", 3)?;
    let timeout = Duration::from_secs(common::env_num("WHARF_BENCH_TIMEOUT_S", 60)?);
    if sessions == 0 || runs == 0 {
        bail!("WHARF_BENCH_SESSIONS and WHARF_BENCH_RUNS must be positive");
    }
    let protocols = protocols(&["ssh-keygen"], Subsystem::Internal);
    let tmp = common::work_dir()?;
    let t = tmp.path().to_path_buf();
    println!("load average at start: {}", load_average());
    let (key, public) = common::client_key(&t)?;
    let limits: &'static str = Box::leak(
        format!(
            "max_sessions = {n}\nmax_sessions_per_partner = {n}\nmax_unauthenticated = {n}\n\
             max_unauthenticated_per_source = {n}\nper_source_exempt = [\"127.0.0.1\"]\n",
            n = sessions.max(logins) + 16
        )
        .into_boxed_str(),
    );
    let wharf = Wharf::start(
        &t,
        &public,
        &WharfOptions {
            max_upload: None,
            passive_ports: 4,
            limits,
        },
    )?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    if logins > 0 && env_wants("WHARF_BENCH_PROTOCOLS", "ftp") {
        let refs = match &protocols {
            Some(p) if p.ftp => Some(References::start(
                &t,
                &public,
                &common::peers::Protocols {
                    ftp: true,
                    sftp: false,
                },
                Subsystem::Internal,
                4,
            )?),
            _ => None,
        };
        let mut cells: [Cell<Storm>; 2] = Default::default();
        for run in 0..runs {
            for turn in 0..2 {
                let who = (run + turn) % 2;
                let run_result = match (who, &refs) {
                    (0, _) => {
                        reset_hwm(wharf.pid());
                        rt.block_on(storm(wharf.ftp_port, CART, logins, timeout, || {
                            status_kib(wharf.pid(), "VmHWM").unwrap_or(0)
                        }))
                    }
                    (_, Some(r)) => {
                        let (v, user) = (r.vsftpd()?, r.ftp_user()?.to_string());
                        let pid = v.server.pid();
                        let mut mem = SessionMemory::default();
                        rt.block_on(storm(v.port, &user, logins, timeout, move || {
                            mem.sample(pid);
                            mem.total_kib
                        }))
                    }
                    _ => continue,
                };
                cells[who].push(run_result.map_err(|e| format!("{e:#}")));
            }
        }
        let mut table = Table::new(&[
            ("Simultaneous FTP logins", false),
            ("runs done", true),
            ("time to the last 230 (median)", true),
            ("failed or timed out (max)", true),
            ("peak memory", true),
        ]);
        for (i, who) in ["Wharf", "vsftpd"].iter().enumerate() {
            if i == 1 && refs.is_none() {
                continue;
            }
            let c = &cells[i];
            table.row(vec![
                format!("{logins}, {who}"),
                c.done(),
                format!("{} s", num(c.median(|s| s.secs), 2)),
                c.max(|s| s.failed as u64).to_string(),
                mib_str(c.max(|s| s.peak_kib)),
            ]);
        }
        let (w, v) = (&cells[0], &cells[1]);
        let failed = |c: &Cell<Storm>| c.max(|s| s.failed as u64);
        record(&Row {
            row: format!(
                "{logins} simultaneous FTP logins with password_hash: time to the last 230"
            ),
            wharf: format!("{} s, {} failed", num(w.median(|s| s.secs), 2), failed(w)),
            peer: if refs.is_some() { "vsftpd" } else { "—" }.into(),
            peer_figure: if refs.is_some() {
                format!("{} s, {} failed", num(v.median(|s| s.secs), 2), failed(v))
            } else {
                "—".into()
            },
            ratio: if refs.is_some() {
                format!(
                    "{} (peer time / Wharf's)",
                    num(v.median(|s| s.secs) / w.median(|s| s.secs), 2)
                )
            } else {
                "—".into()
            },
            memory: mib_str(w.max(|s| s.peak_kib)),
            target: "report only".into(),
            runs: w.done(),
        })?;
        let mut notes = String::new();
        for (i, who) in ["Wharf", "vsftpd"].iter().enumerate() {
            notes.push_str(&cells[i].not_done("storm", who));
        }
        println!("\n{}{notes}", table.render());
    }
    let mut held = Table::new(&[
        ("Sessions", false),
        ("held", true),
        ("idle RSS", true),
        ("RSS, all open", true),
        ("per session", true),
        ("peak (VmHWM)", true),
        ("opened in", true),
        ("RSS after close", true),
        ("target", false),
    ]);
    let mut over = false;
    for proto in ["sftp", "ftp"] {
        if !env_wants("WHARF_BENCH_PROTOCOLS", proto) {
            continue;
        }
        let h = rt.block_on(hold(&wharf, proto, sessions, &key, timeout))?;
        over |= h.open_kib > TARGET_MIB * 1024;
        held.row(vec![
            proto.to_uppercase(),
            h.count.to_string(),
            mib_str(h.idle_kib),
            mib_str(h.open_kib),
            format!(
                "{} KiB",
                h.open_kib.saturating_sub(h.idle_kib) / h.count.max(1) as u64
            ),
            mib_str(h.hwm_kib),
            format!("{} s", num(h.secs, 1)),
            mib_str(h.closed_kib),
            format!("< {TARGET_MIB} MiB"),
        ]);
        record(&Row {
            row: format!(
                "{} concurrent logged-in {} sessions: RSS",
                h.count,
                proto.to_uppercase()
            ),
            wharf: mib_str(h.open_kib),
            peer: "—".into(),
            peer_figure: "—".into(),
            ratio: format!(
                "{} of {TARGET_MIB} MiB",
                num(h.open_kib as f64 / (TARGET_MIB * 1024) as f64, 2)
            ),
            memory: mib_str(h.hwm_kib),
            target: format!("< {TARGET_MIB} MiB"),
            runs: "1/1".into(),
        })?;
        wharf.server.check_alive()?;
    }
    println!("\n{}", held.render());
    println!("load average at end: {}", load_average());
    wharf.print_warnings();
    if over {
        println!("RSS with every session open is over the {TARGET_MIB} MiB target");
    }
    Ok(())
}

/// What holding the sessions of one protocol cost.
struct Held {
    count: usize,
    idle_kib: u64,
    open_kib: u64,
    hwm_kib: u64,
    closed_kib: u64,
    secs: f64,
}

/// Something that keeps one logged-in session open while it lives.
enum Session {
    Sftp(
        #[allow(dead_code)] russh::client::Handle<AcceptHostKey>,
        #[allow(dead_code)] russh::Channel<russh::client::Msg>,
    ),
    Ftp(#[allow(dead_code)] BufReader<TcpStream>),
}

/// Opens `n` sessions of `proto` (at most [`OPENING`] logins at a time), reads Wharf's memory
/// with all of them open, closes them and reads it again once Wharf has let go of them.
async fn hold(wharf: &Wharf, proto: &str, n: usize, key: &Path, timeout: Duration) -> Result<Held> {
    let pid = wharf.pid();
    let fds = open_fds(pid);
    let idle_kib = status_kib(pid, "VmRSS").unwrap_or(0);
    reset_hwm(pid);
    let key = Arc::new(russh::keys::load_secret_key(key, None)?);
    let gate = Arc::new(Semaphore::new(OPENING));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let (gate, key, proto) = (gate.clone(), key.clone(), proto.to_string());
        let (sftp_port, ftp_port) = (wharf.sftp_port, wharf.ftp_port);
        tasks.push(tokio::spawn(async move {
            let _turn = gate.acquire_owned().await?;
            let open = async {
                if proto == "sftp" {
                    sftp_session(sftp_port, key).await
                } else {
                    ftp_login(ftp_port, CART, PASSWORD).await.map(Session::Ftp)
                }
            };
            tokio::time::timeout(timeout, open)
                .await
                .context("no session before the deadline")?
        }));
    }
    let mut open = Vec::with_capacity(n);
    for t in tasks {
        open.push(t.await??);
    }
    let secs = start.elapsed().as_secs_f64();
    // Every session answered; let Wharf's tasks settle on their idle state.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let open_kib = status_kib(pid, "VmRSS").unwrap_or(0);
    let hwm_kib = status_kib(pid, "VmHWM").unwrap_or(0);
    println!(
        "{proto}: {n} sessions open in {secs:.1} s, Wharf RSS {} (idle {})",
        mib_str(open_kib),
        mib_str(idle_kib)
    );
    drop(open);
    // Wharf has let go once its descriptors are back to where they were.
    let deadline = Instant::now() + timeout;
    while open_fds(pid) > fds + 2 {
        if Instant::now() > deadline {
            bail!("Wharf still holds {} descriptors", open_fds(pid) - fds);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let closed_kib = status_kib(pid, "VmRSS").unwrap_or(0);
    Ok(Held {
        count: n,
        idle_kib,
        open_kib,
        hwm_kib,
        closed_kib,
        secs,
    })
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// One storm run.
struct Storm {
    secs: f64,
    failed: usize,
    peak_kib: u64,
}

/// `n` FTP logins started at once; the time until the last one succeeded, with `memory`
/// sampled every 50 ms meanwhile.
async fn storm(
    port: u16,
    user: &str,
    n: usize,
    timeout: Duration,
    mut memory: impl FnMut() -> u64,
) -> Result<Storm> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let user = user.to_string();
        tasks.spawn(async move {
            let r = tokio::time::timeout(timeout, async {
                let mut s = ftp_login(port, &user, PASSWORD).await?;
                let _ = s.get_mut().write_all(b"QUIT\r\n").await;
                anyhow::Ok(())
            })
            .await;
            let r = match r {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(format!("{e:#}")),
                Err(_) => Err("timed out".to_string()),
            };
            (r, start.elapsed())
        });
    }
    let (mut failed, mut last, mut peak) = (0, Duration::ZERO, 0);
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tokio::select! {
            done = tasks.join_next() => match done {
                Some(Ok((r, at))) => match r {
                    Ok(()) => last = last.max(at),
                    Err(why) => {
                        failed += 1;
                        *reasons.entry(why).or_default() += 1;
                    }
                },
                Some(Err(e)) => bail!("a login task failed: {e}"),
                None => break,
            },
            _ = tick.tick() => peak = peak.max(memory()),
        }
    }
    peak = peak.max(memory());
    for (why, count) in &reasons {
        println!("  port {port}: {count} of {n} logins failed: {why}");
    }
    if failed == n {
        bail!("no login succeeded");
    }
    Ok(Storm {
        secs: last.as_secs_f64(),
        failed,
        peak_kib: peak,
    })
}

/// One FTP reply's code and last line (a multi-line reply read to its end).
async fn reply(s: &mut BufReader<TcpStream>) -> Result<(u32, String)> {
    let mut line = String::new();
    let mut code = None;
    loop {
        line.clear();
        if s.read_line(&mut line).await? == 0 {
            bail!("connection closed");
        }
        let c: u32 = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        let first = *code.get_or_insert(c);
        if c == first && line.as_bytes().get(3) == Some(&b' ') {
            return Ok((c, line.trim_end().to_string()));
        }
    }
}

async fn expect(s: &mut BufReader<TcpStream>, send: Option<String>, want: u32) -> Result<()> {
    if let Some(cmd) = send {
        s.get_mut().write_all(cmd.as_bytes()).await?;
    }
    let (code, line) = reply(s).await?;
    if code != want {
        bail!("expected {want}, got {line:?}");
    }
    Ok(())
}

/// A logged-in FTP control connection.
async fn ftp_login(port: u16, user: &str, pass: &str) -> Result<BufReader<TcpStream>> {
    let mut s = BufReader::new(TcpStream::connect(("127.0.0.1", port)).await?);
    expect(&mut s, None, 220).await?;
    expect(&mut s, Some(format!("USER {user}\r\n")), 331).await?;
    expect(&mut s, Some(format!("PASS {pass}\r\n")), 230).await?;
    Ok(s)
}

/// Accepts Wharf's fresh host key.
struct AcceptHostKey;

impl russh::client::Handler for AcceptHostKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// A key login, the `sftp` subsystem, and `SSH_FXP_INIT` answered by `SSH_FXP_VERSION`.
async fn sftp_session(port: u16, key: Arc<russh::keys::PrivateKey>) -> Result<Session> {
    let config = Arc::new(russh::client::Config::default());
    let mut ssh = russh::client::connect(config, ("127.0.0.1", port), AcceptHostKey).await?;
    let auth = ssh
        .authenticate_publickey(CART, russh::keys::PrivateKeyWithHashAlg::new(key, None))
        .await?;
    if !auth.success() {
        bail!("key login refused: {auth:?}");
    }
    let mut channel = ssh.channel_open_session().await?;
    channel.request_subsystem(true, "sftp").await?;
    channel.data(&[0u8, 0, 0, 5, 1, 0, 0, 0, 3][..]).await?;
    loop {
        match channel.wait().await {
            Some(russh::ChannelMsg::Data { data }) => {
                if data.get(4) != Some(&2) {
                    bail!("not an SSH_FXP_VERSION: {:?}", &data[..data.len().min(16)]);
                }
                return Ok(Session::Sftp(ssh, channel));
            }
            Some(_) => {}
            None => bail!("the channel closed before SSH_FXP_VERSION"),
        }
    }
}
