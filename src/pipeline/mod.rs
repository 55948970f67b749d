//! One file, one outcome: decode → apply to the store → write outputs → settle the input in
//! `archive/` or `error/`, never left in `in/` to be retried for ever.
//!
//! Crash safety comes from the order of the steps. Everything the file decides — order
//! records, the outputs' content, where the input goes, the report — is committed to the store
//! in one transaction (a [`Job`](crate::store::Job)) before anything is written to disk. The
//! steps after it are idempotent and each is recorded when done, so a replay after a crash at
//! any point (the start-up scan finds the input still in `in/`) finishes the same plan instead
//! of deciding again: no order is sent twice and every input ends in exactly one place.
//!
//! A burst of small files from one partner is decided in one transaction and carried out step
//! by step together (`group.rs`), each file keeping its own job, plan and outcome.

mod acknowledge;
mod attempts;
mod cancels;
mod cart_file;
mod catalog;
mod contain;
mod dtd_check;
mod group;
mod holds;
mod input;
mod inventory;
mod lanes;
pub mod memory;
mod naming;
mod operator;
mod orders;
mod plan;
mod preview;
mod refuse;
mod report;
pub mod requests;
mod settle;
mod settle_group;
mod shipments;
mod unreadable;
pub mod waiters;

pub use acknowledge::take;
pub use lanes::Lanes;
pub use orders::order_file_name;
mod warehouse_file;

use crate::config::{Config, Role};
use crate::intake::{Arrival, Kind, Queue, UploadRegistry};
use crate::layout::Folder;
use crate::store::{Store, StoreError, job_key};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use tracing::{info, warn};

pub use operator::Done;
pub use preview::{Preview, preview};

/// What became of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Settled: `archived`, `partial` (archived, some orders rejected) or `rejected`.
    Settled {
        /// The one-word outcome.
        outcome: String,
        /// Where the input went.
        to: PathBuf,
    },
    /// Nothing to do (gone, still uploading, or not ours).
    Skipped(&'static str),
}

/// A failure that leaves the input where it is, to be retried (the store or the disk failed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The disk failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
}

pub(crate) fn io_err(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> PipelineError {
    let what = what.into();
    move |source| PipelineError::Io { what, source }
}

/// Identity of a file's content on disk: an upload over the same name changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    ino: u64,
    len: u64,
    mtime: Option<std::time::SystemTime>,
}

impl Fingerprint {
    fn of(m: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Fingerprint {
            ino: m.ino(),
            len: m.len(),
            mtime: m.modified().ok(),
        }
    }
}

/// Whether an input of `kind` from `partner` is read as a stream rather than held whole: a
/// cart's order file in a format with a streaming decoder.
fn streams(partner: &crate::config::Partner, kind: &Kind) -> bool {
    *kind == Kind::Input && partner.role == Role::Cart && partner.format.spec().each.is_some()
}

/// The pipeline: shared by the worker task and by tools that process one file.
#[derive(Debug, Clone)]
pub struct Pipeline {
    config: Arc<Config>,
    store: Arc<Store>,
    uploads: UploadRegistry,
    waiters: waiters::Waiters,
}

/// Hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Pipeline {
    /// A pipeline over `store` for the partners of `config`.
    pub fn new(config: Arc<Config>, store: Arc<Store>, uploads: UploadRegistry) -> Self {
        Pipeline {
            config,
            store,
            uploads,
            waiters: waiters::Waiters::default(),
        }
    }

    /// Who waits for which input's outcome.
    pub fn waiters(&self) -> &waiters::Waiters {
        &self.waiters
    }

    /// Hands whatever is queued now to the lanes, then waits until the lanes have processed
    /// everything they hold (used when shutting down).
    pub async fn drain(mut lanes: Lanes, queue: &mut Queue) {
        while let Some(arrival) = queue.try_next() {
            lanes.dispatch(arrival);
        }
        lanes.finish().await;
    }

    /// Processes `batch` (one partner's arrivals, in order) on a file thread of its own
    /// (see [`contain`]); what cannot be processed is logged and left in place.
    pub(crate) async fn process_batch_async(&self, batch: Vec<Arrival>) {
        let me = self.clone();
        let n = batch.len();
        if let Err(e) = contain::on_file_thread("wharf-file", move || me.process_batch(batch)).await
        {
            tracing::error!(files = n, error = %e, "file processing failed (panicked): files left in place, will be retried at the next start");
        }
    }

    /// Processes one arrival to its end.
    pub fn process(&self, a: &Arrival) -> Result<Outcome, PipelineError> {
        self.process_with(a, false)
    }

    /// As [`Pipeline::process`]; `claimed`: the caller holds the input's claim already (a
    /// group's file processed alone).
    pub(crate) fn process_with(
        &self,
        a: &Arrival,
        claimed: bool,
    ) -> Result<Outcome, PipelineError> {
        let folder = if a.kind == Kind::Taken {
            Folder::Out
        } else {
            Folder::In
        };
        let span = tracing::info_span!("file", partner = %a.partner, file = %folder.show(&a.rel));
        let _enter = span.enter();
        if a.kind == Kind::Taken {
            return acknowledge::acknowledge(self, a);
        }
        if self.uploads.is_uploading(&a.path) {
            return Ok(Outcome::Skipped("still uploading"));
        }
        if crate::intake::markers::is_marked(&a.path) {
            // Another instance receives it (or received it until it died: its scan, or the
            // next rescan here, sets it aside as cut).
            return Ok(Outcome::Skipped("being uploaded through another instance"));
        }
        if std::fs::symlink_metadata(&a.path).is_err() {
            // Settled already (here, or by another instance): no need to ask the store.
            return Ok(Outcome::Skipped("gone"));
        }
        let key = job_key(&a.partner, &a.rel);
        // One instance at a time: the claim is taken before the file is even looked at, so the
        // holder sees the file as the last holder left it (moved away once settled).
        let _claim = if claimed {
            None
        } else {
            match self.store.claim(&key)? {
                Ok(claim) => Some(claim),
                Err(holder) => {
                    info!(holder = %holder, "another instance is processing this file: left to it");
                    return Ok(Outcome::Skipped("claimed by another instance"));
                }
            }
        };
        let seen = match std::fs::symlink_metadata(&a.path) {
            Ok(m) if m.is_file() => Fingerprint::of(&m),
            _ => return Ok(Outcome::Skipped("gone")),
        };
        let home = self.config.partner_home(&a.partner);
        if let Some(link) = crate::home::first_link(&home.in_dir(), &a.rel) {
            warn!(link = %link.display(), "a symbolic link in the path of this file: it is not followed, the file is left where it is");
            return Ok(Outcome::Skipped("behind a symbolic link"));
        }
        let Some(partner) = self.config.partner(&a.partner).cloned() else {
            warn!("no such partner in the configuration: file left in place");
            return Ok(Outcome::Skipped("unknown partner"));
        };
        let input = if streams(&partner, &a.kind) {
            input::open_stream(&a.path)?
        } else {
            input::read(&a.path, input::MAX_INPUT_BYTES)?
        };
        #[cfg(debug_assertions)]
        let _faults = crate::faults::for_file(&input.head(4096));
        let hash = input.hash.clone();
        let _numbering = settle::new_file();
        let plan = match self.store.job(&key)? {
            Some(job) if job.file_hash == hash => {
                info!("resuming after a restart");
                match job.parts {
                    Some(parts) if !parts.last => {
                        settle::publish_outputs(&self.store, &key, &job.plan)?;
                        drop(job.plan);
                        self.resume_parts(&partner, a, &input, &key, parts)?
                    }
                    _ => job.plan,
                }
            }
            Some(stale) => {
                info!(
                    "another file under the name of an unfinished plan: its outputs go out first"
                );
                settle::publish_outputs(&self.store, &key, &stale.plan)?;
                self.decide(&partner, a, &input, &key)?
            }
            None => self.decide(&partner, a, &input, &key)?,
        };
        drop(input);
        // A client may overwrite the same name while we work: settle only the bytes we read.
        let unchanged = || self.unchanged(&a.path, seen);
        let settled = settle::execute(&self.store, &key, &a.path, plan.clone(), unchanged)?;
        memory::after_file(seen.len);
        if !settled {
            info!("the file changed while it was processed: it waits for its new upload");
            return Ok(Outcome::Skipped("changed while processing"));
        }
        Ok(self.settled(a, &plan))
    }

    /// Decides a file read whole, or refuses it unread: too large, or set aside after it
    /// stopped the server twice (see [`attempts`]).
    fn decide(
        &self,
        partner: &crate::config::Partner,
        a: &Arrival,
        input: &input::Input,
        key: &str,
    ) -> Result<crate::store::Plan, PipelineError> {
        let hash = &input.hash;
        let Some(source) = input.source() else {
            let max = if input.file.is_some() || streams(partner, &a.kind) {
                input::MAX_STREAMED_BYTES
            } else {
                input::MAX_INPUT_BYTES
            };
            let why = refuse::too_large(input.len, max);
            warn!("{why}");
            return refuse::refuse(&self.deciding(partner, a, key, hash), input.len, &why);
        };
        let bytes = match source {
            input::Source::Bytes(bytes) => bytes,
            input::Source::File(_) => &[],
        };
        if a.kind != Kind::Input {
            return self.decide_read(partner, a, bytes, hash, key);
        }
        let set_aside = || {
            let d = self.deciding(partner, a, key, hash);
            refuse::refuse(&d, input.len, attempts::SET_ASIDE)
        };
        attempts::attempt(&self.store, key, hash, set_aside, || {
            #[cfg(debug_assertions)]
            crate::faults::processing(&input.head(4096));
            match source {
                input::Source::File(_) => {
                    let d = self.deciding(partner, a, key, hash);
                    let report = d.report(usize::try_from(input.len).unwrap_or(usize::MAX));
                    cart_file::decide(&d, source, report)
                }
                input::Source::Bytes(bytes) => {
                    let transcoded = crate::formats::to_utf8(partner.format, bytes);
                    let bytes = transcoded.as_deref().unwrap_or(bytes);
                    self.decide_read(partner, a, bytes, hash, key)
                }
            }
        })
    }

    /// Goes on deciding a batch decided in parts up to `parts` before a restart (see
    /// `cart_file.rs`), from the input read again.
    fn resume_parts(
        &self,
        partner: &crate::config::Partner,
        a: &Arrival,
        input: &input::Input,
        key: &str,
        parts: crate::store::Parts,
    ) -> Result<crate::store::Plan, PipelineError> {
        let d = self.deciding(partner, a, key, &input.hash);
        // Going on decodes and decides again, so it is an attempt like a first decision: a
        // part that stops the server at every start is set aside, not retried for ever (each
        // recorded part clears the count).
        let set_aside = || {
            let why = format!(
                "{}; its first {} orders were decided and sent before",
                attempts::SET_ASIDE,
                parts.decided
            );
            refuse::refuse(&d, input.len, &why)
        };
        attempts::attempt(&self.store, key, &input.hash, set_aside, || {
            info!(
                decided = parts.decided,
                "going on with the batch after its last part decided"
            );
            match input.source() {
                Some(input::Source::Bytes(bytes)) => {
                    let transcoded = crate::formats::to_utf8(partner.format, bytes);
                    let bytes = transcoded.as_deref().unwrap_or(bytes);
                    let report = d.report(bytes.len());
                    cart_file::resume(&d, input::Source::Bytes(bytes), report, parts.clone())
                }
                source => {
                    let report = d.report(usize::try_from(input.len).unwrap_or(usize::MAX));
                    let empty = input::Source::Bytes(&[]);
                    cart_file::resume(&d, source.unwrap_or(empty), report, parts.clone())
                }
            }
        })
    }

    /// Decides a file's bytes by its partner's role (an aborted upload is rejected unread) and
    /// records the plan as the input's job.
    pub(crate) fn decide_read(
        &self,
        partner: &crate::config::Partner,
        a: &Arrival,
        bytes: &[u8],
        hash: &str,
        key: &str,
    ) -> Result<crate::store::Plan, PipelineError> {
        self.decide_read_in(partner, a, bytes, hash, key, None)
    }

    /// As [`Pipeline::decide_read`], in the transaction `shared` when there is one.
    fn decide_read_in(
        &self,
        partner: &crate::config::Partner,
        a: &Arrival,
        bytes: &[u8],
        hash: &str,
        key: &str,
        shared: Option<&dyn plan::SharedTxn>,
    ) -> Result<crate::store::Plan, PipelineError> {
        let mut d = self.deciding(partner, a, key, hash);
        d.shared = shared;
        let report = d.report(bytes.len());
        if let Kind::Aborted(reason) = &a.kind {
            return d.reject(report, &format!("the upload was aborted: {reason}"));
        }
        match partner.role {
            Role::Warehouse => warehouse_file::decide(&d, bytes, report),
            Role::Cart => cart_file::decide(&d, input::Source::Bytes(bytes), report),
        }
    }

    fn deciding<'a>(
        &'a self,
        partner: &'a crate::config::Partner,
        a: &'a Arrival,
        key: &'a str,
        hash: &'a str,
    ) -> plan::Deciding<'a> {
        plan::Deciding {
            p: self,
            partner,
            arrival: a,
            home: self.config.partner_home(&a.partner),
            key,
            hash,
            shared: None,
        }
    }

    /// Forgets jobs whose input is no longer in `in/` (a crash after the input moved but before
    /// its job was deleted, or the input replaced while Wharf was down), after sending what is
    /// left of their outputs. Run before the start-up scan, and with a shared store at every
    /// rescan (an instance may die with a job half settled). A job another live instance
    /// holds is its own.
    pub fn recover(&self) -> Result<usize, PipelineError> {
        let mut purged = 0;
        for (key, _) in self.store.jobs()? {
            let Ok(_claim) = self.store.claim(&key)? else {
                continue;
            };
            // Read again under the claim: the holder may have finished it meanwhile.
            let Some(job) = self.store.job(&key)? else {
                continue;
            };
            if key.starts_with(operator::OPERATOR_JOB) {
                self.finish_operator_job(&key)?;
                continue;
            }
            let Some((partner, rel)) = key.split_once('\u{1f}') else {
                continue;
            };
            let input = self.config.partner_home(partner).in_dir().join(rel);
            let streamed = self
                .config
                .partner(partner)
                .is_some_and(|p| streams(p, &Kind::Input));
            let max = if streamed {
                input::MAX_STREAMED_BYTES
            } else {
                input::MAX_INPUT_BYTES
            };
            let input_hash = input::identity(&input, max);
            if input_hash.as_deref() != Some(job.file_hash.as_str()) {
                settle::publish_outputs(&self.store, &key, &job.plan)?;
                self.store.write(|t| t.delete_job(&key))?;
                purged += 1;
            }
        }
        Ok(purged)
    }

    /// Records the deliveries the partners took before the last stop whose acknowledgment
    /// never reached the store (see `acknowledge.rs`). Run after [`Pipeline::recover`].
    pub fn found_taken_at_start(&self) -> Result<usize, PipelineError> {
        acknowledge::found_taken_at_start(self)
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

#[cfg(test)]
mod crash_tests;
#[cfg(test)]
mod found_taken_tests;
#[cfg(test)]
mod group_tests;
#[cfg(test)]
mod report_mode_tests;
#[cfg(test)]
mod tests;
