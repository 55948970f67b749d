//! The login deadline of one SSH connection, enforced on the socket.
//!
//! russh has no such deadline: `inactivity_timeout` is an idle timer, re-armed by every packet
//! (it also bounds the banner read as a whole, but it is `idle_timeout`, 10 minutes), and
//! `auth_rejection_time` only delays each refused attempt. A client that sends its banner a
//! byte at a time, or completes the key exchange and then sends nothing but `SSH_MSG_IGNORE`,
//! would keep its place. So the stream russh reads and writes is wrapped: until the session
//! [`LoginDeadline::logged_in`], every read and write past the deadline fails (`TimedOut`),
//! russh ends the session, the socket is closed, and the gate place goes with the handler.
//! This is what SFTPGo does with `conn.SetDeadline` around the Go SSH handshake.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

#[derive(Debug, Default)]
struct Flags {
    logged_in: AtomicBool,
    expired: AtomicBool,
}

/// The session's side: says when the login succeeded, and whether the deadline cut it off.
#[derive(Debug, Clone)]
pub struct LoginDeadline {
    flags: Arc<Flags>,
}

/// A stream that fails once the deadline passes before the login.
#[derive(Debug)]
pub struct DeadlineStream<S> {
    inner: S,
    sleep: Pin<Box<Sleep>>,
    flags: Arc<Flags>,
}

/// Wraps `stream` with a deadline `limit` from now.
pub fn guard<S>(stream: S, limit: Duration) -> (DeadlineStream<S>, LoginDeadline) {
    let flags = Arc::new(Flags::default());
    (
        DeadlineStream {
            inner: stream,
            sleep: Box::pin(tokio::time::sleep(limit)),
            flags: flags.clone(),
        },
        LoginDeadline { flags },
    )
}

impl LoginDeadline {
    /// The partner logged in: the deadline no longer applies.
    pub fn logged_in(&self) {
        self.flags.logged_in.store(true, Ordering::SeqCst);
    }

    /// Whether the deadline closed the connection.
    pub fn expired(&self) -> bool {
        self.flags.expired.load(Ordering::SeqCst)
    }
}

impl<S> DeadlineStream<S> {
    /// `Err` once the deadline has passed without a login (and registers the waker for it).
    fn check(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        if self.flags.logged_in.load(Ordering::SeqCst) {
            return Ok(());
        }
        if self.flags.expired.load(Ordering::SeqCst) || self.sleep.as_mut().poll(cx).is_ready() {
            self.flags.expired.store(true, Ordering::SeqCst);
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no login within login_timeout",
            ));
        }
        Ok(())
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for DeadlineStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for DeadlineStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_is_cut_off_at_the_deadline() {
        let (ours, _theirs) = tokio::io::duplex(64);
        let (mut s, login) = guard(ours, Duration::from_secs(30));
        let started = tokio::time::Instant::now();
        let mut buf = [0u8; 8];
        let err = s.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert!(login.expired());
        assert!(s.write_all(b"x").await.is_err(), "writes fail too");
    }

    #[tokio::test(start_paused = true)]
    async fn a_byte_at_a_time_does_not_extend_it() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let (mut s, login) = guard(ours, Duration::from_secs(30));
        let trickle = tokio::spawn(async move {
            for b in b"SSH-2.0-slow-client-that-never-ends" {
                if theirs.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        let started = tokio::time::Instant::now();
        let mut got = Vec::new();
        let mut buf = [0u8; 8];
        let err = loop {
            match s.read(&mut buf).await {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert_eq!(got.len(), 30, "bytes flowed until the deadline");
        assert!(login.expired());
        trickle.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_login_the_deadline_no_longer_applies() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let (mut s, login) = guard(ours, Duration::from_secs(30));
        login.logged_in();
        tokio::time::sleep(Duration::from_secs(3600)).await;
        theirs.write_all(b"hello").await.unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hello");
        s.write_all(b"back").await.unwrap();
        assert!(!login.expired());
    }
}
