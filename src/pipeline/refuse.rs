//! Inputs refused before they are read: a file too large to hold, or one that stopped the
//! server while it was being decided. Same crash-safe plan as any rejection: recorded as the
//! input's job, then carried out.

use super::PipelineError;
use super::plan::Deciding;
use crate::store::Plan;

/// Records the plan that sends the input (`len` bytes) to `error/` with `reason`.
pub(super) fn refuse(d: &Deciding<'_>, len: u64, reason: &str) -> Result<Plan, PipelineError> {
    d.reject(d.report(len as usize), reason)
}

/// The reason for a file over the bound.
pub(super) fn too_large(len: u64, max: u64) -> String {
    format!(
        "the file is {len} bytes, more than this server processes ({max} bytes); it was not read"
    )
}
