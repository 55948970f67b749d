//! Upload markers: while a transport writes `in/NAME`, an empty `in/.NAME.uploading` stands
//! beside it. A marker that survives a crash (kill -9, power loss) says that `NAME` was cut off
//! mid-upload, so the start-up scan sends it to `error/` instead of processing half a file
//! (FTP cannot tell a finished upload from an interrupted one; Wharf's own crash it can).
//!
//! The marker holds the uploading process's member token (instance name and run, see
//! [`crate::store::cluster`]): when several instances share the partner folders, one of them
//! leaves alone the uploads another live instance is receiving, and sets aside as cut only
//! those whose process is gone.

use crate::layout::names::marker_for;
use std::path::Path;

/// Creates the marker (best effort: a missing marker only loses the crash hint). A link where
/// the marker goes is not followed (it could lead anywhere outside the home): the marker is
/// then not written, with a warning.
pub fn mark(path: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    let Some(m) = marker_for(path) else {
        return;
    };
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&m);
    match created {
        Ok(mut f) => {
            use std::io::Write;
            let _ = f.write_all(crate::store::Member::me().token().as_bytes());
        }
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => tracing::warn!(
            marker = %m.display(),
            "a symbolic link where an upload marker goes: not followed, no marker written"
        ),
        Err(e) => {
            tracing::debug!(marker = %m.display(), error = %e, "cannot write an upload marker")
        }
    }
}

/// Whether an upload marker stands beside `path` (an upload in progress, or cut off).
pub fn is_marked(path: &Path) -> bool {
    marker_for(path).is_some_and(|m| std::fs::symlink_metadata(m).is_ok())
}

/// The process that wrote the marker `marker` (`None`: unknown, an empty or foreign marker).
pub fn owner(marker: &Path) -> Option<crate::store::Member> {
    let text = std::fs::read_to_string(marker).ok()?;
    crate::store::Member::from_token(&text)
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

    /// Found with the SFTP fuzz target's planted links: a link left in `in/` under the marker
    /// name of an upload (`.b.xml.uploading -> /elsewhere/canary.txt`) was followed, and the
    /// upload of `in/b.xml` emptied the file outside the home. The marker is written without
    /// following links.
    #[test]
    fn a_link_under_a_marker_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let canary = dir.path().join("canary.txt");
        std::fs::write(&canary, "keep").unwrap();
        let inbox = dir.path().join("in");
        std::fs::create_dir(&inbox).unwrap();
        std::os::unix::fs::symlink(&canary, inbox.join(".b.xml.uploading")).unwrap();
        mark(&inbox.join("b.xml"));
        assert_eq!(std::fs::read_to_string(&canary).unwrap(), "keep");
        unmark(&inbox.join("b.xml"));
        assert_eq!(std::fs::read_to_string(&canary).unwrap(), "keep");
        // A dangling link is not followed either (it would create the file it names).
        let gone = dir.path().join("gone.txt");
        std::os::unix::fs::symlink(&gone, inbox.join(".c.xml.uploading")).unwrap();
        mark(&inbox.join("c.xml"));
        assert!(
            std::fs::symlink_metadata(&gone).is_err(),
            "created through a link"
        );
    }
}
