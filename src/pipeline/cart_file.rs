//! Deciding a cart's order file: check it against the partner's DTD when one is configured,
//! decode it with the partner's format, apply its orders to the store, and choose where it
//! settles, all committed as one job.

use super::dtd_check::{DtdVerdict, DtdWarnings, check_dtd};
use super::orders::{self, Applied};
use super::plan::Deciding;
use super::report::Report;
use super::unreadable::Unreadable;
use super::{PipelineError, contain};
use crate::config::{DtdMode, Partner};
use crate::formats::{self, DecodeError};
use crate::layout;
use crate::store::Plan;
use std::path::Path;

/// Decodes and applies the cart file `bytes`, records the job, and returns its plan.
pub(super) fn decide(
    d: &Deciding<'_>,
    bytes: &[u8],
    report: Report,
) -> Result<Plan, PipelineError> {
    let (partner, a) = (d.partner, d.arrival);
    let (decoded, warnings) = match contain::parse(partner.format.spec().reader, || {
        read_orders(partner, &a.path, bytes)
    }) {
        Ok(decoded) => decoded,
        Err(e) => return d.reject(report, &e.to_string()),
    };
    let warehouse = partner
        .warehouse
        .as_deref()
        .and_then(|w| d.p.config().partner(w).cloned());
    let Some(warehouse) = warehouse else {
        return d.reject(
            report,
            "this cart has no warehouse to send orders to (check `warehouse` in the configuration)",
        );
    };
    let wh_out = d.p.config().partner_home(&warehouse.name).out_dir();
    let file_label = d.file_label();
    let plan = d.in_txn(|txn| {
        let to = orders::Applying {
            cart: partner,
            warehouse: &warehouse,
            wh_out: &wh_out,
            file: &file_label,
            config: d.p.config(),
        };
        let applied: Applied = orders::apply(txn, &to, &decoded)?;
        let mut plan = d.archive_plan(applied, report);
        if let Some(w) = &warnings {
            let name = plan
                .settle_to
                .file_name()
                .unwrap_or_default()
                .to_string_lossy();
            let path = plan.settle_to.with_file_name(layout::warnings_name(&name));
            plan.warnings = Some((path, w.text.clone()));
        }
        Ok(plan)
    })?;
    if let (Some(w), Some((path, _))) = (&warnings, &plan.warnings) {
        w.log(&a.rel, &d.home.show(path));
    }
    Ok(plan)
}

/// Decodes a file by its partner's role and format, after checking it against the partner's
/// DTD when one is configured; why, when it cannot be read.
///
/// With `dtd_mode = "report"`, a file whose only problems are validity errors (well-formed,
/// loading nothing, within the limits) is decoded all the same and its errors come back as
/// warnings; when the decoder cannot read it either, the reason names both.
fn read_orders(
    partner: &Partner,
    path: &Path,
    bytes: &[u8],
) -> Result<(formats::Decoded, Option<DtdWarnings>), Unreadable> {
    let mut warnings = None;
    if let Some(dtd) = &partner.dtd {
        match check_dtd(dtd, path, bytes) {
            DtdVerdict::Valid => {}
            DtdVerdict::Invalid(w) if partner.dtd_mode == DtdMode::Report => warnings = Some(w),
            DtdVerdict::Invalid(w) => return Err(Unreadable::Dtd(w.reason())),
            DtdVerdict::Refused(reason) => return Err(Unreadable::Dtd(reason)),
        }
    }
    match decode(partner, path, bytes) {
        Ok(decoded) => Ok((decoded, warnings)),
        Err(e) => Err(match &warnings {
            Some(w) => Unreadable::CartFileAndDtd(e, w.reason()),
            None => Unreadable::CartFile(e),
        }),
    }
}

fn decode(partner: &Partner, path: &Path, bytes: &[u8]) -> Result<formats::Decoded, DecodeError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = crate::layout::names::original_name(&name).unwrap_or(name);
    formats::decode_named(partner.format, &name, bytes, &partner.decode_options())
}
