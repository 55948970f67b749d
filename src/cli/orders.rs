//! `wharf orders list` and `wharf orders show`: read the order store, also while `serve` runs
//! (redb's single-writer mode lets readers share the file with the server).

use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use wharf::config;
use wharf::model::OrderStatus;
use wharf::store::{OrderRecord, Store};

/// Opens the store read-only; `None` when no order was ever stored.
fn open(explicit: Option<&Path>) -> Result<Option<Store>, anyhow::Error> {
    let path = wharf::layout::store_file(&config::locate(explicit).data_dir()?);
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(Store::open_read_only(&path)?))
}

/// `wharf orders list [--status S]`.
pub(crate) fn list(
    explicit: Option<&Path>,
    status: Option<&str>,
) -> Result<ExitCode, anyhow::Error> {
    let wanted = match status {
        Some(s) => Some(
            OrderStatus::parse(s)
                .with_context(|| format!("unknown status {s:?} ({})", OrderStatus::names()))?,
        ),
        None => None,
    };
    outln!("cust_ref\tsource\tcust_po_no\tstatus\torder_date")?;
    let Some(store) = open(explicit)? else {
        return Ok(ExitCode::SUCCESS);
    };
    for r in store.orders()? {
        if wanted.is_some_and(|w| w != r.status) {
            continue;
        }
        let date = r
            .order
            .as_ref()
            .and_then(|o| o.order_date.clone())
            .unwrap_or_default();
        outln!(
            "{}\t{}\t{}\t{}\t{}",
            r.cust_ref,
            r.source,
            r.order_no,
            r.status.as_str(),
            date
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `wharf orders show REF`.
pub(crate) fn show(explicit: Option<&Path>, reference: &str) -> Result<ExitCode, anyhow::Error> {
    let Some(store) = open(explicit)? else {
        eprintln!("no order {reference:?}: the store is empty");
        return Ok(ExitCode::FAILURE);
    };
    let found = match store.order_by_ref(reference)? {
        Some(r) => Some(r),
        None => {
            let by_po: Vec<OrderRecord> = store
                .orders()?
                .into_iter()
                .filter(|r| r.order_no == reference)
                .collect();
            match by_po.len() {
                0 => None,
                1 => by_po.into_iter().next(),
                _ => {
                    let refs: Vec<&str> = by_po.iter().map(|r| r.cust_ref.as_str()).collect();
                    eprintln!(
                        "{reference:?} is an order number of several carts: use a cust_ref ({})",
                        refs.join(", ")
                    );
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    };
    let Some(rec) = found else {
        eprintln!("no order {reference:?} (neither a cust_ref nor a cust_po_no)");
        return Ok(ExitCode::FAILURE);
    };
    outln!("{}", serde_json::to_string_pretty(&shown(&rec))?)?;
    Ok(ExitCode::SUCCESS)
}

/// The canonical order with its current status and history (a skipped or rejected order has
/// no canonical content: its identity, status and reason).
fn shown(rec: &OrderRecord) -> serde_json::Value {
    let mut v = match &rec.order {
        Some(o) => serde_json::to_value(o).unwrap_or_default(),
        None => serde_json::json!({
            "cust_ref": rec.cust_ref,
            "cust_po_no": rec.order_no,
            "order_source": rec.source,
        }),
    };
    if let Some(map) = v.as_object_mut() {
        map.insert("order_status".into(), rec.status.as_str().into());
        if let Some(reason) = &rec.reason {
            map.insert("status_reason".into(), reason.clone().into());
        }
        map.insert(
            "history".into(),
            serde_json::to_value(&rec.history).unwrap_or_default(),
        );
    }
    v
}

/// `wharf orders release REF` / `wharf orders cancel REF`: decided in the store, opened for
/// writing, so the server must be stopped (it holds the store while it runs); the order file
/// or cancellation goes to the warehouse's `out/` at once.
pub(crate) fn act(
    explicit: Option<&Path>,
    reference: &str,
    release: bool,
    reason: Option<&str>,
) -> Result<ExitCode, anyhow::Error> {
    let cfg = match config::locate(explicit) {
        config::Source::File(path) => {
            config::load(&path)
                .map_err(|problems| anyhow::anyhow!("{problems}"))?
                .config
        }
        config::Source::Demo => anyhow::bail!("no configuration: give --config"),
    };
    let path = wharf::layout::store_file(&cfg.data_dir);
    let store = Store::open(&path).map_err(|e| {
        anyhow::anyhow!("{e}: stop `wharf serve` first (it holds the store while it runs)")
    })?;
    let pipeline = wharf::pipeline::Pipeline::new(
        std::sync::Arc::new(cfg),
        std::sync::Arc::new(store),
        wharf::intake::UploadRegistry::default(),
    );
    let done = if release {
        pipeline.release(reference)?
    } else {
        pipeline.cancel(reference, reason.unwrap_or("canceled by the operator"))?
    };
    match done {
        wharf::pipeline::Done::Ok(what) => {
            outln!("{what}")?;
            Ok(ExitCode::SUCCESS)
        }
        wharf::pipeline::Done::Refused(why) => {
            eprintln!("refused: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}
