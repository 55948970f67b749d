//! Carrying out a recorded plan: outputs first, then the report and the DTD warnings, then the
//! input's move, then forgetting the job. Every step is safe to repeat, so a crash anywhere is
//! finished by a replay.
//!
//! An output is staged under a hidden name, marked written in the store, and only then
//! renamed into place. A partner therefore never sees an output before its mark is durable: a
//! replay stages again only what no partner can have seen, and never writes again a file the
//! partner may already have taken and deleted (writing first and marking after sent such a
//! file twice when the crash fell between the two).
//!
//! Each step has a number, counted from 0 over the plan, and a [`Step`] saying what it does. In
//! debug builds a test can hold or stop a plan before any of them ([`crate::faults`]), as a
//! crash there would; a new kind of plan adds its own steps and is tried at every boundary
//! like the others.

use super::{PipelineError, io_err};
use crate::durable::{move_file, publish, stage, write_atomic};
use crate::layout::names::staged_name;
use crate::store::{Plan, Store};
use std::path::Path;
use tracing::{info, warn};

/// One step of carrying out a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Write output `i` under its hidden staging name.
    StageOutput(usize),
    /// Record that output `i` is written.
    MarkWritten(usize),
    /// Rename output `i` into place, where its partner sees it.
    PublishOutput(usize),
    /// Write the rejection report.
    WriteReport,
    /// Write the DTD warnings.
    WriteWarnings,
    /// Move the input to `archive/` or `error/`.
    MoveInput,
    /// Forget the job.
    ForgetJob,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::StageOutput(i) => write!(f, "stage output {i}"),
            Step::MarkWritten(i) => write!(f, "mark output {i} written"),
            Step::PublishOutput(i) => write!(f, "publish output {i}"),
            Step::WriteReport => f.write_str("write the report"),
            Step::WriteWarnings => f.write_str("write the DTD warnings"),
            Step::MoveInput => f.write_str("move the input"),
            Step::ForgetJob => f.write_str("forget the job"),
        }
    }
}

impl Step {
    /// Whether the plan's outputs are all out when this step comes.
    #[cfg(debug_assertions)]
    fn after_outputs(&self) -> bool {
        !matches!(
            self,
            Step::StageOutput(_) | Step::MarkWritten(_) | Step::PublishOutput(_)
        )
    }
}

/// The steps of carrying out `plan`, in order; a step's number is its place in this list.
pub(crate) fn steps(plan: &Plan) -> Vec<Step> {
    let mut steps = Vec::new();
    for i in 0..plan.outputs.len() {
        steps.extend([
            Step::StageOutput(i),
            Step::MarkWritten(i),
            Step::PublishOutput(i),
        ]);
    }
    if plan.report.is_some() {
        steps.push(Step::WriteReport);
    }
    if plan.warnings.is_some() {
        steps.push(Step::WriteWarnings);
    }
    steps.extend([Step::MoveInput, Step::ForgetJob]);
    steps
}

/// Passes step `n` through the test hooks (debug builds): held when the file asked for a
/// hold, stopped when a test asked to stop there.
fn checkpoint(n: usize, step: Step) -> Result<(), PipelineError> {
    #[cfg(debug_assertions)]
    crate::faults::before_step(n, &step, step.after_outputs()).map_err(|_| PipelineError::Io {
        what: format!("stopped by a test before step {n} ({step})"),
        source: std::io::Error::from(std::io::ErrorKind::Interrupted),
    })?;
    let _ = (n, step);
    Ok(())
}

/// Executes `plan` for the input at `input`. Returns false, leaving the input and its job in
/// place, when `unchanged()` says the input is no longer the file the plan was made for
/// (checked once the outputs are out, before the input is touched).
pub(super) fn execute(
    store: &Store,
    key: &str,
    input: &Path,
    plan: Plan,
    unchanged: impl Fn() -> bool,
) -> Result<bool, PipelineError> {
    carry_out(store, key, Some(input), &plan, unchanged)
}

/// Sends out what is left of the outputs of a plan whose input is gone or was replaced: its
/// decision recorded those orders as sent, so they go out (once) whatever became of the file.
pub(super) fn publish_outputs(store: &Store, key: &str, plan: &Plan) -> Result<(), PipelineError> {
    carry_out(store, key, None, plan, || true).map(|_| ())
}

/// The steps of `plan`; without an input, only the outputs'.
fn carry_out(
    store: &Store,
    key: &str,
    input: Option<&Path>,
    plan: &Plan,
    unchanged: impl Fn() -> bool,
) -> Result<bool, PipelineError> {
    let mut checked = false;
    for (n, step) in steps(plan).into_iter().enumerate() {
        let output_step = matches!(
            step,
            Step::StageOutput(_) | Step::MarkWritten(_) | Step::PublishOutput(_)
        );
        if input.is_none() && !output_step {
            break;
        }
        if !output_step && !std::mem::replace(&mut checked, true) && !unchanged() {
            return Ok(false);
        }
        let skip = match step {
            Step::StageOutput(i) | Step::MarkWritten(i) => {
                plan.outputs[i].done || store.written(key, i)?
            }
            // Nothing staged: published already (or written whole by an older version).
            Step::PublishOutput(i) => {
                let out = &plan.outputs[i];
                out.done || !out.dir.join(staged_name(&out.name)).exists()
            }
            _ => false,
        };
        if skip {
            continue;
        }
        checkpoint(n, step)?;
        match step {
            Step::StageOutput(i) => {
                let out = &plan.outputs[i];
                stage(&out.dir, &out.name, out.content.as_bytes()).map_err(io_err(format!(
                    "writing {}",
                    out.dir.join(&out.name).display()
                )))?;
            }
            Step::PublishOutput(i) => {
                let out = &plan.outputs[i];
                let path = out.dir.join(&out.name);
                publish(&out.dir, &out.name)
                    .map_err(io_err(format!("publishing {}", path.display())))?;
                info!(output = %path.display(), "output written");
            }
            Step::MarkWritten(i) => store.write(|t| t.mark_written(key, i))?,
            // The report and the DTD warnings: rewritten whole on a replay (same name, same
            // text).
            Step::WriteReport | Step::WriteWarnings => {
                let file = if step == Step::WriteReport {
                    &plan.report
                } else {
                    &plan.warnings
                };
                if let Some((path, text)) = file {
                    write_text(path, text)?;
                }
            }
            Step::MoveInput => {
                let Some(input) = input else { break };
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
            }
            Step::ForgetJob => store.write(|t| t.delete_job(key))?,
        }
    }
    Ok(true)
}

/// Writes a report or warnings file atomically.
fn write_text(path: &Path, text: &str) -> Result<(), PipelineError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    write_atomic(dir, &name, text.as_bytes())
        .map_err(io_err(format!("writing {}", path.display())))?;
    Ok(())
}
