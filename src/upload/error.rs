//! What can go wrong with an upload, in protocol-neutral words: each transport maps
//! [`UploadError`] to its replies once (FTP codes, SFTP status codes), and every reason an
//! aborted upload's report gives is written here, once.

use crate::home::HomeError;
use crate::intake::Via;

/// Why an upload operation was refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The folder rules, a missing file, an existing one, the disk...
    #[error(transparent)]
    Home(#[from] HomeError),
    /// The upload would grow past `max_upload_size`.
    #[error("the file is larger than max_upload_size ({limit} bytes)")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// A resumed upload (FTP `REST`) must start within what is already there.
    #[error("cannot resume at byte {offset}: the file has only {size} bytes")]
    ResumeBeyondEnd {
        /// The file's size now.
        size: u64,
        /// Where the client asked to resume.
        offset: u64,
    },
    /// The file, or a folder holding it, is being uploaded.
    #[error("an upload to this file or folder is in progress")]
    Busy,
    /// Writing or saving the file failed.
    #[error("the upload could not be saved: {0}")]
    Failed(String),
}

impl From<crate::policy::Denied> for UploadError {
    fn from(d: crate::policy::Denied) -> Self {
        UploadError::Home(HomeError::Denied(d))
    }
}

/// Why an upload ends without counting (besides a write failure or the size limit, which the
/// upload remembers itself).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Abort {
    /// The session ended with the upload unfinished.
    SessionEnded,
    /// The client aborted the transfer (FTP `ABOR`).
    ClientAborted,
    /// The data connection failed (reset, timeout, TLS error...).
    ConnectionLost(String),
    /// The server stopped and the upload's grace period ended.
    Shutdown,
}

/// What stopped an upload, as its report says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// From the transport.
    Abort(Abort),
    /// Past `max_upload_size`.
    TooLarge(u64),
    /// A write or the final fsync failed.
    Failed(String),
}

impl Stop {
    /// The report's reason, with the byte count.
    pub(crate) fn reason(&self, via: Via, bytes: u64) -> String {
        let protocol = via.as_str().to_uppercase();
        match self {
            Stop::Abort(Abort::SessionEnded) => {
                format!("{protocol} session ended with the file still open after {bytes} bytes")
            }
            Stop::Abort(Abort::ClientAborted) => {
                format!("the client aborted the {protocol} transfer after {bytes} bytes")
            }
            Stop::Abort(Abort::ConnectionLost(e)) => {
                format!("the {protocol} data connection failed after {bytes} bytes: {e}")
            }
            Stop::Abort(Abort::Shutdown) => format!(
                "the upload was cut off when Wharf stopped (its grace period ended) after {bytes} bytes"
            ),
            Stop::TooLarge(limit) => format!(
                "the file is larger than max_upload_size ({limit} bytes); stopped after {bytes} bytes"
            ),
            Stop::Failed(e) => format!("{protocol} upload failed after {bytes} bytes: {e}"),
        }
    }

    /// A partial file with a client temp name stays for the client to resume, unless it is
    /// already too large to ever complete.
    pub(crate) fn keeps_temp_names(&self) -> bool {
        !matches!(self, Stop::TooLarge(_))
    }
}
