//! Where everything is in the data folder: the one module that knows the folder names of a
//! partner home, the archive's day folders, `archive/sent/`, and the names of the report and
//! warnings files beside a settled input. Reserved and hidden names are in [`names`].
//!
//! ```text
//! DATA_DIR/
//!   wharf.redb                   the order store
//!   partners/NAME/               a partner's home (`/` to the partner)
//!     in/                        what the partner sends (sub-folders allowed)
//!     out/                       what Wharf sends the partner
//!     archive/YYYY-MM-DD/        accepted inputs, their path under in/ kept;
//!                                NAME.warnings.txt beside a file processed with DTD warnings
//!     archive/sent/YYYY-MM-DD/   pull mode: outputs dropped off on the partner's server
//!     error/                     rejected inputs, their path under in/ kept, NAME.error.txt beside
//! ```
//!
//! Dates are UTC. A name already taken where a file settles gets `~2`, `~3`… before its
//! extension ([`free_name`]).

pub mod names;

use std::ops::Deref;
use std::path::{Component, Path, PathBuf};

/// The folder holding the partner homes, in the data folder.
const PARTNERS: &str = "partners";
/// The store file, in the data folder.
const STORE_FILE: &str = "wharf.redb";
/// Under `archive/`: what pull mode dropped off on the partner's server.
const SENT: &str = "sent";
/// Ends a rejection report beside its input: `error/NAME.error.txt`.
const REPORT_SUFFIX: &str = ".error.txt";
/// Ends the DTD warnings beside an archived input: `archive/DAY/NAME.warnings.txt`.
const WARNINGS_SUFFIX: &str = ".warnings.txt";

/// The four folders of a partner home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Folder {
    /// `in/`: what the partner sends.
    In,
    /// `out/`: what Wharf sends the partner.
    Out,
    /// `archive/`: every accepted input, by day.
    Archive,
    /// `error/`: every rejected input, with its report.
    Error,
}

impl Folder {
    /// Every folder, in the order a listing of the home shows them.
    pub const ALL: [Folder; 4] = [Folder::In, Folder::Out, Folder::Archive, Folder::Error];

    /// The folder's name in the home.
    pub const fn name(self) -> &'static str {
        match self {
            Folder::In => "in",
            Folder::Out => "out",
            Folder::Archive => "archive",
            Folder::Error => "error",
        }
    }

    /// The folder called `name`, if it is one of the four.
    pub fn named(name: &str) -> Option<Folder> {
        Folder::ALL.into_iter().find(|f| f.name() == name)
    }

    /// A path under this folder as the partner and the logs see it: `in/sub/x.xml`.
    pub fn show(self, rel: &Path) -> String {
        format!("{}/{}", self.name(), rel.display())
    }
}

/// The names of the four folders of a partner home.
pub const FOLDERS: [&str; 4] = [
    Folder::In.name(),
    Folder::Out.name(),
    Folder::Archive.name(),
    Folder::Error.name(),
];

/// `DATA_DIR/partners`.
pub fn partners_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(PARTNERS)
}

/// The store file: `DATA_DIR/wharf.redb`.
pub fn store_file(data_dir: &Path) -> PathBuf {
    data_dir.join(STORE_FILE)
}

/// Where earlier versions kept a pull-mode partner's ledger: `DATA_DIR/remote/NAME.json` (now
/// in the store; read once to import it).
pub fn legacy_remote_ledger(data_dir: &Path, partner: &str) -> PathBuf {
    data_dir.join("remote").join(format!("{partner}.json"))
}

/// Today's archive day, `YYYY-MM-DD` in UTC.
pub fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

/// One partner home on disk: `DATA_DIR/partners/NAME`. Dereferences to its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeLayout {
    root: PathBuf,
}

impl HomeLayout {
    /// The home of partner `name` in `data_dir`.
    pub fn new(data_dir: &Path, name: &str) -> Self {
        HomeLayout {
            root: partners_dir(data_dir).join(name),
        }
    }

    /// The home folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// One of its four folders.
    pub fn folder(&self, folder: Folder) -> PathBuf {
        self.root.join(folder.name())
    }

    /// `in/`.
    pub fn in_dir(&self) -> PathBuf {
        self.folder(Folder::In)
    }

    /// `out/`.
    pub fn out_dir(&self) -> PathBuf {
        self.folder(Folder::Out)
    }

    /// `error/`.
    pub fn error_dir(&self) -> PathBuf {
        self.folder(Folder::Error)
    }

    /// `archive/DAY/`.
    pub fn archive_day(&self, day: &str) -> PathBuf {
        self.folder(Folder::Archive).join(day)
    }

    /// `archive/sent/DAY/`: pull mode's record of what it dropped off.
    pub fn sent_day(&self, day: &str) -> PathBuf {
        self.folder(Folder::Archive).join(SENT).join(day)
    }

    /// A path of this home as the partner sees it (`in/x.xml`); the path itself when it is not
    /// in the home.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

impl Deref for HomeLayout {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.root
    }
}

impl PartialEq<PathBuf> for HomeLayout {
    fn eq(&self, other: &PathBuf) -> bool {
        &self.root == other
    }
}

impl AsRef<Path> for HomeLayout {
    fn as_ref(&self) -> &Path {
        &self.root
    }
}

/// The rejection report beside `error/.../NAME`: `NAME.error.txt`.
pub fn report_name(name: &str) -> String {
    format!("{name}{REPORT_SUFFIX}")
}

/// Whether `name` is a rejection report.
pub fn is_report(name: &str) -> bool {
    name.ends_with(REPORT_SUFFIX)
}

