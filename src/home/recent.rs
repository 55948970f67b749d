//! Recent uploads, still shown to their partner after the pipeline has moved them.
//!
//! Clients finish an upload with more than the transfer: rclone stats the file (and over SFTP
//! sets its modification time), WinSCP renames its `.filepart` and then sets the time,
//! FileZilla asks `SIZE` and `MDTM`. Wharf processes an upload at once and moves it to
//! `archive/` or `error/`, so without this those follow-ups fail ("object not found") and the
//! client reports failure or uploads again. We chose to keep processing prompt and to show the
//! file a while longer instead of delaying processing by a quiet period: a delay would have to
//! outlast the slowest client's follow-ups, and `rclone check` run minutes later still lists
//! the folder.
//!
//! So every completed upload into `in/` is remembered here for [`SHOWN_FOR`]: the partner's
//! sessions (and only that partner's) see it in `stat` and in listings of its folder, with the
//! size it was uploaded with and the times a client set, as long as nothing else stands under
//! its name on disk. Setting the time of a completed upload goes here only: the file on disk
//! belongs to the pipeline, and changing it would look like a new upload. Nothing the partner
//! did not upload ever appears; the overlay holds no content (a download of `in/` is refused
//! anyway) and is forgotten at restart.

use super::{Kind, Meta};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How long a completed upload stays visible to its partner after it was moved away.
pub const SHOWN_FOR: Duration = Duration::from_secs(10 * 60);

/// Most uploads remembered per partner (the oldest are forgotten first).
const MOST_PER_PARTNER: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Shown {
    len: u64,
    modified: SystemTime,
    accessed: SystemTime,
    /// Times set by the client after the upload (shown instead of the disk's).
    times_set: bool,
    until: Instant,
}

type Partners = HashMap<String, HashMap<PathBuf, Shown>>;

/// Every partner's recent uploads (shared by all sessions).
#[derive(Debug, Clone, Default)]
pub struct Recent {
    inner: Arc<Mutex<Partners>>,
}

/// One partner's view of its recent uploads.
#[derive(Debug, Clone)]
pub struct RecentUploads {
    all: Recent,
    partner: String,
}

impl Recent {
    /// The view of one partner.
    pub fn of(&self, partner: &str) -> RecentUploads {
        RecentUploads {
            all: self.clone(),
            partner: partner.to_string(),
        }
    }

    fn with<T>(&self, partner: &str, f: impl FnOnce(&mut HashMap<PathBuf, Shown>) -> T) -> T {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mine = guard.entry(partner.to_string()).or_default();
        let now = Instant::now();
        mine.retain(|_, s| s.until > now);
        f(mine)
    }
}

impl RecentUploads {
    /// Remembers a completed upload at `rel` (relative to the home: `in/x.xml`).
    pub fn completed(&self, rel: &Path, meta: &Meta) {
        self.all.with(&self.partner, |mine| {
            if mine.len() >= MOST_PER_PARTNER
                && let Some(oldest) = mine
                    .iter()
                    .min_by_key(|(_, s)| s.until)
                    .map(|(p, _)| p.clone())
            {
                mine.remove(&oldest);
            }
            mine.insert(
                rel.to_path_buf(),
                Shown {
                    len: meta.len,
                    modified: meta.modified,
                    accessed: meta.accessed,
                    times_set: false,
                    until: Instant::now() + SHOWN_FOR,
                },
            );
        });
    }

    /// Forgets `rel` (renamed away, or deleted).
    pub fn forget(&self, rel: &Path) {
        self.all.with(&self.partner, |mine| {
            mine.remove(rel);
        });
    }

