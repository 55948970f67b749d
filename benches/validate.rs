//! DTD validation benchmark (not a test): Wharf's validator against xmllint (libxml2) on one
//! large UltraCart batch valid against the shipped `dtd/ultracart-export.dtd`, and on its
//! invalid twin, the same batch with a few elements the DTD does not declare.
//!
//! - Wharf: `wharf validate --dtd dtd/ultracart-export.dtd FILE` (the release binary).
//! - xmllint: `xmllint --noout --nonet --dtdvalid dtd/ultracart-export.dtd FILE` — `--dtdvalid`
//!   rather than `--valid`, so both validate against the same DTD file whatever the document
//!   says (the batch carries no DOCTYPE), which is what Wharf does for a partner. xmllint
//!   builds the whole tree; its `--stream` mode would be leaner but ignores `--dtdvalid`
//!   (libxml2 2.9.14 passes an invalid file with `--stream --dtdvalid`), so it is no comparison.
//!
//! The invalid twin has three undeclared elements, a third of the way in, two thirds of the
//! way in and in the last order, each with its own name: a validator that checks nothing (or
//! stops at the first problem) cannot look fastest, because each tool must name all three, on
//! every run, and say "invalid" with its exit code.
//!
//! Each tool runs `WHARF_BENCH_RUNS` times (default 3) on each batch, interleaved, taking turns
//! at going first; the median wall time and each tool's peak resident memory (`ru_maxrss` of
//! that child, from `wait4`) are printed, with the time ratio. Targets: Wharf no slower than
//! xmllint, Wharf under 64 MB.
//!
//! `cargo bench --bench validate`; `WHARF_BENCH_MB` sets the batch size (default 50);
//! `WHARF_BENCH_KEEP=DIR` writes the two batches into DIR and leaves them there (to profile).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anyhow::{Context, Result, bail};
use common::procfs::load_average;
use common::rows::{Row, record};
use common::stats::{Table, median, num};
use common::ultracart::write_batch;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One finished run: wall time, peak RSS in KiB, exit code, what it printed.
struct Run {
    wall: Duration,
    max_rss_kib: i64,
    code: i32,
    output: String,
}

/// The undeclared elements of the invalid twin.
const FAULTS: [&str; 3] = ["bench_fault_one", "bench_fault_two", "bench_fault_three"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Xmllint,
    Wharf,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Xmllint => "xmllint",
            Tool::Wharf => "wharf",
        }
    }

    fn command(self, dtd: &Path, file: &Path) -> Command {
        match self {
            Tool::Xmllint => {
                let mut x = Command::new("xmllint");
                x.args(["--noout", "--nonet", "--dtdvalid"])
                    .arg(dtd)
                    .arg(file);
                x
            }
            Tool::Wharf => {
                let mut w = Command::new(env!("CARGO_BIN_EXE_wharf"));
                w.arg("validate").arg("--dtd").arg(dtd).arg(file);
                w
            }
        }
    }

    /// Whether the exit code says "invalid" (not "valid", not "could not read").
    fn says_invalid(self, code: i32) -> bool {
        match self {
            // xmllint: 3 and 4 are validation errors (1 would be a parse error).
            Tool::Xmllint => code == 3 || code == 4,
            // wharf validate: 1 = problems found (2 = unreadable).
            Tool::Wharf => code == 1,
        }
    }
}

