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
//! until written, a read its reply until handed to the channel; a request that runs alone
//! takes the whole budget. Requests wait for their share in arrival order, while the loop
//! goes on reading: behind them in the SSH stream come the client's window adjustments, which
//! the read replies holding the budget may be waiting for (paramiko asks for a whole file at
//! once). Only past [`WAITING_MAX`] bytes of waiting requests does the loop stop reading, and
//! TCP holds the client back.
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
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tracing::Instrument;

/// KiB of write data and read replies one session may have in flight: enough to keep a
/// client's pipeline full (OpenSSH's window is 2 MiB), small enough for many sessions.
pub const BUDGET_KIB: u32 = 4096;
/// Bytes of requests read but still waiting for the budget, past which the loop stops reading
/// the channel. Generous: waiting requests are mostly small reads (a client such as paramiko
/// asks for a whole file at once), and the loop must keep reading past them, or the client's
/// window adjustments behind them in the SSH stream are never seen and the read replies that
/// wait for them hold the budget for ever.
const WAITING_MAX: usize = 4 << 20;
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
        waiting: VecDeque::new(),
        waiting_bytes: 0,
    };
    let mut framer = Framer::default();
    let mut open = true;
    loop {
        if !open && session.waiting.is_empty() {
            break;
        }
        let next_kib = session.waiting.front().map(|w| w.kib);
        let budget = session.budget.clone();
        tokio::select! {
            biased;
            _ = &mut writer => {
                tracing::debug!("sftp channel closed");
                break;
            }
            held = async move { budget.acquire_many_owned(next_kib.unwrap_or(0)).await.ok() },
                if next_kib.is_some() => {
                let Some(held) = held else { break };
                session.start_next(held);
            }
            piece = input.next(), if open && session.waiting_bytes < WAITING_MAX => {
                let Some(piece) = piece else {
                    open = false;
                    continue;
                };
                framer.push(&piece);
                loop {
                    match framer.next_packet() {
                        Ok(Some(packet)) => session.arrived(packet),
                        Ok(None) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "SFTP session ended: the stream cannot be read");
                            open = false;
                            break;
                        }
                    }
                }
            }
        }
    }
    tracing::debug!("sftp stream ended");
}

/// A request waiting for its share of the budget.
struct Waiting {
    id: u32,
    request: Request,
    /// The budget it needs.
    kib: u32,
    /// Its packet's size.
    bytes: usize,
}

/// The loop's state.
struct Session {
    fs: SftpFs,
    replies: mpsc::UnboundedSender<Reply>,
    budget: Arc<Semaphore>,
    initialized: bool,
    /// Requests read and waiting for the budget, in arrival order.
    waiting: VecDeque<Waiting>,
    /// The sum of their packets' sizes.
    waiting_bytes: usize,
}

impl Session {
    fn send(&self, bytes: Bytes) {
        let _ = self.replies.send(Reply { bytes, _held: None });
    }

    /// One packet: answered at once, or queued for the budget it needs.
    fn arrived(&mut self, packet: Bytes) {
        let (id, request) = match decode(&packet) {
            Ok(r) => r,
            Err(m) => {
                let id = m.id.unwrap_or(0);
                return self.send(encode::status(id, StatusCode::BadMessage, "bad message"));
            }
        };
        let kib = match &request {
            Request::Init { version } => return self.init(*version),
            Request::Realpath { path } => return self.send(realpath(id, path)),
            Request::Extended { name, .. } if name == LIMITS => {
                return self.send(encode::limits(id, MAX_OPEN as u64));
            }
            Request::Unknown { .. } => {
                return self.send(encode::status(id, StatusCode::OpUnsupported, "unsupported"));
            }
            Request::Read { len, .. } => kib((*len).min(MAX_DATA) as usize),
            Request::Write { data, .. } => kib(data.len()),
            _ => BUDGET_KIB,
        };
        self.waiting_bytes += packet.len();
        self.waiting.push_back(Waiting {
            id,
            request,
            kib,
            bytes: packet.len(),
        });
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

    /// Starts the first waiting request, which now holds its budget: a read or write on its
    /// file's lane, anything else alone (it holds the whole budget).
    fn start_next(&mut self, held: OwnedSemaphorePermit) {
        let Some(Waiting {
            id, request, bytes, ..
        }) = self.waiting.pop_front()
        else {
            return;
        };
        self.waiting_bytes -= bytes;
        let (fs, replies) = (self.fs.clone(), self.replies.clone());
        let read = matches!(request, Request::Read { .. });
        let Some(handle) = request
            .handle()
            .filter(|_| read || matches!(request, Request::Write { .. }))
        else {
            // Answered and replied to from the blocking thread itself: no async task waits
            // for it (one thread hand-off per request fewer, which a client sending one
            // small file after another pays four times a file: stat, open, write, close).
            let span = tracing::Span::current();
            tokio::task::spawn_blocking(move || {
                let answered = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    span.in_scope(|| fs.answer(id, request))
                }));
                let bytes = answered.unwrap_or_else(|p| {
                    let why = crate::validate::panic_text(p.as_ref());
                    span.in_scope(|| tracing::error!(error = %why, "an SFTP request failed"));
                    encode::status(id, StatusCode::Failure, "local error")
                });
                let _ = replies.send(Reply { bytes, _held: None });
                drop(held);
            });
            return;
        };
        let lane = std::str::from_utf8(handle)
            .ok()
            .and_then(|h| self.fs.handle_table().lane(h));
        let Some(lane) = lane else {
            return self.send(super::status::bad_handle().reply(id));
        };
        lane.push(Box::new(move || {
            let bytes = fs.answer(id, request);
            // A read's reply keeps its budget until sent; a write's is spent.
            let held = read.then_some(held);
            let _ = replies.send(Reply { bytes, _held: held });
        }));
    }
}

/// The budget a request of `size` bytes needs (at least 1 KiB, at most all of it).
fn kib(size: usize) -> u32 {
    u32::try_from(size.div_ceil(1024))
        .unwrap_or(BUDGET_KIB)
        .clamp(1, BUDGET_KIB)
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
