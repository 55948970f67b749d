//! Moving bytes: opening a file for upload (create, truncate, append or resume at an offset)
//! or download, positioned reads and writes, and closing — where an upload becomes complete
//! (or, past `max_upload_size` or after a failed write, aborted).

use super::{SftpFs, blocking, ok};
use crate::home::HomeError;
use crate::policy::{self, Op};
use crate::transport::sftp::handles::{Download, Open};
use crate::transport::sftp::status;
use crate::transport::sftp::upload::{Abort, Upload};
use russh_sftp::protocol::{Data, OpenFlags, Status, StatusCode};
use russh_sftp::server::StatusReply;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

/// Largest read answered at once (clients ask for 32 KiB; the reply must fit their packets).
const MAX_READ: u32 = 64 * 1024;

impl SftpFs {
    /// Opens (and registers) an upload.
    pub(super) async fn open_upload(
        &self,
        path: PathBuf,
        flags: OpenFlags,
    ) -> Result<Upload, StatusReply> {
        let (home, intake) = (self.home.clone(), self.intake.clone());
        let create = flags.contains(OpenFlags::CREATE);
        let truncate = flags.contains(OpenFlags::TRUNCATE);
        let exclusive = flags.contains(OpenFlags::EXCLUDE);
        let append = flags.contains(OpenFlags::APPEND);
        let up = blocking(move || {
            policy::check(Op::Write, &path)?;
            let existing = match home.stat(&path) {
                Ok((_, m)) => Some(m.len()),
                Err(HomeError::NotFound) => None,
                Err(e) => return Err(e),
            };
            match existing {
                None if !create => return Err(HomeError::NotFound),
                Some(_) if create && exclusive => return Err(HomeError::Exists),
                _ => {}
            }
            // Without TRUNCATE the content stays: the client resumes at an offset.
            let start = if truncate { 0 } else { existing.unwrap_or(0) };
            let (r, file) = home.open_write(&path, start)?;
            Ok(Upload::begin(&intake, &home, &r, file, start, append))
        })
        .await?;
        self.log(|| tracing::debug!(file = %up.log_path(), start = up.end, "upload started"));
        Ok(up)
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
            Some(Open::Upload(up)) => {
                let span = self.span.clone();
                match tokio::task::spawn_blocking(move || up.finish(&span)).await {
                    Ok(Ok(_)) => Ok(ok(id)),
                    Ok(Err(reason)) => Err(status::failure(reason)),
                    Err(e) => Err(status::failure(format!("local error: {e}"))),
                }
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

    /// A positioned write to an upload (at the end when opened for appending); past
    /// `max_upload_size` the upload is aborted.
    pub(super) async fn write_handle(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, StatusReply> {
        let limit = self.max_upload;
        let len = data.len() as u64;
        let (file, offset, end) = self.handles.with(&handle, |h| match h {
            Open::Upload(up) => {
                if let Some(reason) = &up.failed {
                    return Err(status::failure(reason.clone()));
                }
                let offset = if up.append { up.end } else { offset };
                Ok((up.file.clone(), offset, offset.saturating_add(len)))
            }
            Open::Download(_) => Err(status::denied("the file is open for download only")),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        if end > limit {
            if let Some(Open::Upload(up)) = self.handles.remove(&handle) {
                let span = self.span.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    up.abort(&span, Abort::TooLarge(limit));
                })
                .await;
            }
            return Err(status::failure(format!(
                "the file is larger than the upload limit ({limit} bytes)"
            )));
        }
        let written = tokio::task::spawn_blocking(move || file.write_all_at(&data, offset)).await;
        self.handles.with(&handle, |h| {
            let Open::Upload(up) = h else {
                return Err(status::bad_handle());
            };
            match written {
                Ok(Ok(())) => {
                    up.end = up.end.max(end);
                    Ok(ok(id))
                }
                Ok(Err(e)) => {
                    let e = HomeError::from(e);
                    up.failed = Some(e.to_string());
                    Err(status::from_home(e))
                }
                Err(e) => {
                    up.failed = Some(e.to_string());
                    Err(status::failure(format!("local error: {e}")))
                }
            }
        })
    }
}
