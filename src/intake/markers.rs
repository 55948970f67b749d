//! Upload markers: while a transport writes `in/NAME`, an empty `in/.NAME.uploading` stands
//! beside it. A marker that survives a crash (kill -9, power loss) says that `NAME` was cut off
//! mid-upload, so the start-up scan sends it to `error/` instead of processing half a file
//! (FTP cannot tell a finished upload from an interrupted one; Wharf's own crash it can).

use crate::layout::names::marker_for;
use std::path::Path;

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
