//! Carrying out a recorded plan: outputs first (each marked written in the store once written),
//! then the report and the DTD warnings, then the input's move, then forgetting the job. Every
//! step is safe to repeat, so a crash anywhere is finished by a replay.

use super::{PipelineError, io_err};
use crate::durable::{move_file, write_atomic};
use crate::store::{Plan, Store};
use std::path::Path;
use tracing::{info, warn};

/// Executes `plan` for the input at `input`. Returns false, leaving the input and its job in
/// place, when `unchanged()` says the input is no longer the file the plan was made for.
pub(super) fn execute(
    store: &Store,
    key: &str,
    input: &Path,
    plan: Plan,
    unchanged: impl Fn() -> bool,
) -> Result<bool, PipelineError> {
    for (i, out) in plan.outputs.iter().enumerate() {
        if out.done || store.written(key, i)? {
            continue;
        }
        write_atomic(&out.dir, &out.name, out.content.as_bytes()).map_err(io_err(format!(
            "writing {}",
            out.dir.join(&out.name).display()
        )))?;
        info!(output = %out.dir.join(&out.name).display(), "output written");
        store.write(|t| t.mark_written(key, i))?;
    }
    if !unchanged() {
        return Ok(false);
    }
    // The report and the DTD warnings: rewritten whole on a replay (same name, same text).
    for (path, text) in plan.report.iter().chain(plan.warnings.iter()) {
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        write_atomic(dir, &name, text.as_bytes())
            .map_err(io_err(format!("writing {}", path.display())))?;
    }
    match move_file(input, &plan.settle_to) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !input.exists() => {
            warn!("the input disappeared before it could be settled");
        }
        Err(e) => {
            return Err(io_err(format!(
                "moving the input to {}",
                plan.settle_to.display()
            ))(e));
        }
    }
    store.write(|t| {
        t.delete_job(key)
            .and_then(|()| t.record_settled(key, &plan))
    })?;
    Ok(true)
}
