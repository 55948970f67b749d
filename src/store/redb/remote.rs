//! The pull-mode ledger, beside the deliveries.
//!
//! - `remote_fetched`: (partner, remote path) → (size, mtime) of the file fetched from the
//!   partner's server. A remote file whose path, size and mtime are recorded was fetched
//!   already: it is deleted, never fetched again. An entry is forgotten once the server no
//!   longer lists its path.
//! - `remote_dropped`: (partner, name under its `out/`) → the remote path it was dropped off
//!   to. Once the server no longer lists that path the partner took the file; the entry goes
//!   in the same transaction that records the delivery as taken ([`Txn::forget_dropped`]).

use std::collections::HashSet;

use super::{REMOTE_DROPPED, REMOTE_FETCHED, RedbStore, RedbTxn, db_err};
use crate::store::{RemoteSeen, StoreError, delivery_key};

/// The key range holding one partner's entries (`partner` + U+001F, up to U+0020).
fn partner_range(partner: &str) -> (String, String) {
    (format!("{partner}\u{1f}"), format!("{partner}\u{20}"))
}

/// The part of a key after the partner.
fn rest<'k>(partner: &str, key: &'k str) -> &'k str {
    key.get(partner.len() + 1..).unwrap_or_default()
}

impl RedbStore {
    /// Whether this very file (path, size and mtime) was fetched from `partner`'s server.
    pub fn was_fetched(&self, partner: &str, seen: &RemoteSeen) -> Result<bool, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(REMOTE_FETCHED).map_err(db_err)?;
        let key = delivery_key(partner, &seen.path);
        Ok(t.get(key.as_str())
            .map_err(db_err)?
            .is_some_and(|v| v.value() == (seen.size, seen.mtime)))
    }

    /// The files dropped off on `partner`'s server and not yet taken: (name under `out/`,
    /// remote path).
    pub fn dropped(&self, partner: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(REMOTE_DROPPED).map_err(db_err)?;
        let (from, to) = partner_range(partner);
        let mut out = Vec::new();
        for entry in t.range(from.as_str()..to.as_str()).map_err(db_err)? {
            let (k, v) = entry.map_err(db_err)?;
            out.push((rest(partner, k.value()).to_owned(), v.value().to_owned()));
        }
        Ok(out)
    }
}

impl RedbTxn<'_> {
    /// Records that a file was fetched from `partner`'s server.
    pub fn record_fetched(&mut self, partner: &str, seen: &RemoteSeen) -> Result<(), StoreError> {
        let key = delivery_key(partner, &seen.path);
        self.remote_fetched
            .insert(key.as_str(), (seen.size, seen.mtime))
            .map_err(db_err)?;
        Ok(())
    }

    /// Forgets the fetched files of `partner` whose path the server no longer lists
    /// (`present`); the number forgotten.
    pub fn forget_fetched_except(
        &mut self,
        partner: &str,
        present: &HashSet<String>,
    ) -> Result<usize, StoreError> {
        let (from, to) = partner_range(partner);
        let mut gone = 0;
        self.remote_fetched
            .retain_in(from.as_str()..to.as_str(), |k, _| {
                let keep = present.contains(rest(partner, k));
                gone += usize::from(!keep);
                keep
            })
            .map_err(db_err)?;
        Ok(gone)
    }

    /// Records that `out/<name>` of `partner` was dropped off at `remote_path`.
    pub fn record_dropped(
        &mut self,
        partner: &str,
        name: &str,
        remote_path: &str,
    ) -> Result<(), StoreError> {
        let key = delivery_key(partner, name);
        self.remote_dropped
            .insert(key.as_str(), remote_path)
            .map_err(db_err)?;
        Ok(())
    }

    /// Forgets the drop-off of `out/<name>` of `partner` (the partner took it).
    pub fn forget_dropped(&mut self, partner: &str, name: &str) -> Result<(), StoreError> {
        let key = delivery_key(partner, name);
        self.remote_dropped.remove(key.as_str()).map_err(db_err)?;
        Ok(())
    }
}
