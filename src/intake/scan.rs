//! The start-up scan: every file already in a partner's `in/` (left by a crash, placed while
//! Wharf was down) is queued once, oldest first.

use super::{Intake, Via};
use std::path::{Path, PathBuf};

/// Queues every regular file under `in_dir` (recursively). Returns how many were queued.
pub fn scan_in_folder(intake: &Intake, in_dir: &Path) -> usize {
    let mut files = Vec::new();
    collect(in_dir, &mut files);
    files.sort_by_key(|(mtime, path)| (*mtime, path.clone()));
    files
        .into_iter()
        .filter(|(_, p)| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.as_deref().and_then(super::original_name).is_some() {
                // A failed upload quarantined just before a crash: it still goes to error/.
                intake.submit_aborted(p, Via::Scan, "the upload failed (found at start-up)".into())
            } else {
                intake.submit(p, Via::Scan)
            }
        })
        .count()
}

fn collect(dir: &Path, out: &mut Vec<(std::time::SystemTime, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(ft) = entry.file_type() else { continue };
        let path = entry.path();
        if ft.is_dir() {
            collect(&path, out);
        } else if ft.is_file() {
            let mtime = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            out.push((mtime, path));
        }
    }
}
