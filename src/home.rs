//! A partner's home as every transport sees it: [`policy`](crate::policy) decides, then the
//! operation runs through a `cap_std::fs::Dir` opened on the home, so neither `..`, an absolute
//! path nor a symlink planted on disk reaches outside it; and no symlink anywhere in the home
//! is followed, even one that stays inside it ([`links`]). Errors are protocol-neutral
//! ([`HomeError`]); each transport maps them to its replies once.
//!
//! A home opened for a partner's sessions (through
//! [`Uploads::open_home`](crate::upload::Uploads::open_home)) also shows the partner's recent
//! uploads that the pipeline has already moved away ([`RecentUploads`]): clients stat, list or
//! set the time of a file right after uploading it, and must not see it vanish.
//!
//! The operations are blocking (cap-std is synchronous); async transports call them through
//! `spawn_blocking`.

mod links;
mod recent;

pub use links::first_link;
pub use recent::{Recent, RecentUploads, SHOWN_FOR};

use crate::policy::{self, Denied, Op, Resolved};
use cap_std::fs::{Dir, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Why a file operation failed, whatever the protocol.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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

/// What a transport may show of a file or folder, whatever the protocol: from the disk, or
/// from the overlay of recent uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// What it is.
    pub kind: Kind,
    /// Size in bytes.
    pub len: u64,
    /// Last modification.
    pub modified: SystemTime,
    /// Last access.
    pub accessed: SystemTime,
}

/// The kinds of entries a home holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A symbolic link (never followed; shown as what it is).
    Symlink,
    /// Anything else (a socket, a device...).
    Other,
}

impl Kind {
    fn of(is_symlink: bool, is_dir: bool, is_file: bool) -> Kind {
        if is_symlink {
            Kind::Symlink
        } else if is_dir {
            Kind::Dir
        } else if is_file {
            Kind::File
        } else {
            Kind::Other
        }
    }
}

impl Meta {
    /// Whether it is a folder.
    pub fn is_dir(&self) -> bool {
        self.kind == Kind::Dir
    }

    /// Whether it is a regular file.
    pub fn is_file(&self) -> bool {
        self.kind == Kind::File
    }

    /// Whether it is a symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.kind == Kind::Symlink
    }
}

impl From<&std::fs::Metadata> for Meta {
    fn from(m: &std::fs::Metadata) -> Self {
        let ft = m.file_type();
        Meta {
            kind: Kind::of(ft.is_symlink(), ft.is_dir(), ft.is_file()),
            len: m.len(),
            modified: m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            accessed: m.accessed().unwrap_or(SystemTime::UNIX_EPOCH),
        }
    }
}

impl From<&cap_std::fs::Metadata> for Meta {
    fn from(m: &cap_std::fs::Metadata) -> Self {
        let ft = m.file_type();
        let time = |t: io::Result<cap_std::time::SystemTime>| {
            t.map(cap_std::time::SystemTime::into_std)
                .unwrap_or(SystemTime::UNIX_EPOCH)
        };
        Meta {
            kind: Kind::of(ft.is_symlink(), ft.is_dir(), ft.is_file()),
            len: m.len(),
            modified: time(m.modified()),
            accessed: time(m.accessed()),
        }
    }
}

/// One entry of a folder listing.
#[derive(Debug)]
pub struct Entry {
    /// The name in its folder.
    pub name: String,
    /// Its metadata (of the link itself for a symlink).
    pub meta: Meta,
}

/// A partner home, opened once per session.
#[derive(Debug, Clone)]
pub struct Home {
    dir: Arc<Dir>,
    abs: PathBuf,
    /// The partner's recent uploads, shown after the pipeline moved them (sessions only).
    recent: Option<RecentUploads>,
}

impl Home {
    /// Opens the home at `abs` (which must exist), as it is on disk.
    pub fn open(abs: &Path) -> io::Result<Home> {
        let dir = Dir::open_ambient_dir(abs, cap_std::ambient_authority())?;
        Ok(Home {
            dir: Arc::new(dir),
            abs: abs.to_path_buf(),
            recent: None,
        })
    }

