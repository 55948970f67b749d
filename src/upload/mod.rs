//! The upload life cycle, written once for every transport: begin → write → finish, or abort
//! with a reason. FTP and SFTP only map their protocol onto it (`STOR`/`APPE`/`REST`, an SFTP
//! write handle); the rules live here:
//!
//! - **Where**: the folder rules (uploads go to `in/` and below).
//! - **Resume**: an upload may start at an offset only within what the file already holds
//!   (FTP `REST`, a resumed SFTP write): a resume never creates a sparse file.
//! - **Size**: no byte past `[limits] max_upload_size`, counted as offset + bytes; one
//!   message, [`UploadError::TooLarge`].
//! - **Complete** is what the transport says ([`Upload::finish`]: FTP `226`, SFTP close): the
//!   file is sealed complete (an extended attribute with its length) and fsynced before the
//!   client hears so, then handed to the intake. The seal, made durable by that one fsync, is
//!   what tells a complete upload at the next start when a power loss brought its upload
//!   marker back (`intake/markers.rs`).
//! - **Aborted** ([`Upload::abort`], or dropped unfinished): never processed; the partial file
//!   goes to `error/` with the reason and byte count (a client temp name stays to be resumed).
//! - **Rename and delete**: refused while the file, or a folder holding it, is being uploaded
//!   ([`UploadError::Busy`]), so no session can hand the pipeline another session's half file.
//!   A rename into a final name in `in/` hands the file (every file of a renamed folder) to the
//!   intake.
//! - **After the upload**: the partner's sessions keep seeing it for a while
//!   ([`RecentUploads`](crate::home::RecentUploads)).
//!
//! Everything here blocks (fsync, rename): async transports call it through `spawn_blocking`.

mod error;
mod file;

pub use error::{Abort, UploadError};
pub use file::{Upload, Writer};

use crate::config::Config;
use crate::home::{Home, HomeError};
use crate::intake::{DownloadGuard, Intake, Via};
use crate::policy::{self, Area, Op, Resolved};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tracing::Span;

/// Where an upload starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// A new file, or an existing one emptied first.
    New,
    /// At this offset, keeping what is before it (at most the file's current size).
    Resume(u64),
    /// At the end of what is there (FTP `APPE`).
    Append,
}

/// The upload life cycle for every partner and transport (cheap to clone).
#[derive(Debug, Clone)]
pub struct Uploads {
    config: Arc<Config>,
    intake: Intake,
    recent: crate::home::Recent,
    /// Held while an upload is registered and while a rename or delete checks that nothing
    /// it touches is being uploaded, so the two cannot interleave.
    names: Arc<Mutex<()>>,
}

impl Uploads {
    /// The life cycle over `intake`, with the limits of `config`.
    pub fn new(config: Arc<Config>, intake: Intake) -> Uploads {
        Uploads {
            config,
            intake,
            recent: crate::home::Recent::default(),
            names: Arc::new(Mutex::new(())),
        }
    }

    /// The intake the uploads go to.
    pub fn intake(&self) -> &Intake {
        &self.intake
    }

    /// The partner's home as its sessions see it: the folder rules, and its recent uploads
    /// still shown after the pipeline moved them.
    pub fn open_home(&self, partner: &str) -> std::io::Result<Home> {
        Home::open_with_recent(&self.config.partner_home(partner), self.recent.of(partner))
    }

    fn lock_names(&self) -> std::sync::MutexGuard<'_, ()> {
        match self.names.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn is_busy(&self, home: &Home, r: &Resolved) -> bool {
        self.intake.uploads().is_busy(&home.disk_path(r))
    }

