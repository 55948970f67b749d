//! What `/proc` says about a process: memory fields, names, children, and the TCP queues of a
//! stalled transfer. Linux only, like the rest of Wharf.

use std::collections::{BTreeMap, HashMap};
use std::process::Command;

/// A `kB` field of /proc/PID/status (`VmHWM`, `VmRSS`).
pub fn status_kib(pid: u32, key: &str) -> Option<u64> {
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

/// The process's `Name:` (the executable's name, or what it set with `prctl`).
pub fn proc_name(pid: u32) -> Option<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("Name:"))
        .map(|n| n.trim().to_string())
}

/// Resets the process's VmHWM to its current RSS (Linux ≥ 4.0).
pub fn reset_hwm(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// Every process below `root`.
pub fn descendants(root: u32) -> Vec<u32> {
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

/// Sends `sig` to `pid`.
pub fn signal(pid: u32, sig: i32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) on a pid we started (or one of its children).
        unsafe { libc::kill(pid, sig) };
    }
}

pub fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists() && status_kib(pid, "VmRSS").is_some()
}

/// The memory of a reference server's per-session processes (everything below its listener),
/// sampled while a run goes on: the largest sum of VmRSS over the processes alive at one
/// sample, and each process's VmHWM under the name it had last (the shell sshd starts becomes
/// `sftp-server` when it execs).
#[derive(Default)]
pub struct SessionMemory {
    seen: HashMap<u32, (String, u64)>,
    /// The largest sum of VmRSS (KiB) at one sample.
    pub total_kib: u64,
}

impl SessionMemory {
    /// One sample of every process below `listener`.
    pub fn sample(&mut self, listener: u32) {
        let mut sum = 0;
        for pid in descendants(listener) {
            if let (Some(name), Some(hwm), Some(rss)) = (
                proc_name(pid),
                status_kib(pid, "VmHWM"),
                status_kib(pid, "VmRSS"),
            ) {
                let e = self.seen.entry(pid).or_insert((String::new(), 0));
                e.0 = name;
                e.1 = e.1.max(hwm);
                sum += rss;
            }
        }
        self.total_kib = self.total_kib.max(sum);
    }

    /// The largest VmHWM (KiB) of one process named `name`.
    pub fn largest(&self, name: &str) -> u64 {
        self.seen
            .values()
            .filter(|(n, _)| n == name)
            .map(|(_, h)| *h)
            .max()
            .unwrap_or(0)
    }

    /// The largest VmHWM (KiB) of any one session process.
    pub fn largest_any(&self) -> u64 {
        self.seen.values().map(|(_, h)| *h).max().unwrap_or(0)
    }

    /// `{pid: (name, VmHWM)}`, for `WHARF_BENCH_DEBUG`.
    pub fn describe(&self) -> String {
        format!("{:?}", self.seen)
    }
}

/// The `ss -tanp` lines of the connections (not listeners) held by `pids`.
pub fn tcp_queues(pids: &[u32]) -> Vec<String> {
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

/// The first three fields of /proc/loadavg (other work on the machine skews the figures).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
