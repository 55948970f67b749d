//! One upload in progress: registered with the intake while it is written (so no other source
//! hands the pipeline a half file), complete when [`Upload::finish`] says so (fsync first, then
//! the intake hears of it), and otherwise aborted: the partial file is set aside under a hidden
//! quarantine name and goes to `error/` with the reason and the byte count, never into the
//! pipeline. A client temp name (`.filepart`, ...) cut off stays where it is, for the client
//! to resume.

use super::error::{Abort, Stop, UploadError};
use crate::home::RecentUploads;
use crate::home::{Home, Meta};
use crate::intake::{Intake, UploadGuard, Via};
use crate::layout::names::{is_temp_name, quarantine_name};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tracing::Span;

/// The file and its state, shared by the upload and its writers.
#[derive(Debug)]
struct Shared {
    file: File,
    /// The file's length as far as the writes know.
    end: AtomicU64,
    limit: u64,
    /// Set by the first write past the limit or the first failed write.
    stopped: Mutex<Option<Stop>>,
}

impl Shared {
    fn stop(&self, why: Stop) {
        if let Ok(mut s) = self.stopped.lock() {
            s.get_or_insert(why);
        }
    }

    fn stopped(&self) -> Option<Stop> {
        self.stopped.lock().ok().and_then(|s| s.clone())
    }

    fn error_if_stopped(&self) -> Result<(), UploadError> {
        match self.stopped() {
            None => Ok(()),
            Some(Stop::TooLarge(limit)) => Err(UploadError::TooLarge { limit }),
            Some(Stop::Failed(e)) => Err(UploadError::Failed(e)),
            Some(Stop::Abort(_)) => Err(UploadError::Failed("the upload was aborted".into())),
        }
    }
}

/// Writes into an upload; cheap to clone, usable from any thread (positioned writes).
#[derive(Debug, Clone)]
pub struct Writer {
    shared: Arc<Shared>,
}

impl Writer {
    /// Writes `data` at `offset`, or at the end for `None` (FTP's stream; SFTP append). A
    /// write past `max_upload_size` or a failed write stops the upload: it can only be
    /// aborted from then on.
    pub fn write(&self, offset: Option<u64>, data: &[u8]) -> Result<(), UploadError> {
        let s = &self.shared;
        s.error_if_stopped()?;
        let len = data.len() as u64;
        let at = match offset {
            Some(o) => o,
            None => s.end.fetch_add(len, Ordering::SeqCst),
        };
        let Some(end) = at.checked_add(len).filter(|e| *e <= s.limit) else {
            s.stop(Stop::TooLarge(s.limit));
            return Err(UploadError::TooLarge { limit: s.limit });
        };
        if let Err(e) = s.file.write_all_at(data, at) {
            let e = crate::home::HomeError::from(e).to_string();
            s.stop(Stop::Failed(e.clone()));
            return Err(UploadError::Failed(e));
        }
        s.end.fetch_max(end, Ordering::SeqCst);
        Ok(())
    }

    /// Truncates or extends the file (SFTP `fsetstat` with a size).
    pub fn set_len(&self, len: u64) -> Result<(), UploadError> {
        let s = &self.shared;
        s.error_if_stopped()?;
        if len > s.limit {
            s.stop(Stop::TooLarge(s.limit));
            return Err(UploadError::TooLarge { limit: s.limit });
        }
        s.file
            .set_len(len)
            .map_err(|e| UploadError::Failed(e.to_string()))?;
        s.end.store(len, Ordering::SeqCst);
        Ok(())
    }

    /// Flushes what was written to disk (SFTP `fsync@openssh.com`).
    pub fn sync(&self) -> Result<(), UploadError> {
        self.shared
            .file
            .sync_all()
            .map_err(|e| UploadError::Failed(e.to_string()))
    }

    /// The file's metadata now.
    pub fn meta(&self) -> Result<Meta, UploadError> {
        self.shared
            .file
            .metadata()
            .map(|m| Meta::from(&m))
            .map_err(|e| UploadError::Failed(e.to_string()))
    }

    /// Sets the file's times (SFTP `fsetstat` on the open handle).
    pub fn set_modified(&self, t: std::time::SystemTime) -> Result<(), UploadError> {
        let times = std::fs::FileTimes::new().set_modified(t).set_accessed(t);
        self.shared
            .file
            .set_times(times)
            .map_err(|e| UploadError::Failed(e.to_string()))
    }
}

/// An upload in progress. Dropping it unfinished aborts it ([`Abort::SessionEnded`]) in
/// place; transports call [`Upload::abort`] themselves, off the async threads.
#[derive(Debug)]
pub struct Upload {
    shared: Arc<Shared>,
    /// Its path in the home (`in/x.xml`).
    rel: PathBuf,
    /// Its path on disk, as registered with the intake.
    disk: PathBuf,
    via: Via,
    home: Home,
    intake: Intake,
    recent: Option<RecentUploads>,
    span: Span,
    /// Registered as uploading until dropped; `None` once finished or aborted.
    guard: Option<UploadGuard>,
}

