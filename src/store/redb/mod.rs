//! The embedded back-end: redb, one file in the data directory, zero setup.
//!
//! redb rather than sled: redb is ACID with an fsync on every commit and a stable file format;
//! sled's last release is from 2021, its README calls it beta, and it flushes every 500 ms —
//! wrong for "never lose an order". One process writes (`serve`, redb's single-writer mode);
//! others may read the file at the same time (the `orders` commands).
//!
//! The tables (values as JSON unless said):
//! - `orders`: (source partner, order number) → [`OrderRecord`]
//! - `cust_refs`: `cust_ref` → order key (a `cust_ref` names one order only, across every cart)
//! - `jobs`: (partner, path under `in/`) → [`Job`]
//! - `deliveries`: (partner, name under `out/`) → [`Delivery`]
//! - `written`: (job, output index) → (): the outputs of a job's plan already written.
//! - `attempts`: (partner, path under `in/`) → attempts begun and not finished.
//! - `inventory_levels`, `api_requests`, `catalog` and `held`, `remote_fetched` and
//!   `remote_dropped`, the summaries and the activity: one file each beside this one.

mod activity;
mod api_requests;
mod attempts;
mod catalog;
mod inventory;
mod ops;
mod remote;
mod summary;
mod written;

use super::{Delivery, Job, OrderRecord, StoreError, decode, encode, order_key};
use ::redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::de::DeserializeOwned;
use std::path::Path;

const ORDERS: TableDefinition<&str, &[u8]> = TableDefinition::new("orders");
const REFS: TableDefinition<&str, &str> = TableDefinition::new("cust_refs");
const JOBS: TableDefinition<&str, &[u8]> = TableDefinition::new("jobs");
const DELIVERIES: TableDefinition<&str, &[u8]> = TableDefinition::new("deliveries");
const ATTEMPTS: TableDefinition<&str, &[u8]> = TableDefinition::new("attempts");
const WRITTEN: TableDefinition<&str, ()> = TableDefinition::new("written");
const CATALOG: TableDefinition<&str, &[u8]> = TableDefinition::new("catalog");
const HELD: TableDefinition<&str, &str> = TableDefinition::new("held");
const REMOTE_FETCHED: TableDefinition<&str, (u64, u32)> = TableDefinition::new("remote_fetched");
const REMOTE_DROPPED: TableDefinition<&str, &str> = TableDefinition::new("remote_dropped");

/// redb's page cache. Its default, 1 GiB, is memory a long-running server keeps once the store
/// has grown: the cache holds what was written and read, and the operating system caches the
/// file anyway. It fills as the store grows — with 64 MiB, the process's peak grew by about
/// 17 MiB with each 5,000-order batch (79 → 96 → 114 MiB over three), the cache being most of
/// what a streamed batch leaves; 16 MiB keeps the pages every transaction walks (the tables'
/// upper levels) and leaves the rest to the operating system's cache of the file.
const CACHE_BYTES: usize = 16 * 1024 * 1024;

fn db_err(e: impl Into<::redb::Error>) -> StoreError {
    StoreError::Db(Box::new(e.into()))
}

fn open_err(path: &Path, source: ::redb::DatabaseError) -> StoreError {
    StoreError::Open {
        what: path.display().to_string(),
        held_elsewhere: matches!(source, ::redb::DatabaseError::DatabaseAlreadyOpen),
        source: Box::new(source),
    }
}

/// The redb store.
pub(crate) struct RedbStore {
    db: Db,
}

/// The database, opened for writing (`serve`) or only for reading (the `orders` commands).
enum Db {
    Writer(Database),
    Reader(::redb::ReadOnlyDatabase),
}

impl Db {
    fn begin_read(&self) -> Result<::redb::ReadTransaction, StoreError> {
        match self {
            Db::Writer(d) => d.begin_read(),
            Db::Reader(d) => d.begin_read(),
        }
        .map_err(db_err)
    }
}

impl std::fmt::Debug for RedbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedbStore")
    }
}

