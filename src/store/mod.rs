//! The order store: one interface ([`Store`] for reads, [`Txn`] inside one write transaction),
//! two back-ends behind it, and no back-end type leaks out of this module.
//!
//! - `redb/`: the embedded default, one file in the data directory, zero setup.
//! - `postgres/`: a shared PostgreSQL database (`[store] postgres = "postgres://…"`), so that
//!   several instances can use the same state.
//!
//! What a back-end keeps:
//! - orders by (source partner, order number), and `cust_ref` → order (a `cust_ref` names one
//!   order only, across every cart);
//! - jobs: what processing one input decided, so a crash at any point replays the same plan
//!   instead of deciding again, with one written mark per output of the plan;
//! - attempts: decisions begun and not finished (poison files);
//! - deliveries, inventory levels, merchant-API answers, catalog and held orders, the
//!   pull-mode ledger, order summaries, partner activity and the alerts' state and log.
//!
//! Every decision the pipeline commits is one [`Store::write`]: one transaction in either
//! back-end, committed durably before the call returns. Write transactions run one at a time
//! (redb's single writer; PostgreSQL's transaction-wide lock), so a read-modify-write inside one
//! sees no other writer's half-done work.

mod activity;
mod api_requests;
mod attempts;
pub mod cluster;
mod cust_ref;
mod inventory;
pub mod ops;
mod postgres;
mod records;
mod redb;
mod remote;
mod summary;

pub use activity::{ALERT_LOG_KEEP, AlertEvent, AlertState, FileDay, LastFile, PartnerActivity};
pub use api_requests::{KEEP_MS as API_ANSWER_KEEP_MS, RecordedAnswer};
pub use attempts::Attempts;
pub use cluster::{ClaimGuard, Claimed, Member};
pub use cust_ref::assign_cust_ref;
pub use inventory::KnownLevel;
pub use records::{
    Delivery, HistoryEntry, Job, OrderRecord, OutputKind, Parts, Plan, PlannedOutput,
};
pub use remote::RemoteSeen;
pub use summary::{DayCounts, ListQuery, OrderPage, OrderQuery, OrderSummary, day_of, now_ms};

use ops::{AlertDecision, Backend, TxnOps};
use std::path::Path;

/// A failure of the back-end's own, boxed so that no back-end type is part of the interface.
pub type BackendError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A store failure, with the back-end's own error as its source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be opened (another process may hold it, the database may be
    /// unreachable).
    #[error("cannot open the order store {what}: {source}")]
    Open {
        /// The database file, or the database (without its password).
        what: String,
        /// Whether another process holds it for writing.
        held_elsewhere: bool,
        /// Why.
        source: BackendError,
    },
    /// A read or write failed.
    #[error("order store: {0}")]
    Db(BackendError),
    /// A write was asked of a store opened only for reading.
    #[error("order store: the store is open read-only")]
    ReadOnly,
    /// A record could not be (de)serialised.
    #[error("order store record {key}: {source}")]
    Record {
        /// The record's key.
        key: String,
        /// Why.
        source: serde_json::Error,
    },
}

impl StoreError {
    /// Whether the store could not be opened because another process (a running server)
    /// holds it for writing.
    pub fn held_elsewhere(&self) -> bool {
        matches!(
            self,
            StoreError::Open {
                held_elsewhere: true,
                ..
            }
        )
    }
}

/// A record read back from its JSON.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    key: &str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Record {
        key: key.to_string(),
        source,
    })
}

/// A record as JSON.
pub(crate) fn encode<T: serde::Serialize>(key: &str, value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|source| StoreError::Record {
        key: key.to_string(),
        source,
    })
}

/// The key of an order: source partner and the cart's order number.
pub fn order_key(source: &str, order_no: &str) -> String {
    format!("{source}\u{1f}{order_no}")
}

/// The key of a job: partner and the input's path under `in/`.
pub fn job_key(partner: &str, rel: &Path) -> String {
    format!("{partner}\u{1f}{}", rel.to_string_lossy())
}

