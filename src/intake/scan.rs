//! The start-up scan: every file already in a partner's `in/` (left by a crash, placed while
//! Wharf was down) is queued once, oldest first. Uploads that a crash cut off (their upload
//! marker survived) are set aside first and go to `error/` unprocessed. Symbolic links are
//! neither followed nor queued (a warning names them).

use super::{Intake, Via, cut_reason};
use crate::layout::names::{cut_name, marked_name, original_name, was_cut};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Queues every regular file under `in_dir` (recursively). Returns how many were queued.
pub fn scan_in_folder(intake: &Intake, in_dir: &Path) -> usize {
    let mut files = Vec::new();
    collect(in_dir, &mut files);
    files.sort_by_key(|(mtime, path)| (*mtime, path.clone()));
    let cut = set_aside_cut_uploads(intake, &files);
    cut.len()
        + files
            .into_iter()
            .filter(|(_, p)| !cut.contains(p))
            .filter(|(_, p)| {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                if let Some(name) = name.filter(|n| original_name(n).is_some()) {
                    // A failed upload quarantined before a crash: it still goes to error/ (a
                    // cut one, set aside by an earlier start, as cut).
                    let reason = if was_cut(&name) {
                        let bytes = std::fs::metadata(p).map_or(0, |m| m.len());
                        cut_reason(bytes)
                    } else {
                        "the upload failed (found at start-up)".into()
                    };
                    intake.submit_aborted(p, Via::Scan, reason)
                } else {
                    intake.submit(p, Via::Scan)
                }
            })
            .count()
}

/// For each surviving upload marker: the file it marks was cut off by a crash, unless the file
/// is sealed complete (see `markers.rs`). Moves a cut file to its quarantine name and reports
/// it as aborted; removes the marker. Returns the cut files.
fn set_aside_cut_uploads(
    intake: &Intake,
    files: &[(std::time::SystemTime, PathBuf)],
) -> HashSet<PathBuf> {
    let mut cut = HashSet::new();
    for (_, marker) in files {
        let Some(name) = marker.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let Some(target) = marked_name(&name) else {
            continue;
        };
        let data = marker.with_file_name(target);
        if super::markers::sealed(&data) {
            // Complete and fsynced: the marker's removal was lost, not the upload's end.
            tracing::info!(file = %data.display(), "an upload marker outlived its complete upload: the upload is processed");
        } else if let Ok(meta) = std::fs::metadata(&data)
            && meta.is_file()
        {
            let hidden = data.with_file_name(cut_name(target));
            if std::fs::rename(&data, &hidden).is_ok() {
                intake.submit_aborted(&hidden, Via::Scan, cut_reason(meta.len()));
                cut.insert(data);
            }
        }
        let _ = std::fs::remove_file(marker);
    }
    cut
}

fn collect(dir: &Path, out: &mut Vec<(std::time::SystemTime, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(ft) = entry.file_type() else { continue };
        let path = entry.path();
        if ft.is_symlink() {
            tracing::warn!(link = %path.display(), "a symbolic link in in/: not followed, left where it is");
        } else if ft.is_dir() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn links_are_neither_followed_nor_queued() {
        let d = tempfile::tempdir().unwrap();
        let partners = d.path().join("partners");
        let in_dir = partners.join("uc/in");
        std::fs::create_dir_all(&in_dir).unwrap();
        let elsewhere = d.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("x.xml"), "x").unwrap();
        std::os::unix::fs::symlink(&elsewhere, in_dir.join("shared")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("x.xml"), in_dir.join("y.xml")).unwrap();
        std::fs::write(in_dir.join("real.xml"), "r").unwrap();
        let (intake, mut q) = Intake::new(partners);
        assert_eq!(scan_in_folder(&intake, &in_dir), 1);
        assert_eq!(q.next().await.unwrap().rel, PathBuf::from("real.xml"));
        assert!(q.try_next().is_none());
    }
}
