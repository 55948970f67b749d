//! A shutdown signal every task can wait on (a cloneable handle; triggered once).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// Cloneable shutdown handle.
#[derive(Debug, Clone, Default)]
pub struct Shutdown(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    done: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    /// A new, untriggered signal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every waiter to stop.
    pub fn trigger(&self) {
        self.0.done.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    /// Whether shutdown has begun.
    pub fn is_triggered(&self) -> bool {
        self.0.done.load(Ordering::SeqCst)
    }

    /// Resolves once shutdown has begun.
    pub async fn wait(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.is_triggered() {
                return;
            }
            notified.await;
        }
    }
}