/// The key of a delivered file: partner and its name in the partner's `out/`.
pub fn delivery_key(partner: &str, name: &str) -> String {
    job_key(partner, Path::new(name))
}

/// The open store. Its reads are the [`Backend`] methods (through `Deref`).
pub struct Store {
    backend: Box<dyn Backend>,
    /// The claims this process holds ([`Store::claim`]).
    held: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl std::ops::Deref for Store {
    type Target = dyn Backend;

    fn deref(&self) -> &Self::Target {
        self.backend.as_ref()
    }
}

/// One write transaction: everything done through it commits together or not at all. Its
/// reads and writes are the [`TxnOps`] methods (through `Deref`).
pub struct Txn<'a> {
    ops: &'a mut (dyn TxnOps + 'a),
}

impl<'a> std::ops::Deref for Txn<'a> {
    type Target = dyn TxnOps + 'a;

    fn deref(&self) -> &Self::Target {
        &*self.ops
    }
}

impl std::ops::DerefMut for Txn<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.ops
    }
}

impl Store {
    fn over(backend: Box<dyn Backend>) -> Store {
        Store {
            backend,
            held: Default::default(),
        }
    }

    /// Opens (or creates) the embedded store file for writing. One process writes (`serve`);
    /// others may read at the same time ([`Store::open_read_only`]) and the writer starts even
    /// while they do.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Ok(Store::over(Box::new(redb::RedbStore::open(path)?)))
    }

    /// Opens an existing embedded store for reading only, also while `serve` writes to it.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        Ok(Store::over(Box::new(redb::RedbStore::open_read_only(
            path,
        )?)))
    }

    /// Opens the store `[store]` names for writing: the embedded one in `data_dir`, or the
    /// PostgreSQL database.
    pub fn open_configured(
        store: &crate::config::StoreConfig,
        data_dir: &Path,
    ) -> Result<Store, StoreError> {
        match store {
            crate::config::StoreConfig::Embedded => {
                Store::open(&crate::layout::store_file(data_dir))
            }
            crate::config::StoreConfig::Postgres(url) => Store::open_postgres(&url.0),
        }
    }

    /// Opens the store `[store]` names for reading only; `None` for an embedded store never
    /// written (no file yet).
    pub fn open_configured_read_only(
        store: &crate::config::StoreConfig,
        data_dir: &Path,
    ) -> Result<Option<Store>, StoreError> {
        match store {
            crate::config::StoreConfig::Embedded => {
                let path = crate::layout::store_file(data_dir);
                if !path.exists() {
                    return Ok(None);
                }
                Store::open_read_only(&path).map(Some)
            }
            crate::config::StoreConfig::Postgres(url) => {
                Store::open_postgres_read_only(&url.0).map(Some)
            }
        }
    }

    /// Connects to the shared PostgreSQL store at `url` (a `postgres://` URL or a `key=value`
    /// connection string) and brings its schema up to date.
    pub fn open_postgres(url: &str) -> Result<Store, StoreError> {
        Ok(Store::over(Box::new(postgres::PgStore::open(url)?)))
    }

    /// Connects to the shared PostgreSQL store at `url` for reading only.
    pub fn open_postgres_read_only(url: &str) -> Result<Store, StoreError> {
        Ok(Store::over(Box::new(postgres::PgStore::open_read_only(
            url,
        )?)))
    }

    /// Runs `f` in one write transaction and commits it (durably) when `f` succeeds; when `f`
    /// fails nothing it did stays.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut Txn<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut f = Some(f);
        let mut out = None;
        self.backend.write_dyn(&mut |ops| {
            let f = f.take().ok_or_else(ran_twice)?;
            out = Some(f(&mut Txn { ops })?);
            Ok(())
        })?;
        out.ok_or_else(ran_twice)
    }

    /// Claims `key` for this process ([`cluster`]): the guard releases it when dropped;
    /// `Err(holder)` when a live instance holds it, this one included (a claim is not taken
    /// twice in one process: the second taker would release the first's).
    pub fn claim(&self, key: &str) -> Result<Result<ClaimGuard<'_>, String>, StoreError> {
        {
            let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
            if !held.insert(key.to_owned()) {
                return Ok(Err(Member::me().name.clone()));
            }
        }
        let claimed = self.backend.claim(key, Member::me(), cluster::expiry());
        match claimed {
            Ok(Claimed::Granted) => Ok(Ok(ClaimGuard::new(self, key))),
            Ok(Claimed::HeldBy(who)) => {
                self.unhold(key);
                Ok(Err(who))
            }
            Err(e) => {
                self.unhold(key);
                Err(e)
            }
        }
    }

    /// Takes or renews the lease `key` for this process: `Err(holder)` when a live instance
    /// holds it. Unlike a [`claim`](Store::claim) a lease is kept from one call to the next
    /// (each renews it) and ends with this run's heartbeat, or with [`Store::end_lease`].
    pub fn lease(&self, key: &str) -> Result<Result<(), String>, StoreError> {
        match self.backend.claim(key, Member::me(), cluster::expiry())? {
            Claimed::Granted => Ok(Ok(())),
            Claimed::HeldBy(who) => Ok(Err(who)),
        }
    }

    /// Gives the lease `key` up (a clean stop: another instance need not wait for the expiry).
    pub fn end_lease(&self, key: &str) -> Result<(), StoreError> {
        self.backend.release(key, Member::me())
    }

    /// The record shared across instances under `key` ([`cluster::ClusterOps::shared_record`]).
    pub fn shared_record(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.backend.shared_record(key)
    }

    /// Updates the record shared across instances under `key` in one step.
    pub fn update_shared_record(
        &self,
        key: &str,
        update: &mut cluster::SharedUpdate<'_>,
    ) -> Result<(), StoreError> {
        self.backend.update_shared_record(key, update)
    }

    /// Lets `key` go: in the back-end, then in this process.
    fn release(&self, key: &str) {
        if let Err(e) = self.backend.release(key, Member::me()) {
            tracing::warn!(claim = %key, error = %e, "cannot release a claim: it ends with this run");
        }
        self.unhold(key);
    }

    fn unhold(&self, key: &str) {
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    /// Whether the member a token names ([`Member::token`]) is alive.
    pub fn member_alive(&self, who: &Member) -> Result<bool, StoreError> {
        if who == Member::me() {
            return Ok(true);
        }
        self.backend.is_alive(who, cluster::expiry())
    }

    /// Records this process as a member, alive now ([`cluster`]).
    pub fn join(&self) -> Result<(), StoreError> {
        self.backend.join(Member::me())
    }

    /// Records this process as still alive ([`cluster`]).
    pub fn heartbeat(&self) -> Result<(), StoreError> {
        self.backend.heartbeat(Member::me(), cluster::expiry())
    }

    /// The names of the instances alive now (none for the embedded store: it has one process,
    /// and a running server holds its file).
    pub fn alive_members(&self) -> Result<Vec<String>, StoreError> {
        self.backend.alive(cluster::expiry())
    }

    /// Reads alert `key`'s state, lets `decide` return the new state and the events it
    /// causes, and records both in one transaction: two evaluators deciding on the same state
    /// cannot both fire (the second sees the first's result).
    pub fn alert_transition(
        &self,
        key: &str,
        decide: impl FnOnce(Option<AlertState>) -> (AlertState, Vec<AlertEvent>),
    ) -> Result<Vec<AlertEvent>, StoreError> {
        let mut decide = Some(decide);
        let mut once: Box<AlertDecision<'_>> = Box::new(|old| match decide.take() {
            Some(d) => d(old),
            // A back-end calls the decision once per transaction; a second call keeps the
            // state as it is and fires nothing.
            None => (old.unwrap_or_default(), Vec::new()),
        });
        self.backend.alert_transition_dyn(key, &mut *once)
    }
}

/// A back-end ran a transaction's body twice, or not at all (a bug, not a partner's doing).
fn ran_twice() -> StoreError {
    StoreError::Db("the store ran a transaction body other than once".into())
}

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
