//! The shared back-end: PostgreSQL, so that several instances can use one state.
//!
//! Driver: `tokio-postgres` (the maintained async driver the sync `postgres` crate wraps). The
//! store's interface is synchronous and called from blocking threads, and also from a few async
//! tasks (metrics, the console) where the embedded store's short blocking reads are tolerated.
//! The sync `postgres` crate drives each call with a runtime of its own and panics when called
//! from inside a tokio runtime, so it cannot serve the second kind. Instead the store owns a
//! one-thread tokio runtime that runs the connections, and a call waits for its query with a
//! plain executor (`futures::executor::block_on`), which works from any thread. Connections
//! are kept in a small pool; one transaction holds one connection.
//!
//! Every [`Store::write`](crate::store::Store::write) is one PostgreSQL transaction that first
//! takes one transaction-wide advisory lock ([`WRITE_LOCK`]): write transactions run one at a
//! time across every instance sharing the database, as redb's single writer does in one
//! process, so each read-modify-write the pipeline does (a `cust_ref` check, an alert
//! transition) sees every earlier commit and no half-done one. Reads outside a write see the
//! last commit. The commit is durable when it returns (PostgreSQL's default
//! `synchronous_commit`).
//!
//! The schema is kept in `migrations/postgres/NNNN_*.sql` and applied at open, each in the
//! transaction that records its version in `schema_version` ([`migrate`]).

mod cluster;
mod migrate;
mod reads;
mod txn;

use crate::store::StoreError;
use std::future::Future;
use std::sync::Mutex;
use tokio_postgres::{Client, NoTls};

/// The advisory-lock key every write transaction takes ("WHARFW" in ASCII).
pub const WRITE_LOCK: i64 = 0x5748_4152_4657;

/// Idle connections kept for reuse; more are opened when calls overlap.
const MAX_IDLE: usize = 8;

/// A driver error as a store error. The driver's own message is often just "db error", the
/// server's in its source: the text carries both.
pub(crate) fn db_err(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    StoreError::Db(text.into())
}

/// Waits for `f` on this thread (any thread: no tokio context is needed, the connections run
/// on the store's own runtime).
fn wait<F: Future>(f: F) -> F::Output {
    futures::executor::block_on(f)
}

/// The PostgreSQL store.
pub(crate) struct PgStore {
    /// Runs the connections' I/O; shut down (without blocking) when the store is dropped.
    runtime: Option<tokio::runtime::Runtime>,
    url: String,
    idle: Mutex<Vec<Client>>,
    read_only: bool,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            // Dropping a runtime blocks, which is refused inside async code: let it go.
            rt.shutdown_background();
        }
    }
}

/// A connection taken from the pool: back to it when dropped, unless it broke or was left
/// inside a transaction (then it is closed, and the server rolls that transaction back).
struct Conn<'s> {
    store: &'s PgStore,
    client: Option<Client>,
    in_txn: bool,
}

impl Conn<'_> {
    fn client(&self) -> Result<&Client, StoreError> {
        self.client
            .as_ref()
            .ok_or_else(|| StoreError::Db("the store connection is gone".into()))
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.client.take()
            && !self.in_txn
            && !c.is_closed()
        {
            let mut idle = self.store.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < MAX_IDLE {
                idle.push(c);
            }
        }
    }
}

/// The connection string without its password, for messages.
fn shown(url: &str) -> String {
    match url.parse::<tokio_postgres::Config>().ok() {
        Some(c) => format!(
            "postgres database {} on {}",
            c.get_dbname().unwrap_or("(default)"),
            c.get_hosts()
                .iter()
                .map(|h| match h {
                    tokio_postgres::config::Host::Tcp(h) => h.clone(),
                    tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
                })
                .collect::<Vec<_>>()
                .join(",")
        ),
        None => "postgres database (unparsable connection string)".into(),
    }
}

impl PgStore {
    /// Connects to the database at `url` (a `postgres://` URL or `key=value` string) and
    /// brings its schema up to date.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let store = PgStore::connect(url, false)?;
        let conn = store.conn().map_err(|e| store.open_err(e))?;
        migrate::run(&conn).map_err(|e| store.open_err(e))?;
        drop(conn);
        Ok(store)
    }

    /// Connects for reading only (the `orders` commands): no migration, no write.
    pub fn open_read_only(url: &str) -> Result<PgStore, StoreError> {
        let store = PgStore::connect(url, true)?;
        let conn = store.conn().map_err(|e| store.open_err(e))?;
        migrate::check_current(&conn).map_err(|e| store.open_err(e))?;
        drop(conn);
        Ok(store)
    }

    fn connect(url: &str, read_only: bool) -> Result<PgStore, StoreError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("wharf-store")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Open {
                what: shown(url),
                held_elsewhere: false,
                source: Box::new(e),
            })?;
        Ok(PgStore {
            runtime: Some(runtime),
            url: url.to_owned(),
            idle: Mutex::new(Vec::new()),
            read_only,
        })
    }

    fn open_err(&self, e: StoreError) -> StoreError {
        StoreError::Open {
            what: shown(&self.url),
            held_elsewhere: false,
            source: Box::new(e),
        }
    }

    /// A connection: an idle one, or a new one.
    fn conn(&self) -> Result<Conn<'_>, StoreError> {
        let reused = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            let mut found = None;
            while let Some(c) = idle.pop() {
                if !c.is_closed() {
                    found = Some(c);
                    break;
                }
            }
            found
        };
        let client = match reused {
            Some(c) => c,
            None => self.new_client()?,
        };
        Ok(Conn {
            store: self,
            client: Some(client),
            in_txn: false,
        })
    }

    fn new_client(&self) -> Result<Client, StoreError> {
        let rt = self
            .runtime
            .as_ref()
            .ok_or_else(|| StoreError::Db("the store is closed".into()))?;
        let url = self.url.clone();
        let task = rt.spawn(async move {
            let (client, connection) = tokio_postgres::connect(&url, NoTls).await?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!(error = %e, "store connection closed");
                }
            });
            Ok::<_, tokio_postgres::Error>(client)
        });
        wait(task).map_err(db_err)?.map_err(db_err)
    }
}

impl PgStore {
    /// Runs `body` in one transaction holding the write lock, and commits it.
    fn transaction<T>(
        &self,
        body: impl FnOnce(&mut txn::PgTxn<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        let mut conn = self.conn()?;
        conn.in_txn = true;
        let c = conn.client()?;
        wait(c.batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        )))
        .map_err(db_err)?;
        let mut t = txn::PgTxn { c };
        match body(&mut t) {
            Ok(out) => {
                wait(c.batch_execute("COMMIT")).map_err(db_err)?;
                conn.in_txn = false;
                Ok(out)
            }
            Err(e) => {
                if wait(c.batch_execute("ROLLBACK")).is_ok() {
                    conn.in_txn = false;
                }
                Err(e)
            }
        }
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&shown(&self.url))
    }
}
