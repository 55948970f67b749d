//! Whether this instance is healthy (`GET /healthz`): every listener still running, the store
//! accepting a write, and not shutting down. The store probe commits a real write (one small
//! record) and is cached for [`PROBE_EVERY`], so a scraper polling every second costs one
//! commit per interval, not one per request.

use crate::store::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// How long a store probe's result is reused.
pub const PROBE_EVERY: Duration = Duration::from_secs(2);

/// The instance's health.
#[derive(Debug)]
pub struct Health {
    store: Arc<Store>,
    shutting_down: AtomicBool,
    stopped: Mutex<Vec<String>>,
    probe: Mutex<Option<(Instant, Result<(), String>)>>,
}

impl Health {
    /// Health over `store`, every listener running.
    pub fn new(store: Arc<Store>) -> Arc<Health> {
        Arc::new(Health {
            store,
            shutting_down: AtomicBool::new(false),
            stopped: Mutex::new(Vec::new()),
            probe: Mutex::new(None),
        })
    }

    /// Shutdown has begun: unhealthy from now on.
    pub fn shutting_down(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    /// Watches a listener task: should it end while the server runs, the instance is
    /// unhealthy. Returns a handle that ends when the listener does.
    pub fn watch(self: &Arc<Self>, name: String, task: JoinHandle<()>) -> JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let _ = task.await;
            if !me.shutting_down.load(Ordering::SeqCst)
                && let Ok(mut s) = me.stopped.lock()
            {
                tracing::error!(listener = %name, "a listener stopped");
                s.push(name);
            }
        })
    }

    /// `Ok` when healthy, else why not. Blocks (the store probe): call it off the async
    /// threads.
    pub fn check(&self) -> Result<(), String> {
        if self.shutting_down.load(Ordering::SeqCst) {
            return Err("shutting down".into());
        }
        if let Ok(s) = self.stopped.lock()
            && !s.is_empty()
        {
            return Err(format!("listener stopped: {}", s.join(", ")));
        }
        let Ok(mut probe) = self.probe.lock() else {
            return Err("health probe unavailable".into());
        };
        match &*probe {
            Some((at, result)) if at.elapsed() < PROBE_EVERY => result.clone(),
            _ => {
                let result = self
                    .store
                    .probe_write()
                    .map_err(|e| format!("the store does not accept writes: {e}"));
                *probe = Some((Instant::now(), result.clone()));
                result
            }
        }
    }
}
