//! One queue of arrivals from every source: completed uploads reported by the transports,
//! files placed in `in/` by other means (the [`watcher`]), and the start-up [`scan`].
//!
//! The queue holds paths, not content: a file is read when its turn comes, and a path already
//! waiting is not queued twice. The queue is unbounded on purpose — each entry is a distinct
//! file on disk, so it cannot grow beyond what `in/` holds, and a transport must never block
//! on the pipeline. Uploads still being written are tracked in an [`UploadRegistry`] so no
//! other source can hand the pipeline a half-written file.

pub mod markers;
pub mod requeue;
pub mod scan;
pub mod sweep;
mod uploads;
pub mod watcher;

pub use uploads::{DownloadGuard, UploadGuard, UploadRegistry};

use crate::layout::names::{is_temp_name, original_name};
use crate::layout::{self, Folder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// The reason an upload cut off by a crash goes to `error/` with.
pub fn cut_reason(bytes: u64) -> String {
    format!("the upload was cut off when Wharf stopped, after {bytes} bytes")
}

/// Where an arrival was noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An FTP upload or rename completed.
    Ftp,
    /// The file-system watcher saw a file written or moved into `in/`.
    Watcher,
    /// Found by the start-up scan.
    Scan,
    /// An SFTP write handle closed, or a rename into `in/` over SFTP.
    Sftp,
    /// Pull mode: fetched from the partner's own server, or taken from it.
    Remote,
}

impl Via {
    /// Short name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Ftp => "ftp",
            Via::Watcher => "watcher",
            Via::Scan => "scan",
            Via::Sftp => "sftp",
            Via::Remote => "remote",
        }
    }
}

/// What happened to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A complete file in `in/`, to process.
    Input,
    /// An upload the transport knows failed: the file goes to `error/` with this reason,
    /// unprocessed.
    Aborted(String),
    /// The partner deleted this file from its `out/`: its acknowledgment.
    Taken,
}

/// A file waiting to be processed (or an acknowledgment to record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// The partner whose folder holds it.
    pub partner: String,
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Its path under the partner's `in/` (`sub/x.xml`), or under `out/` for [`Kind::Taken`].
    pub rel: PathBuf,
    /// Who noticed it.
    pub via: Via,
    /// What happened.
    pub kind: Kind,
}

/// The sending side, cloned into every source.
#[derive(Clone, Debug)]
pub struct Intake {
    tx: mpsc::UnboundedSender<Arrival>,
    pending: Arc<Mutex<HashSet<PathBuf>>>,
    partners_dir: PathBuf,
    uploads: UploadRegistry,
}

/// The receiving side, owned by the pipeline.
#[derive(Debug)]
pub struct Queue {
    rx: mpsc::UnboundedReceiver<Arrival>,
    pending: Arc<Mutex<HashSet<PathBuf>>>,
}

impl Intake {
    /// A new queue for the partner homes under `partners_dir` (`DATA_DIR/partners`).
    pub fn new(partners_dir: PathBuf) -> (Intake, Queue) {
        let (tx, rx) = mpsc::unbounded_channel();
        let pending = Arc::new(Mutex::new(HashSet::new()));
        (
            Intake {
                tx,
                pending: pending.clone(),
                partners_dir,
                uploads: UploadRegistry::default(),
            },
            Queue { rx, pending },
        )
    }

    /// Uploads in progress, shared with the transports.
    pub fn uploads(&self) -> &UploadRegistry {
        &self.uploads
    }

    /// The folder holding the partner homes.
    pub fn partners_dir(&self) -> &Path {
        &self.partners_dir
    }

    /// Queues `path` if it is a file under some partner's `in/`, not a temp name, and not
    /// already waiting. Returns whether it was queued.
    pub fn submit(&self, path: &Path, via: Via) -> bool {
        let Some((partner, rel)) = self.locate(path, Folder::In) else {
            return false;
        };
        let name = rel.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.as_deref().is_none_or(is_temp_name) {
            tracing::debug!(path = %path.display(), "temp name: waits for its rename");
            return false;
        }
        {
            let Ok(mut pending) = self.pending.lock() else {
                return false;
            };
            if !pending.insert(path.to_path_buf()) {
                return false;
            }
        }
        let arrival = Arrival {
            partner,
            path: path.to_path_buf(),
            rel,
            via,
            kind: Kind::Input,
        };
        self.tx.send(arrival).is_ok()
    }

