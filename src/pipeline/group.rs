//! Several files of one partner decided and settled together, so that a burst of small files
//! shares the store commits and folder fsyncs that each file alone pays for: with a group, the
//! poison-file counter, the decisions, the output marks and the forgetting of the jobs are four
//! commits for the whole group, and each folder is fsynced once per step
//! (`settle_group.rs`), instead of four commits and five fsyncs per file.
//!
//! A partner's lane hands over every arrival waiting in it, in order ([`Pipeline::process_batch`]).
//! Consecutive small, fresh inputs form a group (at most [`GROUP_MAX`] files and [`GROUP_BYTES`]
//! bytes, each at most [`GROUP_FILE_BYTES`]); anything else — an acknowledgment, an aborted
//! upload, a large file, a file with a recorded job or attempt (a replay), a file still
//! uploading — ends the group and is processed alone, so the order of a partner's files is
//! kept. Decisions in a group run in arrival order inside one write transaction, so each sees
//! what the earlier ones decided, exactly as when they run one after the other.
//!
//! One file's failure does not poison the others. A file that cannot be read as orders is
//! rejected by its own plan (to `error/` with its reason), as alone. When the group's
//! transaction itself fails (a store error, a panic while deciding, or two plans that would
//! settle under the same name), nothing of it is committed: the attempts are cleared and each
//! file is processed alone. A crash while the group decides leaves each file with one attempt
//! counted; on the next start such a file is decided alone, so only a file that really stops
//! the server is set aside.

use super::plan::Shared;
use super::settle_group::{Member, execute_group};
use super::{Fingerprint, Outcome, Pipeline, PipelineError, input, waiters};
use crate::config::Partner;
use crate::intake::{Arrival, Kind};
use crate::layout::Folder;
use crate::store::{Attempts, Plan, StoreError, job_key};
use std::cell::RefCell;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use tracing::{info, warn};

/// The most files decided in one group.
pub(crate) const GROUP_MAX: usize = 64;
/// The largest file decided in a group: a group decides inside the store's write transaction,
/// which other lanes wait for, so a file that takes long to parse is decided alone.
pub(crate) const GROUP_FILE_BYTES: u64 = 256 * 1024;
/// The most bytes decided in one group.
pub(crate) const GROUP_BYTES: u64 = 2 * 1024 * 1024;

/// What became of each arrival of a batch, in order (an arrival found queued twice is counted
/// when it is found): its outcome, or why it was left in place.
pub(crate) type BatchOutcomes = Vec<Result<Outcome, String>>;

/// A fresh input read whole, ready to be decided in a group.
struct Ready {
    a: Arrival,
    seen: Fingerprint,
    partner: std::sync::Arc<Partner>,
    bytes: Vec<u8>,
    hash: String,
    key: String,
}

impl Ready {
    fn span(&self) -> tracing::Span {
        tracing::info_span!("file", partner = %self.a.partner, file = %Folder::In.show(&self.a.rel))
    }
}

impl Pipeline {
    /// Processes `batch`, one partner's arrivals in the order they came: small fresh inputs in
    /// groups, anything else alone (see the module doc).
    pub(crate) fn process_batch(&self, batch: Vec<Arrival>) -> BatchOutcomes {
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut group: Vec<Ready> = Vec::new();
        let mut bytes = 0;
        for a in batch {
            let mut r = match self.ready(a) {
                Ok(r) => r,
                Err(a) => {
                    outcomes.extend(self.run_group(std::mem::take(&mut group)));
                    bytes = 0;
                    outcomes.push(self.process_alone(&a));
                    continue;
                }
            };
            // The same file queued again (the upload and the folder watcher both report it):
            // its group settles it. Uploaded again since: it waits until its group is done.
            if let Some(g) = group.iter().find(|g| g.a.path == r.a.path) {
                if g.seen == r.seen {
                    outcomes.push(Ok(Outcome::Skipped("queued twice")));
                    continue;
                }
                outcomes.extend(self.run_group(std::mem::take(&mut group)));
                bytes = 0;
                r = match self.ready(r.a) {
                    Ok(r) => r,
                    Err(a) => {
                        outcomes.push(self.process_alone(&a));
                        continue;
                    }
                };
            }
            let len = r.bytes.len() as u64;
            if group.len() >= GROUP_MAX || bytes + len > GROUP_BYTES {
                outcomes.extend(self.run_group(std::mem::take(&mut group)));
                bytes = 0;
            }
            bytes += len;
            group.push(*r);
        }
        outcomes.extend(self.run_group(group));
        outcomes
    }

