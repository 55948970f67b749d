//! Transfers in progress. Uploads are tracked by path — the pipeline leaves a file alone until
//! the transport says its upload is complete — and downloads by count, so a graceful shutdown
//! can wait until every running transfer has finished.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[derive(Debug, Default)]
struct State {
    uploads: HashMap<PathBuf, usize>,
    downloads: usize,
}

/// The transfers running now (counted: two sessions may write one name).
#[derive(Debug, Clone, Default)]
pub struct UploadRegistry {
    inner: Arc<Mutex<State>>,
    idle: Arc<Notify>,
}

/// Marks a path as being uploaded until dropped (also when the upload's task is cancelled).
#[derive(Debug)]
pub struct UploadGuard {
    registry: UploadRegistry,
    path: PathBuf,
}

/// Marks a download as running until dropped.
#[derive(Debug)]
pub struct DownloadGuard {
    registry: UploadRegistry,
}

impl UploadRegistry {
    /// Marks `path` as being written (in memory, and on disk with an upload marker so a crash
    /// mid-upload is recognised at the next start).
    pub fn begin(&self, path: &Path) -> UploadGuard {
        if let Ok(mut s) = self.inner.lock() {
            *s.uploads.entry(path.to_path_buf()).or_insert(0) += 1;
        }
        super::markers::mark(path);
        UploadGuard {
            registry: self.clone(),
            path: path.to_path_buf(),
        }
    }

    /// Marks a download as running.
    pub fn begin_download(&self) -> DownloadGuard {
        if let Ok(mut s) = self.inner.lock() {
            s.downloads += 1;
        }
        DownloadGuard {
            registry: self.clone(),
        }
    }

    /// Whether `path` is being written now.
    pub fn is_uploading(&self, path: &Path) -> bool {
        self.inner
            .lock()
            .map(|s| s.uploads.contains_key(path))
            .unwrap_or(false)
    }

    /// Whether `path`, or anything below it (a folder), is being written now.
    pub fn is_busy(&self, path: &Path) -> bool {
        self.inner
            .lock()
            .map(|s| s.uploads.keys().any(|p| p.starts_with(path)))
            .unwrap_or(false)
    }

    /// How many transfers are running.
    pub fn running(&self) -> usize {
        self.inner
            .lock()
            .map(|s| s.uploads.values().sum::<usize>() + s.downloads)
            .unwrap_or(0)
    }

    /// Resolves when no transfer is running.
    pub async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.running() == 0 {
                return;
            }
            notified.await;
        }
    }

    fn changed(&self) {
        self.idle.notify_waiters();
    }
}

impl Drop for UploadGuard {
    fn drop(&mut self) {
        if let Ok(mut s) = self.registry.inner.lock()
            && let Some(n) = s.uploads.get_mut(&self.path)
        {
            *n -= 1;
            if *n == 0 {
                s.uploads.remove(&self.path);
                super::markers::unmark(&self.path);
            }
        }
        self.registry.changed();
    }
}

impl Drop for DownloadGuard {
    fn drop(&mut self) {
        if let Ok(mut s) = self.registry.inner.lock() {
            s.downloads = s.downloads.saturating_sub(1);
        }
        self.registry.changed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn idle_waits_for_every_transfer() {
        use std::future::Future;
        use std::task::{Context, Poll, Waker};
        let r = UploadRegistry::default();
        let up = r.begin(Path::new("/a"));
        let down = r.begin_download();
        assert_eq!(r.running(), 2);
        // Polled by hand, so "not finished" means it ran and waited, not that it never ran.
        let mut idle = std::pin::pin!(r.idle());
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(idle.as_mut().poll(&mut cx), Poll::Pending, "two running");
        drop(up);
        assert_eq!(
            idle.as_mut().poll(&mut cx),
            Poll::Pending,
            "a download running"
        );
        drop(down);
        tokio::time::timeout(std::time::Duration::from_secs(5), idle)
            .await
            .unwrap();
    }
}
