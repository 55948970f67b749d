//! Moving bytes over a data connection, fast, and stoppable.
//!
//! - Downloads over clear TCP run on a blocking thread with `sendfile(2)` (rustix's safe
//!   wrapper): no copy through user space, what vsftpd does. (`std::io::copy` does not use it
//!   for a socket and falls back to 8 KiB reads and writes.) Over TLS the file is read on a
//!   blocking thread in large chunks while the previous chunk is encrypted and sent.
//! - Uploads keep the network and the disk busy at once: the network side fills [`CHUNK`]-sized
//!   buffers and a blocking writer writes them (large writes; at most [`IN_FLIGHT`] buffers
//!   wait, so memory stays bounded, and written buffers are filled again rather than fresh
//!   memory taken for each chunk). A slow upload still reaches the disk every
//!   [`FLUSH_AFTER`] so it can be watched and resumed. An upload that ends within its first
//!   chunk is handed back to be written with the finish, on one blocking thread.
//! - Every transfer ends on the first of: done, the client's `ABOR`, the server's shutdown, the
//!   control connection gone ([`Stop`]), or `idle_timeout` without a byte moving.

use super::tls::Stream;
use bytes::BufMut;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};

/// Why a transfer was stopped from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The client sent `ABOR`.
    Abor,
    /// The server is shutting down (its grace period is over).
    Shutdown,
    /// The control connection is gone.
    SessionEnded,
}

/// The session's side of a transfer's stop signal.
#[derive(Debug)]
pub struct Stopper(watch::Sender<Option<Stop>>);

/// The transfer's side: resolves when the session stops it. Dropping the [`Stopper`] (the
/// session ended, however) counts as [`Stop::SessionEnded`].
#[derive(Debug, Clone)]
pub struct StopSignal(watch::Receiver<Option<Stop>>);

/// A new stop signal pair.
pub fn stop_signal() -> (Stopper, StopSignal) {
    let (tx, rx) = watch::channel(None);
    (Stopper(tx), StopSignal(rx))
}

impl Stopper {
    /// Stops the transfer (the first reason given counts).
    pub fn stop(&self, why: Stop) {
        self.0.send_if_modified(|s| {
            if s.is_none() {
                *s = Some(why);
                true
            } else {
                false
            }
        });
    }
}

impl StopSignal {
    /// The reason, if stopped already.
    pub fn reason(&self) -> Option<Stop> {
        *self.0.borrow()
    }

    /// Resolves with the reason once stopped.
    pub async fn stopped(&mut self) -> Stop {
        loop {
            if let Some(s) = *self.0.borrow_and_update() {
                return s;
            }
            if self.0.changed().await.is_err() {
                return Stop::SessionEnded;
            }
        }
    }
}

/// How a transfer ended.
#[derive(Debug)]
pub enum Ended {
    /// All bytes moved and the data connection closed cleanly.
    Done(u64),
    /// Stopped from outside after this many bytes.
    Stopped(Stop, u64),
    /// The data connection failed (reset, timeout, TLS error) after this many bytes.
    Lost(String, u64),
    /// The local side failed (disk, size limit): the writer's error, after this many bytes.
    Local(String, u64),
}

impl Ended {
    /// Bytes moved before the end.
    pub fn bytes(&self) -> u64 {
        match self {
            Ended::Done(n) | Ended::Stopped(_, n) | Ended::Lost(_, n) | Ended::Local(_, n) => *n,
        }
    }
}

/// Sends `data` (a listing) and closes the data connection.
pub async fn send_bytes(
    mut stream: Stream,
    data: Vec<u8>,
    idle: Duration,
    stop: &mut StopSignal,
) -> Ended {
    let len = data.len() as u64;
    let send = async {
        stream.write_all(&data).await?;
        stream.shutdown().await
    };
    tokio::select! {
        biased;
        why = stop.stopped() => Ended::Stopped(why, 0),
        r = tokio::time::timeout(idle.max(Duration::from_secs(1)), send) => match r {
            Ok(Ok(())) => Ended::Done(len),
            Ok(Err(e)) => Ended::Lost(e.to_string(), 0),
            Err(_) => Ended::Lost(format!("no progress for {}s", idle.as_secs()), 0),
        },
    }
}

