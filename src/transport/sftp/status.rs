//! The one place where neutral file errors become SFTP status codes
//! (draft-ietf-secsh-filexfer-02 §7), and the few protocol-level refusals.

use crate::home::HomeError;
use crate::upload::UploadError;
use russh_sftp::protocol::StatusCode;
use russh_sftp::server::StatusReply;

/// Maps a [`HomeError`] to the status the client sees.
pub fn from_home(e: HomeError) -> StatusReply {
    match e {
        HomeError::Denied(d) => StatusCode::PermissionDenied.with_message(d.to_string()),
        HomeError::NotFound => StatusCode::NoSuchFile.with_message("no such file or folder"),
        HomeError::Exists | HomeError::Unavailable(_) | HomeError::NoSpace | HomeError::Io(_) => {
            StatusCode::Failure.with_message(e.to_string())
        }
    }
}

/// Maps an [`UploadError`] to the status the client sees.
pub fn from_upload(e: UploadError) -> StatusReply {
    match e {
        UploadError::Home(h) => from_home(h),
        UploadError::Busy => StatusCode::Failure.with_message(e.to_string()),
        // TooLarge, ResumeBeyondEnd, Failed, and whatever comes later.
        other => StatusCode::Failure.with_message(other.to_string()),
    }
}

/// A handle this session did not hand out, or one of the wrong kind.
pub fn bad_handle() -> StatusReply {
    StatusCode::Failure.with_message("invalid handle")
}

/// A generic failure with a reason.
pub fn failure(message: impl Into<String>) -> StatusReply {
    StatusCode::Failure.with_message(message)
}

/// A request outside what partners may do (symlinks, unknown extensions).
pub fn denied(message: impl Into<String>) -> StatusReply {
    StatusCode::PermissionDenied.with_message(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Denied;

    #[test]
    fn neutral_errors_map_to_sftp_codes() {
        let code = |e| from_home(e).status_code;
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
