//! Carrying out the plans of a group of files decided together (see `group.rs`): the same
//! steps as one plan's (`settle.rs`), each taken once for the whole group, so the group shares
//! its folder fsyncs and store commits instead of paying them per file:
//! 0. stage every output of every plan (fsynced, several at once), then fsync each folder
//!    once;
//! 1. mark them all written in one store commit;
//! 2. publish them all (renames), then fsync each folder once;
//! 3. write the reports and DTD warnings (each fsynced), then fsync each folder once;
//! 4. move each input whose file is unchanged to `archive/` or `error/`, then fsync each
//!    destination and source folder once;
//! 5. forget those inputs' jobs and record them settled, in one store commit.
//!
//! The crash argument is the one of a single plan, file by file: each step does, for every
//! file of the group, what that file's own step would do, in the same order, and makes it
//! durable before the next step begins. A crash inside a step leaves each file at a boundary
//! its own plan has (some outputs staged or published, some inputs moved with their jobs not
//! yet forgotten), and the replay after it carries out each file's remaining steps alone, as
//! for any interrupted plan. A file changed while its plan ran keeps its job and its input,
//! as alone.
//!
//! Each step has its number above, whatever the group holds; a step with nothing to do for
//! the group is skipped and keeps its number, so a test can stop a group before each of them
//! ([`crate::faults`]).

use super::settle::{Step, checkpoint, stage_all, sync_folders};
use super::{PipelineError, io_err};
use crate::durable::{move_unsynced, publish_unsynced, sync_dir, write_unsynced_name};
use crate::layout::names::staged_name;
use crate::store::{Plan, PlannedOutput, Store};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tracing::{info, warn};

/// One file of a group: its job, its input, its plan, and whether its input is still the file
/// the plan was made for.
pub(super) struct Member<'a> {
    /// The input's job key.
    pub key: &'a str,
    /// The input in `in/`.
    pub input: &'a Path,
    /// Its recorded plan.
    pub plan: &'a Plan,
    /// Whether the input is unchanged since it was read.
    pub unchanged: &'a dyn Fn() -> bool,
}

/// The number of steps of a group (see the module doc).
#[cfg(test)]
pub(super) const STEPS: usize = 6;

/// Carries out the plans of `members` together. Returns, for each, whether its input was
/// settled (false: it changed while processed, and it keeps its job).
pub(super) fn execute_group(
    store: &Store,
    members: &[Member<'_>],
) -> Result<Vec<bool>, PipelineError> {
    let all: Vec<(usize, usize)> = members
        .iter()
        .enumerate()
        .flat_map(|(m, member)| (0..member.plan.outputs.len()).map(move |i| (m, i)))
        .collect();
    let output = |&(m, i): &(usize, usize)| -> &PlannedOutput { &members[m].plan.outputs[i] };
    let range = 0..all.len();

    let mut unwritten = Vec::new();
    for o in &all {
        if !output(o).done && !store.written(members[o.0].key, o.1)? {
            unwritten.push(*o);
        }
    }
    if !unwritten.is_empty() {
        checkpoint(0, &Step::Stage(range.clone()))?;
        stage_all(&unwritten.iter().map(output).collect::<Vec<_>>())?;
        sync_folders(unwritten.iter().map(output))?;
        checkpoint(1, &Step::Mark(range.clone()))?;
        store.write(|t| {
            unwritten
                .iter()
                .try_for_each(|&(m, i)| t.mark_written(members[m].key, i))
        })?;
    }

    let staged: Vec<(usize, usize)> = all
        .iter()
        .copied()
        .filter(|o| {
            let out = output(o);
            !out.done && out.dir.join(staged_name(&out.name)).exists()
        })
        .collect();
    if !staged.is_empty() {
        checkpoint(2, &Step::Publish(range))?;
        for o in &staged {
            let out = output(o);
            let path = out.dir.join(&out.name);
            publish_unsynced(&out.dir, &out.name)
                .map_err(io_err(format!("publishing {}", path.display())))?;
            info!(output = %path.display(), "output written");
        }
        sync_folders(staged.iter().map(output))?;
    }

    // Once the outputs are out, as alone: a changed input is neither reported nor moved.
    let settled: Vec<bool> = members.iter().map(|m| (m.unchanged)()).collect();
    let settling = || {
        members
            .iter()
            .zip(&settled)
            .filter(|(_, s)| **s)
            .map(|(m, _)| m)
    };

    let texts: Vec<&(PathBuf, String)> = settling()
        .flat_map(|m| [&m.plan.report, &m.plan.warnings])
        .flatten()
        .collect();
    if !texts.is_empty() {
        checkpoint(3, &Step::WriteReport)?;
        let mut dirs = BTreeSet::new();
        for (path, text) in texts {
            let dir = path.parent().unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            write_unsynced_name(dir, &name, text.as_bytes())
                .map_err(io_err(format!("writing {}", path.display())))?;
            dirs.insert(dir);
        }
        for d in dirs {
            sync_dir(d).map_err(io_err(format!("syncing {}", d.display())))?;
        }
    }

    if settling().next().is_none() {
        return Ok(settled);
    }
    checkpoint(4, &Step::MoveInput)?;
    let mut dirs = BTreeSet::new();
    for m in settling() {
        let to = &m.plan.settle_to;
        match move_unsynced(m.input, to) {
            Ok(dir) => {
                dirs.insert(dir);
                if let Some(src) = m.input.parent() {
                    dirs.insert(src.to_path_buf());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !m.input.exists() => {
                warn!(input = %m.input.display(), "the input disappeared before it could be settled");
            }
            Err(e) => {
                return Err(io_err(format!("moving the input to {}", to.display()))(e));
            }
        }
    }
    for d in &dirs {
        sync_dir(d).map_err(io_err(format!("syncing {}", d.display())))?;
    }
    checkpoint(5, &Step::ForgetJob)?;
    store.write(|t| {
        settling().try_for_each(|m| {
            t.delete_job(m.key)
                .and_then(|()| t.record_settled(m.key, m.plan))
        })
    })?;
    Ok(settled)
}