/// The DTD warnings beside `archive/DAY/.../NAME`: `NAME.warnings.txt`.
pub fn warnings_name(name: &str) -> String {
    format!("{name}{WARNINGS_SUFFIX}")
}

/// The first free name in `dir` for `name`: `name` itself, else `stem~2.ext`, `stem~3.ext`…
/// `also_taken` lets a caller reserve names that do not exist yet (a report beside a data
/// file).
pub fn free_name(dir: &Path, name: &str, also_taken: impl Fn(&str) -> bool) -> String {
    let taken = |n: &str| also_taken(n) || dir.join(n).symlink_metadata().is_ok();
    if !taken(name) {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    (2u64..)
        .map(|i| format!("{stem}~{i}{ext}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| name.to_string())
}

/// Splits `x.tar.gz` into (`x.tar`, `.gz`), `.hidden` into (`.hidden`, ``).
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// `base/<rel's folders>` and `rel`'s file name: where `in/REL` goes under `error/` or
/// `archive/DAY/` (its path under `in/` kept).
pub fn beside(base: &Path, rel: &Path) -> (PathBuf, String) {
    let dir = match rel.parent() {
        Some(p) if !p.as_os_str().is_empty() => base.join(p),
        _ => base.to_path_buf(),
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "unnamed".to_string());
    (dir, name)
}

/// Splits `PARTNERS/NAME/FOLDER/REL` into (NAME, REL): whose file it is and its path under that
/// folder; `None` when `path` is not below `folder` of a home in `partners_dir`.
pub fn locate(partners_dir: &Path, path: &Path, folder: Folder) -> Option<(String, PathBuf)> {
    let rest = path.strip_prefix(partners_dir).ok()?;
    let mut comps = rest.components();
    let partner = match comps.next()? {
        Component::Normal(n) => n.to_string_lossy().into_owned(),
        _ => return None,
    };
    match comps.next()? {
        Component::Normal(n) if n == folder.name() => {}
        _ => return None,
    }
    let rel: PathBuf = comps.collect();
    if rel.as_os_str().is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some((partner, rel))
}

/// A settled input: a file in a partner's `error/` or `archive/DAY/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The partner's home.
    pub home: HomeLayout,
    /// The input's path under `in/` when it came (its path under `error/` or `archive/DAY/`).
    pub rel: PathBuf,
    /// From `error/` (a report may stand beside it), not `archive/`.
    pub from_error: bool,
}

/// Why a path is not a settled input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSettled {
    /// Not below a partner's `error/` or `archive/DAY/`.
    Elsewhere,
    /// In `archive/sent/`: a delivery, not an input.
    Delivery,
    /// A rejection report.
    Report,
}

/// Reads `.../partners/NAME/error/REL` or `.../partners/NAME/archive/DAY/REL` (`abs` absolute).
pub fn settled_input(abs: &Path) -> Result<Settled, NotSettled> {
    let comps: Vec<Component<'_>> = abs.components().collect();
    for i in (0..comps.len()).rev() {
        let Component::Normal(folder) = comps[i] else {
            continue;
        };
        let folder = folder.to_str().and_then(Folder::named);
        let from_error = folder == Some(Folder::Error);
        let from_archive = folder == Some(Folder::Archive);
        if !(from_error || from_archive)
            || i < 2
            || comps[i - 2] != Component::Normal(PARTNERS.as_ref())
        {
            continue;
        }
        let root: PathBuf = comps[..i].iter().collect();
        let skip = if from_archive { 2 } else { 1 }; // archive/YYYY-MM-DD/
        let rel: PathBuf = comps[i + skip..].iter().collect();
        if from_archive && comps.get(i + 1) == Some(&Component::Normal(SENT.as_ref())) {
            return Err(NotSettled::Delivery);
        }
        if rel.as_os_str().is_empty() {
            break;
        }
        if is_report(&rel.to_string_lossy()) {
            return Err(NotSettled::Report);
        }
        return Ok(Settled {
            home: HomeLayout { root },
            rel,
            from_error,
        });
    }
    Err(NotSettled::Elsewhere)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_count_up_before_the_extension() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(free_name(d.path(), "x.xml", |_| false), "x.xml");
        std::fs::write(d.path().join("x.xml"), "1").unwrap();
        assert_eq!(free_name(d.path(), "x.xml", |_| false), "x~2.xml");
        std::fs::write(d.path().join("x~2.xml"), "2").unwrap();
        assert_eq!(free_name(d.path(), "x.xml", |_| false), "x~3.xml");
        assert_eq!(free_name(d.path(), "noext", |n| n == "noext"), "noext~2");
    }

    #[test]
    fn the_folder_names_are_the_four() {
        let names: Vec<&str> = Folder::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names, FOLDERS);
        for f in Folder::ALL {
            assert_eq!(Folder::named(f.name()), Some(f));
        }
    }

    #[test]
    fn settled_inputs_are_read_back_from_their_path() {
        let s = settled_input(Path::new("/d/partners/uc/archive/2026-01-02/sub/a.xml")).unwrap();
        assert_eq!(s.home.root(), Path::new("/d/partners/uc"));
        assert_eq!(s.rel, Path::new("sub/a.xml"));
        assert!(!s.from_error);
        let s = settled_input(Path::new("/d/partners/uc/error/a.xml")).unwrap();
        assert!(s.from_error);
        for (p, why) in [
            (
                "/d/partners/uc/archive/sent/2026-01-02/a.csv",
                NotSettled::Delivery,
            ),
            ("/d/partners/uc/error/a.xml.error.txt", NotSettled::Report),
            ("/d/partners/uc/in/a.xml", NotSettled::Elsewhere),
        ] {
            assert_eq!(settled_input(Path::new(p)), Err(why), "{p}");
        }
    }
}
