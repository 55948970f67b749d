//! Files placed in `in/` by other means than our transports (an operator's `cp`, `wharf
//! requeue`, a script): inotify close-after-write and moved-in events, through `notify`.
//! A fallback and cross-check: the transports report their own uploads directly.

use super::{Intake, Via};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::path::Path;

/// Keeps the watcher alive; dropping it stops watching.
pub struct InWatcher {
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for InWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InWatcher")
    }
}

/// Watches each of `in_dirs` recursively and queues what lands there.
pub fn watch<'a>(
    intake: Intake,
    in_dirs: impl IntoIterator<Item = &'a Path>,
) -> notify::Result<InWatcher> {
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<Event>| match res {
        Ok(event) => {
            let paths: Vec<_> = match event.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => event.paths,
                EventKind::Modify(ModifyKind::Name(RenameMode::To)) => event.paths,
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
                    event.paths.into_iter().skip(1).collect()
                }
                _ => return,
            };
            for p in paths {
                if p.is_file() && intake.submit(&p, Via::Watcher) {
                    tracing::debug!(path = %p.display(), "watcher queued a file");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "file watcher error"),
    })?;
    for dir in in_dirs {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    Ok(InWatcher { _watcher: watcher })
}
