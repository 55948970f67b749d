//! One upload through an SFTP write handle (INTERFACE §6): registered with the intake while the
//! handle is open; complete when the handle is closed (fsync first, then the intake hears of
//! it); aborted when the session ends with the handle still open, or when it grows past
//! `max_upload_size` — then the partial file is set aside under its quarantine name and goes
//! to `error/` with the reason and byte count, never into the pipeline. A client temp name
//! (`.filepart`, …) cut off by a disconnect stays where it is, for the client to resume.
//!
//! Everything here blocks (fsync, rename): callers run it through `spawn_blocking`.

use crate::home::Home;
use crate::intake::{Intake, UploadGuard, Via, is_temp_name, quarantine_name};
use crate::policy::Resolved;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::Span;

/// Where SFTP arrivals come from, for the intake.
pub const VIA: Via = Via::Sftp;

/// An upload in progress.
#[derive(Debug)]
pub struct Upload {
    /// The open file (written with positioned writes).
    pub file: Arc<File>,
    /// Its path in the home (`in/x.xml`).
    pub rel: PathBuf,
    /// Its path on disk, as registered with the intake.
    pub disk: PathBuf,
    /// Opened for appending: every write goes to the end.
    pub append: bool,
    /// The file's length as far as this handle knows (its start plus what was written).
    pub end: u64,
    /// Set when a write failed: the upload cannot count as complete.
    pub failed: Option<String>,
    home: Home,
    intake: Intake,
    _guard: UploadGuard,
}

/// Why an upload ends without counting.
#[derive(Debug, Clone)]
pub enum Abort {
    /// The session ended with the handle still open.
    SessionEnded,
    /// A write went past `max_upload_size` (bytes).
    TooLarge(u64),
    /// A write failed; the client was told.
    WriteFailed(String),
}

impl Upload {
    /// Registers the upload of `resolved` (opened as `file`, `start` bytes long already).
    pub fn begin(
        intake: &Intake,
        home: &Home,
        resolved: &Resolved,
        file: File,
        start: u64,
        append: bool,
    ) -> Upload {
        let disk = home.disk_path(resolved);
        Upload {
            _guard: intake.uploads().begin(&disk),
            file: Arc::new(file),
            rel: resolved.rel.clone(),
            disk,
            append,
            end: start,
            failed: None,
            home: home.clone(),
            intake: intake.clone(),
        }
    }

    /// The path as logs show it.
    pub fn log_path(&self) -> String {
        self.rel.to_string_lossy().into_owned()
    }

    /// The handle was closed: fsync, log, unregister, and hand the file to the intake. A
    /// failed upload is aborted instead; its reason comes back as the error.
    pub fn finish(self, span: &Span) -> Result<u64, String> {
        if let Some(reason) = self.failed.clone() {
            self.abort(span, Abort::WriteFailed(reason.clone()));
            return Err(reason);
        }
        let synced = self.file.sync_all().and_then(|()| self.file.metadata());
        let bytes = match synced {
            Ok(m) => m.len(),
            Err(e) => {
                let reason = format!("could not save the file: {e}");
                self.abort(span, Abort::WriteFailed(reason.clone()));
                return Err(reason);
            }
        };
        let file = self.log_path();
        span.in_scope(|| tracing::info!(file = %file, bytes, "upload complete"));
        let (disk, intake) = (self.disk.clone(), self.intake.clone());
        drop(self); // unregister before the intake looks at it
        intake.submit(&disk, VIA);
        Ok(bytes)
    }

    /// The upload did not complete: set the partial file aside and report it (a client temp
    /// name cut off by a disconnect stays, for the client to resume).
    ///
    /// The rename comes first, while the upload is still registered, and the fsync last:
    /// whatever happens in between (a shutdown deadline, a crash), the partial file never sits
    /// under its own name, where the start-up scan would take it for a complete one.
    pub fn abort(self, span: &Span, why: Abort) {
        let file = self.log_path();
        let name = self
            .rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_temp_name(&name) && !matches!(why, Abort::TooLarge(_)) {
            let _ = self.file.sync_all();
            let bytes = self.file.metadata().map_or(self.end, |m| m.len());
            span.in_scope(|| {
                tracing::info!(file = %file, bytes, "upload interrupted: the partial file stays for the client to resume");
            });
            return;
        }
        let from = Path::new("/").join(&self.rel);
        let hidden = from.with_file_name(quarantine_name(&name));
        let moved = self.home.rename(&from, &hidden);
        let bytes = self.file.metadata().map_or(self.end, |m| m.len());
        let reason = match &why {
            Abort::SessionEnded => {
                format!("SFTP session ended with the file still open after {bytes} bytes")
            }
            Abort::TooLarge(limit) => format!(
                "the file is larger than max_upload_size ({limit} bytes); stopped after {bytes} bytes"
            ),
            Abort::WriteFailed(e) => format!("SFTP upload failed after {bytes} bytes: {e}"),
        };
        span.in_scope(|| tracing::warn!(file = %file, bytes, reason = %reason, "upload aborted"));
        match moved {
            Ok(r) => {
                self.intake
                    .submit_aborted(&self.home.disk_path(&r), VIA, reason);
                let _ = self.file.sync_all();
            }
            Err(e) => span.in_scope(|| {
                tracing::warn!(file = %file, error = %e, "could not set the aborted upload aside");
            }),
        }
    }
}

/// Aborts `uploads` (their session ended) on the blocking pool, keeping `hold` (a clean-up
/// tracker) until done. Runs in place when there is no runtime (dropped at process exit).
pub fn abort_all(
    uploads: Vec<Upload>,
    span: Span,
    hold: impl Send + 'static,
) -> Option<tokio::task::JoinHandle<()>> {
    if uploads.is_empty() {
        return None;
    }
    let job = move || {
        for up in uploads {
            up.abort(&span, Abort::SessionEnded);
        }
        drop(hold);
    };
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => Some(rt.spawn_blocking(job)),
        Err(_) => {
            job();
            None
        }
    }
}
