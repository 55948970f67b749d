//! Moving bytes: opening a file for upload (create, truncate, append or resume at an offset)
//! or download, positioned reads and writes, and closing — where an upload becomes complete.
//! Uploads are the upload life cycle's ([`crate::upload`]); this file only maps the SFTP open
//! flags and handles onto it.

use super::SftpFs;
use crate::home::HomeError;
use crate::policy::{self, Op};
use crate::transport::sftp::handles::{Download, Open};
use crate::transport::sftp::status::{self, Status};
use crate::transport::sftp::upload::{VIA, Writing};
use crate::transport::sftp::wire::{OpenFlags, StatusCode, encode};
use crate::upload::{Start, UploadError};
use bytes::Bytes;
use std::os::unix::fs::FileExt;
use std::path::Path;

impl SftpFs {
    /// `SSH_FXP_OPEN`: an upload when the flags ask for writing or appending, else a
    /// download. Returns the new handle.
    pub fn open(&self, path: &str, flags: OpenFlags) -> Result<String, Status> {
        if self.handles().is_full() {
            return Err(status::failure("too many open handles"));
        }
        let path = Path::new(path);
        let entry = if flags.has(OpenFlags::WRITE | OpenFlags::APPEND) {
            Open::Upload(Box::new(self.open_upload(path, flags)?))
        } else {
            Open::Download(self.open_download(path)?)
        };
        Ok(self.handles().insert(self.inner.server_id, entry))
    }

    /// Opens (and registers) an upload. Without `SSH_FXF_TRUNC` an existing file keeps its
    /// content (the client resumes, writing at offsets); with `SSH_FXF_EXCL` it must not exist.
    fn open_upload(&self, path: &Path, flags: OpenFlags) -> Result<Writing, Status> {
        let i = &self.inner;
        let create = flags.has(OpenFlags::CREATE);
        let truncate = flags.has(OpenFlags::TRUNCATE);
        let exclusive = flags.has(OpenFlags::EXCLUSIVE);
        let append = flags.has(OpenFlags::APPEND);
        let upload = (|| {
            let r = policy::check(Op::Write, path)?;
            let existing = match i.home.stat_on_disk(&r) {
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
            i.uploads.begin(&i.home, path, start, VIA, &i.span)
        })()
        .map_err(status::from_upload)?;
        Ok(Writing::new(upload, append))
    }

    /// Opens a download.
    fn open_download(&self, path: &Path) -> Result<Download, Status> {
        let r = policy::check(Op::Read, path).map_err(|d| status::from_home(d.into()))?;
        let file = self.home().open_read(path, 0).map_err(status::from_home)?;
        Ok(Download {
            file: file.into(),
            log_path: r.log_path(),
            sent: 0,
            _running: self.inner.uploads.begin_download(),
        })
    }

    /// `SSH_FXP_CLOSE`; an upload is complete now (fsync, log, intake).
    pub fn close(&self, handle: &str) -> Result<(), Status> {
        match self.handles().remove(handle) {
            None => Err(status::bad_handle()),
            Some(Open::Listing(_)) => Ok(()),
            Some(Open::Download(d)) => {
                self.log(
                    || tracing::info!(file = %d.log_path, bytes = d.sent, "download complete"),
                );
                Ok(())
            }
            Some(Open::Upload(w)) => w.upload.finish().map(drop).map_err(status::from_upload),
        }
    }

    /// `SSH_FXP_READ`: a positioned read from a download, straight into the `SSH_FXP_DATA`
    /// reply to request `id`. It returns all that was asked (at most
    /// [`MAX_DATA`](crate::transport::sftp::wire::MAX_DATA)) unless the file ends first: a
    /// short answer makes OpenSSH's client shrink its requests for the rest of the session.
    pub fn read(&self, id: u32, handle: &str, offset: u64, len: u32) -> Result<Bytes, Status> {
        let file = self.handles().with(handle, |h| match h {
            Open::Download(d) => Ok(d.file.clone()),
            Open::Upload(_) => Err(status::denied("the file is open for upload only")),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        let mut got = 0;
        let reply = encode::data(id, len, |buf| {
            let mut n = 0;
            while n < buf.len() {
                match file.read_at(&mut buf[n..], offset.saturating_add(n as u64)) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(status::from_home(e.into())),
                }
            }
            got = n;
            Ok(n)
        })?;
        if got == 0 && len > 0 {
            return Err(StatusCode::Eof.into());
        }
        let _ = self.handles().with(handle, |h| {
            if let Open::Download(d) = h {
                d.sent += got as u64;
            }
            Ok(())
        });
        Ok(reply)
    }

    /// `SSH_FXP_WRITE`: a positioned write to an upload (at the end when opened for
    /// appending). A write past `max_upload_size` stops the upload: it is set aside at once,
    /// and the handle is gone.
    pub fn write(&self, handle: &str, offset: u64, data: &[u8]) -> Result<(), Status> {
        let (writer, at) = self.handles().with(handle, |h| match h {
            Open::Upload(w) => Ok((w.writer.clone(), (!w.append).then_some(offset))),
            Open::Download(_) => Err(status::denied("the file is open for download only")),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        match writer.write(at, data) {
            Ok(()) => Ok(()),
            Err(e @ UploadError::TooLarge { .. }) => {
                // It can never complete: set it aside now (its close would fail anyway).
                if let Some(Open::Upload(w)) = self.handles().remove(handle) {
                    let _ = w.upload.finish();
                }
                Err(status::from_upload(e))
            }
            Err(e) => Err(status::from_upload(e)),
        }
    }
}
