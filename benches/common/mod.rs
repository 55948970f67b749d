//! What the bench binaries share (each includes this folder with `mod common;`): the servers
//! they start side by side ([`peers`]), running clients against them ([`clients`]), `/proc`
//! memory readings ([`procfs`]), runs, medians and tables ([`stats`]), the one summary table of every binary's
//! headline rows ([`rows`]), test inputs ([`files`],
//! [`ultracart`]), and the small helpers below. Each binary holds only its own scenario.
//!
//! Benches are not tests: `cargo test --all-targets` runs their binaries without `--bench`,
//! and [`bench_mode`] makes them stop at once there.

// Each bench binary uses a different part of this module.
#![allow(dead_code)]

pub mod clients;
pub mod files;
pub mod peers;
pub mod procfs;
pub mod rows;
pub mod stats;
pub mod ultracart;

use anyhow::{Context, Result, anyhow, bail};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// The password of every login a bench makes (Wharf's partners, vsftpd's user).
pub const PASSWORD: &str = "bench-Secret-42";
/// The SSH algorithms both SSH servers are held to: one cipher Wharf offers, one key exchange,
/// one host key type.
pub const CIPHER: &str = "aes128-gcm@openssh.com";
pub const KEX: &str = "curve25519-sha256";
pub const HOST_KEY_ALG: &str = "ssh-ed25519";

/// Whether the binary runs under `cargo bench` (which passes `--bench`); otherwise it prints
/// why it stops: `cargo test --benches` / `--all-targets` must not start a benchmark.
pub fn bench_mode(name: &str) -> bool {
    if std::env::args().any(|a| a == "--bench") {
        return true;
    }
    println!("skipped: the {name} benchmark runs only under `cargo bench --bench {name}`");
    false
}

/// A numeric environment knob, `default` when unset.
pub fn env_num<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| anyhow!("{name}={v:?} is not a number")),
        Err(_) => Ok(default),
    }
}

/// A comma-separated choice knob: whether `item` is in it (everything when unset).
pub fn env_wants(name: &str, item: &str) -> bool {
    match std::env::var(name) {
        Ok(v) => v.split(',').any(|w| w.trim().eq_ignore_ascii_case(item)),
        Err(_) => true,
    }
}

pub fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

pub fn run_ok(cmd: &mut Command) -> Result<()> {
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

pub fn set_mode(p: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {mode:o} {}", p.display()))
}

pub fn is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

pub fn current_user() -> Result<String> {
    let out = Command::new("id").arg("-un").output()?;
    if !out.status.success() {
        bail!("id -un failed");
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `n` consecutive free ports for passive FTP, below Linux's ephemeral range (so a client's
/// outgoing connection cannot take one between the check and the server's bind), and apart
/// from every range handed out before in this process (servers bind them only on `PASV`, so
/// two servers could otherwise be given the same free-looking range).
pub fn free_range(n: u16) -> Result<(u16, u16)> {
    static GIVEN: Mutex<Vec<(u16, u16)>> = Mutex::new(Vec::new());
    let mut given = GIVEN
        .lock()
        .map_err(|_| anyhow!("port ranges: poisoned lock"))?;
    let ephemeral_lo: u16 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|p| p.parse().ok()))
        .unwrap_or(32768);
    let (lo, hi) = (10_000u16, ephemeral_lo.saturating_sub(n));
    if hi <= lo {
        bail!("no room for {n} passive ports below the ephemeral range ({ephemeral_lo})");
    }
    let span = hi - lo;
    let seed = (std::process::id() % u32::from(span)) as u16;
    for k in 0..2000u16 {
        let base = lo + (seed.wrapping_add(k.wrapping_mul(n + 7)) % span);
        let last = base + n - 1;
        if given.iter().any(|&(a, b)| base <= b && a <= last) {
            continue;
        }
        if (base..=last).all(|p| TcpListener::bind(("127.0.0.1", p)).is_ok()) {
            given.push((base, last));
            return Ok((base, last));
        }
    }
    bail!("no {n} consecutive free ports")
}

/// The bench's work folder, removed when dropped (declare it before the servers, so they are
/// stopped first) unless `WHARF_BENCH_KEEP` is set (to read the servers' logs after); open to
/// vsftpd's user. Prints where it is.
pub fn work_dir() -> Result<tempfile::TempDir> {
    let keep = std::env::var_os("WHARF_BENCH_KEEP").is_some();
    let tmp = tempfile::Builder::new()
        .prefix("wharf-bench-")
        .disable_cleanup(keep)
        .tempdir()
        .context("temp dir")?;
    set_mode(tmp.path(), 0o755)?;
    println!("work folder: {}", tmp.path().display());
    Ok(tmp)
}

/// Writes dirty pages out before a run, so one run's writeback does not land in the next.
pub fn settle() {
    // SAFETY: sync(2) has no preconditions.
    unsafe { libc::sync() };
    std::thread::sleep(Duration::from_millis(200));
}

/// The last 30 lines of a log.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// An SSH key pair for the clients, made in `dir`: its private key path and public line.
pub fn client_key(dir: &Path) -> Result<(PathBuf, String)> {
    let key = dir.join("client_key");
    run_ok(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f"])
            .arg(&key),
    )?;
    let public = std::fs::read_to_string(key.with_extension("pub"))?
        .trim()
        .to_string();
    Ok((key, public))
}

/// OpenSSH `sftp -b BATCH` as `user` on `port`, with the key `key` and the algorithms both
/// SSH servers are held to ([`CIPHER`], [`KEX`], [`HOST_KEY_ALG`]), plus `extra` options.
pub fn sftp_client(key: &Path, port: u16, user: &str, extra: &[&str], batch: &Path) -> Command {
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
        .arg(key)
        .args(["-P", &port.to_string()])
        .args(extra)
        .arg("-b")
        .arg(batch)
        .arg(format!("{user}@127.0.0.1"));
    cmd
}
