//! The files waiting in a partner's `error/` folder: each rejected input (its path under `in/`
//! kept) with its report `NAME.error.txt` beside it. Listed for the console and counted for
//! `wharf_error_files`; symbolic links are neither followed nor listed.

use crate::config::Config;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// One rejected input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFile {
    /// The partner.
    pub partner: String,
    /// Its path under `error/` (`sub/x.xml`).
    pub rel: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last changed (its move into `error/`, or the upload).
    pub modified: Option<SystemTime>,
}

/// Every rejected input of `partner`, newest first.
pub fn list(config: &Config, partner: &str) -> Vec<ErrorFile> {
    let base = config.partner_home(partner).error_dir();
    let mut out = Vec::new();
    walk(&base, &base, &mut |rel, meta| {
        out.push(ErrorFile {
            partner: partner.to_owned(),
            rel,
            size: meta.len(),
            modified: meta.modified().ok(),
        })
    });
    out.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.rel.cmp(&b.rel)));
    out
}

/// How many rejected inputs `partner` has in `error/`.
pub fn count(config: &Config, partner: &str) -> usize {
    let base = config.partner_home(partner).error_dir();
    let mut n = 0;
    walk(&base, &base, &mut |_, _| n += 1);
    n
}

/// The disk path of `error/REL` of `partner`, when `rel` is a plain relative path to a
/// regular file (not a report, not through a symbolic link).
pub fn resolve(config: &Config, partner: &str, rel: &str) -> Option<PathBuf> {
    config.partner(partner)?;
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || crate::layout::is_report(rel)
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let base = config.partner_home(partner).error_dir();
    crate::home::first_link(&base, rel_path)
        .is_none()
        .then_some(())?;
    let path = base.join(rel_path);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    meta.is_file().then_some(path)
}

/// The report beside `error/REL`, if there is one.
pub fn report(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    std::fs::read_to_string(path.with_file_name(crate::layout::report_name(&name))).ok()
}

fn walk(base: &Path, dir: &Path, f: &mut dyn FnMut(String, std::fs::Metadata)) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if meta.is_dir() {
            walk(base, &path, f);
        } else if meta.is_file() && !crate::layout::is_report(&name) && !name.starts_with('.') {
            let rel = path
                .strip_prefix(base)
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or(name);
            f(rel, meta);
        }
    }
}
