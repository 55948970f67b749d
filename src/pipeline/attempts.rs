//! Poison files: a file whose parsing kills the process (a stack overflow, an abort, the
//! out-of-memory killer) would be found again by the start-up scan and kill it again, at every
//! start. Before a file is decided, its attempt count is committed to the store; recording its
//! plan clears it. A count left by [`MAX_CRASHES`] earlier runs means those runs died on this
//! file: it is set aside in `error/` instead of being parsed a third time.
//!
//! Cost: one store commit (an fsync) per decided file; the count is cleared inside the
//! commit that records the plan, which happens anyway. Replays of a recorded plan parse
//! nothing and are not counted; neither are files refused without being read (too large,
//! aborted uploads). Going on with a batch decided in parts does parse, so it is counted like
//! a first decision, and each recorded part clears the count.

use crate::store::{Attempts, Store, StoreError};

/// Crashes while deciding a file before it is set aside.
pub(super) const MAX_CRASHES: u32 = 2;

/// The reason in the set-aside file's report.
pub(super) const SET_ASIDE: &str = "processing this file stopped the server twice; set aside";

/// Whether to go on deciding a file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Begin {
    /// Decide it (the attempt is recorded).
    Go,
    /// Earlier runs died on it: set it aside.
    SetAside,
}

/// Records one more attempt on the file with identity `hash` under `key`, unless earlier
/// runs already died on it [`MAX_CRASHES`] times.
pub(super) fn begin(store: &Store, key: &str, hash: &str) -> Result<Begin, StoreError> {
    let before = store
        .attempts(key)?
        .filter(|a| a.file_hash == hash)
        .map_or(0, |a| a.count);
    if before >= MAX_CRASHES {
        tracing::warn!(crashes = before, "{SET_ASIDE}");
        return Ok(Begin::SetAside);
    }
    if before > 0 {
        tracing::warn!(
            crashes = before,
            "the server stopped while processing this file before: trying once more"
        );
    }
    store.write(|t| {
        t.put_attempts(
            key,
            &Attempts {
                file_hash: hash.to_string(),
                count: before + 1,
            },
        )
    })?;
    Ok(Begin::Go)
}

/// Runs `decide` as one counted attempt on the file: `set_aside` instead when earlier runs
/// died on it [`MAX_CRASHES`] times, and the attempt forgotten when `decide` fails (not the
/// file's fault: it is retried).
pub(super) fn attempt<T>(
    store: &Store,
    key: &str,
    hash: &str,
    set_aside: impl FnOnce() -> Result<T, super::PipelineError>,
    decide: impl FnOnce() -> Result<T, super::PipelineError>,
) -> Result<T, super::PipelineError> {
    if begin(store, key, hash)? == Begin::SetAside {
        return set_aside();
    }
    let decided = decide();
    if decided.is_err() {
        abandon(store, key);
    }
    decided
}

/// Forgets the attempt after a failure that is not the file's fault (the store or the disk
/// failed: the file is retried, and that is no crash).
pub(super) fn abandon(store: &Store, key: &str) {
    if let Err(e) = store.write(|t| t.clear_attempts(key)) {
        tracing::warn!(error = %e, "cannot clear the processing attempt");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_unfinished_attempts_set_the_file_aside_and_a_new_file_starts_again() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("w.redb");
        for _ in 0..MAX_CRASHES {
            // Each run begins and dies (the store is dropped without a plan recorded).
            let s = Store::open(&path).unwrap();
            assert_eq!(begin(&s, "uc\u{1f}a.xml", "h1").unwrap(), Begin::Go);
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(begin(&s, "uc\u{1f}a.xml", "h1").unwrap(), Begin::SetAside);
        // Another file under the same name is not that poison file.
        assert_eq!(begin(&s, "uc\u{1f}a.xml", "h2").unwrap(), Begin::Go);
    }
}
