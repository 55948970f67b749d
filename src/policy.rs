//! Who may do what where, written once for every transport.
//!
//! A transport hands over the path the client named, already joined to the session's working
//! folder (`/in/x.xml`, `in/../out`, …). [`resolve`] normalises it lexically inside the partner
//! home — `..` never climbs above `/` — and [`check`] decides whether the operation is allowed
//! on the folder it lands in. The result is a path relative to the home, which the transport
//! then opens through a `cap_std::fs::Dir` rooted at the home, so a symlink planted on disk
//! cannot lead outside either.
//!
//! | folder | partner may |
//! |---|---|
//! | `/` | list |
//! | `in/` and below | list, stat, upload, rename within `in/`, make folders |
//! | `out/` | list, stat, download, delete (deleting is the acknowledgment) |
//! | `archive/`, `error/` and below | list, stat, download |

use crate::layout::Folder;
use std::path::{Component, Path, PathBuf};

/// An operation a client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// List a folder or change into it.
    List,
    /// Read a file's or folder's metadata.
    Stat,
    /// Download a file.
    Read,
    /// Create or overwrite (or append to) a file.
    Write,
    /// Delete a file.
    Delete,
    /// Make a folder.
    MakeDir,
    /// Remove a folder.
    RemoveDir,
    /// The source of a rename.
    RenameFrom,
    /// The target of a rename.
    RenameTo,
    /// Change a file's times, permissions or size (SFTP `setstat`, FTP `MFMT`): the
    /// partner's own uploads in `in/`; accepted (and changing nothing) in `out/`; never in
    /// `archive/` and `error/`, Wharf's record of what came in.
    SetAttributes,
}

/// Which part of the home a path is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The home itself (`/`).
    Root,
    /// `in/` or below: what the partner sends.
    In,
    /// `out/`: what Wharf sends the partner.
    Out,
    /// `archive/` or below.
    Archive,
    /// `error/` or below.
    Error,
    /// Anything else at the top level (nothing there is reachable).
    Other,
}

/// A client path resolved inside the home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Relative to the home; empty for the home itself. Never contains `..` or a root.
    pub rel: PathBuf,
    /// The folder it is in.
    pub area: Area,
    /// True for the top folder itself (`/in`, `/out`, …), false for anything below it.
    pub is_top: bool,
}

impl Resolved {
    /// The path as the partner sees it (`/in/x.xml`).
    pub fn virtual_path(&self) -> String {
        format!("/{}", self.rel.to_string_lossy())
    }

    /// The path relative to the home, as logs show it (`in/x.xml`).
    pub fn log_path(&self) -> String {
        self.rel.to_string_lossy().into_owned()
    }

    /// The path for a `cap_std::fs::Dir` rooted at the home (`.` for the home itself).
    pub fn for_dir(&self) -> &Path {
        if self.rel.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.rel
        }
    }
}

/// Why a request is refused. Protocol-neutral: each transport maps these once
/// (FTP `550`, SFTP `SSH_FX_PERMISSION_DENIED`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Denied {
    /// The folder rules do not allow this operation here.
    #[error("permission denied: {0}")]
    Permission(String),
    /// The name itself is not acceptable (control characters, empty, too long).
    #[error("file name not allowed: {0}")]
    BadName(String),
}

/// Longest path we accept from a client, in bytes.
const MAX_PATH: usize = 1024;

/// Normalises a client path inside the home. `..` at the top stays at the top (as a chroot
/// does); absolute paths are taken from the home.
pub fn resolve(client_path: &Path) -> Result<Resolved, Denied> {
    let text = client_path.to_string_lossy();
    if text.len() > MAX_PATH {
        return Err(Denied::BadName("path too long".into()));
    }
    if text.chars().any(|c| c.is_control()) {
        return Err(Denied::BadName("control characters in the name".into()));
    }
    let mut parts: Vec<String> = Vec::new();
    for comp in client_path.components() {
        match comp {
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
        }
    }
    let area = match parts.first().map(|top| Folder::named(top)) {
        None => Area::Root,
        Some(Some(Folder::In)) => Area::In,
        Some(Some(Folder::Out)) => Area::Out,
        Some(Some(Folder::Archive)) => Area::Archive,
        Some(Some(Folder::Error)) => Area::Error,
        Some(None) => Area::Other,
    };
    Ok(Resolved {
        is_top: parts.len() == 1,
        rel: parts.iter().collect(),
        area,
    })
}

/// Resolves `client_path` and checks that `op` is allowed there.
pub fn check(op: Op, client_path: &Path) -> Result<Resolved, Denied> {
    let r = resolve(client_path)?;
    if allowed(op, &r) {
        Ok(r)
    } else {
        Err(Denied::Permission(format!(
            "{} is not allowed on {}",
            op_name(op),
            r.virtual_path()
        )))
    }
}