    /// Opens the home at `abs` for a partner's session: with its recent uploads shown.
    pub(crate) fn open_with_recent(abs: &Path, recent: RecentUploads) -> io::Result<Home> {
        let mut home = Home::open(abs)?;
        home.recent = Some(recent);
        Ok(home)
    }

    /// The partner's recent uploads, when this home shows them.
    pub(crate) fn recent(&self) -> Option<&RecentUploads> {
        self.recent.as_ref()
    }

    /// The home's path on disk.
    pub fn path(&self) -> &Path {
        &self.abs
    }

    /// Where a resolved path is on disk (for the intake and for logs; never opened by path).
    pub fn disk_path(&self, r: &Resolved) -> PathBuf {
        self.abs.join(&r.rel)
    }

    /// Metadata of a file or folder (not following a final symlink). A recent upload the
    /// pipeline has moved away is still shown, with the times its client set.
    pub fn stat(&self, path: &Path) -> Result<(Resolved, Meta), HomeError> {
        let r = policy::check(Op::Stat, path)?;
        let (r, meta) = self.stat_shown(r)?;
        Ok((r, meta))
    }

    /// Metadata as the disk has it (no overlay), for a path already checked.
    pub(crate) fn stat_on_disk(&self, r: &Resolved) -> Result<Meta, HomeError> {
        links::refuse_links(&self.dir, &r.rel)?;
        let meta = if r.rel.as_os_str().is_empty() {
            self.dir.dir_metadata()?
        } else {
            self.dir.symlink_metadata(&r.rel)?
        };
        Ok(Meta::from(&meta))
    }

    fn stat_shown(&self, r: Resolved) -> Result<(Resolved, Meta), HomeError> {
        let on_disk = self.stat_on_disk(&r);
        let Some(recent) = self.recent.as_ref().filter(|_| r.area == policy::Area::In) else {
            return Ok((r, on_disk?));
        };
        match on_disk {
            Ok(m) => Ok((r.clone(), recent.shown(&r.rel, Some(m)).unwrap_or(m))),
            Err(HomeError::NotFound) => match recent.shown(&r.rel, None) {
                Some(m) => Ok((r, m)),
                None => Err(HomeError::NotFound),
            },
            Err(e) => Err(e),
        }
    }

