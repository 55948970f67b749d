//! The pull-mode ledger's rule: a remote file whose path, size and mtime are recorded as
//! fetched was fetched already (it is deleted, never fetched again); an entry is forgotten once
//! the server no longer lists its path. A file dropped off on a partner's server is recorded
//! until the server no longer lists it: then the partner took it, and the entry goes in the
//! transaction that records the delivery as taken.

/// One file seen on a partner's server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSeen {
    /// Its path on the server.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time (seconds since the epoch; 0 if unknown).
    pub mtime: u32,
}
