//! Running the benchmark clients (curl, `sftp`, a Python ftplib script…) against a server:
//! several at once, each one's exit time taken by a thread blocked in `wait`, while the caller
//! samples memory or progress; a deadline stops them all and says what the sockets showed.

use super::procfs::{descendants, signal, tcp_queues};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How a set of clients ended.
pub enum Ended {
    /// Every client exited 0: the seconds from the first start to the last exit, and each
    /// client's stdout.
    Done { secs: f64, stdouts: Vec<String> },
    /// A client exited non-zero (the others ran to their end): which one and what it said.
    Failed(String),
    /// Past the deadline, and the clients were stopped: what the sockets showed.
    Stalled(String),
}

/// Kills, when dropped, the clients whose exit was not seen (an error on the way out must
/// not leave them running).
struct Running(Vec<Option<u32>>);

impl Drop for Running {
    fn drop(&mut self) {
        for pid in self.0.iter().flatten() {
            for p in descendants(*pid) {
                signal(p, libc::SIGKILL);
            }
            signal(*pid, libc::SIGKILL);
        }
    }
}

/// Starts every command at once (stdout and stderr to `work/TAG-I.out|err`), calls
/// `sample` about every `poll` until all have exited or `deadline` has passed. `server` is the
/// server's listener pid, for the socket report of a stall.
pub fn run_clients(
    work: &Path,
    tag: &str,
    cmds: Vec<Command>,
    server: u32,
    deadline: Duration,
    poll: Duration,
    mut sample: impl FnMut(),
) -> Result<Ended> {
    let (tx, rx) = mpsc::channel::<(usize, Instant, std::io::Result<ExitStatus>)>();
    let mut outs: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut running = Running(Vec::new());
    let mut waiters = Vec::new();
    let mut labels = Vec::new();
    let start = Instant::now();
    for (i, mut cmd) in cmds.into_iter().enumerate() {
        let out = work.join(format!("{tag}-{i}.out"));
        let err = work.join(format!("{tag}-{i}.err"));
        cmd.stdin(Stdio::null())
            .stdout(File::create(&out)?)
            .stderr(File::create(&err)?);
        labels.push(format!("{cmd:?}"));
        let mut child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
        running.0.push(Some(child.id()));
        outs.push((out, err));
        let tx = tx.clone();
        waiters.push(std::thread::spawn(move || {
            let st = child.wait();
            let _ = tx.send((i, Instant::now(), st));
        }));
    }
    drop(tx);
    let n = outs.len();
    let mut ends: Vec<Option<(Instant, ExitStatus)>> = vec![None; n];
    let mut left = n;
    let mut stalled = None;
    while left > 0 {
        sample();
        match rx.recv_timeout(poll) {
            Ok((i, at, st)) => {
                let st = st.with_context(|| format!("waiting for client {i}"))?;
                ends[i] = Some((at, st));
                running.0[i] = None;
                left -= 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if left > 0 && start.elapsed() > deadline {
            let mut why = format!(
                "{left} of {n} clients not done after {:.0}s; TCP (state recv-q send-q local peer \
                 process):",
                start.elapsed().as_secs_f64()
            );
            let mut pids = vec![server];
            pids.extend(descendants(server));
            for pid in running.0.iter().flatten() {
                pids.push(*pid);
                pids.extend(descendants(*pid));
            }
            for line in tcp_queues(&pids) {
                let _ = write!(why, "\n      {line}");
            }
            stalled = Some(why);
            break;
        }
    }
    drop(running); // kills whatever still runs
    for w in waiters {
        let _ = w.join();
    }
    if let Some(why) = stalled {
        return Ok(Ended::Stalled(why));
    }
    let mut stdouts = Vec::new();
    let mut last = start;
    for (i, ((out, err), end)) in outs.iter().zip(&ends).enumerate() {
        let stdout = std::fs::read_to_string(out).unwrap_or_default();
        let Some((at, st)) = end else {
            return Ok(Ended::Failed(format!("client {i} was not seen to exit")));
        };
        if !st.success() {
            let stderr = std::fs::read_to_string(err).unwrap_or_default();
            return Ok(Ended::Failed(format!(
                "client {i} ({}) failed ({st}): {}{}",
                labels[i],
                last_lines(&stdout, 5),
                last_lines(&stderr, 10)
            )));
        }
        last = last.max(*at);
        stdouts.push(stdout);
    }
    Ok(Ended::Done {
        secs: (last - start).as_secs_f64(),
        stdouts,
    })
}

fn last_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