    /// Starts an upload of the client path `path` (already joined to the session's folder).
    pub fn begin(
        &self,
        home: &Home,
        path: &Path,
        start: Start,
        via: Via,
        span: &Span,
    ) -> Result<Upload, UploadError> {
        let r = policy::check(Op::Write, path)?;
        let limit = self.config.limits.max_upload_size;
        let _names = self.lock_names();
        let size = match home.stat_on_disk(&r) {
            Ok(m) if m.is_file() => Some(m.len),
            Ok(_) => {
                return Err(UploadError::Home(HomeError::Unavailable(
                    "not a regular file".into(),
                )));
            }
            Err(HomeError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let offset = match start {
            Start::New => 0,
            Start::Append => size.unwrap_or(0),
            Start::Resume(offset) => {
                let size = size.unwrap_or(0);
                if offset > size {
                    return Err(UploadError::ResumeBeyondEnd { size, offset });
                }
                offset
            }
        };
        if offset > limit {
            return Err(UploadError::TooLarge { limit });
        }
        let (r, file) = home.open_write(path, offset)?;
        if let Some(recent) = home.recent() {
            recent.forget(&r.rel);
        }
        let up = Upload::new(file::Parts {
            file,
            start: offset,
            limit,
            rel: r.rel,
            via,
            home: home.clone(),
            intake: self.intake.clone(),
            span: span.clone(),
        });
        span.in_scope(|| tracing::debug!(file = %up.log_path(), start = offset, "upload started"));
        Ok(up)
    }

    /// Renames inside `in/`; `replace` overwrites an existing target. Refused while the source,
    /// the target, or anything inside either is being uploaded. A rename into a final name
    /// hands the file (every file of a renamed folder) to the intake.
    pub fn rename(
        &self,
        home: &Home,
        from: &Path,
        to: &Path,
        replace: bool,
        via: Via,
        span: &Span,
    ) -> Result<Resolved, UploadError> {
        let (src, dst) = policy::check_rename(from, to)?;
        let target = {
            let _names = self.lock_names();
            if self.is_busy(home, &src) || self.is_busy(home, &dst) {
                return Err(UploadError::Busy);
            }
            if !replace && home.stat_on_disk(&dst).is_ok() {
                return Err(HomeError::Exists.into());
            }
            home.rename(from, to)?
        };
        span.in_scope(|| {
            tracing::info!(file = %target.log_path(), from = %src.log_path(), "renamed");
        });
        let disk = home.disk_path(&target);
        let meta = home.stat_on_disk(&target)?;
        if let Some(recent) = home.recent() {
            recent.forget(&src.rel);
        }
        if meta.is_dir() {
            crate::intake::scan::scan_in_folder(&self.intake, &disk);
        } else {
            if let Some(recent) = home.recent() {
                recent.completed(&target.rel, &meta);
            }
            self.intake.submit(&disk, via);
        }
        Ok(target)
    }

    /// Deletes a file (in `out/`: the partner's acknowledgment, reported to the intake).
    pub fn remove_file(
        &self,
        home: &Home,
        path: &Path,
        via: Via,
        span: &Span,
    ) -> Result<Resolved, UploadError> {
        let r = policy::check(Op::Delete, path)?;
        {
            let _names = self.lock_names();
            if self.is_busy(home, &r) {
                return Err(UploadError::Busy);
            }
            home.remove_file(path)?;
        }
        span.in_scope(|| tracing::info!(file = %r.log_path(), "deleted"));
        if r.area == Area::Out {
            self.intake.submit_taken(&home.disk_path(&r), via);
        }
        Ok(r)
    }

    /// Removes a folder; refused while anything inside it is being uploaded.
    pub fn remove_dir(
        &self,
        home: &Home,
        path: &Path,
        span: &Span,
    ) -> Result<Resolved, UploadError> {
        let r = policy::check(Op::RemoveDir, path)?;
        let _names = self.lock_names();
        if self.is_busy(home, &r) {
            return Err(UploadError::Busy);
        }
        home.remove_dir(path)?;
        span.in_scope(|| tracing::info!(file = %r.log_path(), "folder removed"));
        Ok(r)
    }

    /// Sets a file's modification time (SFTP `setstat`, FTP `MFMT`). In `in/`, the time of a
    /// completed upload is kept for the partner's sessions only: the file on disk is the
    /// pipeline's, and a client setting the time after its upload must neither fail nor look
    /// like a new upload. A file still being uploaded, or a client temp name waiting for its
    /// rename, gets the time on disk. Elsewhere the folder rules decide
    /// ([`Op::SetAttributes`]): refused in `archive/` and `error/`; accepted in `out/`,
    /// changing nothing (the files are Wharf's).
    pub fn set_times(
        &self,
        home: &Home,
        path: &Path,
        modified: SystemTime,
        _span: &Span,
    ) -> Result<(), UploadError> {
        let r = policy::check(Op::SetAttributes, path)?;
        if r.area != Area::In {
            return home.stat(path).map(drop).map_err(Into::into);
        }
        let on_disk = match home.stat_on_disk(&r) {
            Ok(m) => Some(m),
            Err(HomeError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let name = r
            .rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let on_disk_only = on_disk.is_some_and(|m| !m.is_file())
            || (on_disk.is_some()
                && (crate::layout::names::is_temp_name(&name) || self.is_busy(home, &r)));
        if on_disk_only {
            return home.set_modified(&r, modified).map_err(Into::into);
        }
        match home.recent() {
            Some(recent) if recent.set_times(&r.rel, on_disk.as_ref(), modified) => Ok(()),
            _ if on_disk.is_some() => Ok(()),
            _ => Err(HomeError::NotFound.into()),
        }
    }

    /// Counts a download as running until the guard drops (a graceful shutdown waits for it).
    pub fn begin_download(&self) -> DownloadGuard {
        self.intake.uploads().begin_download()
    }
}

#[cfg(test)]
mod tests;
