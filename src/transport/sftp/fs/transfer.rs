//! Moving bytes: opening a file for upload (create, truncate, append or resume at an offset)
//! or download, positioned reads and writes, and closing — where an upload becomes complete.
//! Uploads are the upload life cycle's ([`crate::upload`]); this file only maps the SFTP open
//! flags and handles onto it.

use super::{SftpFs, blocking, ok};
use crate::home::HomeError;
use crate::policy::{self, Op};
use crate::transport::sftp::handles::{Download, Open};
use crate::transport::sftp::status;
use crate::transport::sftp::upload::{VIA, Writing};
use crate::upload::{Start, UploadError};
use russh_sftp::protocol::{Data, OpenFlags, Status, StatusCode};
use russh_sftp::server::StatusReply;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

/// Largest read answered at once (clients ask for 32 KiB; the reply must fit their packets).
const MAX_READ: u32 = 64 * 1024;

/// Runs a blocking upload-life-cycle call off the async threads.
async fn lifecycle<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::upload::UploadError> + Send + 'static,
) -> Result<T, StatusReply> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(status::from_upload),
        Err(e) => Err(status::failure(format!("local error: {e}"))),
    }
}

impl SftpFs {
    /// Opens (and registers) an upload. Without `SSH_FXF_TRUNC` an existing file keeps its
    /// content (the client resumes, writing at offsets); with `SSH_FXF_EXCL` it must not exist.
    pub(super) async fn open_upload(
        &self,
        path: PathBuf,
        flags: OpenFlags,
    ) -> Result<Writing, StatusReply> {
        let (home, uploads, span) = (self.home.clone(), self.uploads.clone(), self.span.clone());
        let create = flags.contains(OpenFlags::CREATE);
        let truncate = flags.contains(OpenFlags::TRUNCATE);
        let exclusive = flags.contains(OpenFlags::EXCLUDE);
        let append = flags.contains(OpenFlags::APPEND);
        let upload = lifecycle(move || {
            let r = policy::check(Op::Write, &path)?;
            let existing = match home.stat_on_disk(&r) {
                Ok(m) => Some(m.len),
                Err(HomeError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
            let start = match existing {
                None if !create => return Err(HomeError::NotFound.into()),
                Some(_) if create && exclusive => return Err(HomeError::Exists.into()),
                Some(len) if !truncate => Start::Resume(len),
                _ => Start::New,
            };
            uploads.begin(&home, &path, start, VIA, &span)
        })
        .await?;
        Ok(Writing::new(upload, append))
    }

    /// Opens a download.
    pub(super) async fn open_download(&self, path: PathBuf) -> Result<Download, StatusReply> {
        let home = self.home.clone();
        let (file, log_path) = blocking(move || {
            let r = policy::check(Op::Read, &path)?;
            Ok((home.open_read(&path, 0)?, r.log_path()))
        })
        .await?;
        Ok(Download {
            file: file.into(),
            log_path,
            sent: 0,
            _running: self.uploads.begin_download(),
        })
    }

    /// Closes a handle; an upload is complete now (fsync, log, intake).
    pub(super) async fn close_handle(
        &mut self,
        id: u32,
        handle: String,
    ) -> Result<Status, StatusReply> {
        match self.handles.remove(&handle) {
            None => Err(status::bad_handle()),
            Some(Open::Listing(_)) => Ok(ok(id)),
            Some(Open::Download(d)) => {
                self.log(
                    || tracing::info!(file = %d.log_path, bytes = d.sent, "download complete"),
                );
                Ok(ok(id))
            }
            Some(Open::Upload(w)) => {
                lifecycle(move || w.upload.finish()).await?;
                Ok(ok(id))
            }
        }
    }

    /// A positioned read from a download (at most [`MAX_READ`] bytes).
    pub(super) async fn read_handle(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        len: u32,
    ) -> Result<Data, StatusReply> {
        let file = self.handles.with(&handle, |h| match h {
            Open::Download(d) => Ok(d.file.clone()),
            Open::Upload(_) => Err(status::denied("the file is open for upload only")),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        let want = len.min(MAX_READ) as usize;
        let data = blocking(move || {
            let mut buf = vec![0u8; want];
            let mut n = 0;
            while n < want {
                match file.read_at(&mut buf[n..], offset.saturating_add(n as u64)) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e.into()),
                }
            }
            buf.truncate(n);
            Ok(buf)
        })
        .await?;
        if data.is_empty() && want > 0 {
            return Err(StatusCode::Eof.into());
        }
        let n = data.len() as u64;
        let _ = self.handles.with(&handle, |h| {
            if let Open::Download(d) = h {
                d.sent += n;
            }
            Ok(())
        });
        Ok(Data { id, data })
    }

    /// A positioned write to an upload (at the end when opened for appending). A write past
    /// `max_upload_size` stops the upload: it is set aside at once, and the handle is gone.
    pub(super) async fn write_handle(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, StatusReply> {
        let (writer, at) = self.handles.with(&handle, |h| match h {
            Open::Upload(w) => Ok((w.writer.clone(), (!w.append).then_some(offset))),
            Open::Download(_) => Err(status::denied("the file is open for download only")),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        let written = tokio::task::spawn_blocking(move || writer.write(at, &data))
            .await
            .map_err(|e| status::failure(format!("local error: {e}")))?;
        match written {
            Ok(()) => Ok(ok(id)),
            Err(e @ UploadError::TooLarge { .. }) => {
                // It can never complete: set it aside now (its close would fail anyway).
                if let Some(Open::Upload(w)) = self.handles.remove(&handle) {
                    let _ = lifecycle(move || w.upload.finish().map(drop)).await;
                }
                Err(status::from_upload(e))
            }
            Err(e) => Err(status::from_upload(e)),
        }
    }
}
