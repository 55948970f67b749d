//! Requeue: a file from a partner's `error/` or `archive/` back into its `in/`, to be
//! processed again after a fix. `wharf requeue` and the console's button both call
//! [`requeue`].
//!
//! It works on the folders alone, so it is safe while `serve` runs: the watcher sees the file
//! arrive in `in/` (or the next start-up scan does). A file requeued from `error/` leaves its
//! old report behind; a fresh one replaces it if the file fails again.

use super::errors::REPORT_SUFFIX;
use crate::outbox::{free_name, move_file};
use std::path::{Component, Path, PathBuf};

/// Why a path cannot be requeued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequeueError {
    /// Not under `DATA_DIR/partners/NAME/error/` or `.../archive/DAY/`.
    #[error(
        "{0}: not a file in a partner's error/ or archive/ folder (DATA_DIR/partners/NAME/error/...)"
    )]
    NotRequeueable(PathBuf),
    /// A delivery Wharf sent (`archive/sent/`), not an input.
    #[error("{0}: files in archive/sent/ were deliveries, not inputs")]
    Delivery(PathBuf),
    /// A rejection report, not an input.
    #[error("{0}: a report, not an input (requeue the file it describes)")]
    Report(PathBuf),
    /// Not a regular file.
    #[error("{0}: not a file")]
    NotAFile(PathBuf),
    /// The move failed.
    #[error("moving {from} to {to}: {source}")]
    Move {
        /// The file.
        from: PathBuf,
        /// Where it was going.
        to: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// Moves `path` back into its partner's `in/` (keeping its path under `in/`, under a free
/// name) and returns where it went.
pub fn requeue(path: &Path) -> Result<PathBuf, RequeueError> {
    let abs = std::path::absolute(path).map_err(|_| RequeueError::NotAFile(path.to_owned()))?;
    let (home, rel, from_error) = split(&abs)?;
    if !std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_file()) {
        return Err(RequeueError::NotAFile(path.to_owned()));
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
    move_file(&abs, &dest).map_err(|source| RequeueError::Move {
        from: path.to_owned(),
        to: dest.clone(),
        source,
    })?;
    if from_error {
        let report = abs.with_file_name(format!("{name}{REPORT_SUFFIX}"));
        let _ = std::fs::remove_file(report);
    }
    tracing::info!(from = %path.display(), to = %dest.display(), "requeued");
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
            return Err(RequeueError::Delivery(abs.to_owned()));
        }
        if rel.as_os_str().is_empty() {
            break;
        }
        if rel.to_string_lossy().ends_with(REPORT_SUFFIX) {
            return Err(RequeueError::Report(abs.to_owned()));
        }
        return Ok((home, rel, is_error));
    }
    Err(RequeueError::NotRequeueable(abs.to_owned()))
}