    /// Processes one arrival alone, a panic caught and logged (the file stays where it is).
    fn process_alone(&self, a: &Arrival) -> Result<Outcome, String> {
        let label = a.path.display().to_string();
        let result = catch_unwind(AssertUnwindSafe(|| self.process(a)));
        let why = match result {
            Ok(Ok(outcome)) => return Ok(outcome),
            Ok(Err(e)) => e.to_string(),
            Err(p) => format!("panicked: {}", crate::validate::panic_text(p.as_ref())),
        };
        warn!(file = %label, error = %why, "file left in place, will be retried at the next start");
        Err(why)
    }

    /// The arrival read, when it can join a group; else the arrival back, to be processed
    /// alone.
    fn ready(&self, a: Arrival) -> Result<Box<Ready>, Arrival> {
        if a.kind != Kind::Input || self.uploads.is_uploading(&a.path) {
            return Err(a);
        }
        let seen = match std::fs::symlink_metadata(&a.path) {
            Ok(m) if m.is_file() && m.len() <= GROUP_FILE_BYTES => Fingerprint::of(&m),
            _ => return Err(a),
        };
        let home = self.config.partner_home(&a.partner);
        if crate::home::first_link(&home.in_dir(), &a.rel).is_some() {
            return Err(a);
        }
        let Some(partner) = self.config.partner(&a.partner).cloned() else {
            return Err(a);
        };
        let Ok(input::Input {
            bytes: Some(bytes),
            hash,
            ..
        }) = input::read(&a.path, GROUP_FILE_BYTES)
        else {
            return Err(a);
        };
        // A file asking for a test fault keeps its fault to itself.
        #[cfg(debug_assertions)]
        if bytes.windows(13).any(|w| w == b"<?wharf-test-") {
            return Err(a);
        }
        let key = job_key(&a.partner, &a.rel);
        let fresh = matches!(self.store.job(&key), Ok(None))
            && matches!(self.store.attempts(&key), Ok(None));
        if !fresh {
            return Err(a);
        }
        Ok(Box::new(Ready {
            a,
            seen,
            partner,
            bytes,
            hash,
            key,
        }))
    }

    /// Decides and settles `group` together; one file alone as [`Pipeline::process`] does.
    fn run_group(&self, group: Vec<Ready>) -> BatchOutcomes {
        match group.len() {
            0 => return Vec::new(),
            1 => return vec![self.process_alone(&group[0].a)],
            _ => {}
        }
        let span = tracing::info_span!("group", partner = %group[0].a.partner, files = group.len());
        let _enter = span.enter();
        let plans = match self.decide_group(&group) {
            Ok(plans) => plans,
            Err(why) => {
                warn!(error = %why, "deciding these files together failed: each is decided alone");
                if let Err(e) = self
                    .store
                    .write(|t| group.iter().try_for_each(|r| t.clear_attempts(&r.key)))
                {
                    warn!(error = %e, "cannot clear the processing attempts");
                }
                return group.iter().map(|r| self.process_alone(&r.a)).collect();
            }
        };
        self.settle_group(&group, &plans)
    }

