//! `wharf orders list` and `wharf orders show`: read the order store, also while `serve` runs
//! (redb's single-writer mode lets readers share the file with the server; a PostgreSQL store
//! is shared anyway). `release` and `cancel` write: to the store itself when the server is
//! stopped, else through it (a PostgreSQL store never says it is held, so they write to it
//! directly, inside its write lock).

use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use wharf::config;
use wharf::model::OrderStatus;
use wharf::pipeline::Done;
use wharf::pipeline::requests::{self, Request, Submitted};
use wharf::store::{OrderRecord, Store};

/// Opens the store read-only; `None` when no order was ever stored.
fn open(explicit: Option<&Path>) -> Result<Option<Store>, anyhow::Error> {
    let (store, data_dir) = config::locate(explicit).store()?;
    Ok(Store::open_configured_read_only(&store, &data_dir)?)
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

/// `wharf orders release REF` / `wharf orders cancel REF`. With the server stopped the store is
/// opened for writing and the request carried out here; while `wharf serve` holds the store the
/// request is left for it in the data folder and its answer awaited up to `wait`. Either way
/// [`wharf::pipeline::Pipeline::perform`] decides, and the order file or cancellation goes to
/// the warehouse's `out/` at once. Exit 0 done, 1 refused (with the reason), 2 no answer in
/// time.
pub(crate) fn act(
    explicit: Option<&Path>,
    request: &Request,
    wait: std::time::Duration,
) -> Result<ExitCode, anyhow::Error> {
    let cfg = match config::locate(explicit) {
        config::Source::File(path) => {
            config::load(&path)
                .map_err(|problems| anyhow::anyhow!("{problems}"))?
                .config
        }
        config::Source::Demo => anyhow::bail!("no configuration: give --config"),
    };
    wharf::store::cluster::set_expiry(cfg.cluster.claim_expiry);
    let opened = Store::open_configured(&cfg.store, &cfg.data_dir);
    // A shared store is never held by one process: a running instance is known by its
    // heartbeat, and the request goes to the instances (they take it one at a time, the one
    // that takes it claims the work as for any file).
    let served = match &opened {
        Ok(store) if cfg.store.is_shared() => !store.alive_members()?.is_empty(),
        Ok(_) => false,
        Err(e) => e.held_elsewhere(),
    };
    let done = match (opened, served) {
        (Ok(store), false) => wharf::pipeline::Pipeline::new(
            std::sync::Arc::new(cfg),
            std::sync::Arc::new(store),
            wharf::intake::UploadRegistry::default(),
        )
        .perform(request)?,
        (_, true) => {
            let dir = wharf::layout::requests_dir(&cfg.data_dir);
            match requests::submit(&dir, request, wait)
                .with_context(|| format!("leaving the request in {}", dir.display()))?
            {
                Submitted::Answered(done) => done,
                Submitted::Withdrawn => {
                    eprintln!(
                        "no answer from the running server within {wait:?}: request withdrawn, nothing was done"
                    );
                    return Ok(ExitCode::from(2));
                }
                Submitted::Taken => {
                    eprintln!(
                        "the running server took the request but did not answer within {wait:?}: it will be carried out; see `wharf orders show`"
                    );
                    return Ok(ExitCode::from(2));
                }
            }
        }
        (Err(e), false) => return Err(e.into()),
    };
    match done {
        Done::Ok(what) => {
            outln!("{what}")?;
            Ok(ExitCode::SUCCESS)
        }
        Done::Refused(why) => {
            eprintln!("refused: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}
