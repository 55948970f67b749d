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
//! Group commit: the outputs go in chunks of up to [`CHUNK`], each chunk in three steps, so a
//! batch of thousands of orders costs one fsync per output file and a few per chunk rather
//! than four or five per output:
//! 1. stage: each output of the chunk written under its hidden name and fsynced (several at
//!    once, so the file system commits them together), then each folder they are in fsynced
//!    once — after it, every staged name is durable;
//! 2. mark: one store commit marks the whole chunk written — only after step 1, since a
//!    replay takes "marked and no staged file" for "published already";
//! 3. publish: each staged file renamed into place, then each folder fsynced once.
//!
//! A crash in step 1 leaves unmarked staged files: the replay stages them again (no partner
//! saw them). A crash in step 3 leaves some outputs renamed and some still staged: the replay
//! renames what is still staged. Renames not yet fsynced are undone only by a power loss (a
//! killed process loses none): then a partner could have taken a file whose rename comes
//! back undone and is published again. That window is the one `publish` had per output
//! before, widened to one chunk's renames (milliseconds).
//!
//! Files decided together as a group (`group.rs`) are carried out together by
//! `settle_group.rs`: the same steps in the same order, each taken once for every file of the
//! group and made durable before the next, so a crash leaves every file of the group at one of
//! its own plan's boundaries, and the replay finishes each file alone as above.
//!
//! Each step has a number, counted from 0 over the plan, and a [`Step`] saying what it does. In
//! debug builds a test can hold or stop a plan before any of them ([`crate::faults`]), as a
//! crash there would; a new kind of plan adds its own steps and is tried at every boundary
//! like the others.

use super::{PipelineError, io_err};
use crate::durable::{move_file, publish_unsynced, stage_unsynced_name, sync_dir, write_atomic};
use crate::layout::names::staged_name;
use crate::store::{Plan, PlannedOutput, Store};
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use tracing::{info, warn};

/// The most outputs settled together (see the module doc): enough to share the folder fsyncs
/// and the store commit among many, few enough that a chunk's renames take milliseconds.
pub(crate) const CHUNK: usize = 256;

/// How many threads write and fsync a chunk's outputs.
const STAGERS: usize = 8;

#[cfg(test)]
thread_local! {
    /// The chunk size of plans carried out on this thread (tests try chunks of a few outputs).
    static TEST_CHUNK: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Plans carried out on this thread use chunks of `n` outputs until the guard is dropped.
#[cfg(test)]
pub(crate) fn chunks_of(n: usize) -> impl Drop {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TEST_CHUNK.set(None);
        }
    }
    TEST_CHUNK.set(Some(n.max(1)));
    Reset
}

fn chunk_len() -> usize {
    #[cfg(test)]
    if let Some(n) = TEST_CHUNK.get() {
        return n;
    }
    CHUNK
}

/// One step of carrying out a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Write outputs `from..to` under their hidden staging names; fsync their folders.
    Stage(Range<usize>),
    /// Record that outputs `from..to` are written (one commit).
    Mark(Range<usize>),
    /// Rename outputs `from..to` into place, where their partners see them; fsync the folders.
    Publish(Range<usize>),
    /// Write the rejection report.
    WriteReport,
    /// Write the DTD warnings.
    WriteWarnings,
    /// Move the input to `archive/` or `error/`.
    MoveInput,
    /// Forget the job.
    ForgetJob,
    /// Decide the next part of a batch decided in parts (its orders and their outputs, one
    /// commit), once the outputs of the part before it are out.
    DecidePart,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Stage(r) => write!(f, "stage outputs {}..{}", r.start, r.end),
            Step::Mark(r) => write!(f, "mark outputs {}..{} written", r.start, r.end),
            Step::Publish(r) => write!(f, "publish outputs {}..{}", r.start, r.end),
            Step::WriteReport => f.write_str("write the report"),
            Step::WriteWarnings => f.write_str("write the DTD warnings"),
            Step::MoveInput => f.write_str("move the input"),
            Step::ForgetJob => f.write_str("forget the job"),
            Step::DecidePart => f.write_str("decide the next part of the batch"),
        }
    }
}

impl Step {
    /// The outputs this step works on (none for the steps after the outputs).
    pub(crate) fn outputs(&self) -> Option<&Range<usize>> {
        match self {
            Step::Stage(r) | Step::Mark(r) | Step::Publish(r) => Some(r),
            _ => None,
        }
    }
}

