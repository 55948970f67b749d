//! `wharf convert`: one partner file → its canonical orders as a JSON array on stdout; with
//! `--config F --partner NAME`, the mapping preview (that cart's mappings, go-live date and
//! SKU check; a summary line per order on stderr; the store is only read).

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
            OrderOutcome::Cancel(c) => eprintln!(
                "{}: order {} at {}: cancellation ({})",
                file.display(),
                d.order_no,
                d.place,
                c.reason.as_deref().unwrap_or("no reason given")
            ),
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

/// `wharf convert --config F --partner NAME FILE`: the mapping preview.
pub(crate) fn preview(
    explicit: Option<&Path>,
    partner: &str,
    file: &Path,
) -> Result<ExitCode, anyhow::Error> {
    let cfg = match wharf::config::locate(explicit) {
        wharf::config::Source::File(path) => {
            wharf::config::load(&path)
                .map_err(|problems| anyhow::anyhow!("{problems}"))?
                .config
        }
        wharf::config::Source::Demo => anyhow::bail!("no configuration: give --config"),
    };
    let cart = cfg
        .partner(partner)
        .filter(|p| p.role == wharf::config::Role::Cart)
        .with_context(|| format!("no cart partner {partner:?} in the configuration"))?
        .clone();
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let store = wharf::store::Store::open_configured_read_only(&cfg.store, &cfg.data_dir)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let shown = match wharf::pipeline::preview(&cfg, &cart, &name, &bytes, store.as_ref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    outln!("{}", serde_json::to_string_pretty(&shown.sent)?)?;
    for line in &shown.summary {
        eprintln!("{}: {line}", file.display());
    }
    Ok(if shown.rejected {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
