//! Which outputs of a job's plan are written, one small record each.
//!
//! The plan itself could carry the marks, but then marking one output rewrites the whole plan,
//! every output's content included: for a batch of 7,420 orders that is a 15 MB record written
//! 7,420 times (616 outputs in ten minutes, measured), and every other file waits behind it.
//! One record per written output keeps each mark as small as the fact it records.

use super::{RedbStore, RedbTxn, WRITTEN, db_err};
use crate::store::StoreError;

fn mark_key(job: &str, index: usize) -> String {
    format!("{job}\u{1e}{index}")
}

impl RedbStore {
    /// Whether output `index` of the job under `job` is written.
    pub fn written(&self, job: &str, index: usize) -> Result<bool, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(WRITTEN).map_err(db_err)?;
        Ok(t.get(mark_key(job, index).as_str())
            .map_err(db_err)?
            .is_some())
    }
}

impl RedbTxn<'_> {
    /// Records that output `index` of the job under `job` is written.
    pub fn mark_written(&mut self, job: &str, index: usize) -> Result<(), StoreError> {
        self.written
            .insert(mark_key(job, index).as_str(), ())
            .map_err(db_err)?;
        Ok(())
    }

    /// Forgets the marks of the job under `job` (its plan is replaced, or done).
    pub(super) fn clear_written(&mut self, job: &str) -> Result<(), StoreError> {
        let from = format!("{job}\u{1e}");
        let to = format!("{job}\u{1f}");
        self.written
            .retain_in(from.as_str()..to.as_str(), |_, _| false)
            .map_err(db_err)?;
        Ok(())
    }
}