    /// Counts an attempt on each file (one commit), then decides them all in one transaction.
    fn decide_group(&self, group: &[Ready]) -> Result<Vec<Plan>, String> {
        self.store
            .write(|t| {
                group.iter().try_for_each(|r| {
                    t.put_attempts(
                        &r.key,
                        &Attempts {
                            file_hash: r.hash.clone(),
                            count: 1,
                        },
                    )
                })
            })
            .map_err(|e| e.to_string())?;
        let decided = catch_unwind(AssertUnwindSafe(|| {
            self.store.write(|txn| {
                let shared = Shared(RefCell::new(txn));
                let mut plans = Vec::with_capacity(group.len());
                for r in group {
                    let _enter = r.span().entered();
                    let transcoded = crate::formats::to_utf8(r.partner.format, &r.bytes);
                    let bytes = transcoded.as_deref().unwrap_or(&r.bytes);
                    let plan = self
                        .decide_read_in(&r.partner, &r.a, bytes, &r.hash, &r.key, Some(&shared))
                        .map_err(|e| match e {
                            PipelineError::Store(e) => e,
                            other => StoreError::Db(other.to_string().into()),
                        })?;
                    plans.push(plan);
                }
                if let Some(path) = clash(&plans) {
                    return Err(StoreError::Db(
                        format!("two files would settle as {}", path.display()).into(),
                    ));
                }
                Ok(plans)
            })
        }));
        match decided {
            Ok(Ok(plans)) => Ok(plans),
            Ok(Err(e)) => Err(e.to_string()),
            Err(p) => Err(format!(
                "panicked: {}",
                crate::validate::panic_text(p.as_ref())
            )),
        }
    }

    /// Carries out the group's plans together and reports each file's outcome.
    fn settle_group(&self, group: &[Ready], plans: &[Plan]) -> BatchOutcomes {
        let unchanged: Vec<Box<dyn Fn() -> bool + '_>> = group
            .iter()
            .map(|r| Box::new(move || self.unchanged(&r.a.path, r.seen)) as Box<dyn Fn() -> bool>)
            .collect();
        let members: Vec<Member<'_>> = group
            .iter()
            .zip(plans)
            .zip(&unchanged)
            .map(|((r, plan), unchanged)| Member {
                key: &r.key,
                input: &r.a.path,
                plan,
                unchanged: unchanged.as_ref(),
            })
            .collect();
        let settled = match catch_unwind(AssertUnwindSafe(|| execute_group(&self.store, &members)))
        {
            Ok(Ok(settled)) => settled,
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    Err(p) => format!("panicked: {}", crate::validate::panic_text(p.as_ref())),
                    Ok(Ok(_)) => String::new(),
                };
                for r in group {
                    let _enter = r.span().entered();
                    warn!(error = %why, "file left in place, will be retried at the next start");
                }
                return group.iter().map(|_| Err(why.clone())).collect();
            }
        };
        group
            .iter()
            .zip(plans)
            .zip(settled)
            .map(|((r, plan), settled)| {
                let _enter = r.span().entered();
                if !settled {
                    info!("the file changed while it was processed: it waits for its new upload");
                    return Ok(Outcome::Skipped("changed while processing"));
                }
                Ok(self.settled(&r.a, plan))
            })
            .collect()
    }

    /// Whether the input at `path` is still the file seen as `seen`, and not being uploaded.
    pub(super) fn unchanged(&self, path: &Path, seen: Fingerprint) -> bool {
        !self.uploads.is_uploading(path)
            && std::fs::symlink_metadata(path).is_ok_and(|m| Fingerprint::of(&m) == seen)
    }

    /// Counts, logs and announces a settled input.
    pub(super) fn settled(&self, a: &Arrival, plan: &Plan) -> Outcome {
        let (outcome, to) = (plan.outcome.clone(), plan.settle_to.clone());
        crate::ops::metrics::file_settled(&a.partner, &outcome, a.arrived);
        info!(outcome = %outcome, to = %to.display(), via = a.via.as_str(), "file processed");
        self.waiters.settled(
            &a.path,
            waiters::Settled {
                outcome: outcome.clone(),
                to: to.clone(),
                report: plan.report.as_ref().map(|(_, text)| text.clone()),
            },
        );
        Outcome::Settled { outcome, to }
    }
}

/// A path two plans of the group would both write (an input's place, a report, warnings or an
/// output), if any: names are chosen free on disk, and the group's files are not there yet.
fn clash(plans: &[Plan]) -> Option<PathBuf> {
    let mut seen = HashSet::new();
    for plan in plans {
        let paths = std::iter::once(plan.settle_to.clone())
            .chain(
                [&plan.report, &plan.warnings]
                    .into_iter()
                    .flatten()
                    .map(|(p, _)| p.clone()),
            )
            .chain(plan.outputs.iter().map(|o| o.dir.join(&o.name)));
        for p in paths {
            if !seen.insert(p.clone()) {
                return Some(p);
            }
        }
    }
    None
}
