//! The handles one SSH connection has open: downloads, uploads, folder listings being read.
//! The table is shared between the SFTP server(s) of the connection and the connection task,
//! so a shutdown can abort the uploads of a session that will not end by itself.
//!
//! Each file handle has a [`Lane`] for its reads and writes; two handles on the same file
//! (the same path in the home) share one, so their requests keep their order too.
//!
//! The lock is only held for table lookups, never across an `await` or a disk operation:
//! entries hand out their file as an `Arc` for the blocking call.

use super::attrs::Facts;
use super::lane::Lane;
use super::status::{self, Status};
use super::upload::Writing;
use super::wire::encode::NameEntry;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// Most handles one connection may hold open (also advertised in `limits@openssh.com`).
pub const MAX_OPEN: usize = 256;

/// A file open for download.
#[derive(Debug)]
pub struct Download {
    /// The open file (read with positioned reads).
    pub file: Arc<std::fs::File>,
    /// Its path in the home, for logs.
    pub log_path: String,
    /// Bytes sent so far.
    pub sent: u64,
    /// Counts as a running transfer (a graceful shutdown waits for it) until closed.
    pub _running: crate::intake::DownloadGuard,
}

/// A folder listing being read.
#[derive(Debug)]
pub struct Listing {
    /// Entries not sent yet.
    pub entries: VecDeque<NameEntry>,
    /// The folder's own attributes.
    pub facts: Facts,
}

/// What a handle refers to.
#[derive(Debug)]
pub enum Open {
    /// A download.
    Download(Download),
    /// An upload.
    Upload(Box<Writing>),
    /// A folder listing.
    Listing(Listing),
}

impl Open {
    /// The file's path in the home, which decides its lane (listings have their own).
    fn file(&self) -> Option<String> {
        match self {
            Open::Download(d) => Some(d.log_path.clone()),
            Open::Upload(u) => Some(u.upload.log_path()),
            Open::Listing(_) => None,
        }
    }
}

#[derive(Debug)]
struct Entry {
    /// The SFTP server that opened it.
    owner: u64,
    open: Open,
    lane: Arc<Lane>,
}

#[derive(Debug, Default)]
struct Table {
    next: u64,
    /// Handle string → entry.
    open: HashMap<String, Entry>,
}

/// The connection's handle table (cheap to clone: one table).
#[derive(Debug, Clone, Default)]
pub struct Handles {
    inner: Arc<Mutex<Table>>,
}

impl Handles {
    fn table(&self) -> MutexGuard<'_, Table> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether no more handles can be opened (checked before opening anything).
    pub fn is_full(&self) -> bool {
        self.table().open.len() >= MAX_OPEN
    }

    /// Stores `h`, opened by the SFTP server `owner`, under a new handle string.
    pub fn insert(&self, owner: u64, h: Open) -> String {
        let mut t = self.table();
        t.next += 1;
        let id = t.next.to_string();
        let file = h.file();
        let shared = file.as_ref().and_then(|f| {
            t.open
                .values()
                .find(|e| e.open.file().as_ref() == Some(f))
                .map(|e| e.lane.clone())
        });
        let entry = Entry {
            owner,
            open: h,
            lane: shared.unwrap_or_default(),
        };
        t.open.insert(id.clone(), entry);
        id
    }

    /// Runs `f` on the entry behind `handle` (an unknown handle is refused).
    pub fn with<R>(
        &self,
        handle: &str,
        f: impl FnOnce(&mut Open) -> Result<R, Status>,
    ) -> Result<R, Status> {
        match self.table().open.get_mut(handle) {
            Some(e) => f(&mut e.open),
            None => Err(status::bad_handle()),
        }
    }

    /// The lane of `handle`'s file, if the handle is open.
    pub fn lane(&self, handle: &str) -> Option<Arc<Lane>> {
        self.table().open.get(handle).map(|e| e.lane.clone())
    }

    /// Removes `handle`.
    pub fn remove(&self, handle: &str) -> Option<Open> {
        self.table().open.remove(handle).map(|e| e.open)
    }

    /// Takes every upload still open — of one SFTP server, or of the whole connection.
    pub fn take_uploads(&self, owner: Option<u64>) -> Vec<Writing> {
        let mut t = self.table();
        let ids: Vec<String> = t
            .open
            .iter()
            .filter(|(_, e)| {
                matches!(e.open, Open::Upload(_)) && owner.is_none_or(|w| w == e.owner)
            })
            .map(|(id, _)| id.clone())
            .collect();
        ids.iter()
            .filter_map(|id| match t.open.remove(id) {
                Some(Entry {
                    open: Open::Upload(u),
                    ..
                }) => Some(*u),
                _ => None,
            })
            .collect()
    }

    /// Forgets the other handles of one SFTP server (its session ended).
    pub fn drop_owner(&self, owner: u64) {
        self.table().open.retain(|_, e| e.owner != owner);
    }
}
