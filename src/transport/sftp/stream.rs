//! The channel stream an SFTP server runs on, ended at the first failed write.
//!
//! russh-sftp's loop logs every failed reply at warn and carries on reading: when a client
//! vanishes with requests still buffered, that is one "broken pipe" line per request, and the
//! buffered writes still land on disk. Here the first failed write marks the stream broken
//! (logged once, at debug); the reply is dropped — nobody is listening — and the next read
//! sees end-of-file, so the server stops and its uploads are aborted at once.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream that reads as ended once a write has failed.
#[derive(Debug)]
pub struct EndOnBrokenWrite<S> {
    inner: S,
    broken: bool,
}

impl<S> EndOnBrokenWrite<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        EndOnBrokenWrite {
            inner,
            broken: false,
        }
    }

    fn broke(&mut self, e: &io::Error) {
        if !self.broken {
            tracing::debug!(error = %e, "sftp channel closed");
        }
        self.broken = true;
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for EndOnBrokenWrite<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.broken {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for EndOnBrokenWrite<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.broken {
            return Poll::Ready(Ok(buf.len()));
        }
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Err(e)) => {
                self.broke(&e);
                Poll::Ready(Ok(buf.len()))
            }
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.broken {
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Ready(Err(e)) => {
                self.broke(&e);
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_failed_write_ends_the_reads() {
        let (a, b) = tokio::io::duplex(64);
        let mut s = EndOnBrokenWrite::new(a);
        drop(b);
        s.write_all(b"reply").await.unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(s.read(&mut buf).await.unwrap(), 0, "reads as ended");
    }
}
