//! Files being written by a transport right now. The pipeline leaves them alone until the
//! transport says the upload is complete.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The set of absolute paths with an upload in progress (counted: two sessions may write one
/// name).
#[derive(Debug, Clone, Default)]
pub struct UploadRegistry {
    inner: Arc<Mutex<HashMap<PathBuf, usize>>>,
}

/// Marks a path as being uploaded until dropped (also when the upload's task is cancelled).
#[derive(Debug)]
pub struct UploadGuard {
    registry: UploadRegistry,
    path: PathBuf,
}

impl UploadRegistry {
    /// Marks `path` as being written.
    pub fn begin(&self, path: &Path) -> UploadGuard {
        if let Ok(mut m) = self.inner.lock() {
            *m.entry(path.to_path_buf()).or_insert(0) += 1;
        }
        UploadGuard {
            registry: self.clone(),
            path: path.to_path_buf(),
        }
    }

    /// Whether `path` is being written now.
    pub fn is_uploading(&self, path: &Path) -> bool {
        self.inner
            .lock()
            .map(|m| m.contains_key(path))
            .unwrap_or(false)
    }
}

impl Drop for UploadGuard {
    fn drop(&mut self) {
        if let Ok(mut m) = self.registry.inner.lock()
            && let Some(n) = m.get_mut(&self.path)
        {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.path);
            }
        }
    }
}
