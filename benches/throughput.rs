//! Pipeline throughput benchmark (not a test): the rows of the throughput issue that are about
//! processing, in one table.
//!
//! - **Batch**: an UltraCart export of `WHARF_BENCH_ORDERS` (5,000) orders in the shipping stage
//!   (made by `common::ultracart::write_sd_batch`, new order ids each run) is uploaded over FTP
//!   with curl by the cart `uc`; the time runs from the upload's start until the last of its
//!   warehouse files (`partners/wh/out/order_*.json`) exists. Wharf's whole-process `VmHWM`,
//!   reset before the run, is its peak memory; each run's line also gives it as it was when the
//!   upload ended (the upload's share). Target: under 10 s and 100 MB.
//! - **Single order during the batch**: once the batch's first warehouse file exists, the
//!   second cart `uc2` uploads one order (the `single-sd.xml` fixture with a new id) with curl;
//!   the time runs from its upload's start until its warehouse file exists. Target: under 1 s.
//! - **Big batch**: `WHARF_BENCH_BIG_ORDERS` (50,000) orders, once: its peak memory against the
//!   batch's (target: flat).
//!
//! Each run is checked: exactly the expected warehouse files were written and nothing went to
//! `error/`; a run that is wrong or stalls is left out of the median and counted in "runs done"
//! with its reason under the table (the bench then exits non-zero). The warehouse files are
//! removed after each run, as the warehouse would take them. There is no reference server for
//! these rows: the target column stands in for the peer.
//!
//! The transport rows (1 GiB transfers, sessions, logins, validation, small files against
//! OpenSSH) are in the other bench binaries. `--all` runs them after this one (each printing its
//! own detailed table) with `WHARF_BENCH_ROWS` naming a file they append their headline rows to
//! (`common::rows`), adds this binary's rows to it, and ends with one table of every row: Wharf,
//! the peer, the ratio and the peak memory side by side. Under `--profile dev` (CI) the others
//! are run in that profile too.
//!
//! `cargo bench --bench throughput` (`-- --quick`: 500 and 5,000 orders, for CI);
//! `WHARF_BENCH_RUNS` (3), `WHARF_BENCH_ORDERS`, `WHARF_BENCH_BIG_ORDERS` (0 skips the row),
//! `WHARF_BENCH_TIMEOUT_S` (a run's deadline, 600). Needs `curl`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anyhow::{Context, Result, bail};
use common::PASSWORD;
use common::peers::{CART, CART2, WAREHOUSE, Wharf, WharfOptions};
use common::procfs::{load_average, reset_hwm, status_kib};
use common::rows::{self, Row};
use common::stats::{Cell, Table, mib_str, num};
use common::ultracart::{SingleOrder, write_sd_batch};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How often the warehouse folder is looked at.
const POLL: Duration = Duration::from_millis(10);

/// One batch run.
struct BatchRun {
    secs: f64,
    hwm_kib: u64,
    /// Wharf's VmHWM when the batch's upload ended (the upload's share of the peak).
    upload_hwm_kib: Option<u64>,
    /// The single order's time, when it was sent during the batch.
    single_secs: Option<f64>,
}