    /// Renames a finished download `from` (a temp name in `in/`) to `to` and queues `to` as
    /// arriving `via`. `to` is marked waiting before the rename, so the watcher, seeing the new
    /// name, finds it queued already and the arrival keeps its origin.
    pub fn submit_renamed(&self, from: &Path, to: &Path, via: Via) -> std::io::Result<bool> {
        let Some((partner, rel)) = self.locate(to, Folder::In) else {
            std::fs::rename(from, to)?;
            return Ok(false);
        };
        let claimed = self
            .pending
            .lock()
            .map(|mut p| p.insert(to.to_path_buf()))
            .unwrap_or(false);
        if let Err(e) = std::fs::rename(from, to) {
            if claimed && let Ok(mut p) = self.pending.lock() {
                p.remove(to);
            }
            return Err(e);
        }
        if !claimed {
            return Ok(false);
        }
        let arrival = Arrival {
            partner,
            path: to.to_path_buf(),
            rel,
            via,
            kind: Kind::Input,
        };
        Ok(self.tx.send(arrival).is_ok())
    }

    /// Reports an upload the transport knows failed. The transport first renames the partial
    /// file to its [`quarantine_name`](layout::names::quarantine_name) (while the upload is
    /// still registered), so no other source can take it for a complete file; it goes to
    /// `error/` under its own name.
    pub fn submit_aborted(&self, quarantined: &Path, via: Via, reason: String) -> bool {
        let Some((partner, rel)) = self.locate(quarantined, Folder::In) else {
            return false;
        };
        let Some(original) = rel
            .file_name()
            .and_then(|n| original_name(&n.to_string_lossy()))
        else {
            return false;
        };
        self.tx
            .send(Arrival {
                partner,
                path: quarantined.to_path_buf(),
                rel: rel.with_file_name(original),
                via,
                kind: Kind::Aborted(reason),
            })
            .is_ok()
    }

    /// Reports that a partner deleted `path` from its `out/` (its acknowledgment).
    pub fn submit_taken(&self, path: &Path, via: Via) -> bool {
        let Some((partner, rel)) = self.locate(path, Folder::Out) else {
            return false;
        };
        self.tx
            .send(Arrival {
                partner,
                path: path.to_path_buf(),
                rel,
                via,
                kind: Kind::Taken,
            })
            .is_ok()
    }

    /// Splits `PARTNERS/NAME/FOLDER/REL` into (NAME, REL).
    fn locate(&self, path: &Path, folder: Folder) -> Option<(String, PathBuf)> {
        layout::locate(&self.partners_dir, path, folder)
    }
}

impl Queue {
    /// The next arrival; `None` once every sender is gone.
    pub async fn next(&mut self) -> Option<Arrival> {
        let a = self.rx.recv().await?;
        if let Ok(mut pending) = self.pending.lock() {
            pending.remove(&a.path);
        }
        Some(a)
    }

    /// The next arrival if one is waiting now.
    pub fn try_next(&mut self) -> Option<Arrival> {
        let a = self.rx.try_recv().ok()?;
        if let Ok(mut pending) = self.pending.lock() {
            pending.remove(&a.path);
        }
        Some(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn queues_each_waiting_file_once() {
        let (intake, mut q) = Intake::new(PathBuf::from("/d/partners"));
        let p = Path::new("/d/partners/acme/in/sub/a.xml");
        assert!(intake.submit(p, Via::Ftp));
        assert!(!intake.submit(p, Via::Watcher), "already waiting");
        let a = q.next().await.unwrap();
        assert_eq!(a.partner, "acme");
        assert_eq!(a.rel, PathBuf::from("sub/a.xml"));
        assert!(intake.submit(p, Via::Watcher), "taken: may come again");
    }

    #[test]
    fn ignores_what_is_not_an_input() {
        let (intake, _q) = Intake::new(PathBuf::from("/d/partners"));
        for p in [
            "/d/partners/acme/out/a.json",
            "/d/partners/acme/in",
            "/d/partners/acme/in/a.xml.filepart",
            "/d/partners/acme/in/.hidden",
            "/elsewhere/acme/in/a.xml",
        ] {
            assert!(!intake.submit(Path::new(p), Via::Watcher), "{p}");
        }
    }
}
