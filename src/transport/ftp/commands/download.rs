//! `REST` (RFC 3659 §5: `REST STREAM`) and `RETR` (RFC 959 §4.1.3). A download is counted as a
//! running transfer (graceful shutdown waits for it) until its data connection closes; `REST`
//! past the end of the file is `554` (RFC 3659 §5.5).

use super::super::reply::Reply;
use super::super::state::{Job, Next, Session};
use super::super::transfer::{self, Ended};
use super::{Started, blocking, open_data, transfer_ready, transfer_reply};
use crate::home::HomeError;

/// `REST offset`: for the next `RETR`, `STOR` (resume) or `APPE` (ignored).
pub(super) fn rest(s: &mut Session, offset: u64) -> Reply {
    s.rest = Some(offset);
    Reply::new(
        350,
        format!("Restarting at {offset}. Send STOR or RETR to go on."),
    )
}

/// `RETR path`.
pub(super) async fn retr(s: &mut Session, arg: &str) -> Started {
    let offset = s.rest.take().unwrap_or(0);
    let (setup, tls, home) = transfer_ready(s)?;
    let path = s.path(arg);
    let (resolved, len, file) = blocking(move || {
        let (r, meta) = home.stat(&path)?;
        let file = home.open_read(&path, offset.min(meta.len))?;
        Ok::<_, HomeError>((r, meta.len, file))
    })
    .await?;
    if offset > len {
        return Err(Reply::new(
            554,
            format!(
                "Requested action not taken: invalid REST parameter (the file has {len} bytes)."
            ),
        ));
    }
    let guard = s.shared.uploads.begin_download();
    let local = s.local.ip();
    let idle = s.shared.config.limits.idle_timeout;
    let shown = resolved.log_path();
    let mark = Reply::new(
        150,
        format!("Opening BINARY mode data connection for {shown} ({len} bytes)."),
    );
    let job: Job = Box::new(move |mut stop| {
        Box::pin(async move {
            let _running = guard;
            let stream = match open_data(setup, local, tls, &mut stop).await {
                Ok(st) => st,
                Err(r) => return r,
            };
            let ended = transfer::send_file(stream, file, idle, &mut stop).await;
            match &ended {
                Ended::Done(n) => tracing::info!(file = %shown, bytes = n, "download complete"),
                other => tracing::info!(
                    file = %shown,
                    bytes = other.bytes(),
                    "download not complete"
                ),
            }
            transfer_reply(&ended, "Transfer complete.")
        })
    });
    Ok(Next::Transfer(mark, job))
}