    /// The entries of a folder. Dot-names in `out/` (outputs being written) are not shown.
    pub fn list(&self, path: &Path) -> Result<Vec<Entry>, HomeError> {
        let r = policy::check(Op::List, path)?;
        links::refuse_links(&self.dir, &r.rel)?;
        let hide_dot = r.area == policy::Area::Out;
        let at_root = r.rel.as_os_str().is_empty();
        let mut out = Vec::new();
        for entry in self.dir.read_dir(r.for_dir())? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if (hide_dot && name.starts_with('.'))
                || crate::layout::names::marked_name(&name).is_some()
                || (at_root && !crate::layout::FOLDERS.contains(&name.as_str()))
            {
                continue;
            }
            let meta = Meta::from(&entry.metadata()?);
            if meta.is_symlink() {
                tracing::warn!(link = %r.rel.join(&name).display(), "a symbolic link in a partner home: not listed, links are never followed");
                continue;
            }
            out.push(Entry { name, meta });
        }
        if let Some(recent) = self.recent.as_ref().filter(|_| r.area == policy::Area::In) {
            for e in &mut out {
                if let Some(m) = recent.shown(&r.rel.join(&e.name), Some(e.meta)) {
                    e.meta = m;
                }
            }
            for (name, meta) in recent.moved_away_in(&r.rel) {
                if !out.iter().any(|e| e.name == name) {
                    out.push(Entry { name, meta });
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Opens a file to download, positioned at `offset`.
    pub fn open_read(&self, path: &Path, offset: u64) -> Result<std::fs::File, HomeError> {
        use std::io::{Seek, SeekFrom};
        let r = policy::check(Op::Read, path)?;
        links::refuse_links(&self.dir, &r.rel)?;
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
        links::refuse_links(&self.dir, &r.rel)?;
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

    /// Sets a file's modification (and access) time on disk; a folder's is left as it is.
    pub(crate) fn set_modified(&self, r: &Resolved, t: SystemTime) -> Result<(), HomeError> {
        links::refuse_links(&self.dir, &r.rel)?;
        let f = self.dir.open(&r.rel)?.into_std();
        if f.metadata()?.is_file() {
            f.set_times(std::fs::FileTimes::new().set_modified(t).set_accessed(t))?;
        }
        Ok(())
    }

    /// Deletes a file (in `out/`: the partner's acknowledgment).
    pub fn remove_file(&self, path: &Path) -> Result<Resolved, HomeError> {
        let r = policy::check(Op::Delete, path)?;
        links::refuse_links(&self.dir, &r.rel)?;
        self.dir.remove_file(&r.rel)?;
        Ok(r)
    }

    /// Makes a folder.
    pub fn make_dir(&self, path: &Path) -> Result<Resolved, HomeError> {
        let r = policy::check(Op::MakeDir, path)?;
        links::refuse_links(&self.dir, &r.rel)?;
        self.dir.create_dir(&r.rel)?;
        Ok(r)
    }

    /// Removes a folder.
    pub fn remove_dir(&self, path: &Path) -> Result<Resolved, HomeError> {
        let r = policy::check(Op::RemoveDir, path)?;
        links::refuse_links(&self.dir, &r.rel)?;
        self.dir.remove_dir(&r.rel)?;
        Ok(r)
    }

    /// Renames inside `in/`; returns the target.
    pub fn rename(&self, from: &Path, to: &Path) -> Result<Resolved, HomeError> {
        let (f, t) = policy::check_rename(from, to)?;
        links::refuse_links(&self.dir, &f.rel)?;
        links::refuse_links(&self.dir, &t.rel)?;
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
        for f in crate::layout::FOLDERS {
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
    fn no_operation_goes_through_a_link_anywhere_in_the_home() {
        let (d, h) = home();
        let elsewhere = d.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("x.xml"), "outside").unwrap();
        std::fs::write(h.path().join("out/order_1.json"), "{}").unwrap();
        std::os::unix::fs::symlink(&elsewhere, h.path().join("in/shared")).unwrap();
        std::os::unix::fs::symlink("../out", h.path().join("in/outlink")).unwrap();
        std::os::unix::fs::symlink("order_1.json", h.path().join("out/alias.json")).unwrap();
        let denied = |r: Result<(), HomeError>, what: &str| {
            assert!(matches!(r, Err(HomeError::Denied(_))), "{what}: {r:?}");
        };
        for p in [
            "/in/shared/x.xml",
            "/in/outlink/order_1.json",
            "/out/alias.json",
        ] {
            denied(h.open_read(Path::new(p), 0).map(drop), p);
            denied(h.stat(Path::new(p)).map(drop), p);
        }
        for p in ["/in/shared/new.xml", "/in/outlink/new.json"] {
            denied(h.open_write(Path::new(p), 0).map(drop), p);
        }
        denied(h.make_dir(Path::new("/in/outlink/sub")).map(drop), "mkdir");
        denied(h.list(Path::new("/in/outlink")).map(drop), "list");
        denied(
            h.remove_file(Path::new("/out/alias.json")).map(drop),
            "delete",
        );
        denied(
            h.rename(Path::new("/in/shared/x.xml"), Path::new("/in/x.xml"))
                .map(drop),
            "rename out of a link",
        );
        denied(
            h.rename(Path::new("/in/outlink"), Path::new("/in/o2"))
                .map(drop),
            "rename a link",
        );
        // Nothing moved, nothing was written through the links.
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("x.xml")).unwrap(),
            "outside"
        );
        assert!(!h.path().join("out/new.json").exists());
        assert!(!h.path().join("out/sub").exists());
        // Listings leave links out.
        let names: Vec<_> = h
            .list(Path::new("/in"))
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert!(names.is_empty(), "{names:?}");
        let names: Vec<_> = h
            .list(Path::new("/out"))
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["order_1.json"]);
        // The pipeline's path walk finds the same links.
        assert_eq!(
            first_link(&h.path().join("in"), Path::new("shared/x.xml")),
            Some(h.path().join("in/shared"))
        );
        assert_eq!(first_link(&h.path().join("in"), Path::new("a.xml")), None);
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
