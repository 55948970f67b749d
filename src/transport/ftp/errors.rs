//! The one place where neutral file errors become FTP replies (RFC 959 §4.2 codes).

use crate::home::HomeError;
use unftp_core::storage::{Error, ErrorKind};

/// Maps a [`HomeError`] to libunftp's storage error (and so to a reply code).
pub fn to_ftp(e: HomeError) -> Error {
    let kind = match &e {
        HomeError::Denied(crate::policy::Denied::Permission(_)) => ErrorKind::PermissionDenied,
        HomeError::Denied(crate::policy::Denied::BadName(_)) => ErrorKind::FileNameNotAllowedError,
        HomeError::NotFound | HomeError::Exists | HomeError::Unavailable(_) => {
            ErrorKind::PermanentFileNotAvailable
        }
        HomeError::NoSpace => ErrorKind::InsufficientStorageSpaceError,
        HomeError::Io(_) => ErrorKind::LocalError,
    };
    Error::new(kind, e)
}
