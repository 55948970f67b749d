//! Merchant-API requests sent with an `Idempotency-Key`: the first answer to each (API user,
//! key), so a retry with the same key gets that answer again instead of a second run. Kept for
//! [`KEEP_MS`]; recording a new answer drops the expired ones.

use serde::{Deserialize, Serialize};

/// How long an answer is kept: a day, as payment APIs keep theirs.
pub const KEEP_MS: i64 = 24 * 3600 * 1000;

/// The answer given to the first request with a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAnswer {
    /// SHA-256 (hex) of the method, path and body: the same key with another request is an
    /// error, not a replay.
    pub request: String,
    /// The JSON answer.
    pub answer: serde_json::Value,
    /// When it was given (Unix milliseconds).
    pub at_ms: i64,
}
