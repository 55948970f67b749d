//! Stale client temp files: a temp name (`.filepart`, `.part`, dot-files…) stays
//! in `in/` for the client to resume until a day after its last change, then it is removed.
//! Quarantined failed uploads are not temp files of a client and are left to the pipeline.
//! Symbolic links are neither followed nor removed (entries are looked at with `lstat`).

use crate::layout::names::{is_temp_name, marked_name, original_name};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a temp file may sit unchanged.
pub const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Removes temp-named files under `in_dir` unchanged for `max_age`; returns how many.
pub fn remove_stale_temp(in_dir: &Path, max_age: Duration) -> usize {
    let mut removed = 0;
    let Ok(entries) = std::fs::read_dir(in_dir) else {
        return 0;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() {
            removed += remove_stale_temp(&path, max_age);
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !meta.is_file()
            || !is_temp_name(&name)
            || original_name(&name).is_some()
            || marked_name(&name).is_some()
        {
            continue;
        }
        let age = meta
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or_default();
        if age >= max_age && std::fs::remove_file(&path).is_ok() {
            tracing::info!(path = %path.display(), "removed a stale temp file (unchanged for a day)");
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_temp_names_go() {
        let d = tempfile::tempdir().unwrap();
        let old = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
        for name in ["a.xml.filepart", ".b.xml", "c.xml", "d.part"] {
            let f = std::fs::File::create(d.path().join(name)).unwrap();
            if name != "d.part" {
                f.set_modified(old).unwrap();
            }
        }
        let q = d
            .path()
            .join(crate::layout::names::quarantine_name("e.xml"));
        std::fs::File::create(&q)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_eq!(remove_stale_temp(d.path(), STALE_AFTER), 2);
        assert!(d.path().join("c.xml").exists(), "not a temp name");
        assert!(d.path().join("d.part").exists(), "still fresh");
        assert!(q.exists(), "quarantined uploads are the pipeline's");
    }

    #[test]
    fn links_are_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let elsewhere = d.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let old = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
        let outside = elsewhere.join("x.xml.filepart");
        std::fs::File::create(&outside)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let in_dir = d.path().join("in");
        std::fs::create_dir(&in_dir).unwrap();
        std::os::unix::fs::symlink(&elsewhere, in_dir.join("shared")).unwrap();
        std::os::unix::fs::symlink(&outside, in_dir.join(".y.part")).unwrap();
        assert_eq!(remove_stale_temp(&in_dir, STALE_AFTER), 0);
        assert!(outside.exists(), "nothing outside the home is removed");
    }
}
