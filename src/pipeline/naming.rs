//! Names for cart outputs (`ship<YYYYMMDD>_<unique>.csv` and the like): `<unique>` is the UTC
//! time of day plus a counter, so names sort by time and an output never overwrites a file
//! still waiting in the partner's `out/`.

use crate::formats::render::OutFile;
use std::path::Path;

/// Renders with the first `<unique>` whose file name is free in `dir` (and not `taken`).
pub(super) fn render_unique(
    dir: &Path,
    now: jiff::Timestamp,
    taken: impl Fn(&str) -> bool,
    render: impl Fn(&str) -> Option<OutFile>,
) -> Option<OutFile> {
    let time = now.strftime("%H%M%S").to_string();
    for n in 0..10_000u32 {
        let out = render(&format!("{time}{n:03}"))?;
        if !taken(&out.name) && dir.join(&out.name).symlink_metadata().is_err() {
            return Some(out);
        }
    }
    None
}