/// One write transaction: everything done through it commits together or not at all.
pub(crate) struct RedbTxn<'a> {
    /// The transaction itself, for the tables opened only when needed (summaries, activity).
    wtx: &'a ::redb::WriteTransaction,
    orders: ::redb::Table<'a, &'static str, &'static [u8]>,
    refs: ::redb::Table<'a, &'static str, &'static str>,
    jobs: ::redb::Table<'a, &'static str, &'static [u8]>,
    deliveries: ::redb::Table<'a, &'static str, &'static [u8]>,
    attempts: ::redb::Table<'a, &'static str, &'static [u8]>,
    written: ::redb::Table<'a, &'static str, ()>,
    catalog: ::redb::Table<'a, &'static str, &'static [u8]>,
    held: ::redb::Table<'a, &'static str, &'static str>,
    remote_fetched: ::redb::Table<'a, &'static str, (u64, u32)>,
    remote_dropped: ::redb::Table<'a, &'static str, &'static str>,
}

impl RedbStore {
    /// Opens (or creates) the store file for writing. One process writes (`serve`); others
    /// may read at the same time ([`Store::open_read_only`]) and the writer starts even while
    /// they do (redb's single-writer mode).
    pub fn open(path: &Path) -> Result<RedbStore, StoreError> {
        let db = Database::builder()
            .set_concurrency_mode(redb::ConcurrencyMode::SingleWriter)
            .set_cache_size(CACHE_BYTES)
            .create(path)
            .map_err(|source| open_err(path, source))?;
        let store = RedbStore { db: Db::Writer(db) };
        // Create the tables so readers never meet a missing one.
        store.write(|_| Ok(()))?;
        store.ensure_summaries()?;
        store.ensure_activity()?;
        Ok(store)
    }

    /// Opens an existing store for reading only, also while `serve` writes to it.
    pub fn open_read_only(path: &Path) -> Result<RedbStore, StoreError> {
        let db = Database::builder()
            .set_concurrency_mode(redb::ConcurrencyMode::SingleWriter)
            .set_cache_size(CACHE_BYTES)
            .open_read_only(path)
            .map_err(|source| open_err(path, source))?;
        Ok(RedbStore { db: Db::Reader(db) })
    }

    /// Runs `f` in one write transaction and commits it (fsync) when `f` succeeds.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut RedbTxn<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let Db::Writer(db) = &self.db else {
            return Err(StoreError::ReadOnly);
        };
        let wtx = db.begin_write().map_err(db_err)?;
        let out = {
            let mut txn = RedbTxn {
                wtx: &wtx,
                orders: wtx.open_table(ORDERS).map_err(db_err)?,
                refs: wtx.open_table(REFS).map_err(db_err)?,
                jobs: wtx.open_table(JOBS).map_err(db_err)?,
                deliveries: wtx.open_table(DELIVERIES).map_err(db_err)?,
                attempts: wtx.open_table(ATTEMPTS).map_err(db_err)?,
                written: wtx.open_table(WRITTEN).map_err(db_err)?,
                catalog: wtx.open_table(CATALOG).map_err(db_err)?,
                held: wtx.open_table(HELD).map_err(db_err)?,
                remote_fetched: wtx.open_table(REMOTE_FETCHED).map_err(db_err)?,
                remote_dropped: wtx.open_table(REMOTE_DROPPED).map_err(db_err)?,
            };
            f(&mut txn)?
        };
        wtx.commit().map_err(db_err)?;
        Ok(out)
    }

    /// What a file Wharf put in a partner's `out/` is and carries, if Wharf delivered it.
    pub fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError> {
        self.record(DELIVERIES, key)
    }

    /// The record under `key` in `table`, decoded, if any.
    fn record<T: DeserializeOwned>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(table).map_err(db_err)?;
        match t.get(key).map_err(db_err)? {
            Some(v) => Ok(Some(decode(key, v.value())?)),
            None => Ok(None),
        }
    }

    /// The recorded order, if any.
    pub fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError> {
        self.record(ORDERS, &order_key(source, order_no))
    }

    /// The order holding `cust_ref`, if any.
    pub fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError> {
        let rtx = self.db.begin_read()?;
        let refs = rtx.open_table(REFS).map_err(db_err)?;
        let Some(key) = refs.get(cust_ref).map_err(db_err)? else {
            return Ok(None);
        };
        let key = key.value().to_string();
        let t = rtx.open_table(ORDERS).map_err(db_err)?;
        match t.get(key.as_str()).map_err(db_err)? {
            Some(v) => Ok(Some(decode(&key, v.value())?)),
            None => Ok(None),
        }
    }

    /// Every recorded order, in key order.
    pub fn orders(&self) -> Result<Vec<OrderRecord>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(ORDERS).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            out.push(decode(k.value(), v.value())?);
        }
        Ok(out)
    }

    /// Every delivery not taken yet: (partner, name under its `out/`, what it carries).
    pub fn untaken_deliveries(&self) -> Result<Vec<(String, String, Delivery)>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(DELIVERIES).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            let d: Delivery = decode(k.value(), v.value())?;
            if d.taken {
                continue;
            }
            if let Some((partner, name)) = k.value().split_once('\u{1f}') {
                out.push((partner.to_string(), name.to_string(), d));
            }
        }
        Ok(out)
    }

    /// The job recorded for an input, if any.
    pub fn job(&self, key: &str) -> Result<Option<Job>, StoreError> {
        self.record(JOBS, key)
    }

    /// Every recorded job.
    pub fn jobs(&self) -> Result<Vec<(String, Job)>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(JOBS).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            out.push((k.value().to_string(), decode(k.value(), v.value())?));
        }
        Ok(out)
    }
}

