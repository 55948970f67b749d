//! Every reserved or hidden name Wharf writes or recognises, in one place.
//!
//! | name | who makes it | meaning |
//! |---|---|---|
//! | `.NAME`, `NAME.tmp`, `.part`, `.partial`, `.filepart` | a client | a client's temp name: waits for its rename, never processed ([`is_temp_name`]) |
//! | `.NAME.uploading` | a transport, beside `in/NAME` | an upload in progress; one that survives a crash marks `NAME` as cut off ([`marker_for`]) |
//! | `.NAME.aborted-PID-N` | a transport or the scan | a failed upload set aside on its way to `error/` ([`quarantine_name`]) |
//! | `.NAME.cut-PID-N` | the start-up scan | an upload a crash cut off, set aside on its way to `error/`; the kind is in the name so that a second crash before its report still reports it as cut ([`cut_name`]) |
//! | `.NAME.wharf-staged` | the pipeline, in `out/` | an output written and waiting to be published under its name ([`staged_name`]) |
//! | `.NAME.PID-SEQ.tmp` | the durable writer | an output, report or ledger being written ([`output_temp_name`]) |
//! | `.NAME.download` | pull mode, in `in/` | a file being fetched from a partner's server ([`download_temp_name`]) |
//! | `.NAME.part` | pull mode, on the partner's server | a file being dropped off ([`remote_temp_name`]) |
//! | `FILE.tmp` | the demo | its credentials file being replaced ([`private_temp_name`]) |
//!
//! Every hidden name starts with `.`, so every one is also a client temp name: the watcher, the
//! start-up scan and the listings of `out/` leave them all alone.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Endings that mark a client's temp name, compared case-insensitively.
const TEMP_ENDINGS: [&str; 4] = [".tmp", ".part", ".partial", ".filepart"];
/// Ends an upload marker: `.NAME.uploading`.
const MARKER: &str = ".uploading";
/// Marks a quarantined partial upload: `.NAME.aborted-PID-N`.
const QUARANTINE: &str = ".aborted-";
/// Marks a quarantined upload that a crash cut off: `.NAME.cut-PID-N`.
const CUT: &str = ".cut-";
/// Ends an output staged before it is published: `.NAME.wharf-staged`.
const STAGED: &str = ".wharf-staged";
/// Ends a pull-mode download in progress: `.NAME.download`.
const DOWNLOAD: &str = ".download";
/// Ends a drop-off in progress on a partner's server: `.NAME.part`.
const REMOTE_TEMP: &str = ".part";

static QUARANTINE_SEQ: AtomicU64 = AtomicU64::new(0);
static OUTPUT_SEQ: AtomicU64 = AtomicU64::new(0);

/// True for a name that waits for its rename: names starting with `.` or ending in `.tmp`,
/// `.part`, `.partial` or `.filepart` (WinSCP). Such a file is never processed; it can be
/// resumed, and is removed a day after its last change.
pub fn is_temp_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.') || TEMP_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// The marker path for an upload to `path` (`in/.NAME.uploading` for `in/NAME`), or `None` for
/// a client temp name (never processed, so never marked).
pub fn marker_for(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    if is_temp_name(&name) {
        return None;
    }
    Some(path.with_file_name(format!(".{name}{MARKER}")))
}

/// The upload a marker name stands for (`.NAME.uploading` → `NAME`).
pub fn marked_name(marker_name: &str) -> Option<&str> {
    let inner = marker_name.strip_prefix('.')?.strip_suffix(MARKER)?;
    (!inner.is_empty()).then_some(inner)
}

/// The hidden name a failed upload is moved to before it is reported (a temp name, so the
/// watcher and the scan never take it for an input).
pub fn quarantine_name(name: &str) -> String {
    hidden_name(name, QUARANTINE)
}

/// The hidden name an upload cut off by a crash is moved to (as [`quarantine_name`]).
pub fn cut_name(name: &str) -> String {
    hidden_name(name, CUT)
}

fn hidden_name(name: &str, kind: &str) -> String {
    let n = QUARANTINE_SEQ.fetch_add(1, Ordering::Relaxed);
    format!(".{name}{kind}{}-{n}", std::process::id())
}

