//! The one summary table of `cargo bench --bench throughput -- --all`.
//!
//! Every bench binary runs on its own and prints its own detailed table. To show all of them
//! side by side, each binary also states its headline rows as [`Row`]s with [`record`]: when
//! the environment variable [`ROWS_ENV`] names a file, each row is appended to it as one JSON
//! line (nothing happens otherwise). `throughput --all` sets it for the binaries it runs, adds
//! its own rows to the same file, and [`render`]s the file as one Markdown table at the end.
//! A file of JSON lines, rather than parsing each binary's printed table, keeps the figures
//! exact and lets each binary stay a separate process (its own servers, its own exit code).

use super::stats::Table;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::Path;

/// The variable naming the file the rows are appended to.
pub const ROWS_ENV: &str = "WHARF_BENCH_ROWS";

/// One row of the summary table, its figures already formatted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// What is measured, with its size (`5000-order UltraCart batch: upload to last file`).
    pub row: String,
    /// Wharf's figure (median of the runs done).
    pub wharf: String,
    /// The reference it is compared with (`sshd`, `vsftpd`, `xmllint`), or `—`.
    pub peer: String,
    /// The reference's figure, or `—`.
    pub peer_figure: String,
    /// Wharf against the reference (or against the target where there is no reference), with
    /// its direction stated by the target column.
    pub ratio: String,
    /// Wharf's peak memory during the row.
    pub memory: String,
    /// The goal the row is held to.
    pub target: String,
    /// `done/tried` runs of Wharf's figure.
    pub runs: String,
}

/// Appends `row` to the file named by [`ROWS_ENV`], when it is set.
pub fn record(row: &Row) -> Result<()> {
    match std::env::var_os(ROWS_ENV) {
        Some(path) => append(Path::new(&path), row),
        None => Ok(()),
    }
}

/// Appends `row` to `path` as one JSON line.
pub fn append(path: &Path, row: &Row) -> Result<()> {
    let mut line = serde_json::to_string(row)?;
    line.push('\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .with_context(|| format!("appending a row to {}", path.display()))
}

/// The rows of `path` (none when it does not exist) as one Markdown table.
pub fn render(path: &Path) -> Result<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let mut table = Table::new(&[
        ("row", false),
        ("Wharf", true),
        ("runs done", true),
        ("peer", false),
        ("peer figure", true),
        ("ratio", true),
        ("Wharf peak memory", true),
        ("target", false),
    ]);
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let r: Row = serde_json::from_str(line)
            .with_context(|| format!("{} line {}", path.display(), n + 1))?;
        table.row(vec![
            r.row,
            r.wharf,
            r.runs,
            r.peer,
            r.peer_figure,
            r.ratio,
            r.memory,
            r.target,
        ]);
    }
    Ok(table.render())
}
