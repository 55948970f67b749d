//! Deciding what one input means: decode it with its partner's format, apply its orders to the
//! store, and choose where it settles — all committed as one job.

use super::dtd_check::{DtdVerdict, DtdWarnings, WARNINGS_SUFFIX, check_dtd, warnings_path};
use super::orders::{self, Applied};
use super::report::Report;
use super::{Pipeline, PipelineError, contain};
use crate::config::{DtdMode, Partner, Role};
use crate::durable::free_name;
use crate::formats::{self, DecodeError};
use crate::intake::Arrival;
use crate::store::{Job, Plan, StoreError, Txn};
use std::path::{Path, PathBuf};

/// Suffix of a rejection report beside its input.
pub(crate) const REPORT_SUFFIX: &str = ".error.txt";

/// Decodes and applies `bytes`, records the job, and returns its plan.
pub(super) fn decide(
    p: &Pipeline,
    partner: &Partner,
    a: &Arrival,
    bytes: &[u8],
    hash: &str,
    key: &str,
) -> Result<Plan, PipelineError> {
    let home = p.config().partner_home(&partner.name);
    let mut report = Report::new(&partner.name, &a.rel, bytes.len());
    if let crate::intake::Kind::Aborted(reason) = &a.kind {
        report.file_rejected(&format!("the upload was aborted: {reason}"));
        return record(p, key, hash, error_plan(&home, &a.rel, report));
    }
    if partner.role == Role::Warehouse {
        return super::warehouse_file::decide(p, partner, a, bytes, hash, key, report);
    }
    let (decoded, warnings) = match contain::parse(contain::reader_of(partner.format), || {
        read_orders(partner, &a.path, bytes)
    }) {
        Ok(d) => d,
        Err(e) => {
            report.file_rejected(&e);
            return record(p, key, hash, error_plan(&home, &a.rel, report));
        }
    };
    let warehouse = partner
        .warehouse
        .as_deref()
        .and_then(|w| p.config().partner(w).cloned());
    let Some(warehouse) = warehouse else {
        report.file_rejected(
            "this cart has no warehouse to send orders to (check `warehouse` in the configuration)",
        );
        return record(p, key, hash, error_plan(&home, &a.rel, report));
    };
    let wh_out = p.config().partner_home(&warehouse.name).join("out");
    let file_label = format!("in/{}", a.rel.display());
    let plan = decide_in_txn(p, key, hash, |txn| {
        let applied: Applied =
            orders::apply(txn, partner, &warehouse, &wh_out, &decoded, &file_label)?;
        let mut plan = archive_plan(&home, &a.rel, applied, report);
        if let Some(w) = &warnings {
            plan.warnings = Some((warnings_path(&plan.settle_to), w.text.clone()));
        }
        Ok(plan)
    })?;
    if let (Some(w), Some((path, _))) = (&warnings, &plan.warnings) {
        w.log(&a.rel, &rel_display(&home, path));
    }
    Ok(plan)
}

/// Runs `f` (which applies the file to the store and returns its plan) and records the plan
/// as the input's job, in one transaction.
pub(super) fn decide_in_txn(
    p: &Pipeline,
    key: &str,
    hash: &str,
    f: impl FnOnce(&mut Txn<'_>) -> Result<Plan, StoreError>,
) -> Result<Plan, PipelineError> {
    Ok(p.store().write(|txn| {
        let plan = f(txn)?;
        txn.put_job(
            key,
            &Job {
                file_hash: hash.to_string(),
                plan: plan.clone(),
            },
        )?;
        Ok(plan)
    })?)
}

/// Decodes a file by its partner's role and format, after checking it against the partner's
/// DTD when one is configured; a reason when it cannot be read.
///
/// With `dtd_mode = "report"`, a file whose only problems are validity errors (well-formed,
/// loading nothing, within the limits) is decoded all the same and its errors come back as
/// warnings; when the decoder cannot read it either, the reason names both.
fn read_orders(
    partner: &Partner,
    path: &Path,
    bytes: &[u8],
) -> Result<(formats::Decoded, Option<DtdWarnings>), String> {
    let mut warnings = None;
    if let Some(dtd) = &partner.dtd {
        match check_dtd(dtd, path, bytes) {
            DtdVerdict::Valid => {}
            DtdVerdict::Invalid(w) if partner.dtd_mode == DtdMode::Report => warnings = Some(w),
            DtdVerdict::Invalid(w) => return Err(w.reason()),
            DtdVerdict::Refused(reason) => return Err(reason),
        }
    }
    match decode(partner, path, bytes) {
        Ok(decoded) => Ok((decoded, warnings)),
        Err(e) => Err(match &warnings {
            Some(w) => format!("{e}\n{}", w.reason()),
            None => e,
        }),
    }
}

fn decode(partner: &Partner, path: &Path, bytes: &[u8]) -> Result<formats::Decoded, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = crate::intake::original_name(&name).unwrap_or(name);
    formats::decode_named(partner.format, &name, bytes, &partner.decode_options()).map_err(|e| {
        match e {
            DecodeError::Xml { .. } => format!("cannot read the file at {e}"),
            other => format!("cannot read the file: {other}"),
        }
    })
}

/// Records a plan that touches no order.
pub(super) fn record(
    p: &Pipeline,
    key: &str,
    hash: &str,
    plan: Plan,
) -> Result<Plan, PipelineError> {
    decide_in_txn(p, key, hash, |_| Ok(plan))
}

/// The whole file to `error/` (keeping its path under `in/`), with its report beside it.
pub(super) fn error_plan(home: &Path, rel: &Path, report: Report) -> Plan {
    let (dir, name) = dest_dir_and_name(&home.join("error"), rel);
    let free = free_name(&dir, &name, |n| {
        dir.join(format!("{n}{REPORT_SUFFIX}")).exists()
    });
    Plan {
        outputs: vec![],
        warnings: None,
        settle_to: dir.join(&free),
        report: Some((
            dir.join(format!("{free}{REPORT_SUFFIX}")),
            report.render(&rel_display(home, &dir.join(&free))),
        )),
        outcome: "rejected".to_string(),
    }
}

/// The file to `archive/YYYY-MM-DD/`; a report in `error/` when some orders were rejected.
pub(super) fn archive_plan(home: &Path, rel: &Path, applied: Applied, mut report: Report) -> Plan {
    let day = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let (dir, name) = dest_dir_and_name(&home.join("archive").join(day), rel);
    // The name must be free for the input and for a `NAME.warnings.txt` beside it.
    let free = free_name(&dir, &name, |n| {
        dir.join(format!("{n}{WARNINGS_SUFFIX}"))
            .symlink_metadata()
            .is_ok()
    });
    let settle_to = dir.join(&free);
    let archived_as = rel_display(home, &settle_to);
    let outcome;
    let report_file = if applied.rejected.is_empty() {
        outcome = "archived";
        None
    } else {
        outcome = "partial";
        report.orders_rejected(applied.total, &applied.rejected);
        let (edir, ename) = dest_dir_and_name(&home.join("error"), rel);
        let rname = free_name(&edir, &format!("{ename}{REPORT_SUFFIX}"), |_| false);
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

/// `base/<rel's folders>` and the file name.
fn dest_dir_and_name(base: &Path, rel: &Path) -> (PathBuf, String) {
    let dir = match rel.parent() {
        Some(p) if !p.as_os_str().is_empty() => base.join(p),
        _ => base.to_path_buf(),
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "unnamed".to_string());
    (dir, name)
}

fn rel_display(home: &Path, p: &Path) -> String {
    p.strip_prefix(home).unwrap_or(p).display().to_string()
}
