//! Runs, medians and the Markdown tables the benches print.
//!
//! A cell (one scenario on one server) keeps every run, the failed and stalled ones too, so a
//! table always shows how many runs its median stands on ("runs done": 2/3), and the reasons
//! are printed under it: a run is never dropped silently.

use std::fmt::Write as _;

/// The runs of one (scenario, server) cell: each finished run's figures, or why it did not
/// finish (stalled, client failed, wrong content).
pub struct Cell<T> {
    runs: Vec<Result<T, String>>,
}

impl<T> Default for Cell<T> {
    fn default() -> Self {
        Cell { runs: Vec::new() }
    }
}

impl<T> Cell<T> {
    pub fn push(&mut self, run: Result<T, String>) {
        self.runs.push(run);
    }

    /// The runs that finished.
    pub fn ok(&self) -> impl Iterator<Item = &T> {
        self.runs.iter().filter_map(|r| r.as_ref().ok())
    }

    /// `done/tried`, e.g. `2/3`.
    pub fn done(&self) -> String {
        format!("{}/{}", self.ok().count(), self.runs.len())
    }

    /// `(run number from 1, reason)` of every run that did not finish.
    pub fn failures(&self) -> impl Iterator<Item = (usize, &str)> {
        self.runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().err().map(|e| (i + 1, e.as_str())))
    }

    /// One line per run not done: `LABEL, WHO, run N not done: REASON`.
    pub fn not_done(&self, label: &str, who: &str) -> String {
        let mut s = String::new();
        for (run, why) in self.failures() {
            let _ = writeln!(s, "\n{label}, {who}, run {run} not done: {why}");
        }
        s
    }

    /// The median of `f` over the finished runs (NaN when none finished).
    pub fn median(&self, f: impl Fn(&T) -> f64) -> f64 {
        median(self.ok().map(f).collect())
    }

    /// The largest `f` over the finished runs (0 when none finished).
    pub fn max(&self, f: impl Fn(&T) -> u64) -> u64 {
        self.ok().map(f).max().unwrap_or(0)
    }
}

/// The median (NaN when empty).
pub fn median(mut v: Vec<f64>) -> f64 {
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

/// `x` with `prec` decimals, or `–` when it is not a number (nothing finished).
pub fn num(x: f64, prec: usize) -> String {
    if x.is_finite() {
        format!("{x:.prec$}")
    } else {
        "–".to_string()
    }
}

/// MB/s (10^6 bytes/s).
pub fn mbps(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs
}

/// KiB as `12.3 MiB` (`–` for 0: nothing measured).
pub fn mib_str(kib: u64) -> String {
    if kib == 0 {
        "–".to_string()
    } else {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    }
}

/// A Markdown table: a header, right-aligned number columns, rows of cells.
pub struct Table {
    head: Vec<(String, bool)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// `columns`: (title, right-aligned).
    pub fn new(columns: &[(&str, bool)]) -> Table {
        Table {
            head: columns.iter().map(|(t, r)| (t.to_string(), *r)).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.head.len());
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let cells: Vec<&str> = cells.collect();
            format!("| {} |", cells.join(" | "))
        };
        let _ = writeln!(
            s,
            "{}",
            line(&mut self.head.iter().map(|(t, _)| t.as_str()))
        );
        let _ = writeln!(
            s,
            "|{}|",
            self.head
                .iter()
                .map(|(_, r)| if *r { "---:" } else { "---" })
                .collect::<Vec<_>>()
                .join("|")
        );
        for r in &self.rows {
            let _ = writeln!(s, "{}", line(&mut r.iter().map(String::as_str)));
        }
        s
    }
}
