//! One connection to a partner's server, whatever the protocol: the poller only lists,
//! downloads, uploads (temp name, then rename) and deletes.

use std::path::Path;

use super::error::RemoteError;
use super::sftp::RemoteFile;
use super::{ftp, sftp};
use crate::config::{Remote, RemoteScheme};

/// A logged-in session over SFTP or FTP.
pub enum Conn {
    /// `sftp://`.
    Sftp(sftp::Session),
    /// `ftp://` or `ftps://`.
    Ftp(ftp::Session),
}

/// Connects to `remote` with its protocol.
pub async fn connect(remote: &Remote) -> Result<Conn, RemoteError> {
    match remote.url.scheme {
        RemoteScheme::Sftp => sftp::connect(remote).await.map(Conn::Sftp),
        RemoteScheme::Ftp | RemoteScheme::Ftps => ftp::connect(remote).await.map(Conn::Ftp),
    }
}

impl Conn {
    /// The regular files in `dir`.
    pub async fn list(&mut self, dir: &str) -> Result<Vec<RemoteFile>, RemoteError> {
        match self {
            Conn::Sftp(s) => s.list(dir).await,
            Conn::Ftp(s) => s.list(dir).await,
        }
    }

    /// Downloads `remote` into `local` (fsynced).
    pub async fn download(&mut self, remote: &str, local: &Path) -> Result<u64, RemoteError> {
        match self {
            Conn::Sftp(s) => s.download(remote, local).await,
            Conn::Ftp(s) => s.download(remote, local).await,
        }
    }

    /// Uploads under a temp name, then renames into `dir/name`.
    pub async fn upload(&mut self, local: &Path, dir: &str, name: &str) -> Result<(), RemoteError> {
        match self {
            Conn::Sftp(s) => s.upload(local, dir, name).await,
            Conn::Ftp(s) => s.upload(local, dir, name).await,
        }
    }

    /// Deletes a remote file.
    pub async fn remove(&mut self, path: &str) -> Result<(), RemoteError> {
        match self {
            Conn::Sftp(s) => s.remove(path).await,
            Conn::Ftp(s) => s.remove(path).await,
        }
    }

    /// Ends the session politely.
    pub async fn close(self) {
        match self {
            Conn::Sftp(s) => s.close().await,
            Conn::Ftp(s) => s.close().await,
        }
    }
}
