//! Requeueing: a file from a partner's `error/` or `archive/DAY/` back into its `in/`, to be
//! processed again after a fix (`wharf requeue`).
//!
//! Works on the folders alone, so it is safe while `serve` runs: the watcher sees the file
//! arrive in `in/` (or the next start-up scan does). A file requeued from `error/` leaves its
//! old report behind; the report is replaced by a fresh one if the file fails again.

use crate::durable::move_file;
use crate::layout::{self, NotSettled, free_name};
use std::path::{Path, PathBuf};

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
    let settled = layout::settled_input(&abs).map_err(|why| match why {
        NotSettled::Elsewhere => RequeueError::NotSettled(abs.clone()),
        NotSettled::Delivery => RequeueError::Delivery(abs.clone()),
        NotSettled::Report => RequeueError::Report(abs.clone()),
    })?;
    if !abs.is_file() {
        return Err(RequeueError::NotAFile(path.to_path_buf()));
    }
    let (dir, name) = layout::beside(&settled.home.in_dir(), &settled.rel);
    let dest = dir.join(free_name(&dir, &name, |_| false));
    move_file(&abs, &dest).map_err(|source| RequeueError::Io {
        what: format!("moving {} to {}", path.display(), dest.display()),
        source,
    })?;
    if settled.from_error {
        let report = abs.with_file_name(layout::report_name(&name));
        let _ = std::fs::remove_file(report);
    }
    Ok(dest)
}
