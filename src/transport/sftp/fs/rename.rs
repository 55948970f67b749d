//! Renames (plain SFTP rename, which keeps an existing target, and
//! `posix-rename@openssh.com`, which replaces it) and the OpenSSH extensions we advertise.
//! A rename into a final name in `in/` hands the file to the intake.

use super::{SftpFs, ok};
use crate::transport::sftp::handles::{MAX_OPEN, Open};
use crate::transport::sftp::status::{self, Status};
use crate::transport::sftp::upload::VIA;
use crate::transport::sftp::wire::{StatusCode, encode, strings};
use bytes::Bytes;
use std::path::Path;

/// `posix-rename@openssh.com`: rename, replacing an existing target.
pub const POSIX_RENAME: &str = "posix-rename@openssh.com";
/// `fsync@openssh.com`: flush an open file to disk.
pub const FSYNC: &str = "fsync@openssh.com";
/// `limits@openssh.com`: the largest packet, read and write this server takes, so clients
/// (OpenSSH's `sftp` from 8.7) size their requests to them instead of 32 KiB.
pub const LIMITS: &str = "limits@openssh.com";

impl SftpFs {
    /// Renames inside `in/` through the upload life cycle (which hands the result to the
    /// intake, and refuses while an upload is in progress there).
    pub fn rename(&self, old: &str, new: &str, replace: bool) -> Result<(), Status> {
        let i = &self.inner;
        i.uploads
            .rename(
                &i.home,
                Path::new(old),
                Path::new(new),
                replace,
                VIA,
                &i.span,
            )
            .map(drop)
            .map_err(status::from_upload)
    }

    /// `fsync@openssh.com`.
    pub fn fsync(&self, handle: &str) -> Result<(), Status> {
        let target = self.handles().with(handle, |h| match h {
            Open::Upload(u) => Ok(Err(u.writer.clone())),
            Open::Download(d) => Ok(Ok(d.file.clone())),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        match target {
            Ok(file) => file.sync_all().map_err(|e| status::from_home(e.into())),
            Err(writer) => writer.sync().map_err(status::from_upload),
        }
    }

    /// `SSH_FXP_EXTENDED` (draft §8): the extensions advertised at `init`. Returns the reply
    /// to request `id`.
    pub fn extended(&self, id: u32, request: &str, data: &Bytes) -> Result<Bytes, Status> {
        let args = strings(data);
        match (request, args) {
            (POSIX_RENAME, Some(a)) if a.len() == 2 => {
                self.rename(&a[0], &a[1], true)?;
                Ok(ok(id))
            }
            (FSYNC, Some(a)) if a.len() == 1 => {
                self.fsync(&a[0])?;
                Ok(ok(id))
            }
            (LIMITS, _) => Ok(encode::limits(id, MAX_OPEN as u64)),
            (POSIX_RENAME | FSYNC, _) => Err(StatusCode::BadMessage.into()),
            _ => Err(StatusCode::OpUnsupported.into()),
        }
    }
}
