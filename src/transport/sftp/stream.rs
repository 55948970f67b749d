//! The channel stream an SFTP server runs on: replies are queued, never awaited, and the
//! stream reads as ended once a reply could not be sent.
//!
//! Why queued: russh-sftp reads a request, handles it, writes the reply, then reads again. If
//! the reply write waits on the SSH session while the session waits to hand the next incoming
//! data to this channel (its buffer full because the SFTP loop is not reading), both wait
//! forever — a deadlock seen in the transfer benchmark as an upload frozen ~2 MB before its end
//! (the client's outstanding writes filled the window). Here a writer task owns the channel's
//! write side and the SFTP loop only queues replies, so it always goes back to reading.
//! Replies are bounded by the client's outstanding requests.
//!
//! Why ended on a failed write: russh-sftp logs every failed reply at warn and carries on
//! reading; when a client vanishes with requests still buffered, that is one "broken pipe" line
//! per request, and the buffered writes still land on disk. The first failed write marks the
//! stream broken (logged once, at debug), and the next read sees end-of-file, so the server
//! stops and its uploads are aborted at once.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf, ReadHalf};
use tokio::sync::mpsc;

/// The SFTP side of a channel stream.
#[derive(Debug)]
pub struct SftpStream<S> {
    read: ReadHalf<S>,
    replies: Option<mpsc::UnboundedSender<Vec<u8>>>,
    broken: Arc<AtomicBool>,
}

impl<S: AsyncRead + AsyncWrite + Send + 'static> SftpStream<S> {
    /// Splits `inner` and starts the task that writes the queued replies.
    pub fn new(inner: S) -> Self {
        let (read, mut write) = tokio::io::split(inner);
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let broken = Arc::new(AtomicBool::new(false));
        let flag = broken.clone();
        tokio::spawn(async move {
            while let Some(reply) = rx.recv().await {
                if let Err(e) = write.write_all(&reply).await {
                    tracing::debug!(error = %e, "sftp channel closed");
                    flag.store(true, Ordering::SeqCst);
                    break;
                }
                if rx.is_empty()
                    && let Err(e) = write.flush().await
                {
                    tracing::debug!(error = %e, "sftp channel closed");
                    flag.store(true, Ordering::SeqCst);
                    break;
                }
            }
            let _ = write.shutdown().await;
        });
        SftpStream {
            read,
            replies: Some(tx),
            broken,
        }
    }
}

impl<S: AsyncRead> AsyncRead for SftpStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.broken.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.read).poll_read(cx, buf)
    }
}

impl<S> AsyncWrite for SftpStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        // A reply nobody can receive any more is dropped: the next read ends the session.
        if let Some(tx) = &self.replies
            && tx.send(buf.to_vec()).is_err()
        {
            self.broken.store(true, Ordering::SeqCst);
            self.replies = None;
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Dropping the queue lets the writer send what is left, then shut the channel.
        self.replies = None;
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn replies_never_wait_and_arrive_in_order() {
        let (a, mut b) = tokio::io::duplex(8);
        let mut s = SftpStream::new(a);
        // Far more than the duplex buffer: queued, not awaited.
        for i in 0..100u8 {
            s.write_all(&[i; 4]).await.unwrap();
        }
        let mut got = vec![0u8; 400];
        b.read_exact(&mut got).await.unwrap();
        assert!(got.chunks(4).enumerate().all(|(i, c)| c == [i as u8; 4]));
    }

    #[tokio::test]
    async fn a_failed_write_ends_the_reads() {
        let (a, b) = tokio::io::duplex(64);
        let mut s = SftpStream::new(a);
        drop(b);
        s.write_all(b"reply").await.unwrap();
        let mut buf = [0u8; 4];
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
                Ok(Ok(0)) => break,
                Ok(_) => continue,
                Err(_) => panic!("reads did not end after the failed write"),
            }
        }
    }
}
