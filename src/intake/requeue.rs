//! Requeueing: a file from a partner's `error/` or `archive/DAY/` back into its `in/`, to be
//! processed again after a fix (`wharf requeue`).
//!
//! Works on the folders alone, so it is safe while `serve` runs: the watcher sees the file
//! arrive in `in/` (or the next start-up scan does). A file requeued from `error/` leaves its
//! old report behind; the report is replaced by a fresh one if the file fails again.

use crate::durable::{free_name, move_file};
use std::path::{Component, Path, PathBuf};

/// Suffix of a rejection report beside its input.
const REPORT_SUFFIX: &str = ".error.txt";

/// Why a path cannot be requeued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequeueError {
    /// Not a file in a partner's `error/` or `archive/` folder.
    #[error(
        "{}: not a file in a partner's error/ or archive/ folder (DATA_DIR/partners/NAME/error/...)",
        .0.display()
    )]
    NotSettled(PathBuf),
    /// A file of `archive/sent/`: a delivery, not an input.
    #[error("{}: files in archive/sent/ were deliveries, not inputs", .0.display())]
    Delivery(PathBuf),
    /// A rejection report, not an input.
    #[error("{}: a report, not an input (requeue the file it describes)", .0.display())]
    Report(PathBuf),
    /// In the right place, but not a file.
    #[error("{}: not a file", .0.display())]
    NotAFile(PathBuf),
    /// The file system failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Moves the settled input at `path` back into its partner's `in/` (keeping its folders under
/// `in/`, under a free name) and returns where it went.
pub fn requeue(path: &Path) -> Result<PathBuf, RequeueError> {
    let abs = std::path::absolute(path).map_err(|source| RequeueError::Io {
        what: path.display().to_string(),
        source,
    })?;
    let (home, rel, from_error) = split(&abs)?;
    if !abs.is_file() {
        return Err(RequeueError::NotAFile(path.to_path_buf()));
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
    let dest = dir.join(free_name(&dir, &name, |_| false));
    move_file(&abs, &dest).map_err(|source| RequeueError::Io {
        what: format!("moving {} to {}", path.display(), dest.display()),
        source,
    })?;
    if from_error {
        let report = abs.with_file_name(format!("{name}{REPORT_SUFFIX}"));
        let _ = std::fs::remove_file(report);
    }
    Ok(dest)
}

/// Splits `.../partners/NAME/error/REL` or `.../archive/DAY/REL` into (home, REL, from error).
fn split(abs: &Path) -> Result<(PathBuf, PathBuf, bool), RequeueError> {
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
            return Err(RequeueError::Delivery(abs.to_path_buf()));
        }
        if rel.as_os_str().is_empty() {
            break;
        }
        if rel.to_string_lossy().ends_with(REPORT_SUFFIX) {
            return Err(RequeueError::Report(abs.to_path_buf()));
        }
        return Ok((home, rel, is_error));
    }
    Err(RequeueError::NotSettled(abs.to_path_buf()))
}
