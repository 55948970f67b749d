//! Writing files so that no one ever sees half of one, under names that never collide.
//!
//! Every output is written under a temporary dot-name in its destination folder, fsynced, and
//! renamed into place; the folder is fsynced after the rename so the name survives a crash
//! (INTERFACE §6, "Outputs are written under a temporary name in the same folder").

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `dir/name` atomically (temp name + fsync + rename + fsync of the folder).
/// An existing file of that name is replaced: callers choose names that are free, or that
/// hold the same content (a replay).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        let dest = dir.join(name);
        fs::rename(&tmp, &dest)?;
        sync_dir(dir)?;
        Ok(dest)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Suffix of an output staged under a hidden name, waiting to be published.
const STAGED: &str = ".wharf-staged";

/// The hidden name an output `name` is staged under (`.NAME.wharf-staged`): listings of
/// `out/` leave dot-names out, the start-up clean-up of temporary files keeps it, and a replay
/// finds it under the same name.
pub fn staged_name(name: &str) -> String {
    format!(".{name}{STAGED}")
}

/// Writes `bytes` to `dir/`[`staged_name`]`(name)` atomically, replacing an earlier copy.
pub fn stage(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    write_atomic(dir, &staged_name(name), bytes)
}

/// Renames the staged copy of `name` into place and makes the rename durable. Returns false
/// when nothing is staged under that name (it was published already).
pub fn publish(dir: &Path, name: &str) -> io::Result<bool> {
    match fs::rename(dir.join(staged_name(name)), dir.join(name)) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    }
    sync_dir(dir)?;
    Ok(true)
}

/// Whether `name` is one of [`write_atomic`]'s temporary names (`.NAME.PID-SEQ.tmp`).
pub fn is_outbox_temp(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let Some((_, tail)) = inner.rsplit_once('.') else {
        return false;
    };
    let Some((pid, seq)) = tail.split_once('-') else {
        return false;
    };
    !pid.is_empty()
        && !seq.is_empty()
        && pid.chars().all(|c| c.is_ascii_digit())
        && seq.chars().all(|c| c.is_ascii_digit())
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
            && is_outbox_temp(&e.file_name().to_string_lossy())
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

/// The first free name in `dir` for `name`: `name` itself, else `stem~2.ext`, `stem~3.ext`…
/// (INTERFACE §5). `also_taken` lets a caller reserve names that do not exist yet (a report
/// beside a data file).
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

/// Moves a file to `dest` (same file system), creating the folder, and makes the move durable.
pub fn move_file(src: &Path, dest: &Path) -> io::Result<()> {
    let dir = dest
        .parent()
        .ok_or_else(|| io::Error::other("destination has no folder"))?;
    fs::create_dir_all(dir)?;
    fs::rename(src, dest)?;
    sync_dir(dir)?;
    if let Some(src_dir) = src.parent() {
        sync_dir(src_dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_count_up_before_the_extension() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(free_name(d.path(), "x.xml", |_| false), "x.xml");
        fs::write(d.path().join("x.xml"), "1").unwrap();
        assert_eq!(free_name(d.path(), "x.xml", |_| false), "x~2.xml");
        fs::write(d.path().join("x~2.xml"), "2").unwrap();
        assert_eq!(free_name(d.path(), "x.xml", |_| false), "x~3.xml");
        assert_eq!(free_name(d.path(), "noext", |n| n == "noext"), "noext~2");
    }

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
        stage(d.path(), "o.json", b"1").unwrap();
        stage(d.path(), "o.json", b"2").unwrap();
        assert_eq!(remove_leftover_temps(d.path()), 0, "kept for the replay");
        assert!(!d.path().join("o.json").exists());
        assert!(publish(d.path(), "o.json").unwrap());
        assert_eq!(fs::read(d.path().join("o.json")).unwrap(), b"2");
        assert!(!publish(d.path(), "o.json").unwrap(), "published once");
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
