//! `wharf requeue`: files from a partner's `error/` or `archive/` back into its `in/`.
//!
//! Works on the folders alone, so it is safe while `serve` runs: the watcher sees the file
//! arrive in `in/` (or the next start-up scan does). A requeued file from `error/` leaves its
//! old report behind it is replaced by a fresh one if the file fails again.

use crate::outbox::{free_name, move_file};
use anyhow::{Context, bail};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

const REPORT_SUFFIX: &str = ".error.txt";

/// Requeues each path; stops at the first that is not a requeueable file.
pub fn run(paths: &[PathBuf]) -> Result<ExitCode, anyhow::Error> {
    for p in paths {
        let abs = std::path::absolute(p).with_context(|| format!("{}", p.display()))?;
        let (home, rel, from_error) = split(&abs)?;
        if !abs.is_file() {
            bail!("{}: not a file", p.display());
        }
        let in_dir = home.join("in");
        let dir = match rel.parent() {
            Some(d) if !d.as_os_str().is_empty() => in_dir.join(d),
            _ => in_dir,
        };
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let free = free_name(&dir, &name, |_| false);
        let dest = dir.join(&free);
        move_file(&abs, &dest)
            .with_context(|| format!("moving {} to {}", p.display(), dest.display()))?;
        if from_error {
            let report = abs.with_file_name(format!("{name}{REPORT_SUFFIX}"));
            let _ = std::fs::remove_file(report);
        }
        println!("{} -> {}", p.display(), dest.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Splits `.../partners/NAME/error/REL` or `.../archive/DAY/REL` into (home, REL, from error).
fn split(abs: &Path) -> Result<(PathBuf, PathBuf, bool), anyhow::Error> {
    let comps: Vec<Component<'_>> = abs.components().collect();
    for i in (0..comps.len()).rev() {
        let Component::Normal(folder) = comps[i] else {
            continue;
        };
        let is_error = folder == "error";
        let is_archive = folder == "archive";
        if !(is_error || is_archive)
            || i < 2
            || comps[i - 2] != Component::Normal("partners".as_ref())
        {
            continue;
        }
        let home: PathBuf = comps[..i].iter().collect();
        let skip = if is_archive { 2 } else { 1 }; // archive/YYYY-MM-DD/
        let rel: PathBuf = comps[i + skip..].iter().collect();
        if is_archive && comps.get(i + 1) == Some(&Component::Normal("sent".as_ref())) {
            bail!(
                "{}: files in archive/sent/ were deliveries, not inputs",
                abs.display()
            );
        }
        if rel.as_os_str().is_empty() {
            break;
        }
        if rel.to_string_lossy().ends_with(REPORT_SUFFIX) {
            bail!(
                "{}: a report, not an input (requeue the file it describes)",
                abs.display()
            );
        }
        return Ok((home, rel, is_error));
    }
    bail!(
        "{}: not a file in a partner's error/ or archive/ folder (DATA_DIR/partners/NAME/error/...)",
        abs.display()
    )
}
