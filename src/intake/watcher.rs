//! Files placed in `in/` by other means than our transports (an operator's `cp`, `wharf
//! requeue`, a script): inotify close-after-write and moved-in events, through `notify`.
//! A fallback and cross-check: the transports report their own uploads directly.
//!
//! Symbolic links are never followed: notify would otherwise watch the folder behind an
//! operator's `in/shared -> /elsewhere` and hand the pipeline files from outside the home.

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
    let handler = move |res: notify::Result<Event>| match res {
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
                let file = std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file());
                if file && intake.submit(&p, Via::Watcher) {
                    tracing::debug!(path = %p.display(), "watcher queued a file");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "file watcher error"),
    };
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = notify::RecommendedWatcher::new(handler, config)?;
    for dir in in_dirs {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    Ok(InWatcher { _watcher: watcher })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[tokio::test]
    async fn a_linked_folder_is_not_watched() {
        let d = tempfile::tempdir().unwrap();
        let partners = d.path().join("partners");
        let in_dir = partners.join("uc/in");
        std::fs::create_dir_all(&in_dir).unwrap();
        let elsewhere = d.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, in_dir.join("shared")).unwrap();
        let (intake, mut q) = Intake::new(partners);
        let _w = watch(intake, [in_dir.as_path()]).unwrap();
        std::fs::write(elsewhere.join("outside.xml"), "x").unwrap();
        // Events arrive in order: once the sentinel written after it is queued, the file
        // behind the link would have been queued before it.
        std::fs::write(in_dir.join("sentinel.xml"), "s").unwrap();
        let first = tokio::time::timeout(std::time::Duration::from_secs(10), q.next())
            .await
            .expect("the sentinel is seen")
            .unwrap();
        assert_eq!(first.rel, PathBuf::from("sentinel.xml"));
        assert!(q.try_next().is_none());
    }
}