fn main() -> Result<()> {
    if !common::bench_mode("throughput") {
        return Ok(());
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let all = std::env::args().any(|a| a == "--all");
    let orders: u64 = common::env_num("WHARF_BENCH_ORDERS", if quick { 500 } else { 5000 })?;
    let big: u64 = common::env_num("WHARF_BENCH_BIG_ORDERS", if quick { 5000 } else { 50_000 })?;
    let runs: usize = common::env_num("WHARF_BENCH_RUNS", 3)?;
    let timeout = Duration::from_secs(common::env_num("WHARF_BENCH_TIMEOUT_S", 600)?);
    if orders == 0 || runs == 0 {
        bail!("WHARF_BENCH_ORDERS and WHARF_BENCH_RUNS must be positive");
    }
    if !common::on_path("curl") {
        println!("skipped: curl is not installed");
        return Ok(());
    }
    let tmp = common::work_dir()?;
    let t = tmp.path().to_path_buf();
    let load_start = load_average();
    println!("load average at start: {load_start}");
    let (_key, public) = common::client_key(&t)?;
    let wharf = Wharf::start(
        &t,
        &public,
        &WharfOptions {
            max_upload: Some(1 << 30),
            passive_ports: 8,
            limits: "",
        },
    )?;
    if !reset_hwm(wharf.pid()) {
        println!("note: cannot reset VmHWM through clear_refs; peaks are cumulative");
    }
    let single = SingleOrder::fixture()?;
    let bench = Bench {
        wharf: &wharf,
        t: &t,
        timeout,
    };

    let mut batch: Cell<BatchRun> = Cell::default();
    for run in 1..=runs {
        let r = bench.batch(orders, &format!("B{run}"), Some((&single, run)));
        report_run(&format!("batch run {run}"), &r);
        batch.push(r);
    }
    let mut big_cell: Cell<BatchRun> = Cell::default();
    if big > 0 {
        let r = bench.batch(big, "BIG", None);
        report_run("big batch", &r);
        big_cell.push(r);
    }
    wharf.print_warnings();

    let mut table = Table::new(&[
        ("row", false),
        ("Wharf", true),
        ("runs done", true),
        ("target", false),
        ("ratio to target", true),
        ("peak memory (VmHWM)", true),
    ]);
    let mut summary: Vec<Row> = Vec::new();
    let batch_secs = batch.median(|r| r.secs);
    summary.push(Row {
        row: format!("{orders}-order UltraCart batch: upload to last warehouse file"),
        wharf: format!("{} s", num(batch_secs, 2)),
        peer: "—".into(),
        peer_figure: "—".into(),
        ratio: format!("{} of 10 s", num(batch_secs / 10.0, 2)),
        memory: mib_str(batch.max(|r| r.hwm_kib)),
        target: "< 10 s, < 100 MB".into(),
        runs: batch.done(),
    });
    table.row(vec![
        format!("{orders}-order UltraCart batch: upload to last warehouse file"),
        format!(
            "{} s ({} orders/s)",
            num(batch_secs, 2),
            num(orders as f64 / batch_secs, 0)
        ),
        batch.done(),
        "< 10 s, < 100 MB".into(),
        num(batch_secs / 10.0, 2),
        mib_str(batch.max(|r| r.hwm_kib)),
    ]);
    let mut singles: Cell<f64> = Cell::default();
    for r in batch.ok() {
        singles.push(
            r.single_secs
                .ok_or_else(|| "the batch ended before the single order went out".to_string()),
        );
    }
    let single_secs = singles.median(|s| *s);
    summary.push(Row {
        row: format!("single order (another cart) during the {orders}-order batch"),
        wharf: format!("{} s", num(single_secs, 3)),
        peer: "—".into(),
        peer_figure: "—".into(),
        ratio: format!("{} of 1 s", num(single_secs, 2)),
        memory: "—".into(),
        target: "< 1 s".into(),
        runs: singles.done(),
    });
    table.row(vec![
        format!("single order (another cart) during the {orders}-order batch"),
        format!("{} s", num(single_secs, 3)),
        singles.done(),
        "< 1 s".into(),
        num(single_secs, 2),
        "—".into(),
    ]);
    if big > 0 {
        let ratio = big_cell.max(|r| r.hwm_kib) as f64 / batch.max(|r| r.hwm_kib).max(1) as f64;
        summary.push(Row {
            row: format!("{big}-order batch: memory"),
            wharf: format!("{} s", num(big_cell.median(|r| r.secs), 1)),
            peer: format!("{orders}-order batch"),
            peer_figure: mib_str(batch.max(|r| r.hwm_kib)),
            ratio: format!("{} (peak / peak)", num(ratio, 2)),
            memory: mib_str(big_cell.max(|r| r.hwm_kib)),
            target: "flat".into(),
            runs: big_cell.done(),
        });
        table.row(vec![
            format!("{big}-order batch: memory"),
            format!(
                "{} s ({} orders/s)",
                num(big_cell.median(|r| r.secs), 1),
                num(big as f64 / big_cell.median(|r| r.secs), 0)
            ),
            big_cell.done(),
            format!("flat (peak / {orders}-order peak = {})", num(ratio, 2)),
            num(ratio, 2),
            mib_str(big_cell.max(|r| r.hwm_kib)),
        ]);
    }
    println!(
        "\nload average at start: {load_start}, at the end: {}",
        load_average()
    );
    println!("\n{}", table.render());
    let mut failed = false;
    for (label, cell) in [("batch", &batch), ("big batch", &big_cell)] {
        let text = cell.not_done(label, "wharf");
        failed |= !text.is_empty();
        print!("{text}");
    }
    drop(wharf);
    if all {
        failed |= run_others(&t, &summary, quick)?;
    }
    if failed {
        bail!("some runs were not done");
    }
    Ok(())
}

/// Runs the other bench binaries with `WHARF_BENCH_ROWS` set, then prints one table of their
/// rows after this binary's `own`; true when one of them failed.
fn run_others(t: &Path, own: &[Row], quick: bool) -> Result<bool> {
    let rows_file = std::env::var_os(rows::ROWS_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| t.join("rows.jsonl"));
    // A fresh file: a table of this run only.
    std::fs::write(&rows_file, "").with_context(|| format!("creating {}", rows_file.display()))?;
    for row in own {
        rows::append(&rows_file, row)?;
    }
    let mut failed = false;
    for other in ["small_files", "transfer", "validate", "sessions"] {
        println!("\n== cargo bench --bench {other} ==");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.arg("bench");
        // Benches built without debug assertions are the release build; with them, `--profile
        // dev` (CI's short form) is kept for the others, so nothing more is compiled.
        if cfg!(debug_assertions) {
            cmd.args(["--profile", "dev"]);
        }
        cmd.args(["--bench", other]).env(rows::ROWS_ENV, &rows_file);
        if quick {
            for (knob, value) in [
                ("WHARF_BENCH_FILES", "200"),
                ("WHARF_BENCH_MIB", "64"),
                ("WHARF_BENCH_MB", "5"),
            ] {
                if std::env::var_os(knob).is_none() {
                    cmd.env(knob, value);
                }
            }
        }
        match cmd.stdin(Stdio::null()).status() {
            Ok(s) if s.success() => {}
            Ok(s) => {
                println!("{other}: {s}");
                failed = true;
            }
            Err(e) => {
                println!("{other}: cannot run cargo: {e}");
                failed = true;
            }
        }
    }
    println!(
        "\n== every row (median of the runs done; ratio: Wharf / peer throughput, > 1 is Wharf \
         faster, or as its cell says) ==\n\n{}",
        rows::render(&rows_file)?
    );
    Ok(failed)
}

fn report_run(label: &str, r: &Result<BatchRun, String>) {
    match r {
        Ok(r) => println!(
            "{label}: {} s, VmHWM {} ({} when the upload ended), single order {}",
            num(r.secs, 2),
            mib_str(r.hwm_kib),
            r.upload_hwm_kib.map_or("—".into(), mib_str),
            r.single_secs
                .map_or("—".into(), |s| format!("{} s", num(s, 3)))
        ),
        Err(e) => println!("{label}: not done: {e}"),
    }
}

struct Bench<'a> {
    wharf: &'a Wharf,
    t: &'a Path,
    timeout: Duration,
}

