//! `REST` (RFC 3659 §5: `REST STREAM`) and `RETR` (RFC 959 §4.1.3). A download is counted as a
//! running transfer (graceful shutdown waits for it) until its data connection closes; `REST`
//! past the end of the file is `554` (RFC 3659 §5.5).

use super::super::reply::Reply;
use super::super::session::{Job, Next, Session};
use super::super::transfer::{self, Ended};
use super::{blocking, data_ready, need_home, open_data, transfer_reply};

/// `REST offset`: for the next `RETR`, `STOR` (resume) or `APPE` (ignored).
pub(super) fn rest(s: &mut Session, offset: u64) -> Reply {
    s.rest = Some(offset);
    Reply::new(
        350,
        format!("Restarting at {offset}. Send STOR or RETR to go on."),
    )
}

/// `RETR path`.
pub(super) async fn retr(s: &mut Session, arg: &str) -> Next {
    let offset = s.rest.take().unwrap_or(0);
    let (setup, tls) = match data_ready(s) {
        Ok(d) => d,
        Err(r) => return r.into(),
    };
    let home = match need_home(s) {
        Ok(h) => h,
        Err(r) => return r.into(),
    };
    let path = s.path(arg);
    let opened = blocking(move || {
        let (r, meta) = home.stat(&path)?;
        let file = home.open_read(&path, 0)?;
        Ok::<_, crate::home::HomeError>((r, meta.len, file))
    })
    .await;
    let (resolved, len, mut file) = match opened {
        Ok(v) => v,
        Err(r) => return r.into(),
    };
    if offset > len {
        return Reply::new(
            554,
            format!(
                "Requested action not taken: invalid REST parameter (the file has {len} bytes)."
            ),
        )
        .into();
    }
    if offset > 0 {
        use std::io::Seek;
        if file.seek(std::io::SeekFrom::Start(offset)).is_err() {
            return Reply::new(451, "Local error in processing.").into();
        }
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
    Next::Transfer(mark, job)
}
