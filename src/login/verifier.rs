//! Password hashing off the async threads, on a few dedicated threads.
//!
//! An argon2id verification takes ~19 MiB of working memory (the hash's own parameters) and
//! tens of milliseconds of CPU. On tokio's blocking pool every new thread would keep its own
//! malloc arena of that size (the transfer benchmark saw memory grow by ~19 MiB per FTP login
//! up to ~240 MiB); two dedicated threads bound both the memory and the CPU a login flood can
//! take. Logins queue behind them.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// A small pool of threads for password checks.
#[derive(Debug)]
pub struct Verifier {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl Verifier {
    /// Starts `threads` threads (at least one).
    pub fn new(threads: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("wharf-passwords-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the pool is gone
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "cannot start a password thread");
            }
        }
        Verifier {
            jobs: Mutex::new(tx),
        }
    }

    /// Runs `f` on a pool thread; `None` if the pool is gone.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs.lock().ok()?.send(job).ok()?;
        rx.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_on_its_own_threads() {
        let v = Verifier::new(2);
        let name = v
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .flatten();
        assert!(name.is_some_and(|n| n.starts_with("wharf-passwords-")));
        let sum: u32 = futures::future::join_all((0..10u32).map(|i| v.run(move || i)))
            .await
            .into_iter()
            .flatten()
            .sum();
        assert_eq!(sum, 45);
    }
}
