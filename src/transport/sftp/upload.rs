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
    /// Contiguous writes not yet on disk (see [`Upload::buffer`]).
    pending: Pending,
    home: Home,
    intake: Intake,
    _guard: UploadGuard,
}

/// Contiguous client writes gathered into one disk write: SFTP clients send 32 KiB at a time,
/// and one blocking-pool round trip per 32 KiB was the upload's bottleneck.
#[derive(Debug, Default)]
struct Pending {
    at: u64,
    buf: Vec<u8>,
}

/// Most bytes gathered before they are written.
pub const GATHER: usize = 1 << 20;

/// What a write needs after [`Upload::buffer`].
#[derive(Debug)]
pub enum Buffered {
    /// Kept in memory; nothing to do now.
    Kept,
    /// Write these (offset, bytes) to the file now.
    Write(Arc<File>, Vec<(u64, Vec<u8>)>),
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
            pending: Pending::default(),
            home: home.clone(),
            intake: intake.clone(),
        }
    }

    /// Takes a client write at `offset`: gathered with the previous ones when it continues
    /// them, otherwise what was gathered (and a large write) is handed back to be written.
    pub fn buffer(&mut self, offset: u64, data: Vec<u8>) -> Buffered {
        let p = &mut self.pending;
        let continues = !p.buf.is_empty() && p.at + p.buf.len() as u64 == offset;
        if continues && p.buf.len() + data.len() <= GATHER {
            p.buf.extend_from_slice(&data);
            return Buffered::Kept;
        }
        let mut writes = Vec::new();
        if !p.buf.is_empty() {
            writes.push((p.at, std::mem::take(&mut p.buf)));
        }
        if data.len() >= GATHER {
            writes.push((offset, data));
        } else {
            p.at = offset;
            p.buf = data;
        }
        if writes.is_empty() {
            Buffered::Kept
        } else {
            Buffered::Write(self.file.clone(), writes)
        }
    }

    /// Writes what was gathered (blocking). Everything that looks at the file's content or
    /// size calls this first.
    pub fn flush(&mut self) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        if self.pending.buf.is_empty() {
            return Ok(());
        }
        let buf = std::mem::take(&mut self.pending.buf);
        let r = self.file.write_all_at(&buf, self.pending.at);
        if let Err(e) = &r {
            self.failed = Some(e.to_string());
        }
        r
    }

    /// The path as logs show it.
    pub fn log_path(&self) -> String {
        self.rel.to_string_lossy().into_owned()
    }

    /// The handle was closed: fsync, log, unregister, and hand the file to the intake. A
    /// failed upload is aborted instead; its reason comes back as the error.
    pub fn finish(mut self, span: &Span) -> Result<u64, String> {
        let _ = self.flush();
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
    pub fn abort(mut self, span: &Span, why: Abort) {
        let _ = self.flush();
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

#[cfg(test)]
mod gather_tests {
    use super::*;
    use std::os::unix::fs::FileExt;

    fn upload(dir: &Path) -> Upload {
        let home_dir = dir.join("partners/p");
        std::fs::create_dir_all(home_dir.join("in")).unwrap();
        let home = Home::open(&home_dir).unwrap();
        let (intake, _q) = Intake::new(dir.join("partners"));
        let (resolved, file) = home.open_write(Path::new("/in/x.bin"), 0).unwrap();
        Upload::begin(&intake, &home, &resolved, file, 0, false)
    }

    #[test]
    fn contiguous_writes_are_gathered_and_gaps_flush_them_in_order() {
        let d = tempfile::tempdir().unwrap();
        let mut up = upload(d.path());
        assert!(matches!(up.buffer(0, vec![1; 10]), Buffered::Kept));
        assert!(
            matches!(up.buffer(10, vec![2; 10]), Buffered::Kept),
            "continues: gathered"
        );
        // A write elsewhere hands back what was gathered.
        let Buffered::Write(file, writes) = up.buffer(100, vec![3; 5]) else {
            panic!("a gap must flush")
        };
        assert_eq!(writes.len(), 1);
        assert_eq!(writes[0].0, 0);
        assert_eq!(writes[0].1.len(), 20);
        for (at, bytes) in &writes {
            file.write_all_at(bytes, *at).unwrap();
        }
        up.flush().unwrap();
        let on_disk = std::fs::read(d.path().join("partners/p/in/x.bin")).unwrap();
        assert_eq!(on_disk.len(), 105);
        assert_eq!(&on_disk[..20], [[1u8; 10], [2u8; 10]].concat().as_slice());
        assert_eq!(&on_disk[100..], &[3u8; 5]);
    }

    #[test]
    fn a_full_gather_is_written_and_large_writes_go_straight_through() {
        let d = tempfile::tempdir().unwrap();
        let mut up = upload(d.path());
        assert!(matches!(up.buffer(0, vec![0; GATHER - 1]), Buffered::Kept));
        let Buffered::Write(_, writes) = up.buffer((GATHER - 1) as u64, vec![0; 2]) else {
            panic!("past GATHER the gathered bytes are written")
        };
        assert_eq!(writes.len(), 1);
        let Buffered::Write(_, writes) = up.buffer(GATHER as u64 + 1, vec![0; GATHER]) else {
            panic!("a large write is not kept")
        };
        assert_eq!(
            writes.len(),
            2,
            "the 2 gathered bytes, then the large write"
        );
    }
}
