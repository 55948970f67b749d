//! Processing attempts: how many times the processing of an input began without reaching a
//! decision. The count is committed (fsync) before the input is parsed and removed in the
//! transaction that records the input's plan, so a count that survives into the next start
//! means the process died while deciding that file — a poison file, when it happens twice.

use serde::{Deserialize, Serialize};

/// The attempts recorded for one input (key: [`job_key`](super::job_key)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    /// The identity of the file the attempts were made on: another file under the same name
    /// starts again from zero.
    pub file_hash: String,
    /// Attempts begun and never finished.
    pub count: u32,
}