/// What [`Upload::new`] needs.
pub(super) struct Parts {
    pub file: File,
    pub start: u64,
    pub limit: u64,
    pub rel: PathBuf,
    pub via: Via,
    pub home: Home,
    pub intake: Intake,
    pub span: Span,
}

impl Upload {
    /// Registers the upload (its on-disk marker included) and wraps the open file.
    pub(super) fn new(p: Parts) -> Upload {
        let disk = p.home.path().join(&p.rel);
        let guard = p.intake.uploads().begin(&disk);
        crate::intake::markers::unseal(&p.file);
        Upload {
            shared: Arc::new(Shared {
                file: p.file,
                end: AtomicU64::new(p.start),
                limit: p.limit,
                stopped: Mutex::new(None),
            }),
            recent: p.home.recent().cloned(),
            rel: p.rel,
            disk,
            via: p.via,
            home: p.home,
            intake: p.intake,
            span: p.span,
            guard: Some(guard),
        }
    }

    /// A writer for the data path.
    pub fn writer(&self) -> Writer {
        Writer {
            shared: self.shared.clone(),
        }
    }

    /// The file's length as far as the writes know.
    pub fn len(&self) -> u64 {
        self.shared.end.load(Ordering::SeqCst)
    }

    /// Whether nothing is in the file yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its path as logs show it (`in/x.xml`).
    pub fn log_path(&self) -> String {
        self.rel.to_string_lossy().into_owned()
    }

    /// Its path relative to the home.
    pub fn rel(&self) -> &Path {
        &self.rel
    }

    /// The upload is complete: fsync, log, remember it for the partner's follow-ups,
    /// unregister, and hand it to the intake. An upload that went past the size limit or
    /// whose write failed is aborted instead, and its reason comes back as the error.
    pub fn finish(mut self) -> Result<u64, UploadError> {
        if let Some(stop) = self.shared.stopped() {
            let err = self.shared.error_if_stopped().err();
            self.set_aside(stop);
            return Err(err.unwrap_or(UploadError::Failed("the upload was aborted".into())));
        }
        // Sealed complete, then fsynced: the seal is durable with the bytes, so a marker
        // a power loss brings back does not send a complete upload to error/.
        let file = &self.shared.file;
        let synced = file.metadata().and_then(|m| {
            crate::intake::markers::seal(file, m.len());
            file.sync_all().map(|()| m)
        });
        let meta = match synced {
            Ok(m) => Meta::from(&m),
            Err(e) => {
                let e = e.to_string();
                self.set_aside(Stop::Failed(format!("could not save the file: {e}")));
                return Err(UploadError::Failed(e));
            }
        };
        let file = self.log_path();
        self.span
            .in_scope(|| tracing::info!(file = %file, bytes = meta.len, "upload complete"));
        if let Some(recent) = &self.recent {
            recent.completed(&self.rel, &meta);
        }
        crate::ops::metrics::upload(self.via, meta.len);
        drop(self.guard.take()); // unregister before the intake looks at it
        self.intake.submit(&self.disk, self.via);
        Ok(meta.len)
    }

    /// The upload did not complete: see [`Upload::set_aside`].
    pub fn abort(mut self, why: Abort) {
        let stop = self.shared.stopped().unwrap_or(Stop::Abort(why));
        self.set_aside(stop);
    }

    /// Sets the partial file aside and reports it (a client temp name stays for the client to
    /// resume, unless it is already too large).
    ///
    /// The rename comes first, while the upload is still registered, and the fsync last:
    /// whatever happens in between (a shutdown deadline, a crash), the partial file never sits
    /// under its own name, where the start-up scan would take it for a complete one.
    fn set_aside(&mut self, stop: Stop) {
        let Some(guard) = self.guard.take() else {
            return;
        };
        let file = self.log_path();
        let name = self
            .rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = self.shared.file.metadata().map_or(self.len(), |m| m.len());
        if is_temp_name(&name) && stop.keeps_temp_names() {
            let _ = self.shared.file.sync_all();
            self.span.in_scope(|| {
                tracing::info!(file = %file, bytes, "upload interrupted: the partial file stays for the client to resume");
            });
            drop(guard);
            return;
        }
        let reason = stop.reason(self.via, bytes);
        self.span
            .in_scope(|| tracing::warn!(file = %file, bytes, reason = %reason, "upload aborted"));
        let from = Path::new("/").join(&self.rel);
        let hidden = from.with_file_name(quarantine_name(&name));
        match self.home.rename(&from, &hidden) {
            Ok(r) => {
                self.intake
                    .submit_aborted(&self.home.disk_path(&r), self.via, reason);
                let _ = self.shared.file.sync_all();
            }
            Err(e) => self.span.in_scope(|| {
                tracing::warn!(file = %file, error = %e, "could not set the aborted upload aside");
            }),
        }
        drop(guard);
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.guard.is_some() {
            let stop = self
                .shared
                .stopped()
                .unwrap_or(Stop::Abort(Abort::SessionEnded));
            self.set_aside(stop);
        }
    }
}
