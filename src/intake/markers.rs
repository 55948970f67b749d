//! Upload markers: while a transport writes `in/NAME`, an empty `in/.NAME.uploading` stands
//! beside it. A marker that survives a crash (kill -9, power loss) says that `NAME` may have
//! been cut off mid-upload, so the start-up scan sends it to `error/` instead of processing
//! half a file (FTP cannot tell a finished upload from an interrupted one; Wharf's own crash
//! it can).
//!
//! The marker alone cannot say "complete" after a power loss: it is removed after the file's
//! fsync, and that removal is not made durable (a folder fsync per upload would double the
//! cost of a small upload), so a power loss soon after the client heard "complete" can bring
//! it back. The file itself says it instead: just before its one fsync, a complete upload is
//! sealed with an extended attribute holding its length ([`seal`]), and that fsync makes the
//! attribute durable with the bytes (both are the file's own inode and data). At start-up a
//! marker whose file carries a seal matching its length is a complete upload ([`sealed`]); a
//! file without one (never sealed, or the seal of an earlier upload under the same name,
//! removed when a new upload begins: [`unseal`]) is cut. On a file system without user
//! extended attributes nothing is sealed and the marker decides alone, as before.

use crate::layout::names::marker_for;
use std::fs::File;
use std::path::Path;

/// The extended attribute sealing a complete upload: its length, in decimal.
const SEAL: &str = "user.wharf.complete";

/// Seals `file`, a complete upload of `len` bytes, before its fsync (best effort: without a
/// seal, a marker brought back by a power loss sends the file to `error/` as cut).
pub fn seal(file: &File, len: u64) {
    let value = len.to_string();
    if let Err(e) = rustix::fs::fsetxattr(
        file,
        SEAL,
        value.as_bytes(),
        rustix::fs::XattrFlags::empty(),
    ) {
        tracing::debug!(error = %e, "cannot seal the complete upload");
    }
}

/// Removes an earlier upload's seal from `file`, about to be written again.
pub fn unseal(file: &File) {
    let _ = rustix::fs::fremovexattr(file, SEAL);
}

/// Whether the file at `path` is sealed complete at its present length.
pub fn sealed(path: &Path) -> bool {
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
    else {
        return false;
    };
    let mut value = [0u8; 24];
    let Ok(n) = rustix::fs::fgetxattr(&file, SEAL, &mut value) else {
        return false;
    };
    let len = file.metadata().map(|m| m.len()).ok();
    std::str::from_utf8(&value[..n])
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|sealed| Some(sealed) == len)
}

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
        Ok(_) => {}
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => tracing::warn!(
            marker = %m.display(),
            "a symbolic link where an upload marker goes: not followed, no marker written"
        ),
        Err(e) => {
            tracing::debug!(marker = %m.display(), error = %e, "cannot write an upload marker")
        }
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

    /// A file is sealed complete only at the length it was sealed with, and only until a new
    /// upload unseals it.
    #[test]
    fn a_seal_holds_for_its_length_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xml");
        std::fs::write(&path, "12345").unwrap();
        assert!(!sealed(&path), "never sealed");
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        seal(&file, 5);
        if !sealed(&path) {
            eprintln!("skipped: no user extended attributes on this file system");
            return;
        }
        std::fs::write(&path, "123").unwrap();
        assert!(!sealed(&path), "cut to another length");
        seal(&file, 3);
        assert!(sealed(&path));
        unseal(&file);
        assert!(!sealed(&path), "a new upload begins");
    }

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
