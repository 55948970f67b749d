//! Where a decided input goes, and recording that decision: the plan of a rejected file (to
//! `error/` with its report) or of an accepted one (to `archive/DAY/`, with a report in
//! `error/` when some orders were rejected), committed as the input's job in the same
//! transaction as what the file did to the store.

use super::orders::Applied;
use super::report::Report;
use super::{Pipeline, PipelineError};
use crate::config::Partner;
use crate::intake::Arrival;
use crate::layout::{self, Folder, HomeLayout, free_name};
use crate::store::{Job, Parts, Plan, StoreError, Txn};
use std::cell::RefCell;

/// A write transaction that several files' decisions share (a group, see `group.rs`): each
/// decision runs its part in it, in turn, and they commit together.
pub(super) trait SharedTxn {
    /// Runs `body` inside the shared transaction.
    fn run(
        &self,
        body: &mut dyn FnMut(&mut Txn<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}

/// The open transaction of a group's decisions.
pub(super) struct Shared<'x, 't>(pub RefCell<&'x mut Txn<'t>>);

impl SharedTxn for Shared<'_, '_> {
    fn run(
        &self,
        body: &mut dyn FnMut(&mut Txn<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        body(&mut self.0.borrow_mut())
    }
}

/// One input being decided: who sent it, where its home is, and the job it will record.
pub(super) struct Deciding<'a> {
    /// The pipeline (its configuration and store).
    pub p: &'a Pipeline,
    /// The partner that sent it.
    pub partner: &'a Partner,
    /// The input.
    pub arrival: &'a Arrival,
    /// The partner's home.
    pub home: HomeLayout,
    /// The input's job key.
    pub key: &'a str,
    /// The input's identity (its content hash).
    pub hash: &'a str,
    /// The transaction this decision shares with others of its group; `None`: a transaction
    /// of its own.
    pub shared: Option<&'a dyn SharedTxn>,
}

impl Deciding<'_> {
    /// The input's path as the store's history and the logs name it: `in/REL`, and
    /// `in/REL via api` for the body of a merchant-API request.
    pub fn file_label(&self) -> String {
        let shown = Folder::In.show(&self.arrival.rel);
        match self.arrival.via {
            crate::intake::Via::Api => format!("{shown} via api"),
            _ => shown,
        }
    }

    /// A report for the input, `size` bytes.
    pub fn report(&self, size: usize) -> Report {
        Report::new(&self.partner.name, &self.arrival.rel, size)
    }

    /// Records the plan that sends the whole input to `error/` with `report`, rejected for
    /// `reason`.
    pub fn reject(&self, mut report: Report, reason: &str) -> Result<Plan, PipelineError> {
        report.file_rejected(reason);
        self.record(self.error_plan(report))
    }

    /// Runs `f` (which applies the file to the store and returns its plan) and records the
    /// plan as the input's job, in one transaction: the group's when the decision has one,
    /// else one of its own.
    pub fn in_txn(
        &self,
        f: impl FnOnce(&mut Txn<'_>) -> Result<Plan, StoreError>,
    ) -> Result<Plan, PipelineError> {
        self.record_job(|txn| Ok((f(txn)?, None)))
    }

    /// Like [`Deciding::in_txn`], for one part of a batch decided in parts: `f` also returns
    /// how far the decision has gone with this part.
    pub fn in_txn_parts(
        &self,
        f: impl FnOnce(&mut Txn<'_>) -> Result<(Plan, Parts), StoreError>,
    ) -> Result<Plan, PipelineError> {
        self.record_job(|txn| f(txn).map(|(plan, parts)| (plan, Some(parts))))
    }

    /// Runs `f` and records the plan it returns as the input's job, in one transaction (the
    /// group's, when the input is decided in a group).
    fn record_job(
        &self,
        f: impl FnOnce(&mut Txn<'_>) -> Result<(Plan, Option<Parts>), StoreError>,
    ) -> Result<Plan, PipelineError> {
        let mut f = Some(f);
        let mut body = |txn: &mut Txn<'_>| -> Result<Plan, StoreError> {
            let f = f
                .take()
                .ok_or_else(|| StoreError::Db("a decision's transaction body ran twice".into()))?;
            let (plan, parts) = f(txn)?;
            let job = Job {
                file_hash: self.hash.to_string(),
                plan,
                parts,
            };
            txn.put_job(self.key, &job)?;
            Ok(job.plan)
        };
        let Some(shared) = self.shared else {
            return Ok(self.p.store().write(body)?);
        };
        let mut out = None;
        shared.run(&mut |txn| {
            out = Some(body(txn)?);
            Ok(())
        })?;
        Ok(out.ok_or_else(|| StoreError::Db("a decision's transaction body did not run".into()))?)
    }

    /// Records a plan that touches no order.
    pub fn record(&self, plan: Plan) -> Result<Plan, PipelineError> {
        self.in_txn(|_| Ok(plan))
    }

    /// The whole file to `error/` (keeping its path under `in/`), with its report beside it.
    pub fn error_plan(&self, report: Report) -> Plan {
        let (dir, name) = layout::beside(&self.home.error_dir(), &self.arrival.rel);
        let free = free_name(&dir, &name, |n| dir.join(layout::report_name(n)).exists());
        Plan {
            outputs: vec![],
            warnings: None,
            settle_to: dir.join(&free),
            report: Some((
                dir.join(layout::report_name(&free)),
                report.render(&self.home.show(&dir.join(&free))),
            )),
            outcome: "rejected".to_string(),
        }
    }

    /// The file to `archive/YYYY-MM-DD/`; a report in `error/` when some orders were rejected or
    /// held.
    pub fn archive_plan(&self, applied: Applied, mut report: Report) -> Plan {
        let rel = &self.arrival.rel;
        let (dir, name) = layout::beside(&self.home.archive_day(&layout::today()), rel);
        // The name must be free for the input and for a `NAME.warnings.txt` beside it.
        let free = free_name(&dir, &name, |n| {
            dir.join(layout::warnings_name(n))
                .symlink_metadata()
                .is_ok()
        });
        let settle_to = dir.join(&free);
        let archived_as = self.home.show(&settle_to);
        let outcome;
        let quiet = applied.notices.is_empty();
        let report_file = if applied.rejected.is_empty() && applied.held.is_empty() && quiet {
            outcome = "archived";
            None
        } else {
            outcome = if !applied.rejected.is_empty() {
                "partial"
            } else if !applied.held.is_empty() {
                "held"
            } else {
                "archived"
            };
            report.orders_not_sent(applied.total, &applied.rejected, &applied.held);
            report.notices(&applied.notices);
            let (edir, ename) = layout::beside(&self.home.error_dir(), rel);
            let rname = free_name(&edir, &layout::report_name(&ename), |_| false);
            Some((edir.join(rname), report.render(&archived_as)))
        };
        Plan {
            outputs: applied.outputs,
            warnings: None,
            settle_to,
            report: report_file,
            outcome: outcome.to_string(),
        }
    }
}
