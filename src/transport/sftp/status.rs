//! The one place where neutral file errors become SFTP status codes
//! (draft-ietf-secsh-filexfer-02 §7), and the few protocol-level refusals.

use super::wire::{StatusCode, encode};
use crate::home::HomeError;
use crate::upload::UploadError;
use bytes::Bytes;

/// A request's answer when it is not a success: an SFTP status code and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The code.
    pub code: StatusCode,
    /// What the client is told.
    pub message: String,
}

impl Status {
    /// A status with a message of its own.
    pub fn new(code: StatusCode, message: impl Into<String>) -> Status {
        Status {
            code,
            message: message.into(),
        }
    }

    /// The `SSH_FXP_STATUS` reply to request `id`.
    pub fn reply(&self, id: u32) -> Bytes {
        encode::status(id, self.code, &self.message)
    }
}

impl From<StatusCode> for Status {
    fn from(code: StatusCode) -> Status {
        Status::new(code, code.text())
    }
}

/// The `SSH_FX_OK` reply to request `id`.
pub fn ok(id: u32) -> Bytes {
    encode::status(id, StatusCode::Ok, "Ok")
}

/// Maps a [`HomeError`] to the status the client sees.
pub fn from_home(e: HomeError) -> Status {
    match e {
        HomeError::Denied(d) => Status::new(StatusCode::PermissionDenied, d.to_string()),
        HomeError::NotFound => Status::new(StatusCode::NoSuchFile, "no such file or folder"),
        HomeError::Exists | HomeError::Unavailable(_) | HomeError::NoSpace | HomeError::Io(_) => {
            Status::new(StatusCode::Failure, e.to_string())
        }
    }
}

/// Maps an [`UploadError`] to the status the client sees.
pub fn from_upload(e: UploadError) -> Status {
    match e {
        UploadError::Home(h) => from_home(h),
        UploadError::Busy => Status::new(StatusCode::Failure, e.to_string()),
        // TooLarge, ResumeBeyondEnd, Failed, and whatever comes later.
        other => Status::new(StatusCode::Failure, other.to_string()),
    }
}

/// A handle this session did not hand out, or one of the wrong kind.
pub fn bad_handle() -> Status {
    Status::new(StatusCode::Failure, "invalid handle")
}

/// A generic failure with a reason.
pub fn failure(message: impl Into<String>) -> Status {
    Status::new(StatusCode::Failure, message)
}

/// A request outside what partners may do (symlinks, unknown extensions).
pub fn denied(message: impl Into<String>) -> Status {
    Status::new(StatusCode::PermissionDenied, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Denied;

    #[test]
    fn neutral_errors_map_to_sftp_codes() {
        let code = |e| from_home(e).code;
        assert_eq!(
            code(HomeError::Denied(Denied::Permission("x".into()))),
            StatusCode::PermissionDenied
        );
        assert_eq!(
            code(HomeError::Denied(Denied::BadName("x".into()))),
            StatusCode::PermissionDenied
        );
        assert_eq!(code(HomeError::NotFound), StatusCode::NoSuchFile);
        assert_eq!(code(HomeError::Exists), StatusCode::Failure);
        assert_eq!(code(HomeError::NoSpace), StatusCode::Failure);
    }
}