/// Whether `name` is a [`cut_name`].
pub fn was_cut(name: &str) -> bool {
    original_name(name).is_some() && name.rfind(CUT) > name.rfind(QUARANTINE)
}

/// The hidden name an output `name` is staged under (`.NAME.wharf-staged`): listings of
/// `out/` leave dot-names out, the start-up clean-up of temporary files keeps it, and a replay
/// finds it under the same name.
pub fn staged_name(name: &str) -> String {
    format!(".{name}{STAGED}")
}

/// The original name of a quarantined upload, if `name` is one.
pub fn original_name(name: &str) -> Option<String> {
    let inner = name.strip_prefix('.')?;
    let i = [QUARANTINE, CUT]
        .iter()
        .filter_map(|kind| inner.rfind(kind))
        .max()?;
    (i > 0).then(|| inner[..i].to_string())
}

/// A fresh temporary name for writing `name` in its folder: `.NAME.PID-SEQ.tmp`.
pub fn output_temp_name(name: &str) -> String {
    let seq = OUTPUT_SEQ.fetch_add(1, Ordering::Relaxed);
    format!(".{name}.{}-{seq}.tmp", std::process::id())
}

/// Whether `name` is one of [`output_temp_name`]'s names (`.NAME.PID-SEQ.tmp`): a write a
/// crash cut short, removed at the next start.
pub fn is_output_temp(name: &str) -> bool {
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

/// The name a file fetched from a partner's server has in `in/` until it is complete and
/// fsynced: `.NAME.download`.
pub fn download_temp_name(name: &str) -> String {
    format!(".{name}{DOWNLOAD}")
}

/// The name a file dropped off on a partner's server has there until it is renamed into
/// place: `.NAME.part` (a temp name partners' own servers and scripts skip).
pub fn remote_temp_name(name: &str) -> String {
    format!(".{name}{REMOTE_TEMP}")
}

/// The name of a private file's replacement while it is written (`FILE.tmp` beside `FILE`).
pub fn private_temp_name(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names() {
        for (name, temp) in [
            ("a.xml", false),
            ("a.xml.filepart", true),
            ("a.XML.PART", true),
            ("a.partial", true),
            ("a.tmp", true),
            (".a.xml", true),
            ("parted.xml", false),
            ("tmp.xml", false),
        ] {
            assert_eq!(is_temp_name(name), temp, "{name}");
        }
    }

    #[test]
    fn marker_names_round_trip_and_skip_temp_names() {
        let m = marker_for(Path::new("/h/in/a.xml")).unwrap();
        assert_eq!(m, Path::new("/h/in/.a.xml.uploading"));
        assert_eq!(marked_name(".a.xml.uploading"), Some("a.xml"));
        assert!(
            is_temp_name(".a.xml.uploading"),
            "the watcher ignores markers"
        );
        assert_eq!(marker_for(Path::new("/h/in/a.xml.filepart")), None);
        assert_eq!(marked_name(".uploading"), None);
        assert_eq!(marked_name("a.xml"), None);
    }

    #[test]
    fn quarantine_names_hide_and_keep_the_original() {
        let q = quarantine_name("big.xml");
        assert!(is_temp_name(&q));
        assert_eq!(original_name(&q).as_deref(), Some("big.xml"));
        assert!(!was_cut(&q));
        let c = cut_name("a.cut-1.xml");
        assert!(is_temp_name(&c) && was_cut(&c));
        assert_eq!(original_name(&c).as_deref(), Some("a.cut-1.xml"));
        assert!(!was_cut(&quarantine_name("a.cut-1.xml")));
        assert_eq!(original_name(".plain"), None);
        assert_eq!(original_name("x.xml"), None);
    }

    #[test]
    fn every_hidden_name_is_a_temp_name() {
        for name in [
            output_temp_name("order_1.json"),
            download_temp_name("a.xml"),
            remote_temp_name("ship_1.csv"),
            quarantine_name("a.xml"),
            cut_name("a.xml"),
            staged_name("order_1.json"),
        ] {
            assert!(is_temp_name(&name), "{name}");
        }
        assert!(is_output_temp(&output_temp_name("order_1.json")));
        assert!(!is_output_temp(".a.tmp"));
        assert!(
            !is_output_temp(&staged_name("order_1.json")),
            "a staged output survives the start-up clean-up"
        );
    }
}
