//! The durable-file helpers: writing files so that no one ever sees half of one and a crash
//! never loses one, and moving them durably.
//!
//! Every output is written under a temporary dot-name in its destination folder
//! ([`output_temp_name`]), fsynced, and renamed into place; the folder is fsynced after the
//! rename so the name survives a crash. No one ever sees a half-written output under its real
//! name, and a crash leaves at worst a temp file, removed at the next start.

use crate::layout::names::{is_output_temp, output_temp_name, staged_name};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `dir/name` atomically (temp name + fsync + rename + fsync of the folder).
/// An existing file of that name is replaced: callers choose names that are free, or that
/// hold the same content (a replay).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let dest = write_unsynced_name(dir, name, bytes)?;
    sync_dir(dir)?;
    Ok(dest)
}

/// As [`write_atomic`], but the folder is not fsynced: the content is durable, the name is
/// not until the caller fsyncs `dir` (once for many files).
pub fn write_unsynced_name(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let tmp = dir.join(output_temp_name(name));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        let dest = dir.join(name);
        fs::rename(&tmp, &dest)?;
        Ok(dest)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `dir/`[`staged_name`]`(name)` atomically, replacing an earlier copy; the
/// folder is not fsynced (the caller fsyncs it once for many files).
pub fn stage_unsynced_name(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    write_unsynced_name(dir, &staged_name(name), bytes)
}

/// Renames the staged copy of `name` into place. Returns false when nothing is staged under that
/// name (it was published already). The folder is not fsynced: the caller fsyncs it once for
/// many files.
pub fn publish_unsynced(dir: &Path, name: &str) -> io::Result<bool> {
    match fs::rename(dir.join(staged_name(name)), dir.join(name)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes temporary files a crash left behind in `dir` and below (run at start-up, before
/// anything is written). Returns how many.
pub fn remove_leftover_temps(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            n += remove_leftover_temps(&path);
        } else if ft.is_file()
            && is_output_temp(&e.file_name().to_string_lossy())
            && fs::remove_file(&path).is_ok()
        {
            n += 1;
        }
    }
    n
}

/// Flushes a folder's entries (new names, renames) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Moves a file to `dest` (same file system), creating the folder, and makes the move durable.
pub fn move_file(src: &Path, dest: &Path) -> io::Result<()> {
    let dir = move_unsynced(src, dest)?;
    sync_dir(&dir)?;
    if let Some(src_dir) = src.parent() {
        sync_dir(src_dir)?;
    }
    Ok(())
}

/// Moves a file to `dest` (same file system), creating the folder; returns that folder. The
/// move is durable only once the caller fsyncs both folders (once for many moves).
pub fn move_unsynced(src: &Path, dest: &Path) -> io::Result<PathBuf> {
    let dir = dest
        .parent()
        .ok_or_else(|| io::Error::other("destination has no folder"))?;
    fs::create_dir_all(dir)?;
    fs::rename(src, dest)?;
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_temps_are_recognised_and_removed() {
        let d = tempfile::tempdir().unwrap();
        for n in [
            ".order_1.json.123-4.tmp",
            "order_1.json",
            ".x.filepart",
            ".a.tmp",
        ] {
            fs::write(d.path().join(n), "x").unwrap();
        }
        assert_eq!(remove_leftover_temps(d.path()), 1);
        assert!(d.path().join("order_1.json").exists());
        assert!(d.path().join(".a.tmp").exists(), "not ours");
    }

    #[test]
    fn a_staged_output_is_hidden_until_published_and_survives_the_clean_up() {
        let d = tempfile::tempdir().unwrap();
        stage_unsynced_name(d.path(), "o.json", b"1").unwrap();
        stage_unsynced_name(d.path(), "o.json", b"2").unwrap();
        assert_eq!(remove_leftover_temps(d.path()), 0, "kept for the replay");
        assert!(!d.path().join("o.json").exists());
        assert!(publish_unsynced(d.path(), "o.json").unwrap());
        assert_eq!(fs::read(d.path().join("o.json")).unwrap(), b"2");
        assert!(
            !publish_unsynced(d.path(), "o.json").unwrap(),
            "published once"
        );
        let names: Vec<_> = fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let d = tempfile::tempdir().unwrap();
        let p = write_atomic(d.path(), "a.json", b"{}").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"{}");
        let names: Vec<_> = fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
