//! The control connection: command lines in (bounded, cancel-safe), replies out (one write
//! each), and the upgrade to TLS after `AUTH TLS` (RFC 4217 §4).

use super::command::MAX_LINE;
use super::reply::Reply;
use super::tls::{Acceptor, Stream};
use std::io;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the client sent next.
#[derive(Debug)]
pub enum Line {
    /// One line, with its line ending.
    Command(Vec<u8>),
    /// A line longer than [`MAX_LINE`] (skipped up to its end).
    TooLong,
    /// The client closed the connection.
    Closed,
}

/// The control connection of one session.
#[derive(Debug)]
pub struct Control {
    stream: Option<Stream>,
    buf: Vec<u8>,
    /// Skipping the rest of a too-long line.
    skipping: bool,
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "control connection closed")
}

impl Control {
    /// Wraps an accepted connection.
    pub fn new(stream: Stream) -> Control {
        Control {
            stream: Some(stream),
            buf: Vec::with_capacity(1024),
            skipping: false,
        }
    }

    /// Whether the connection is protected by TLS.
    pub fn is_tls(&self) -> bool {
        self.stream.as_ref().is_some_and(Stream::is_tls)
    }

    /// The next line. Cancel-safe: a read interrupted by `select!` loses nothing.
    pub async fn read_line(&mut self) -> io::Result<Line> {
        loop {
            if let Some(line) = self.take_line() {
                return Ok(line);
            }
            let stream = self.stream.as_mut().ok_or_else(gone)?;
            self.buf.reserve(4096);
            if stream.read_buf(&mut self.buf).await? == 0 {
                return Ok(Line::Closed);
            }
        }
    }

    fn take_line(&mut self) -> Option<Line> {
        if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=i).collect();
            if std::mem::take(&mut self.skipping) || line.len() > MAX_LINE {
                return Some(Line::TooLong);
            }
            return Some(Line::Command(line));
        }
        if self.buf.len() > MAX_LINE {
            self.buf.clear();
            self.skipping = true;
        }
        None
    }

    /// Sends one reply (one write).
    pub async fn send(&mut self, reply: &Reply) -> io::Result<()> {
        self.send_bytes(&reply.to_bytes()).await
    }

    /// Sends several replies in one write.
    pub async fn send_all(&mut self, replies: &[Reply]) -> io::Result<()> {
        let mut out = Vec::new();
        for r in replies {
            r.encode(&mut out);
        }
        self.send_bytes(&out).await
    }

    async fn send_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        let stream = self.stream.as_mut().ok_or_else(gone)?;
        // A client that stops reading cannot hold the session: replies are small, so a write
        // that takes this long means the peer is gone.
        match tokio::time::timeout(WRITE_TIMEOUT, async {
            stream.write_all(bytes).await?;
            stream.flush().await
        })
        .await
        {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client does not read its replies",
            )),
        }
    }

    /// Upgrades to TLS (after the `234` reply). Bytes the client sent after `AUTH TLS` in the
    /// clear are dropped: nothing sent in the clear may count as protected.
    pub async fn upgrade(&mut self, acceptor: &Acceptor, within: Duration) -> io::Result<()> {
        self.buf.clear();
        self.skipping = false;
        let Some(Stream::Plain(tcp)) = self.stream.take() else {
            return Err(io::Error::other("already protected"));
        };
        match tokio::time::timeout(within, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => {
                self.stream = Some(Stream::Tls(Box::new(tls)));
                Ok(())
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "TLS handshake timed out",
            )),
        }
    }

    /// Closes the connection (TLS close_notify, then FIN), bounded in time.
    pub async fn close(&mut self) {
        if let Some(mut s) = self.stream.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), s.shutdown()).await;
        }
    }
}

/// Longest a reply write may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
