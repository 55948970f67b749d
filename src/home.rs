//! A partner's home as every transport sees it: [`policy`](crate::policy) decides, then the
//! operation runs through a `cap_std::fs::Dir` opened on the home, so neither `..`, an absolute
//! path nor a symlink planted on disk reaches outside it. Errors are protocol-neutral
//! ([`HomeError`]); each transport maps them to its replies once.
//!
//! The operations are blocking (cap-std is synchronous); async transports call them through
//! `spawn_blocking`.

use crate::policy::{self, Denied, Op, Resolved};
use cap_std::fs::{Dir, Metadata, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a file operation failed, whatever the protocol.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    /// Refused by the folder rules (or an escape attempt).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// No such file or folder.
    #[error("no such file or folder")]
    NotFound,
    /// It already exists.
    #[error("already exists")]
    Exists,
    /// A file where a folder is needed or the other way round, a folder not empty, and the like.
    #[error("not possible here: {0}")]
    Unavailable(String),
    /// The disk is full.
    #[error("no space left")]
    NoSpace,
    /// Anything else.
    #[error("local error: {0}")]
    Io(io::Error),
}

impl From<io::Error> for HomeError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => HomeError::NotFound,
            io::ErrorKind::AlreadyExists => HomeError::Exists,
            // cap-std refuses escapes (`..` past the root, symlinks leading out) this way.
            io::ErrorKind::PermissionDenied => {
                HomeError::Denied(Denied::Permission("outside the home".into()))
            }
            io::ErrorKind::StorageFull => HomeError::NoSpace,
            io::ErrorKind::IsADirectory
            | io::ErrorKind::NotADirectory
            | io::ErrorKind::DirectoryNotEmpty => HomeError::Unavailable(e.to_string()),
            _ => match e.raw_os_error() {
                Some(libc::ELOOP) | Some(libc::EXDEV) => {
                    HomeError::Denied(Denied::Permission("outside the home".into()))
                }
                Some(libc::ENOSPC) => HomeError::NoSpace,
                _ => HomeError::Io(e),
            },
        }
    }
}

/// One entry of a folder listing.
#[derive(Debug)]
pub struct Entry {
    /// The name in its folder.
    pub name: String,
    /// Its metadata (of the link itself for a symlink).
    pub meta: Metadata,
}

/// A partner home, opened once per session.
#[derive(Debug, Clone)]
pub struct Home {
    dir: Arc<Dir>,
    abs: PathBuf,
}

impl Home {
    /// Opens the home at `abs` (which must exist).
    pub fn open(abs: &Path) -> io::Result<Home> {
        let dir = Dir::open_ambient_dir(abs, cap_std::ambient_authority())?;
        Ok(Home {
            dir: Arc::new(dir),
            abs: abs.to_path_buf(),
        })
    }

    /// The home's path on disk.
    pub fn path(&self) -> &Path {
        &self.abs
    }

    /// Where a resolved path is on disk (for the intake and for logs; never opened by path).
    pub fn disk_path(&self, r: &Resolved) -> PathBuf {
        self.abs.join(&r.rel)
    }

    /// Metadata of a file or folder (not following a final symlink).
    pub fn stat(&self, path: &Path) -> Result<(Resolved, Metadata), HomeError> {
        let r = policy::check(Op::Stat, path)?;
        let meta = if r.rel.as_os_str().is_empty() {
            self.dir.dir_metadata()?
        } else {
            self.dir.symlink_metadata(&r.rel)?
        };
        Ok((r, meta))
    }

