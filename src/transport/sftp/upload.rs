//! An SFTP write handle mapped onto the upload life cycle ([`crate::upload`]): the handle's
//! upload is complete when the handle is closed, and aborted when the session ends with the
//! handle still open (SFTP can tell, unlike FTP). Opened with `SSH_FXF_APPEND`, every write
//! goes to the end whatever its offset says.

use crate::intake::Via;
use crate::upload::{Abort, Upload, Writer};
use tracing::Span;

/// Where SFTP arrivals come from, for the intake.
pub const VIA: Via = Via::Sftp;

/// An upload open on a handle.
#[derive(Debug)]
pub struct Writing {
    /// The upload.
    pub upload: Upload,
    /// Its writer (positioned writes).
    pub writer: Writer,
    /// Opened for appending: every write goes to the end.
    pub append: bool,
}

impl Writing {
    /// Wraps an upload just begun.
    pub fn new(upload: Upload, append: bool) -> Writing {
        Writing {
            writer: upload.writer(),
            upload,
            append,
        }
    }
}

/// Aborts `uploads` (their session ended) on the blocking pool, keeping `hold` (a clean-up
/// tracker) until done. Runs in place when there is no runtime (dropped at process exit).
pub fn abort_all(
    uploads: Vec<Writing>,
    _span: Span,
    hold: impl Send + 'static,
) -> Option<tokio::task::JoinHandle<()>> {
    if uploads.is_empty() {
        return None;
    }
    let job = move || {
        for w in uploads {
            w.upload.abort(Abort::SessionEnded);
        }
        drop(hold);
    };
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => Some(rt.spawn_blocking(job)),
        Err(_) => {
            job();
            None
        }
    }
}
