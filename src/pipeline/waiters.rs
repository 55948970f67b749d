//! Waiting for one input's outcome. A merchant-API request hands its body to the pipeline as
//! the file it stands for, and must answer with what became of it: it registers the input's
//! path here before handing it over, and the pipeline reports each settled input to whoever
//! waits for that path (nobody, for files from the transports).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// What became of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// `archived`, `partial` or `rejected`.
    pub outcome: String,
    /// Where the input went (`archive/…` or `error/…`, absolute).
    pub to: PathBuf,
    /// The report's text, when it has one (a rejection, or rejected items).
    pub report: Option<String>,
}

/// The inputs someone waits for.
#[derive(Debug, Clone, Default)]
pub struct Waiters {
    waiting: Arc<Mutex<HashMap<PathBuf, oneshot::Sender<Settled>>>>,
}

impl Waiters {
    /// Waits for the input at `path` (register before handing the input over).
    pub fn wait_for(&self, path: &Path) -> oneshot::Receiver<Settled> {
        let (tx, rx) = oneshot::channel();
        if let Ok(mut w) = self.waiting.lock() {
            w.insert(path.to_path_buf(), tx);
        }
        rx
    }

    /// Stops waiting for `path` (the request gave up).
    pub fn forget(&self, path: &Path) {
        if let Ok(mut w) = self.waiting.lock() {
            w.remove(path);
        }
    }

    /// The input at `path` settled.
    pub(super) fn settled(&self, path: &Path, settled: Settled) {
        let tx = self.waiting.lock().ok().and_then(|mut w| w.remove(path));
        if let Some(tx) = tx {
            let _ = tx.send(settled);
        }
    }
}