    /// The entries of a folder. Dot-names in `out/` (outputs being written) are not shown.
    pub fn list(&self, path: &Path) -> Result<Vec<Entry>, HomeError> {
        let r = policy::check(Op::List, path)?;
        let hide_dot = r.area == policy::Area::Out;
        let at_root = r.rel.as_os_str().is_empty();
        let mut out = Vec::new();
        for entry in self.dir.read_dir(r.for_dir())? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if (hide_dot && name.starts_with('.'))
                || crate::intake::markers::marked_name(&name).is_some()
                || (at_root && !policy::FOLDERS.contains(&name.as_str()))
            {
                continue;
            }
            let meta = entry.metadata()?;
            out.push(Entry { name, meta });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Opens a file to download, positioned at `offset`.
    pub fn open_read(&self, path: &Path, offset: u64) -> Result<std::fs::File, HomeError> {
        use std::io::{Seek, SeekFrom};
        let r = policy::check(Op::Read, path)?;
        let mut f = self.dir.open(&r.rel)?.into_std();
        if !f.metadata()?.is_file() {
            return Err(HomeError::Unavailable("not a file".into()));
        }
        if offset > 0 {
            f.seek(SeekFrom::Start(offset))?;
        }
        Ok(f)
    }

    /// Opens a file to upload: created or truncated at `offset` (0 = from the start, more =
    /// resuming), positioned there.
    pub fn open_write(
        &self,
        path: &Path,
        offset: u64,
    ) -> Result<(Resolved, std::fs::File), HomeError> {
        use std::io::{Seek, SeekFrom};
        let r = policy::check(Op::Write, path)?;
        if let Ok(m) = self.dir.symlink_metadata(&r.rel)
            && !m.is_file()
        {
            return Err(HomeError::Unavailable("not a regular file".into()));
        }
        let mut oo = OpenOptions::new();
        oo.write(true).create(true);
        let f = self.dir.open_with(&r.rel, &oo)?.into_std();
        f.set_len(offset)?;
        let mut f = f;
        f.seek(SeekFrom::Start(offset))?;
        Ok((r, f))
    }

    /// Deletes a file (in `out/`: the partner's acknowledgment).
    pub fn remove_file(&self, path: &Path) -> Result<Resolved, HomeError> {
        let r = policy::check(Op::Delete, path)?;
        self.dir.remove_file(&r.rel)?;
        Ok(r)
    }

    /// Makes a folder.
    pub fn make_dir(&self, path: &Path) -> Result<Resolved, HomeError> {
        let r = policy::check(Op::MakeDir, path)?;
        self.dir.create_dir(&r.rel)?;
        Ok(r)
    }

    /// Removes a folder.
    pub fn remove_dir(&self, path: &Path) -> Result<Resolved, HomeError> {
        let r = policy::check(Op::RemoveDir, path)?;
        self.dir.remove_dir(&r.rel)?;
        Ok(r)
    }

    /// Renames inside `in/`; returns the target.
    pub fn rename(&self, from: &Path, to: &Path) -> Result<Resolved, HomeError> {
        let (f, t) = policy::check_rename(from, to)?;
        let meta = self.dir.symlink_metadata(&f.rel)?;
        if !(meta.is_file() || meta.is_dir()) {
            return Err(HomeError::Unavailable(
                "only files and folders can be renamed".into(),
            ));
        }
        self.dir.rename(&f.rel, &self.dir, &t.rel)?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> (tempfile::TempDir, Home) {
        let d = tempfile::tempdir().unwrap();
        let h = d.path().join("p");
        for f in policy::FOLDERS {
            std::fs::create_dir_all(h.join(f)).unwrap();
        }
        (d, Home::open(&h).unwrap())
    }

    #[test]
    fn a_planted_symlink_does_not_lead_out() {
        let (d, h) = home();
        std::fs::write(d.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(d.path().join("secret.txt"), h.path().join("out/link")).unwrap();
        std::os::unix::fs::symlink("../../secret.txt", h.path().join("out/rel")).unwrap();
        for p in ["/out/link", "/out/rel"] {
            let e = h.open_read(Path::new(p), 0).unwrap_err();
            assert!(matches!(e, HomeError::Denied(_)), "{p}: {e:?}");
        }
    }

    #[test]
    fn dot_dot_stays_home() {
        let (d, h) = home();
        std::fs::write(d.path().join("secret.txt"), "s").unwrap();
        let e = h.open_read(Path::new("/../secret.txt"), 0).unwrap_err();
        assert!(matches!(e, HomeError::Denied(_)), "{e:?}");
    }

    #[test]
    fn the_root_lists_only_the_four_folders() {
        let (_d, h) = home();
        std::fs::write(h.path().join("stray.txt"), "x").unwrap();
        let names: Vec<_> = h
            .list(Path::new("/"))
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["archive", "error", "in", "out"]);
    }
}
