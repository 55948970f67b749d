//! Renames (plain SFTP rename, which keeps an existing target, and
//! `posix-rename@openssh.com`, which replaces it) and the OpenSSH extensions we advertise.
//! A rename into a final name in `in/` hands the file to the intake.

use super::{SftpFs, blocking, ok};
use crate::transport::sftp::handles::Open;
use crate::transport::sftp::status;
use crate::transport::sftp::upload::VIA;
use russh_sftp::protocol::{Packet, StatusCode};
use russh_sftp::server::StatusReply;
use std::path::Path;

/// `posix-rename@openssh.com`: rename, replacing an existing target.
pub(super) const POSIX_RENAME: &str = "posix-rename@openssh.com";
/// `fsync@openssh.com`: flush an open file to disk.
pub(super) const FSYNC: &str = "fsync@openssh.com";

impl SftpFs {
    /// Renames inside `in/` through the upload life cycle (which hands the result to the
    /// intake, and refuses while an upload is in progress there).
    pub(super) async fn rename_paths(
        &self,
        old: String,
        new: String,
        replace: bool,
    ) -> Result<(), StatusReply> {
        let (home, uploads, span) = (self.home.clone(), self.uploads.clone(), self.span.clone());
        match tokio::task::spawn_blocking(move || {
            uploads.rename(&home, Path::new(&old), Path::new(&new), replace, VIA, &span)
        })
        .await
        {
            Ok(r) => r.map(drop).map_err(status::from_upload),
            Err(e) => Err(status::failure(format!("local error: {e}"))),
        }
    }

    /// `fsync@openssh.com`.
    async fn fsync(&self, handle: &str) -> Result<(), StatusReply> {
        let target = self.handles.with(handle, |h| match h {
            Open::Upload(u) => Ok(Err(u.writer.clone())),
            Open::Download(d) => Ok(Ok(d.file.clone())),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        match target {
            Ok(file) => blocking(move || Ok(file.sync_all()?)).await,
            Err(writer) => tokio::task::spawn_blocking(move || writer.sync())
                .await
                .map_err(|e| status::failure(format!("local error: {e}")))?
                .map_err(status::from_upload),
        }
    }

    /// `SSH_FXP_EXTENDED` (draft §8): the extensions advertised at `init`.
    pub(super) async fn extended_request(
        &mut self,
        id: u32,
        request: String,
        data: Vec<u8>,
    ) -> Result<Packet, StatusReply> {
        let args = ssh_strings(&data);
        match (request.as_str(), args) {
            (POSIX_RENAME, Some(a)) if a.len() == 2 => {
                let mut a = a.into_iter();
                let (old, new) = (a.next().unwrap_or_default(), a.next().unwrap_or_default());
                self.rename_paths(old, new, true).await?;
                Ok(Packet::Status(ok(id)))
            }
            (FSYNC, Some(a)) if a.len() == 1 => {
                self.fsync(&a[0]).await?;
                Ok(Packet::Status(ok(id)))
            }
            (POSIX_RENAME | FSYNC, _) => Err(StatusCode::BadMessage.into()),
            _ => Err(StatusCode::OpUnsupported.into()),
        }
    }
}

/// The SSH strings of an extended request's data (RFC 4251 §5).
pub fn ssh_strings(mut data: &[u8]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let len = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as usize;
        let s = data.get(4..4usize.checked_add(len)?)?;
        out.push(String::from_utf8(s.to_vec()).ok()?);
        data = &data[4 + len..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::ssh_strings;

    #[test]
    fn extended_request_strings() {
        let mut d = Vec::new();
        for s in ["/in/a.filepart", "/in/a.xml"] {
            d.extend_from_slice(&(s.len() as u32).to_be_bytes());
            d.extend_from_slice(s.as_bytes());
        }
        assert_eq!(
            ssh_strings(&d).unwrap(),
            vec!["/in/a.filepart".to_string(), "/in/a.xml".to_string()]
        );
        assert!(ssh_strings(&d[..d.len() - 1]).is_none(), "truncated");
        assert!(ssh_strings(&[0, 0, 0, 9, b'a']).is_none());
    }
}
