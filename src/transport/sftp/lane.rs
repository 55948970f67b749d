//! A lane: one open file's reads and writes, run one after another, in the order they arrived,
//! on the blocking pool.
//!
//! Why: a client keeps many requests outstanding (OpenSSH's `sftp` 64), and handing each one
//! to its own blocking task costs two thread wake-ups per request — that, not the disk or the
//! cipher, was most of the SFTP data path's time. A lane starts one blocking task when work
//! arrives and lets it run every job queued behind, so under load a single hand-off carries
//! many requests; it ends when the queue is empty, so an idle handle holds no thread. Order
//! within a lane is what SFTP asks of requests on the same file (draft-ietf-secsh-filexfer-02
//! §6.1): an append lands after the writes before it, a read sees them. Different files'
//! lanes run side by side.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};

/// A job: runs on a blocking thread and sends its own reply.
pub type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// A blocking task is draining the queue.
    running: bool,
}

/// One file's queue of jobs (cheap to share: an `Arc`).
#[derive(Default)]
pub struct Lane {
    queue: Mutex<Queue>,
}

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane")
            .field("queued", &self.queue().jobs.len())
            .finish()
    }
}

impl Lane {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `job` behind the lane's others; starts a blocking task if none is draining it.
    /// Needs a tokio runtime.
    pub fn push(self: &Arc<Self>, job: Job) {
        let start = {
            let mut q = self.queue();
            q.jobs.push_back(job);
            !std::mem::replace(&mut q.running, true)
        };
        if start {
            let lane = self.clone();
            tokio::task::spawn_blocking(move || lane.drain());
        }
    }

    /// Runs jobs until the queue is empty. A job that panics is logged and the next one runs
    /// (its reply is lost; the lane is not).
    fn drain(&self) {
        loop {
            let job = {
                let mut q = self.queue();
                match q.jobs.pop_front() {
                    Some(j) => j,
                    None => {
                        q.running = false;
                        return;
                    }
                }
            };
            if std::panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
                tracing::error!("an SFTP file operation panicked");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_run_in_order_and_a_panic_does_not_stop_the_lane() {
        let lane = Arc::new(Lane::default());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for i in 0..200usize {
            let (seen, tx) = (seen.clone(), tx.clone());
            lane.push(Box::new(move || {
                if i == 50 {
                    panic!("job 50");
                }
                seen.lock().unwrap().push(i);
                let _ = tx.send(());
            }));
        }
        for _ in 0..199 {
            rx.recv().await.unwrap();
        }
        let seen = seen.lock().unwrap().clone();
        let expected: Vec<usize> = (0..200).filter(|i| *i != 50).collect();
        assert_eq!(seen, expected);
        // Idle again: the next job starts a new drain.
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        let tx2 = tx.clone();
        lane.push(Box::new(move || {
            r.fetch_add(1, Ordering::SeqCst);
            let _ = tx2.send(());
        }));
        rx.recv().await.unwrap();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