    /// Records times set by the client on the completed upload `rel`, whose disk metadata is
    /// `on_disk` when it is still there. False when `rel` is not a recent upload.
    pub fn set_times(&self, rel: &Path, on_disk: Option<&Meta>, modified: SystemTime) -> bool {
        self.all.with(&self.partner, |mine| {
            let entry = match (mine.get_mut(rel), on_disk) {
                (Some(s), _) => s,
                (None, Some(m)) if m.is_file() => mine.entry(rel.to_path_buf()).or_insert(Shown {
                    len: m.len,
                    modified: m.modified,
                    accessed: m.accessed,
                    times_set: false,
                    until: Instant::now() + SHOWN_FOR,
                }),
                (None, _) => return false,
            };
            entry.modified = modified;
            entry.accessed = modified;
            entry.times_set = true;
            entry.until = Instant::now() + SHOWN_FOR;
            true
        })
    }

    /// What the partner sees at `rel`: with the file still on disk (`on_disk`), the disk's
    /// metadata with the times the client set (if it set any and the file is the one it
    /// uploaded); without it, the upload as it was. `None`: nothing to change or show.
    pub fn shown(&self, rel: &Path, on_disk: Option<Meta>) -> Option<Meta> {
        self.all.with(&self.partner, |mine| {
            let s = mine.get(rel)?;
            match on_disk {
                Some(m) if m.is_file() && m.len == s.len && s.times_set => Some(Meta {
                    modified: s.modified,
                    accessed: s.accessed,
                    ..m
                }),
                Some(_) => None,
                None => Some(Meta {
                    kind: Kind::File,
                    len: s.len,
                    modified: s.modified,
                    accessed: s.accessed,
                }),
            }
        })
    }

    /// The recent uploads directly inside folder `dir` (the caller drops the names that are
    /// on disk: the disk wins).
    pub fn moved_away_in(&self, dir: &Path) -> Vec<(String, Meta)> {
        self.all.with(&self.partner, |mine| {
            mine.iter()
                .filter(|(p, _)| p.parent() == Some(dir))
                .filter_map(|(p, s)| {
                    let name = p.file_name()?.to_string_lossy().into_owned();
                    Some((
                        name,
                        Meta {
                            kind: Kind::File,
                            len: s.len,
                            modified: s.modified,
                            accessed: s.accessed,
                        },
                    ))
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(len: u64, secs: u64) -> Meta {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        Meta {
            kind: Kind::File,
            len,
            modified: t,
            accessed: t,
        }
    }

    #[test]
    fn an_upload_moved_away_is_still_shown_to_its_partner_only() {
        let recent = Recent::default();
        let mine = recent.of("acme");
        mine.completed(Path::new("in/a.xml"), &meta(10, 100));
        assert_eq!(mine.shown(Path::new("in/a.xml"), None), Some(meta(10, 100)));
        assert_eq!(recent.of("other").shown(Path::new("in/a.xml"), None), None);
        let listed = mine.moved_away_in(Path::new("in"));
        assert_eq!(listed, vec![("a.xml".to_string(), meta(10, 100))]);
        assert!(mine.moved_away_in(Path::new("in/sub")).is_empty());
        mine.forget(Path::new("in/a.xml"));
        assert_eq!(mine.shown(Path::new("in/a.xml"), None), None);
    }

    #[test]
    fn times_set_are_shown_and_the_disk_wins_otherwise() {
        let mine = Recent::default().of("acme");
        let disk = meta(10, 100);
        assert!(!mine.set_times(Path::new("in/none.xml"), None, SystemTime::now()));
        // Still on disk (the pipeline has not moved it yet): the time goes to the overlay.
        let set = SystemTime::UNIX_EPOCH + Duration::from_secs(5);
        assert!(mine.set_times(Path::new("in/a.xml"), Some(&disk), set));
        assert_eq!(
            mine.shown(Path::new("in/a.xml"), Some(disk))
                .map(|m| m.modified),
            Some(set)
        );
        // A different file now stands under the name: shown as it is.
        assert_eq!(mine.shown(Path::new("in/a.xml"), Some(meta(11, 200))), None);
        // Moved away: shown with the time set.
        assert_eq!(
            mine.shown(Path::new("in/a.xml"), None)
                .map(|m| (m.len, m.modified)),
            Some((10, set))
        );
    }
}
