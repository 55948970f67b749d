//! The symlink rule: nothing in a partner's home is reached through a symbolic link, wherever
//! the link is (an operator's `in/shared -> /elsewhere`, or `in/outlink -> ../out`, which
//! cap-std alone allows because it stays inside the home). Every operation first walks its
//! path from the home down, one component at a time, without following links (`lstat`), and
//! refuses at the first link with a warning in the log.
//!
//! Partners cannot make links (the transports refuse `symlink`); only someone with access to
//! the disk can, so the walk runs before the operation rather than holding every folder open
//! on the way down.

use super::HomeError;
use crate::policy::Denied;
use cap_std::fs::Dir;
use std::path::{Path, PathBuf};

/// Refuses `rel` (relative to the home `dir`) when any existing component of it is a
/// symbolic link. Components that do not exist end the walk (the operation reports them).
pub(super) fn refuse_links(dir: &Dir, rel: &Path) -> Result<(), HomeError> {
    let mut prefix = PathBuf::new();
    for c in rel.components() {
        prefix.push(c);
        match dir.symlink_metadata(&prefix) {
            Ok(m) if m.file_type().is_symlink() => {
                tracing::warn!(link = %prefix.display(), "a symbolic link in a partner home: refused, links are never followed");
                return Err(HomeError::Denied(Denied::Permission(
                    "symbolic links are not followed".into(),
                )));
            }
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// The first symbolic link on the way from `base` down to `base/rel`, `base` included (for
/// code that works with paths, as the pipeline does).
pub fn first_link(base: &Path, rel: &Path) -> Option<PathBuf> {
    let mut p = base.to_path_buf();
    if is_link(&p) {
        return Some(p);
    }
    for c in rel.components() {
        p.push(c);
        if is_link(&p) {
            return Some(p);
        }
    }
    None
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}
