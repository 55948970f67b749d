//! `STOR` and `APPE` (RFC 959 §4.1.3), `REST` + `STOR` (RFC 3659 §5), through the upload life
//! cycle: begin (policy, resume only up to the file's current size, the size limit on offset
//! plus bytes), the data path, then
//! - the data connection closed cleanly: finish (fsync before `226`), and the file is handed
//!   to the intake;
//! - `ABOR`: aborted (`426`, then `226` for the ABOR), the partial file goes to `error/` with
//!   the reason and byte count and is never processed;
//! - the data connection failed, or the control connection went, or shutdown: aborted the
//!   same way, with that reason.

use super::super::errors;
use super::super::reply::Reply;
use super::super::state::{Job, Next, Session};
use super::super::transfer::{self, Ended, Stop};
use super::{Started, open_data, transfer_ready};
use crate::intake::Via;
use crate::upload::{Abort, Start, Upload, UploadError};

/// `STOR path` (`append`: `APPE path`).
pub(super) async fn stor(s: &mut Session, arg: &str, append: bool) -> Started {
    let rest = s.rest.take();
    let (setup, tls, home) = transfer_ready(s)?;
    let start = match (append, rest) {
        (true, _) => Start::Append,
        (false, Some(n)) if n > 0 => Start::Resume(n),
        _ => Start::New,
    };
    let path = s.path(arg);
    let (uploads, span) = (s.shared.uploads.clone(), s.span.clone());
    let begun =
        tokio::task::spawn_blocking(move || uploads.begin(&home, &path, start, Via::Ftp, &span))
            .await
            .unwrap_or_else(|e| Err(UploadError::Failed(e.to_string())));
    let upload = begun.map_err(|e| errors::upload(&e))?;
    let local = s.local.ip();
    let idle = s.shared.config.limits.idle_timeout;
    let mark = Reply::new(150, format!("Ok to send data for {}.", upload.log_path()));
    let job: Job = Box::new(move |mut stop| {
        Box::pin(async move {
            let stream = match open_data(setup, local, tls, &mut stop).await {
                Ok(st) => st,
                Err(r) => {
                    let why = match stop.reason() {
                        Some(s) => abort_for(s),
                        None => Abort::ConnectionLost("no data connection was opened".into()),
                    };
                    finish_off(move || upload.abort(why)).await;
                    return r;
                }
            };
            let writer = upload.writer();
            let write = move |chunk: &[u8]| writer.write(None, chunk).map_err(|e| e.to_string());
            let (ended, rest) = transfer::receive(stream, write, idle, &mut stop).await;
            settle(upload, ended, rest).await
        })
    });
    Ok(Next::Transfer(mark, job))
}

/// Finishes or aborts the upload after its data path ended; the transfer's reply. `rest`:
/// received bytes the data path left to write (a small upload's whole content), written on
/// the same blocking thread as the finish.
async fn settle(upload: Upload, ended: Ended, rest: Vec<u8>) -> Reply {
    let (why, reply) = match ended {
        Ended::Done(_) | Ended::Local(..) => {
            let done = move || {
                if !rest.is_empty() {
                    // A failed write stops the upload: finish then sets it aside and says why.
                    let _ = upload.writer().write(None, &rest);
                }
                upload.finish()
            };
            return match tokio::task::spawn_blocking(done).await {
                Ok(Ok(_)) => Reply::new(226, "Transfer complete."),
                Ok(Err(e)) => errors::upload(&e),
                Err(_) => Reply::new(451, "Transfer failed: local error."),
            };
        }
        Ended::Stopped(stop, _) => {
            let reply = match stop {
                Stop::Abor => "Transfer aborted; the partial upload was set aside.",
                Stop::Shutdown => "Transfer aborted: the server is shutting down.",
                Stop::SessionEnded => "Transfer aborted.",
            };
            (abort_for(stop), Reply::new(426, reply))
        }
        Ended::Lost(why, _) => {
            let reply = Reply::new(426, format!("Connection closed; transfer aborted: {why}."));
            (Abort::ConnectionLost(why), reply)
        }
    };
    finish_off(move || upload.abort(why)).await;
    reply
}

/// The upload's abort reason for a transfer stopped from outside.
fn abort_for(stop: Stop) -> Abort {
    match stop {
        Stop::Abor => Abort::ClientAborted,
        Stop::Shutdown => Abort::Shutdown,
        Stop::SessionEnded => Abort::SessionEnded,
    }
}

/// Runs a blocking clean-up off the async threads.
async fn finish_off(f: impl FnOnce() + Send + 'static) {
    let _ = tokio::task::spawn_blocking(f).await;
}
