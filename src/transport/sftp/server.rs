//! The SFTP request loop of one session channel: reads packets, runs requests, sends replies.
//!
//! Many requests are in flight at once (OpenSSH's `sftp` keeps 64 outstanding), and replies go
//! out as each request is done, by request id, not in arrival order. What may run side by side
//! follows draft-ietf-secsh-filexfer-02 §6.1 (requests on the same file keep their order):
//!
//! - **Reads and writes** go to their file's [`Lane`](super::lane): one file's in order (an
//!   append after the writes before it), different files' side by side, the loop already
//!   reading the next request.
//! - **Everything else** (open, close, stat, rename, remove, …) runs alone: it waits until
//!   every earlier request is done, and no later one starts before it is. A close therefore
//!   comes after its file's last write, and a rename sent right behind a close sees the upload
//!   complete — the session behaves as if each request had waited for its reply.
//! - **Pure answers** (the version, `realpath`, `limits@openssh.com`, unknown requests,
//!   malformed packets) are sent at once.
//!
//! Memory is bounded by a budget ([`BUDGET_KIB`]) of bytes in flight: a write holds its data
//! until written, a read its reply until handed to the channel. When the budget is spent the
//! loop stops reading, and the SSH channel's flow control holds the client back. A request
//! that runs alone takes the whole budget.
//!
//! Replies are queued, never awaited by the requests: a writer task sends them (small ones
//! gathered into one channel write) while the loop goes on reading, so a reply waiting for the
//! client's window can never stop the loop from taking the client's next packets. The first
//! reply that cannot be sent (the client is gone) ends the session: its uploads are aborted at
//! once instead of the buffered writes still landing on disk.

use super::fs::{FSYNC, LIMITS, POSIX_RENAME, SftpFs, realpath};
use super::handles::MAX_OPEN;
use super::wire::encode;
use super::wire::{Framer, MAX_DATA, Request, StatusCode, decode};
use bytes::{Bytes, BytesMut};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tracing::Instrument;

/// KiB of write data and read replies one session may have in flight: enough to keep a
/// client's pipeline full (OpenSSH's window is 2 MiB), small enough for many sessions.
pub const BUDGET_KIB: u32 = 4096;
/// Replies smaller than this are gathered into one channel write.
const GATHER: usize = 16 * 1024;

/// Where requests come from: the channel's data, in pieces of any size.
pub trait Input: Send {
    /// The next piece; `None` when the client has closed the channel or sent EOF.
    fn next(&mut self) -> impl Future<Output = Option<Bytes>> + Send;
}

/// Where replies go.
pub trait Output: Send + 'static {
    /// Sends `data`; `false` when the client is gone.
    fn send(&mut self, data: Bytes) -> impl Future<Output = bool> + Send;
    /// Everything is sent: EOF and close.
    fn finish(self) -> impl Future<Output = ()> + Send;
}

/// A reply, with the part of the budget it holds until it is sent.
struct Reply {
    bytes: Bytes,
    _held: Option<OwnedSemaphorePermit>,
}

/// Runs the SFTP server of one channel until the client closes it, sends EOF, or can no longer
/// be answered. The session's file system (and with it every upload still open, aborted) is
/// released when the last request is done.
pub async fn serve(mut input: impl Input, output: impl Output, fs: SftpFs) {
    let span = tracing::Span::current();
    let (tx, rx) = mpsc::unbounded_channel::<Reply>();
    let mut writer = tokio::spawn(send_replies(output, rx).instrument(span));
    let mut session = Session {
        fs,
        replies: tx,
        budget: Arc::new(Semaphore::new(BUDGET_KIB as usize)),
        initialized: false,
    };
    let mut framer = Framer::default();
    'read: loop {
        let piece = tokio::select! {
            piece = input.next() => piece,
            _ = &mut writer => {
                tracing::debug!("sftp channel closed");
                break 'read;
            }
        };
        let Some(piece) = piece else { break };
        framer.push(&piece);
        loop {
            match framer.next_packet() {
                Ok(Some(packet)) => session.run(packet).await,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "SFTP session ended: the stream cannot be read");
                    break 'read;
                }
            }
        }
    }
    tracing::debug!("sftp stream ended");
}

/// The loop's state.
struct Session {
    fs: SftpFs,
    replies: mpsc::UnboundedSender<Reply>,
    budget: Arc<Semaphore>,
    initialized: bool,
}

impl Session {
    fn send(&self, bytes: Bytes) {
        let _ = self.replies.send(Reply { bytes, _held: None });
    }

    /// Takes `kib` of the budget (all of it: the request runs alone).
    async fn take(&self, kib: u32) -> Option<OwnedSemaphorePermit> {
        self.budget.clone().acquire_many_owned(kib).await.ok()
    }