/// Size of the chunks read from disk for TLS downloads and written to disk for uploads.
pub const CHUNK: usize = 1 << 20;
/// Size of an upload's chunks after its first (which may hold a whole small file, up to
/// [`CHUNK`]): small enough that the buffers in flight stay in the CPU's cache between the
/// copy from the socket and the copy into the file.
pub const STREAM_CHUNK: usize = 128 << 10;
/// Chunks that may wait between the network and the disk.
pub const IN_FLIGHT: usize = 4;
/// Bytes one `sendfile` call may move.
const SENDFILE_STEP: usize = 16 << 20;
/// Longest a received byte waits in memory before it is handed to the disk.
pub const FLUSH_AFTER: Duration = Duration::from_millis(200);

/// Sends `file` (already positioned) and closes the data connection.
pub async fn send_file(
    stream: Stream,
    file: std::fs::File,
    idle: Duration,
    stop: &mut StopSignal,
) -> Ended {
    match stream {
        Stream::Plain(tcp) => send_file_plain(tcp, file, idle, stop).await,
        tls @ Stream::Tls(_) => send_file_chunked(tls, file, idle, stop).await,
    }
}

/// Clear TCP: `sendfile(2)` on a blocking thread, from the file's position (`REST`). A stop
/// shuts the socket down, which ends it at once; the socket's send timeout is the idle timeout.
async fn send_file_plain(
    tcp: tokio::net::TcpStream,
    file: std::fs::File,
    idle: Duration,
    stop: &mut StopSignal,
) -> Ended {
    let std_tcp = match tcp.into_std() {
        Ok(s) => s,
        Err(e) => return Ended::Lost(e.to_string(), 0),
    };
    let prepared = std_tcp
        .set_nonblocking(false)
        .and_then(|()| std_tcp.set_write_timeout(Some(idle.max(Duration::from_secs(1)))))
        .and_then(|()| std_tcp.try_clone());
    let killer = match prepared {
        Ok(k) => k,
        Err(e) => return Ended::Lost(e.to_string(), 0),
    };
    let mut job = tokio::task::spawn_blocking(move || {
        let sock = std_tcp;
        let mut sent = 0u64;
        let r = loop {
            match rustix::fs::sendfile(&sock, &file, None, SENDFILE_STEP) {
                Ok(0) => break Ok(sent),
                Ok(n) => sent += n as u64,
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => break Err(io::Error::from(e)),
            }
        };
        let _ = sock.shutdown(std::net::Shutdown::Write);
        r
    });
    let (result, stopped) = tokio::select! {
        biased;
        why = stop.stopped() => {
            let _ = killer.shutdown(std::net::Shutdown::Both);
            ((&mut job).await, Some(why))
        }
        r = &mut job => (r, None),
    };
    match (result, stopped) {
        (_, Some(why)) => Ended::Stopped(why, 0),
        (Ok(Ok(n)), None) => Ended::Done(n),
        (Ok(Err(e)), None) => Ended::Lost(describe_io(&e, idle), 0),
        (Err(e), None) => Ended::Local(e.to_string(), 0),
    }
}

