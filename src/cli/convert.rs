//! `wharf convert`: one partner file → its canonical orders as a JSON array on stdout.

use anyhow::Context;
use std::collections::HashSet;
use std::convert::Infallible;
use std::path::Path;
use std::process::ExitCode;
use wharf::formats::{self, DecodeOptions, Format, OrderOutcome};
use wharf::store::assign_cust_ref;

/// The warehouse limit assumed for `cust_ref` (the configuration's default).
const DEFAULT_CUST_REF_MAX_LEN: usize = 20;

/// Converts `file` of `format`.
pub(crate) fn run(format: &str, file: &Path) -> Result<ExitCode, anyhow::Error> {
    let format = Format::named(format).ok_or_else(|| anyhow::anyhow!(Format::unknown(format)))?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let opts = DecodeOptions {
        source: format.as_str().to_string(),
        ..DecodeOptions::default()
    };
    let decoded = match formats::decode(format, &bytes, &opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut taken = HashSet::new();
    let mut orders = Vec::new();
    let mut rejected = false;
    for d in decoded.orders {
        match d.outcome {
            OrderOutcome::Accept(mut o) => {
                let r = assign_cust_ref::<Infallible>(
                    &opts.source,
                    &o.cust_po_no,
                    DEFAULT_CUST_REF_MAX_LEN,
                    |c| Ok(taken.contains(c)),
                )
                .unwrap_or_default();
                taken.insert(r.clone());
                o.cust_ref = Some(r);
                orders.push(*o);
            }
            OrderOutcome::Skip(why) => {
                eprintln!(
                    "{}: order {} at {}: skipped: {why}",
                    file.display(),
                    d.order_no,
                    d.place
                )
            }
            OrderOutcome::Reject(why) => {
                rejected = true;
                eprintln!(
                    "{}: order {} at {}: rejected: {why}",
                    file.display(),
                    d.order_no,
                    d.place
                )
            }
        }
    }
    outln!("{}", serde_json::to_string_pretty(&orders)?)?;
    Ok(if rejected {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
