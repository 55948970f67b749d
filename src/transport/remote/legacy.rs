//! The pull-mode ledger as earlier versions kept it, a JSON file per partner
//! ([`layout::legacy_remote_ledger`]): imported into the store once, then removed, so that an
//! upgrade neither fetches a file twice nor forgets a drop-off the partner has not taken.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use super::error::RemoteError;
use crate::layout;
use crate::store::{RemoteSeen, Store};

/// The old file's shape.
#[derive(Deserialize)]
struct Ledger {
    /// (remote path, size, mtime) of each file fetched.
    fetched: BTreeSet<(String, u64, u32)>,
    /// Remote path of each delivered file -> its name under the partner's `out/`.
    #[serde(default)]
    delivered: BTreeMap<String, String>,
}

/// Imports `partner`'s old ledger into the store and removes the file; nothing when there is
/// none.
pub(super) fn import(data_dir: &Path, partner: &str, store: &Store) -> Result<(), RemoteError> {
    let path = layout::legacy_remote_ledger(data_dir, partner);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(RemoteError::local(format!("reading {}", path.display()))(e)),
    };
    let ledger: Ledger = serde_json::from_slice(&bytes).map_err(|e| {
        RemoteError::Settings(format!("{} is not a pick-up ledger: {e}", path.display()))
    })?;
    store.write(|t| {
        for (path, size, mtime) in &ledger.fetched {
            let seen = RemoteSeen {
                path: path.clone(),
                size: *size,
                mtime: *mtime,
            };
            t.record_fetched(partner, &seen)?;
        }
        for (remote_path, name) in &ledger.delivered {
            t.record_dropped(partner, name, remote_path)?;
        }
        Ok(())
    })?;
    std::fs::remove_file(&path)
        .map_err(RemoteError::local(format!("removing {}", path.display())))?;
    tracing::info!(partner, file = %path.display(), "pull mode: the pick-up ledger moved into the order store");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_ledger_is_imported_once_and_removed() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(&d.path().join("w.redb")).unwrap();
        let file = layout::legacy_remote_ledger(d.path(), "uc");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(
            &file,
            r#"{"fetched":[["/out/a.xml",10,7]],"delivered":{"/in/ship_1.csv":"ship_1.csv"}}"#,
        )
        .unwrap();
        import(d.path(), "uc", &store).unwrap();
        let seen = RemoteSeen {
            path: "/out/a.xml".into(),
            size: 10,
            mtime: 7,
        };
        assert!(store.was_fetched("uc", &seen).unwrap());
        assert_eq!(
            store.dropped("uc").unwrap(),
            [("ship_1.csv".to_string(), "/in/ship_1.csv".to_string())]
        );
        assert!(!file.exists());
        // No file: nothing to do.
        import(d.path(), "uc", &store).unwrap();
    }
}
