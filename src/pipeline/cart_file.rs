//! Deciding a cart's order file: check it against the partner's DTD when one is configured,
//! decode it with the partner's format, apply its orders to the store, and choose where it
//! settles.
//!
//! A file of up to [`PART`] orders is decided at once, as one job, and so is any file decided
//! in a group with other files (its decision commits with theirs). A bigger one (a batch) is
//! decided in parts of [`PART`] orders, so that memory and each store transaction stay the size
//! of a part whatever the size of the batch:
//!
//! 1. the whole file is checked first (the DTD, then every order decoded and dropped): a file
//!    that cannot be read is rejected whole before any of its orders is decided;
//! 2. it is decoded again, order by order; each part's orders are applied to the store and
//!    their outputs recorded as the input's job ([`Parts`] says how far it has gone) in one
//!    transaction, then the part's outputs are written out (staged, marked, published) before
//!    the next part is decided, since recording the next part replaces them;
//! 3. the last part's plan also says where the input goes, with the report of every part.
//!
//! A crash at any point leaves a job whose part is recorded: the replay finishes that part's
//! outputs, then decides the orders after [`Parts::decided`] from the input, still in `in/`.
//! No order is decided twice (a part's orders and its record commit together) and none is
//! skipped (the file is the same: its hash is the job's).

use super::dtd_check::{DtdVerdict, DtdWarnings, check_dtd};
use super::input::Source;
use super::orders::{self, Applied, Applying};
use super::plan::Deciding;
use super::report::Report;
use super::unreadable::Unreadable;
use super::{PipelineError, contain, settle};
use crate::config::{DtdMode, Partner};
use crate::formats::{self, DecodeError, Decoded, DecodedOrder};
use crate::layout;
use crate::store::{Parts, Plan};
use std::ops::ControlFlow;
use std::path::Path;
use tracing::warn;

/// The most orders decided together (one store transaction, one recorded part): a file of at
/// most this many is decided at once.
pub(super) const PART: usize = 256;

#[cfg(test)]
thread_local! {
    /// The part size of files decided on this thread (tests try parts of a few orders).
    static TEST_PART: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Files decided on this thread use parts of `n` orders until the guard is dropped.
#[cfg(test)]
pub(crate) fn parts_of(n: usize) -> impl Drop {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TEST_PART.set(None);
        }
    }
    TEST_PART.set(Some(n.max(1)));
    Reset
}

fn part_len() -> usize {
    #[cfg(test)]
    if let Some(n) = TEST_PART.get() {
        return n;
    }
    #[cfg(debug_assertions)]
    if let Some(n) = crate::faults::part_orders() {
        return n;
    }
    PART
}

/// Decodes and applies the cart file `source` reads, records the job, and returns its plan (for a
/// batch, the last part's: the parts before it are out already).
pub(super) fn decide(
    d: &Deciding<'_>,
    source: Source<'_>,
    report: Report,
) -> Result<Plan, PipelineError> {
    let (partner, a) = (d.partner, d.arrival);
    // In a group, the decision commits with the group's: it cannot send parts out before.
    let limit = if d.shared.is_some() {
        usize::MAX
    } else {
        part_len()
    };
    let checked = match contain::parse(partner.format.spec().reader, || {
        check(partner, &a.path, source, limit)
    }) {
        Ok(checked) => checked,
        Err(e) => return d.reject(report, &e.to_string()),
    };
    let Some(warehouse) = warehouse(d) else {
        return d.reject(
            report,
            "this cart has no warehouse to send orders to (check `warehouse` in the configuration)",
        );
    };
    let wh_out = d.p.config().partner_home(&warehouse.name).out_dir();
    let file_label = d.file_label();
    let to = applying(d, &warehouse, &wh_out, &file_label);
    let warnings = checked.warnings.as_ref().map(|w| w.text.clone());
    let plan = match checked.orders {
        Some(orders) => d.in_txn(|txn| {
            let applied = orders::apply(txn, &to, &Decoded { orders })?;
            Ok(final_plan(d, applied, report, warnings))
        })?,
        None => in_parts(
            d,
            &to,
            source,
            report,
            Parts {
                warnings,
                ..Parts::default()
            },
        )?,
    };
    if let (Some(w), Some((path, _))) = (&checked.warnings, &plan.warnings) {
        w.log(&a.rel, &d.home.show(path));
    }
    Ok(plan)
}

/// Goes on deciding a batch whose parts up to `parts` were decided (and their outputs sent)
/// before a restart; the last part's plan.
pub(super) fn resume(
    d: &Deciding<'_>,
    source: Source<'_>,
    report: Report,
    parts: Parts,
) -> Result<Plan, PipelineError> {
    let Some(warehouse) = warehouse(d) else {
        return Err(PipelineError::Io {
            what: "resuming a batch".into(),
            source: std::io::Error::other("the cart no longer has a warehouse"),
        });
    };
    let wh_out = d.p.config().partner_home(&warehouse.name).out_dir();
    let file_label = d.file_label();
    let to = applying(d, &warehouse, &wh_out, &file_label);
    in_parts(d, &to, source, report, parts)
}

fn warehouse(d: &Deciding<'_>) -> Option<std::sync::Arc<Partner>> {
    let w = d.partner.warehouse.as_deref()?;
    d.p.config().partner(w).cloned()
}

fn applying<'a>(
    d: &'a Deciding<'_>,
    warehouse: &'a Partner,
    wh_out: &'a Path,
    file: &'a str,
) -> Applying<'a> {
    Applying {
        cart: d.partner,
        warehouse,
        wh_out,
        file,
        config: d.p.config(),
    }
}

