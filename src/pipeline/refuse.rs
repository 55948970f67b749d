//! Inputs refused before they are read: a file too large to hold, or one that stopped the
//! server while it was being decided. Same crash-safe plan as any rejection: recorded as the
//! input's job, then carried out.

use super::cart_file::{error_plan, record};
use super::report::Report;
use super::{Pipeline, PipelineError};
use crate::intake::Arrival;
use crate::store::Plan;

/// Records the plan that sends `a` to `error/` with `reason`.
pub(super) fn refuse(
    p: &Pipeline,
    a: &Arrival,
    len: u64,
    key: &str,
    hash: &str,
    reason: &str,
) -> Result<Plan, PipelineError> {
    let home = p.config().partner_home(&a.partner);
    let mut report = Report::new(&a.partner, &a.rel, len as usize);
    report.file_rejected(reason);
    record(p, key, hash, error_plan(&home, &a.rel, report))
}

/// The reason for a file over the bound.
pub(super) fn too_large(len: u64, max: u64) -> String {
    format!(
        "the file is {len} bytes, more than this server processes ({max} bytes); it was not read"
    )
}