impl Bench<'_> {
    /// Uploads a batch of `n` orders tagged `tag` and waits for its warehouse files; with
    /// `single`, the second cart's order is sent once the first warehouse file exists.
    fn batch(
        &self,
        n: u64,
        tag: &str,
        single: Option<(&SingleOrder, usize)>,
    ) -> Result<BatchRun, String> {
        self.try_batch(n, tag, single).map_err(|e| format!("{e:#}"))
    }

    fn try_batch(
        &self,
        n: u64,
        tag: &str,
        single: Option<(&SingleOrder, usize)>,
    ) -> Result<BatchRun> {
        let file = self.t.join(format!("batch-{tag}.xml"));
        let bytes = write_sd_batch(&file, n, tag)?;
        println!("{tag}: {n} orders, {} bytes", bytes);
        let out = self.wharf.home(WAREHOUSE).join("out");
        let single_file = match single {
            Some((s, run)) => {
                let p = self.t.join(format!("single-{run}.xml"));
                std::fs::write(&p, s.with_id(&format!("SINGLE-{run}")))?;
                Some((p, out.join(format!("order_SINGLE-{run}.json"))))
            }
            None => None,
        };
        let expected = n as usize + usize::from(single_file.is_some());
        common::settle();
        reset_hwm(self.wharf.pid());
        let start = Instant::now();
        let mut upload = self.curl(&file, CART, &format!("batch-{tag}.xml"))?;
        let mut single_sent: Option<(Instant, Child)> = None;
        let mut single_secs = None;
        let mut hwm = 0;
        let mut upload_hwm = None;
        loop {
            let count = count_orders(&out);
            if let Some(pid_hwm) = status_kib(self.wharf.pid(), "VmHWM") {
                hwm = hwm.max(pid_hwm);
            }
            if upload_hwm.is_none() && upload.try_wait()?.is_some() {
                upload_hwm = status_kib(self.wharf.pid(), "VmHWM");
            }
            if single_sent.is_none()
                && count > 0
                && let Some((p, _)) = &single_file
            {
                single_sent = Some((Instant::now(), self.curl(p, CART2, "single.xml")?));
            }
            if let (Some((at, _)), Some((_, target)), None) =
                (&single_sent, &single_file, single_secs)
                && target.exists()
            {
                single_secs = Some(at.elapsed().as_secs_f64());
            }
            if count >= expected {
                break;
            }
            if start.elapsed() > self.timeout {
                bail!(
                    "stalled: {count} of {expected} warehouse files after {:?}",
                    self.timeout
                );
            }
            self.wharf.server.check_alive()?;
            std::thread::sleep(POLL);
        }
        let secs = start.elapsed().as_secs_f64();
        let status = upload.wait()?;
        if !status.success() {
            bail!("curl's batch upload failed: {status}");
        }
        if let Some((_, mut child)) = single_sent {
            child.wait()?;
        }
        // Everything processed: the inputs archived, nothing in error/.
        let deadline = Instant::now() + Duration::from_secs(30);
        for cart in [CART, CART2] {
            let inbox = self.wharf.home(cart).join("in");
            while std::fs::read_dir(&inbox)?.next().is_some() {
                if Instant::now() > deadline {
                    bail!("{cart}'s in/ is not empty");
                }
                std::thread::sleep(POLL);
            }
            let errors = std::fs::read_dir(self.wharf.home(cart).join("error"))?.count();
            if errors > 0 {
                bail!("{errors} files in {cart}'s error/");
            }
        }
        let written = count_orders(&out);
        if written != expected {
            bail!("{written} warehouse files, expected {expected}");
        }
        if let Some(h) = status_kib(self.wharf.pid(), "VmHWM") {
            hwm = hwm.max(h);
        }
        clear_orders(&out)?;
        std::fs::remove_file(&file)?;
        Ok(BatchRun {
            secs,
            hwm_kib: hwm,
            upload_hwm_kib: upload_hwm,
            single_secs,
        })
    }

    /// Starts curl uploading `file` to `partner`'s `in/NAME` over FTP.
    fn curl(&self, file: &Path, partner: &str, name: &str) -> Result<Child> {
        Command::new("curl")
            .args(["-sS", "--fail", "-T"])
            .arg(file)
            .arg(format!("ftp://127.0.0.1:{}/in/{name}", self.wharf.ftp_port))
            .args(["--user", &format!("{partner}:{PASSWORD}")])
            .stdin(Stdio::null())
            .spawn()
            .context("starting curl")
    }
}

/// The order files in the warehouse's `out/`.
fn count_orders(out: &Path) -> usize {
    order_files(out).len()
}

fn order_files(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("order_") && n.ends_with(".json"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Removes the order files, as the warehouse takes them.
fn clear_orders(out: &Path) -> Result<()> {
    for p in order_files(out) {
        std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
    }
    Ok(())
}
