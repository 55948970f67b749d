//! Names for cart outputs (`ship<YYYYMMDD>_<unique>.csv` and the like): `<unique>` is the UTC
//! time of day plus a counter, so names sort by time and an output never overwrites a file
//! still waiting in the partner's `out/`.
//!
//! A name is free when no file has it in the folder, the plan being made has not chosen it,
//! and no delivery recorded in the store has it. The last check runs inside the transaction
//! that records the new output: two files decided side by side (a warehouse's shipments and
//! another warehouse's, or a cancellation, for the same cart) may both find the folder empty,
//! since neither has written its output yet, but only one of them can record the name.

use crate::formats::render::OutFile;
use crate::store::{StoreError, Txn, delivery_key};
use std::path::Path;

/// Renders with the first `<unique>` whose file name is free in `partner`'s `out/` folder
/// `dir` (and not `planned` by the plan being made).
pub(super) fn render_unique(
    txn: &Txn<'_>,
    partner: &str,
    dir: &Path,
    now: jiff::Timestamp,
    planned: impl Fn(&str) -> bool,
    render: impl Fn(&str) -> Option<OutFile>,
) -> Result<Option<OutFile>, StoreError> {
    let time = now.strftime("%H%M%S").to_string();
    for n in 0..10_000u32 {
        let Some(out) = render(&format!("{time}{n:03}")) else {
            return Ok(None);
        };
        if planned(&out.name)
            || txn.delivery(&delivery_key(partner, &out.name))?.is_some()
            || dir.join(&out.name).symlink_metadata().is_ok()
        {
            continue;
        }
        return Ok(Some(out));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{OutputKind, Store};

    fn file(u: &str) -> Option<OutFile> {
        Some(OutFile {
            name: format!("ship_{u}.csv"),
            bytes: b"x".to_vec(),
        })
    }

    /// A name recorded by a decision committed earlier, whose file is not written yet (it is
    /// being carried out by another lane), is not given again.
    #[test]
    fn a_name_recorded_but_not_yet_written_is_not_reused() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(&d.path().join("s.redb")).unwrap();
        let out = d.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let now = jiff::Timestamp::now();
        let first = store
            .write(|t| {
                let f = render_unique(t, "cart", &out, now, |_| false, file)?.unwrap();
                t.put_output("cart", &f.name, OutputKind::Confirmation, vec![])?;
                Ok(f.name)
            })
            .unwrap();
        let second = store
            .write(|t| {
                Ok(render_unique(t, "cart", &out, now, |_| false, file)?
                    .unwrap()
                    .name)
            })
            .unwrap();
        assert_ne!(first, second, "both decisions chose {first}");
        // Another partner's out/ has its own names.
        let other = store
            .write(|t| {
                Ok(render_unique(t, "cart2", &out, now, |_| false, file)?
                    .unwrap()
                    .name)
            })
            .unwrap();
        assert_eq!(other, first);
    }
}