/// The file's plan once every order is decided: to `archive/`, with the report of what was
/// refused and the DTD warnings beside it.
fn final_plan(
    d: &Deciding<'_>,
    applied: Applied,
    report: Report,
    warnings: Option<String>,
) -> Plan {
    let mut plan = d.archive_plan(applied, report);
    if let Some(text) = warnings {
        let name = plan
            .settle_to
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let path = plan.settle_to.with_file_name(layout::warnings_name(&name));
        plan.warnings = Some((path, text));
    }
    plan
}

/// Decodes the file order by order, skipping the orders `parts` says were decided, and decides
/// the rest part by part (see the module doc); the last part's plan.
fn in_parts(
    d: &Deciding<'_>,
    to: &Applying<'_>,
    source: Source<'_>,
    report: Report,
    mut parts: Parts,
) -> Result<Plan, PipelineError> {
    let done = parts.decided;
    let mut seen = 0;
    let mut pending = Vec::new();
    let mut failed = None;
    let read = decode_each(d.partner, &d.arrival.path, source, &mut |order| {
        seen += 1;
        if seen <= done {
            return ControlFlow::Continue(());
        }
        pending.push(order);
        if pending.len() < part_len() {
            return ControlFlow::Continue(());
        }
        let part = std::mem::take(&mut pending);
        match decide_part(d, to, part, &mut parts, None).and_then(|plan| {
            settle::publish_outputs(d.p.store(), d.key, &plan)?;
            settle::before_next_part()
        }) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    if let Err(e) = read {
        // The file was read whole before its first part was decided, and it is the same file
        // (same hash): only a changed configuration gets here. What was decided stands.
        warn!(error = %e, "the rest of the batch cannot be read: the orders decided stand");
        parts.rejected.push(format!(
            "the orders after the first {} could not be read: {e}",
            parts.decided
        ));
        pending.clear();
    }
    decide_part(d, to, pending, &mut parts, Some(report))
}

/// Applies one part's orders and records them with their outputs as the input's job, in one
/// transaction; with `report`, the part is the last and its plan says where the input goes.
fn decide_part(
    d: &Deciding<'_>,
    to: &Applying<'_>,
    orders: Vec<DecodedOrder>,
    parts: &mut Parts,
    report: Option<Report>,
) -> Result<Plan, PipelineError> {
    let mut next = parts.clone();
    let decoded = Decoded { orders };
    let plan = d.in_txn_parts(|txn| {
        let applied = orders::apply(txn, to, &decoded)?;
        next.decided += applied.total;
        next.rejected.extend(applied.rejected);
        next.held.extend(applied.held);
        next.notices.extend(applied.notices);
        next.last = report.is_some();
        let plan = match report {
            Some(report) => {
                let all = Applied {
                    outputs: applied.outputs,
                    rejected: next.rejected.clone(),
                    held: next.held.clone(),
                    notices: next.notices.clone(),
                    total: next.decided,
                };
                final_plan(d, all, report, next.warnings.clone())
            }
            None => Plan {
                outputs: applied.outputs,
                settle_to: Default::default(),
                report: None,
                warnings: None,
                outcome: "deciding".to_string(),
            },
        };
        Ok((plan, next.clone()))
    })?;
    *parts = next;
    Ok(plan)
}

/// A file checked whole: its orders when it has no more than a part of them, and its DTD
/// warnings.
struct Checked {
    orders: Option<Vec<DecodedOrder>>,
    warnings: Option<DtdWarnings>,
}

/// Checks a file by its partner's format, after checking it against the partner's DTD when
/// one is configured: the file's orders when there are at most `limit` of them (else they are
/// dropped as they are read); why, when it cannot be read.
///
/// With `dtd_mode = "report"`, a file whose only problems are validity errors (well-formed,
/// loading nothing, within the limits) is decoded all the same and its errors come back as
/// warnings; when the decoder cannot read it either, the reason names both.
fn check(
    partner: &Partner,
    path: &Path,
    source: Source<'_>,
    limit: usize,
) -> Result<Checked, Unreadable> {
    let mut warnings = None;
    if let Some(dtd) = &partner.dtd {
        match check_dtd(dtd, path, source.reader()) {
            DtdVerdict::Valid => {}
            DtdVerdict::Invalid(w) if partner.dtd_mode == DtdMode::Report => warnings = Some(w),
            DtdVerdict::Invalid(w) => return Err(Unreadable::Dtd(w.reason())),
            DtdVerdict::Refused(reason) => return Err(Unreadable::Dtd(reason)),
        }
    }
    let mut kept = Some(Vec::new());
    let read = decode_each(partner, path, source, &mut |order| {
        if let Some(orders) = &mut kept {
            if orders.len() < limit {
                orders.push(order);
            } else {
                kept = None;
            }
        }
        ControlFlow::Continue(())
    });
    match read {
        Ok(()) => Ok(Checked {
            orders: kept,
            warnings,
        }),
        Err(e) => Err(match &warnings {
            Some(w) => Unreadable::CartFileAndDtd(e, w.reason()),
            None => Unreadable::CartFile(e),
        }),
    }
}

/// Decodes the file order by order, from its bytes or from the open file.
fn decode_each(
    partner: &Partner,
    path: &Path,
    source: Source<'_>,
    each: &mut formats::EachOrder<'_>,
) -> Result<(), DecodeError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = crate::layout::names::original_name(&name).unwrap_or(name);
    let opts = partner.decode_options();
    match source {
        Source::Bytes(bytes) => {
            formats::decode_each_named(partner.format, &name, bytes, &opts, each)
        }
        Source::File(_) => {
            let mut reader = source.reader();
            formats::decode_each_read(partner.format, &name, &mut reader, &opts, each)
        }
    }
}