/// The steps of carrying out `plan`, in order; a step's number is its place in this list.
pub(crate) fn steps(plan: &Plan) -> Vec<Step> {
    let mut steps = Vec::new();
    let n = plan.outputs.len();
    let len = chunk_len();
    for from in (0..n).step_by(len) {
        let r = from..(from + len).min(n);
        steps.extend([
            Step::Stage(r.clone()),
            Step::Mark(r.clone()),
            Step::Publish(r),
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

thread_local! {
    /// The steps passed so far for the file this thread processes, while it does: a batch
    /// decided in parts carries out one plan per part, and its steps are numbered on from one
    /// plan to the next. Outside a file (the operator's plans), each plan numbers from 0.
    static PASSED: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Numbers the steps of the file this thread now processes from 0, on from one plan to the
/// next, until the guard is dropped.
pub(super) fn new_file() -> impl Drop {
    struct Done;
    impl Drop for Done {
        fn drop(&mut self) {
            PASSED.set(None);
        }
    }
    PASSED.set(Some(0));
    Done
}

/// Counts step `n` passed, in a file.
fn passed(n: usize) {
    if PASSED.get().is_some() {
        PASSED.set(Some(n + 1));
    }
}

/// Passes the step that decides the next part of a batch through the test hooks.
pub(super) fn before_next_part() -> Result<(), PipelineError> {
    let n = PASSED.get().unwrap_or(0);
    passed(n);
    checkpoint(n, &Step::DecidePart)
}

/// Passes step `n` through the test hooks (debug builds): held when the file asked for a
/// hold, stopped when a test asked to stop there.
pub(super) fn checkpoint(n: usize, step: &Step) -> Result<(), PipelineError> {
    #[cfg(debug_assertions)]
    crate::faults::before_step(
        n,
        step,
        step.outputs().is_none() && *step != Step::DecidePart,
    )
    .map_err(|_| PipelineError::Io {
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

/// The outputs of `range` still to write: neither done in the plan nor marked written.
fn unwritten(
    store: &Store,
    key: &str,
    plan: &Plan,
    range: &Range<usize>,
) -> Result<Vec<usize>, PipelineError> {
    let mut left = Vec::new();
    for i in range.clone() {
        if !plan.outputs[i].done && !store.written(key, i)? {
            left.push(i);
        }
    }
    Ok(left)
}

/// The outputs of `range` staged and not yet published.
fn staged(plan: &Plan, range: &Range<usize>) -> Vec<usize> {
    range
        .clone()
        .filter(|&i| {
            let out = &plan.outputs[i];
            !out.done && out.dir.join(staged_name(&out.name)).exists()
        })
        .collect()
}

/// Stages `todo`, each written and fsynced on one of [`STAGERS`] threads: the file system
/// commits fsyncs that wait at the same time together, so a chunk costs a few journal
/// commits rather than one per output.
pub(super) fn stage_all(todo: &[&PlannedOutput]) -> Result<(), PipelineError> {
    let stage_one = |out: &PlannedOutput| {
        stage_unsynced_name(&out.dir, &out.name, out.content.as_bytes())
            .map(|_| ())
            .map_err(io_err(format!(
                "writing {}",
                out.dir.join(&out.name).display()
            )))
    };
    if todo.len() < 2 {
        return todo.iter().try_for_each(|o| stage_one(o));
    }
    let per_thread = todo.len().div_ceil(STAGERS);
    std::thread::scope(|scope| {
        let workers: Vec<_> = todo
            .chunks(per_thread)
            .map(|part| scope.spawn(move || part.iter().try_for_each(|o| stage_one(o))))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(PipelineError::Io {
                        what: "staging outputs".into(),
                        source: std::io::Error::other("a staging thread panicked"),
                    })
                })
            })
            .collect::<Result<Vec<()>, _>>()
            .map(|_| ())
    })
}

/// Fsyncs each folder of `outputs` once.
pub(super) fn sync_folders<'a>(
    outputs: impl Iterator<Item = &'a PlannedOutput>,
) -> Result<(), PipelineError> {
    let dirs: BTreeSet<&PathBuf> = outputs.map(|o| &o.dir).collect();
    for d in dirs {
        sync_dir(d).map_err(io_err(format!("syncing {}", d.display())))?;
    }
    Ok(())
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
    let first = PASSED.get().unwrap_or(0);
    for (i, step) in steps(plan).into_iter().enumerate() {
        let n = first + i;
        let output_step = step.outputs().is_some();
        if input.is_none() && !output_step {
            break;
        }
        passed(n);
        if !output_step && !std::mem::replace(&mut checked, true) && !unchanged() {
            return Ok(false);
        }
        // What the step has left to do (a replay skips what was done).
        let todo = match &step {
            Step::Stage(r) | Step::Mark(r) => unwritten(store, key, plan, r)?,
            // Nothing staged: published already (or written whole by an older version).
            Step::Publish(r) => staged(plan, r),
            _ => Vec::new(),
        };
        if output_step && todo.is_empty() {
            continue;
        }
        checkpoint(n, &step)?;
        match &step {
            Step::Stage(_) => {
                stage_all(&todo.iter().map(|&i| &plan.outputs[i]).collect::<Vec<_>>())?;
                sync_folders(todo.iter().map(|&i| &plan.outputs[i]))?;
            }
            Step::Mark(_) => store.write(|t| {
                for &i in &todo {
                    t.mark_written(key, i)?;
                }
                Ok(())
            })?,
            Step::Publish(_) => {
                for &i in &todo {
                    let out = &plan.outputs[i];
                    let path = out.dir.join(&out.name);
                    publish_unsynced(&out.dir, &out.name)
                        .map_err(io_err(format!("publishing {}", path.display())))?;
                    info!(output = %path.display(), "output written");
                }
                sync_folders(todo.iter().map(|&i| &plan.outputs[i]))?;
            }
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
            // Forgetting the job and recording the partner's settled file (its activity: last
            // file, files per day, rejections) are one commit.
            Step::ForgetJob => {
                store.write(|t| t.delete_job(key).and_then(|()| t.record_settled(key, plan)))?
            }
            Step::DecidePart => {}
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