/// TLS: a blocking reader fills chunks while the previous one is encrypted and sent.
async fn send_file_chunked(
    mut stream: Stream,
    file: std::fs::File,
    idle: Duration,
    stop: &mut StopSignal,
) -> Ended {
    let (tx, mut rx) = mpsc::channel::<io::Result<Vec<u8>>>(IN_FLIGHT);
    let reader = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut file = file;
        loop {
            let mut chunk = vec![0u8; CHUNK];
            let r = file.read(&mut chunk).map(|n| {
                chunk.truncate(n);
                chunk
            });
            let end = matches!(&r, Ok(c) if c.is_empty()) || r.is_err();
            if tx.blocking_send(r).is_err() || end {
                return;
            }
        }
    });
    let mut sent = 0u64;
    let idle = idle.max(Duration::from_secs(1));
    let ended = loop {
        let next = tokio::select! {
            biased;
            why = stop.stopped() => break Ended::Stopped(why, sent),
            c = rx.recv() => c,
        };
        let chunk = match next {
            Some(Ok(c)) if c.is_empty() => {
                break match tokio::time::timeout(idle, stream.shutdown()).await {
                    Ok(Ok(())) => Ended::Done(sent),
                    Ok(Err(e)) => Ended::Lost(e.to_string(), sent),
                    Err(_) => Ended::Lost("closing timed out".into(), sent),
                };
            }
            Some(Ok(c)) => c,
            Some(Err(e)) => break Ended::Local(e.to_string(), sent),
            None => break Ended::Local("the file reader stopped".into(), sent),
        };
        let write = tokio::time::timeout(idle, stream.write_all(&chunk));
        tokio::select! {
            biased;
            why = stop.stopped() => break Ended::Stopped(why, sent),
            r = write => match r {
                Ok(Ok(())) => sent += chunk.len() as u64,
                Ok(Err(e)) => break Ended::Lost(e.to_string(), sent),
                Err(_) => break Ended::Lost(format!("no progress for {}s", idle.as_secs()), sent),
            },
        }
    };
    drop(rx);
    let _ = reader.await;
    ended
}

/// Receives an upload: reads the data connection to its end and hands ~1 MiB chunks to
/// `write` on a blocking thread. `write` returns an error to stop (disk failure, size limit).
///
/// An upload that ends within its first chunk (most order files) is not written here: its
/// bytes come back with [`Ended::Done`] for the caller to write on the blocking thread that
/// finishes the upload, so a small file costs one hand-off to the blocking pool, not two.
pub async fn receive<W>(
    mut input: Stream,
    write: W,
    idle: Duration,
    stop: &mut StopSignal,
) -> (Ended, Vec<u8>)
where
    W: FnMut(&[u8]) -> Result<(), String> + Send + 'static,
{
    let mut disk = Disk::Idle(Some(write));
    let idle = idle.max(Duration::from_secs(1));
    let mut total = 0u64;
    let mut kept = Vec::new();
    let outcome = loop {
        let spare = match disk.spare().await {
            Ok(spare) => spare,
            Err(()) => break Ok(()), // the writer failed: its error is reported below
        };
        let limit = match disk {
            Disk::Idle(_) => CHUNK,
            Disk::Writing { .. } => STREAM_CHUNK,
        };
        let filled = tokio::select! {
            biased;
            why = stop.stopped() => break Err(Ended::Stopped(why, total)),
            f = fill_chunk(&mut input, spare, idle, limit) => f,
        };
        let (chunk, read) = filled;
        let n = chunk.len() as u64;
        total += n;
        if matches!(read, Ok(true)) && matches!(disk, Disk::Idle(_)) {
            kept = chunk; // the whole upload: the caller writes it
            break Ok(());
        }
        if n > 0 && disk.send(chunk).await.is_err() {
            break Ok(());
        }
        match read {
            Ok(true) => break Ok(()),
            Ok(false) => {}
            Err(e) => break Err(Ended::Lost(e, total)),
        }
    };
    let written = disk.close().await;
    let ended = match (outcome, written) {
        (Err(stopped @ Ended::Stopped(..)), _) => stopped,
        (_, Err(e)) => Ended::Local(e, total),
        (Err(lost), Ok(())) => lost,
        (Ok(()), Ok(())) => Ended::Done(total),
    };
    (ended, kept)
}

/// The disk side of an upload: the writer closure until the first chunk has to be written,
/// then a blocking writer fed through a queue.
enum Disk<W> {
    /// Nothing written yet (`None` only if starting the writer went wrong).
    Idle(Option<W>),
    Writing {
        tx: mpsc::Sender<Vec<u8>>,
        // Written buffers come back to be filled again: a handful of buffers per upload,
        // touched once, instead of fresh memory (and its page faults) for every chunk.
        spare_rx: mpsc::Receiver<Vec<u8>>,
        buffers: usize,
        writer: tokio::task::JoinHandle<Result<(), String>>,
    },
}

