//! Upload markers: while a transport writes `in/NAME`, an empty `in/.NAME.uploading` stands
//! beside it. A marker that survives a crash (kill -9, power loss) says that `NAME` was cut off
//! mid-upload, so the start-up scan sends it to `error/` instead of processing half a file
//! (FTP cannot tell a finished upload from an interrupted one; Wharf's own crash it can).

use std::path::{Path, PathBuf};

const SUFFIX: &str = ".uploading";

/// The marker path for an upload to `path`, or `None` for a client temp name (never processed,
/// so never marked).
pub fn marker_for(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    if super::is_temp_name(&name) {
        return None;
    }
    Some(path.with_file_name(format!(".{name}{SUFFIX}")))
}

/// The upload a marker name stands for (`.NAME.uploading` → `NAME`).
pub fn marked_name(marker_name: &str) -> Option<&str> {
    let inner = marker_name.strip_prefix('.')?.strip_suffix(SUFFIX)?;
    (!inner.is_empty()).then_some(inner)
}

/// Creates the marker (best effort: a missing marker only loses the crash hint).
pub fn mark(path: &Path) {
    if let Some(m) = marker_for(path)
        && let Err(e) = std::fs::File::create(&m)
    {
        tracing::debug!(marker = %m.display(), error = %e, "cannot write an upload marker");
    }
}

/// Removes the marker.
pub fn unmark(path: &Path) {
    if let Some(m) = marker_for(path) {
        let _ = std::fs::remove_file(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_names_round_trip_and_skip_temp_names() {
        let m = marker_for(Path::new("/h/in/a.xml")).unwrap();
        assert_eq!(m, Path::new("/h/in/.a.xml.uploading"));
        assert_eq!(marked_name(".a.xml.uploading"), Some("a.xml"));
        assert!(
            super::super::is_temp_name(".a.xml.uploading"),
            "the watcher ignores markers"
        );
        assert_eq!(marker_for(Path::new("/h/in/a.xml.filepart")), None);
        assert_eq!(marked_name(".uploading"), None);
        assert_eq!(marked_name("a.xml"), None);
    }
}
