//! For tests: a fresh store on each back-end, which a test can open again (a restart).
//! The embedded one always; PostgreSQL (a throwaway cluster of this test process, a fresh
//! database per place) when its server binaries are installed — else the test says so and runs
//! on redb alone, and under the `CI` variable it fails.

use super::{Store, StoreError};
use std::path::PathBuf;

#[path = "../../tests/e2e/pg_cluster.rs"]
mod pg_cluster;

/// Where one test's store lives.
pub(crate) struct Place {
    /// The back-end's name, for messages.
    pub name: &'static str,
    at: At,
    _dir: tempfile::TempDir,
}

enum At {
    Redb(PathBuf),
    Postgres(String),
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

    /// A redb store at `path` (its folder is the caller's).
    pub fn redb_at(path: PathBuf) -> Place {
        Place {
            name: "redb",
            at: At::Redb(path),
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A fresh, empty PostgreSQL database, when PostgreSQL is installed.
    pub fn postgres() -> Option<Place> {
        let cluster = pg_cluster::PgCluster::shared()?;
        Some(Place {
            name: "postgres",
            at: At::Postgres(cluster.database()),
            _dir: tempfile::tempdir().unwrap(),
        })
    }

    /// Opens the store (again: what was committed before is there).
    pub fn open(&self) -> Result<Store, StoreError> {
        match &self.at {
            At::Redb(path) => Store::open(path),
            At::Postgres(url) => Store::open_postgres(url),
        }
    }
}

/// The back-ends a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// redb.
    Redb,
    /// PostgreSQL.
    Postgres,
}

impl Kind {
    /// A fresh place of this kind (`None`: PostgreSQL is not installed, printed).
    pub fn place(self) -> Option<Place> {
        match self {
            Kind::Redb => Some(Place::redb()),
            Kind::Postgres => Place::postgres(),
        }
    }
}

/// Every back-end available here.
pub(crate) fn kinds() -> Vec<Kind> {
    let mut out = vec![Kind::Redb];
    if pg_cluster::PgCluster::shared().is_some() {
        out.push(Kind::Postgres);
    }
    out
}

/// A fresh store on each back-end available.
pub(crate) fn places() -> Vec<Place> {
    kinds().into_iter().filter_map(Kind::place).collect()
}