/// Checks a rename: both ends inside `in/`, neither the `in/` folder itself.
pub fn check_rename(from: &Path, to: &Path) -> Result<(Resolved, Resolved), Denied> {
    Ok((check(Op::RenameFrom, from)?, check(Op::RenameTo, to)?))
}

fn allowed(op: Op, r: &Resolved) -> bool {
    let below = !r.is_top; // strictly inside one of the four folders
    match (r.area, op) {
        (Area::Other, _) => false,
        (Area::Root, Op::List | Op::Stat) => true,
        (Area::Root, _) => false,
        (_, Op::List | Op::Stat) => true,
        (Area::In, Op::Write | Op::MakeDir | Op::RenameFrom | Op::RenameTo) => below,
        (Area::Out, Op::Read | Op::Delete) => below,
        (Area::In | Area::Out, Op::SetAttributes) => below,
        (Area::Archive | Area::Error, Op::Read) => below,
        _ => false,
    }
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::List => "listing",
        Op::Stat => "stat",
        Op::Read => "download",
        Op::Write => "upload",
        Op::Delete => "delete",
        Op::MakeDir => "making a folder",
        Op::RemoveDir => "removing a folder",
        Op::RenameFrom | Op::RenameTo => "rename (only inside /in)",
        Op::SetAttributes => "changing a file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(op: Op, p: &str) -> bool {
        check(op, Path::new(p)).is_ok()
    }

    #[test]
    fn dot_dot_never_leaves_the_home() {
        for p in [
            "/../../etc/passwd",
            "../..",
            "/in/../../..",
            "in/../../other/out",
        ] {
            let r = resolve(Path::new(p)).unwrap();
            assert!(
                !r.rel.to_string_lossy().contains(".."),
                "{p} -> {:?}",
                r.rel
            );
        }
        assert_eq!(
            resolve(Path::new("/in/../../../out/x")).unwrap().rel,
            PathBuf::from("out/x")
        );
    }

    #[test]
    fn folder_rules_table() {
        // (operation, path, allowed, why)
        let table = [
            (Op::List, "/", true, "the home lists its four folders"),
            (Op::Write, "/x.xml", false, "nothing is written at the top"),
            (Op::Write, "/in/x.xml", true, "uploads go to in/"),
            (Op::Write, "/in/sub/x.xml", true, "and its sub-folders"),
            (Op::Write, "/in", false, "not over the folder itself"),
            (Op::Write, "/out/x.json", false, "out/ is Wharf's"),
            (Op::Write, "/archive/x", false, "archive/ is read-only"),
            (Op::Read, "/in/x.xml", false, "in/ is write-only"),
            (
                Op::Read,
                "/out/order_1.json",
                true,
                "the partner downloads out/",
            ),
            (
                Op::Delete,
                "/out/order_1.json",
                true,
                "deleting is the acknowledgment",
            ),
            (Op::Delete, "/in/x.xml", false, "no deleting inputs"),
            (
                Op::Delete,
                "/archive/2026-01-01/x.xml",
                false,
                "archive is kept",
            ),
            (
                Op::Read,
                "/archive/2026-01-01/x.xml",
                true,
                "archive downloads",
            ),
            (
                Op::Read,
                "/error/x.xml.error.txt",
                true,
                "error reports download",
            ),
            (Op::MakeDir, "/in/batch", true, "folders inside in/"),
            (Op::MakeDir, "/newdir", false, "no new top folders"),
            (Op::MakeDir, "/out/x", false, "nothing made in out/"),
            (Op::RemoveDir, "/in/batch", false, "folders stay"),
            (
                Op::SetAttributes,
                "/in/x.xml",
                true,
                "a client sets its upload's time",
            ),
            (
                Op::SetAttributes,
                "/out/x.csv",
                true,
                "accepted, changes nothing",
            ),
            (
                Op::SetAttributes,
                "/archive/d/x.xml",
                false,
                "the record of what came in",
            ),
            (
                Op::SetAttributes,
                "/error/x.xml",
                false,
                "the record of what came in",
            ),
            (
                Op::List,
                "/secret",
                false,
                "unknown top folders do not exist",
            ),
            (
                Op::Stat,
                "/in/x.xml.filepart",
                true,
                "resuming needs the size",
            ),
        ];
        for (op, path, want, why) in table {
            assert_eq!(ok(op, path), want, "{op:?} {path}: {why}");
        }
    }

    #[test]
    fn renames_stay_inside_in() {
        assert!(check_rename(Path::new("/in/a.filepart"), Path::new("/in/a.xml")).is_ok());
        assert!(check_rename(Path::new("/in/a.xml"), Path::new("/out/a.xml")).is_err());
        assert!(check_rename(Path::new("/out/a"), Path::new("/in/a")).is_err());
        assert!(check_rename(Path::new("/in"), Path::new("/in2")).is_err());
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(matches!(
            resolve(Path::new("/in/a\nb.xml")),
            Err(Denied::BadName(_))
        ));
    }
}
