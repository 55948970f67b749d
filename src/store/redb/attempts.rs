//! Processing attempts: how many times the processing of an input began without reaching a
//! decision. The count is committed (fsync) before the input is parsed and removed in the
//! transaction that records the input's plan, so a count that survives into the next start
//! means the process died while deciding that file — a poison file, when it happens twice.

use super::{ATTEMPTS, RedbStore, RedbTxn, db_err, encode};
use crate::store::{Attempts, StoreError};

impl RedbStore {
    /// The attempts recorded for an input, if any.
    pub fn attempts(&self, key: &str) -> Result<Option<Attempts>, StoreError> {
        self.record(ATTEMPTS, key)
    }
}

impl RedbTxn<'_> {
    /// Records the attempts for an input.
    pub fn put_attempts(&mut self, key: &str, a: &Attempts) -> Result<(), StoreError> {
        let bytes = encode(key, a)?;
        self.attempts
            .insert(key, bytes.as_slice())
            .map_err(db_err)?;
        Ok(())
    }

    /// Forgets an input's attempts (its plan is recorded, or it is settled).
    pub fn clear_attempts(&mut self, key: &str) -> Result<(), StoreError> {
        self.attempts.remove(key).map_err(db_err)?;
        Ok(())
    }
}