fn main() -> Result<()> {
    if !common::bench_mode("validate") {
        return Ok(());
    }
    let mb: u64 = common::env_num("WHARF_BENCH_MB", 50)?;
    let runs: usize = common::env_num("WHARF_BENCH_RUNS", 3)?;
    if mb == 0 || runs == 0 {
        bail!("WHARF_BENCH_MB and WHARF_BENCH_RUNS must be positive");
    }
    let dtd = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd");
    if !common::on_path("xmllint") {
        println!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    // WHARF_BENCH_KEEP=DIR: the batches are written (and left) there, for profiling.
    let dir = std::env::var_os("WHARF_BENCH_KEEP")
        .map_or_else(|| tmp.path().to_path_buf(), PathBuf::from);
    println!("load average at start: {}", load_average());
    let valid = dir.join("batch.xml");
    let started = Instant::now();
    let (bytes, orders) = write_batch(&valid, mb * 1_000_000, &[])?;
    println!(
        "batch: {:.1} MB, {orders} orders, written in {:.1?}",
        bytes as f64 / 1e6,
        started.elapsed()
    );
    let invalid = dir.join("batch-invalid.xml");
    let at = [orders / 3, orders * 2 / 3, orders].map(|n| n.max(1));
    let faults: Vec<(u64, &str)> = at.iter().copied().zip(FAULTS).collect();
    let (invalid_bytes, _) = write_batch(&invalid, mb * 1_000_000, &faults)?;
    println!(
        "invalid twin: {:.1} MB, undeclared elements in orders {}, {} and {}",
        invalid_bytes as f64 / 1e6,
        at[0],
        at[1],
        at[2]
    );

    let tools = [Tool::Xmllint, Tool::Wharf];
    let batches = [
        ("valid", &valid, bytes),
        ("invalid", &invalid, invalid_bytes),
    ];
    // results[batch][tool]
    let mut results: Vec<[Vec<Run>; 2]> = batches.iter().map(|_| [vec![], vec![]]).collect();
    for round in 0..runs {
        for (b, (label, file, _)) in batches.iter().enumerate() {
            // xmllint first on the first round: it vouches for the batch before Wharf runs.
            let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let tool = tools[i];
                let r = measure(&mut tool.command(&dtd, file), tmp.path())
                    .with_context(|| format!("running {}", tool.name()))?;
                println!(
                    "  run {}: {label:<7} {:<8} {:>8.3} s  {:>7.1} MiB  exit {}",
                    round + 1,
                    tool.name(),
                    r.wall.as_secs_f64(),
                    r.max_rss_kib as f64 / 1024.0,
                    r.code
                );
                check_verdict(tool, *label == "invalid", &r)?;
                results[b][i].push(r);
            }
        }
    }

    println!("\nload average at end: {}", load_average());
    let mut table = Table::new(&[
        ("batch", false),
        ("xmllint s", true),
        ("xmllint MB/s", true),
        ("xmllint peak RSS", true),
        ("Wharf s", true),
        ("Wharf MB/s", true),
        ("Wharf peak RSS", true),
        ("time ratio Wharf / xmllint", true),
    ]);
    let mut wharf_peak = 0f64;
    let mut worst_ratio = 0f64;
    for (b, (label, _, size)) in batches.iter().enumerate() {
        let med: Vec<f64> = results[b]
            .iter()
            .map(|rs| median(rs.iter().map(|r| r.wall.as_secs_f64()).collect()))
            .collect();
        let peak: Vec<f64> = results[b]
            .iter()
            .map(|rs| rs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0) as f64 / 1024.0)
            .collect();
        let ratio = med[1] / med[0];
        wharf_peak = wharf_peak.max(peak[1]);
        worst_ratio = worst_ratio.max(ratio);
        let mbs = |s: f64| *size as f64 / 1e6 / s;
        table.row(vec![
            format!("{label} ({:.1} MB)", *size as f64 / 1e6),
            num(med[0], 3),
            num(mbs(med[0]), 0),
            format!("{:.1} MiB", peak[0]),
            num(med[1], 3),
            num(mbs(med[1]), 0),
            format!("{:.1} MiB", peak[1]),
            num(ratio, 2),
        ]);
        record(&Row {
            row: format!("validation of a {:.1} MB {label} batch", *size as f64 / 1e6),
            wharf: format!("{} s", num(med[1], 3)),
            peer: "xmllint --valid".into(),
            peer_figure: format!("{} s", num(med[0], 3)),
            ratio: format!("{} × the time", num(ratio, 2)),
            memory: format!("{:.1} MiB", peak[1]),
            target: "≤ 0.5× the time".into(),
            runs: format!("{}/{runs}", results[b][1].len()),
        })?;
    }
    println!(
        "\nMedian of {runs} runs per tool and batch, interleaved; every run gave the right \
         verdict (the invalid batch: all {} undeclared elements named).\n",
        FAULTS.len()
    );
    print!("{}", table.render());
    println!(
        "wharf/xmllint time ratio at worst {worst_ratio:.2} ({})",
        if worst_ratio <= 1.0 {
            "Wharf no slower"
        } else {
            "Wharf SLOWER"
        }
    );
    println!(
        "wharf peak {wharf_peak:.1} MiB ({} the 64 MB target)",
        if wharf_peak * 1.048_576 < 64.0 {
            "under"
        } else {
            "OVER"
        }
    );
    Ok(())
}

/// The verdict a run must give: exit 0 on the valid batch; on the invalid one, the tool's
/// "invalid" exit code and each undeclared element named in an error.
fn check_verdict(tool: Tool, invalid: bool, r: &Run) -> Result<()> {
    let name = tool.name();
    if !invalid {
        if r.code != 0 {
            bail!(
                "{name} did not find the batch valid (exit {}):\n{}",
                r.code,
                head(&r.output)
            );
        }
        return Ok(());
    }
    if !tool.says_invalid(r.code) {
        bail!(
            "{name} did not say the invalid batch is invalid (exit {}):\n{}",
            r.code,
            head(&r.output)
        );
    }
    for fault in FAULTS {
        if !r
            .output
            .lines()
            .any(|l| l.contains(fault) && l.contains("error"))
        {
            bail!(
                "{name} did not name the undeclared element {fault}:\n{}",
                head(&r.output)
            );
        }
    }
    Ok(())
}

fn head(s: &str) -> String {
    s.lines().take(20).collect::<Vec<_>>().join("\n")
}

/// Runs `cmd` (stdout and stderr to one file in `dir`, read back after) and reaps it with
/// `wait4`, for its own peak RSS.
fn measure(cmd: &mut Command, dir: &Path) -> Result<Run> {
    let out_path = dir.join("tool.out");
    let out = std::fs::File::create(&out_path)?;
    let start = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (std never waits on it: `child` is
    // forgotten below), and both pointers are valid for the call.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    std::mem::forget(child);
    if rc != pid {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok(Run {
        wall,
        max_rss_kib: usage.ru_maxrss,
        code,
        output: std::fs::read_to_string(&out_path).unwrap_or_default(),
    })
}
