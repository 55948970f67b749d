//! `wharf catalog list` and `wharf catalog show SKU`: each warehouse's catalog as the store
//! knows it (from its product and inventory files), also while `serve` runs.

use std::path::Path;
use std::process::ExitCode;
use wharf::config;
use wharf::store::Store;

/// Opens the store read-only; `None` when nothing was ever stored.
fn open(explicit: Option<&Path>) -> Result<Option<Store>, anyhow::Error> {
    let (store, data_dir) = config::locate(explicit).store()?;
    Ok(Store::open_configured_read_only(&store, &data_dir)?)
}

/// `wharf catalog list`: one line per SKU, tab-separated with a header.
pub(crate) fn list(explicit: Option<&Path>) -> Result<ExitCode, anyhow::Error> {
    outln!("warehouse\tsku\tactive\tdescription")?;
    let Some(store) = open(explicit)? else {
        return Ok(ExitCode::SUCCESS);
    };
    for (wh, p) in store.catalog()? {
        outln!(
            "{wh}\t{}\t{}\t{}",
            p.sku,
            p.active,
            p.description.unwrap_or_default()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `wharf catalog show SKU`: the SKU in every warehouse's catalog that has it, as JSON.
pub(crate) fn show(explicit: Option<&Path>, sku: &str) -> Result<ExitCode, anyhow::Error> {
    let found: Vec<serde_json::Value> = match open(explicit)? {
        Some(store) => store
            .catalog()?
            .into_iter()
            .filter(|(_, p)| p.sku == sku)
            .map(|(wh, p)| {
                let mut v = serde_json::to_value(&p).unwrap_or_default();
                if let Some(m) = v.as_object_mut() {
                    m.insert("warehouse".into(), wh.into());
                    m.insert("active".into(), p.active.into());
                }
                v
            })
            .collect(),
        None => vec![],
    };
    if found.is_empty() {
        eprintln!("no SKU {sku:?} in any warehouse's catalog");
        return Ok(ExitCode::FAILURE);
    }
    for v in found {
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
    }
    Ok(ExitCode::SUCCESS)
}