impl RedbTxn<'_> {
    /// The recorded order, as this transaction sees it.
    pub fn order(&self, source: &str, order_no: &str) -> Result<Option<OrderRecord>, StoreError> {
        let key = order_key(source, order_no);
        match self.orders.get(key.as_str()).map_err(db_err)? {
            Some(v) => Ok(Some(decode(&key, v.value())?)),
            None => Ok(None),
        }
    }

    /// The order stored under `key` ([`order_key`]).
    pub fn order_by_key(&self, key: &str) -> Result<Option<OrderRecord>, StoreError> {
        match self.orders.get(key).map_err(db_err)? {
            Some(v) => Ok(Some(decode(key, v.value())?)),
            None => Ok(None),
        }
    }

    /// The order holding `cust_ref`, as this transaction sees it.
    pub fn order_by_ref(&self, cust_ref: &str) -> Result<Option<OrderRecord>, StoreError> {
        let key = match self.refs.get(cust_ref).map_err(db_err)? {
            Some(k) => k.value().to_string(),
            None => return Ok(None),
        };
        self.order_by_key(&key)
    }

    /// Records what a delivered file carries.
    pub fn put_delivery(&mut self, key: &str, d: &Delivery) -> Result<(), StoreError> {
        let bytes = encode(key, d)?;
        self.deliveries
            .insert(key, bytes.as_slice())
            .map_err(db_err)?;
        Ok(())
    }

    /// What a delivered file carries, if Wharf delivered it.
    pub fn delivery(&self, key: &str) -> Result<Option<Delivery>, StoreError> {
        match self.deliveries.get(key).map_err(db_err)? {
            Some(v) => Ok(Some(decode(key, v.value())?)),
            None => Ok(None),
        }
    }

    /// Records an order (and its `cust_ref` in the index).
    pub fn put_order(&mut self, rec: &OrderRecord) -> Result<(), StoreError> {
        let key = order_key(&rec.source, &rec.order_no);
        let bytes = encode(&key, rec)?;
        self.orders
            .insert(key.as_str(), bytes.as_slice())
            .map_err(db_err)?;
        self.refs
            .insert(rec.cust_ref.as_str(), key.as_str())
            .map_err(db_err)?;
        self.update_summary(rec, None)
    }

    /// Whether a `cust_ref` is held by an order other than (source, order_no).
    pub fn ref_taken(
        &self,
        cust_ref: &str,
        source: &str,
        order_no: &str,
    ) -> Result<bool, StoreError> {
        let me = order_key(source, order_no);
        Ok(match self.refs.get(cust_ref).map_err(db_err)? {
            Some(v) => v.value() != me,
            None => false,
        })
    }

    /// Records the plan for an input (none of its outputs written yet). A recorded plan ends
    /// the input's processing attempts (what remains is replaying the plan, which parses
    /// nothing).
    pub fn put_job(&mut self, key: &str, job: &Job) -> Result<(), StoreError> {
        let bytes = encode(key, job)?;
        self.jobs.insert(key, bytes.as_slice()).map_err(db_err)?;
        self.clear_written(key)?;
        self.clear_attempts(key)
    }

    /// The job recorded for an input, as this transaction sees it.
    pub fn job(&self, key: &str) -> Result<Option<Job>, StoreError> {
        match self.jobs.get(key).map_err(db_err)? {
            Some(v) => Ok(Some(decode(key, v.value())?)),
            None => Ok(None),
        }
    }

    /// Forgets an input's job (it is settled).
    pub fn delete_job(&mut self, key: &str) -> Result<(), StoreError> {
        self.jobs.remove(key).map_err(db_err)?;
        self.clear_written(key)
    }
}