impl<W> Disk<W>
where
    W: FnMut(&[u8]) -> Result<(), String> + Send + 'static,
{
    /// A buffer to fill: a written one when there is one, `None` for a new one; waits when
    /// [`IN_FLIGHT`] + 2 buffers are out (the queue, the one being written, the one filling).
    /// `Err` when the writer has stopped.
    async fn spare(&mut self) -> Result<Option<Vec<u8>>, ()> {
        let Disk::Writing {
            spare_rx, buffers, ..
        } = self
        else {
            return Ok(None);
        };
        let spare = match spare_rx.try_recv() {
            Ok(b) => Some(b),
            Err(_) if *buffers >= IN_FLIGHT + 2 => match spare_rx.recv().await {
                Some(b) => Some(b),
                None => return Err(()),
            },
            Err(_) => None,
        };
        if spare.is_none() {
            *buffers += 1;
        }
        Ok(spare)
    }

    /// Queues `chunk` for the writer, starting it first if needed; `Err` when it has stopped.
    async fn send(&mut self, chunk: Vec<u8>) -> Result<(), ()> {
        if let Disk::Idle(write) = self {
            let mut write = write.take().ok_or(())?;
            let (tx, mut rx) = mpsc::channel::<Vec<u8>>(IN_FLIGHT);
            let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>(IN_FLIGHT + 2);
            let writer = tokio::task::spawn_blocking(move || -> Result<(), String> {
                while let Some(mut chunk) = rx.blocking_recv() {
                    write(&chunk)?;
                    chunk.clear();
                    let _ = spare_tx.try_send(chunk);
                }
                Ok(())
            });
            // The first chunk was filled before the writer existed.
            *self = Disk::Writing {
                tx,
                spare_rx,
                buffers: 1,
                writer,
            };
        }
        match self {
            Disk::Writing { tx, .. } => tx.send(chunk).await.map_err(drop),
            Disk::Idle(_) => Err(()),
        }
    }

    /// Waits for everything queued to be written; the writer's error if it failed.
    async fn close(self) -> Result<(), String> {
        match self {
            Disk::Idle(_) => Ok(()),
            Disk::Writing { tx, writer, .. } => {
                drop(tx);
                writer
                    .await
                    .unwrap_or_else(|e| Err(format!("the writer failed: {e}")))
            }
        }
    }
}

/// Reads up to `limit` bytes: waits up to `idle` for the first, then gathers what arrives
/// within [`FLUSH_AFTER`]. Returns the bytes and whether the input ended (or its error).
async fn fill_chunk(
    input: &mut Stream,
    spare: Option<Vec<u8>>,
    idle: Duration,
    limit: usize,
) -> (Vec<u8>, Result<bool, String>) {
    let mut chunk = spare.unwrap_or_else(|| Vec::with_capacity(limit));
    // Reads stop at `limit` even in a recycled buffer that has room for more.
    let first = tokio::time::timeout(idle, input.read_buf(&mut (&mut chunk).limit(limit))).await;
    match first {
        Err(_) => return (chunk, Err(format!("no data for {}s", idle.as_secs()))),
        Ok(Ok(0)) => return (chunk, Ok(true)),
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return (chunk, end_or_error(e)),
    }
    let deadline = tokio::time::Instant::now() + FLUSH_AFTER;
    while chunk.len() < limit {
        let room = limit - chunk.len();
        let mut window = (&mut chunk).limit(room);
        match tokio::time::timeout_at(deadline, input.read_buf(&mut window)).await {
            Err(_) => return (chunk, Ok(false)),
            Ok(Ok(0)) => return (chunk, Ok(true)),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return (chunk, end_or_error(e)),
        }
    }
    (chunk, Ok(false))
}

/// A TLS peer that closes without `close_notify` ends its upload the way a clear one does (by
/// closing): accepted, as vsftpd does by default; a reset or any other error is a failure.
fn end_or_error(e: io::Error) -> Result<bool, String> {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        Ok(true)
    } else {
        Err(e.to_string())
    }
}

fn describe_io(e: &io::Error, idle: Duration) -> String {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("no progress for {}s", idle.as_secs())
        }
        _ => e.to_string(),
    }
}