    /// Runs one packet's request, or queues it.
    async fn run(&mut self, packet: Bytes) {
        let (id, request) = match decode(&packet) {
            Ok(r) => r,
            Err(m) => {
                let id = m.id.unwrap_or(0);
                return self.send(encode::status(id, StatusCode::BadMessage, "bad message"));
            }
        };
        match request {
            Request::Init { version } => self.init(version),
            Request::Realpath { path } => self.send(realpath(id, &path)),
            Request::Extended { ref name, .. } if name == LIMITS => {
                self.send(encode::limits(id, MAX_OPEN as u64));
            }
            Request::Unknown { .. } => {
                self.send(encode::status(id, StatusCode::OpUnsupported, "unsupported"));
            }
            Request::Read { .. } | Request::Write { .. } => self.in_lane(id, request).await,
            other => self.alone(id, other).await,
        }
    }

    fn init(&mut self, version: u32) {
        if std::mem::replace(&mut self.initialized, true) {
            return self.send(encode::status(
                0,
                StatusCode::Failure,
                "the session is already initialised",
            ));
        }
        tracing::debug!(client_version = version, "sftp session started");
        self.send(encode::version(&[
            (POSIX_RENAME, "1"),
            (FSYNC, "1"),
            (LIMITS, "1"),
        ]));
    }

    /// A read or write: queued on its file's lane, holding its size in the budget.
    async fn in_lane(&mut self, id: u32, request: Request) {
        let (handle, size, read) = match &request {
            Request::Read { handle, len, .. } => (handle, (*len).min(MAX_DATA) as usize, true),
            Request::Write { handle, data, .. } => (handle, data.len(), false),
            _ => return,
        };
        let kib = u32::try_from(size.div_ceil(1024)).unwrap_or(BUDGET_KIB);
        let Some(held) = self.take(kib.clamp(1, BUDGET_KIB)).await else {
            return;
        };
        let lane = std::str::from_utf8(handle)
            .ok()
            .and_then(|h| self.fs.handle_table().lane(h));
        let Some(lane) = lane else {
            return self.send(super::status::bad_handle().reply(id));
        };
        let (fs, replies) = (self.fs.clone(), self.replies.clone());
        lane.push(Box::new(move || {
            let bytes = fs.answer(id, request);
            // A read's reply keeps its budget until sent; a write's is spent.
            let held = read.then_some(held);
            let _ = replies.send(Reply { bytes, _held: held });
        }));
    }

    /// Any other request: once every earlier one is done, with nothing else running.
    async fn alone(&mut self, id: u32, request: Request) {
        let Some(all) = self.take(BUDGET_KIB).await else {
            return;
        };
        let fs = self.fs.clone();
        let reply = tokio::task::spawn_blocking(move || fs.answer(id, request))
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "an SFTP request failed");
                encode::status(id, StatusCode::Failure, "local error")
            });
        self.send(reply);
        drop(all);
    }
}

/// Sends replies as they come, gathering small ones, until every sender is gone (then EOF
/// and close) or the client cannot be reached.
async fn send_replies(mut output: impl Output, mut replies: mpsc::UnboundedReceiver<Reply>) {
    while let Some(first) = replies.recv().await {
        let mut batch = vec![first];
        let mut small = batch[0].bytes.len() < GATHER;
        // Gather what is already queued: small replies into one write.
        while small {
            match replies.try_recv() {
                Ok(r) => {
                    small = r.bytes.len() < GATHER;
                    batch.push(r);
                }
                Err(_) => break,
            }
        }
        let (gathered, big): (Vec<Reply>, Vec<Reply>) =
            batch.into_iter().partition(|r| r.bytes.len() < GATHER);
        if !gathered.is_empty() {
            let mut buf = BytesMut::with_capacity(gathered.iter().map(|r| r.bytes.len()).sum());
            for r in &gathered {
                buf.extend_from_slice(&r.bytes);
            }
            if !output.send(buf.freeze()).await {
                return;
            }
        }
        for r in big {
            if !output.send(r.bytes.clone()).await {
                return;
            }
        }
    }
    output.finish().await;
}

/// The russh channel as the loop's [`Input`] and [`Output`].
pub mod channel {
    use super::{Input, Output};
    use bytes::Bytes;
    use russh::server::Msg;
    use russh::{ChannelMsg, ChannelReadHalf, ChannelWriteHalf};

    impl Input for ChannelReadHalf {
        async fn next(&mut self) -> Option<Bytes> {
            loop {
                match self.wait().await? {
                    ChannelMsg::Data { data } => return Some(data),
                    ChannelMsg::Eof | ChannelMsg::Close => return None,
                    _ => {}
                }
            }
        }
    }

    impl Output for ChannelWriteHalf<Msg> {
        async fn send(&mut self, data: Bytes) -> bool {
            self.data_bytes(data).await.is_ok()
        }

        async fn finish(self) {
            let _ = self.eof().await;
            let _ = self.close().await;
        }
    }
}
