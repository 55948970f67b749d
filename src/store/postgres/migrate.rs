//! Schema migrations: the files of `migrations/postgres/`, in the binary, applied in order at
//! open. Each runs in one transaction with the row that records its version, under a lock, so
//! two instances starting at once apply it once and a failed one leaves nothing behind.

use super::{Conn, db_err, wait};
use crate::store::StoreError;

/// Every migration: (version, SQL), oldest first. A new one is a new file and a new line.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        include_str!("../../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        include_str!("../../../migrations/postgres/0002_cluster.sql"),
    ),
];

/// The advisory-lock key held while migrating ("WHARFM").
const MIGRATE_LOCK: i64 = 0x5748_4152_464d;

/// Brings the schema up to date; the newest version.
pub(super) fn run(conn: &Conn<'_>) -> Result<i32, StoreError> {
    let c = conn.client()?;
    wait(c.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    ))
    .or_else(|e| {
        // Two instances creating it at once: one wins, the other finds it there.
        if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
            Ok(())
        } else {
            Err(e)
        }
    })
    .map_err(db_err)?;
    let mut newest = 0;
    for (version, sql) in MIGRATIONS {
        wait(c.batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({MIGRATE_LOCK})"
        )))
        .map_err(db_err)?;
        let applied = wait(c.query_opt(
            "SELECT 1 FROM schema_version WHERE version = $1",
            &[version],
        ))
        .map_err(db_err);
        let step = applied.and_then(|applied| {
            if applied.is_none() {
                wait(c.batch_execute(sql)).map_err(db_err)?;
                wait(c.execute(
                    "INSERT INTO schema_version (version) VALUES ($1)",
                    &[version],
                ))
                .map_err(db_err)?;
            }
            wait(c.batch_execute("COMMIT")).map_err(db_err)
        });
        if let Err(e) = step {
            let _ = wait(c.batch_execute("ROLLBACK"));
            return Err(e);
        }
        newest = *version;
    }
    Ok(newest)
}

/// For a reader (which never migrates): an error saying what to do when the database has no
/// schema yet, or an older one than this binary reads.
pub(super) fn check_current(conn: &Conn<'_>) -> Result<(), StoreError> {
    let c = conn.client()?;
    let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    let found = match wait(c.query_one("SELECT max(version) FROM schema_version", &[])) {
        Ok(row) => row
            .try_get::<_, Option<i32>>(0)
            .map_err(db_err)?
            .unwrap_or(0),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => 0,
        Err(e) => return Err(db_err(e)),
    };
    if found == 0 {
        return Err(StoreError::Db(
            "the database holds no Wharf store yet: `wharf serve` creates it at its first start"
                .into(),
        ));
    }
    if found < newest {
        return Err(StoreError::Db(
            format!(
                "the database's schema is version {found}, this wharf reads version {newest}: \
                 start this version's `wharf serve` once to bring it up to date"
            )
            .into(),
        ));
    }
    Ok(())
}
