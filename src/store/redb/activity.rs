//! The activity tables in redb:
//!
//! - `partner_activity`: partner → [`PartnerActivity`] (JSON), updated in the transaction that
//!   settles an input ([`RedbTxn::record_settled`]), so it never disagrees with the folders.
//! - `file_days`: `DAY␟PARTNER␟OUTCOME` → inputs settled that day (UTC).
//! - `alert_states`: `ALERT␟INSTANCE` → [`AlertState`].
//! - `alert_log`: `TIME␟SEQ` → [`AlertEvent`]: what fired and cleared, newest kept
//!   ([`ALERT_LOG_KEEP`]).

use super::{RedbStore, RedbTxn, db_err, decode, encode};
use crate::store::activity::Settled;
use crate::store::{
    ALERT_LOG_KEEP, AlertEvent, AlertState, FileDay, PartnerActivity, Plan, StoreError, now_ms,
};
use ::redb::{ReadableTable, ReadableTableMetadata, TableDefinition};

const ACTIVITY: TableDefinition<&str, &[u8]> = TableDefinition::new("partner_activity");
const FILE_DAYS: TableDefinition<&str, u64> = TableDefinition::new("file_days");
const ALERT_STATES: TableDefinition<&str, &[u8]> = TableDefinition::new("alert_states");
const ALERT_LOG: TableDefinition<&str, &[u8]> = TableDefinition::new("alert_log");
const PROBE: TableDefinition<&str, i64> = TableDefinition::new("health_probe");

const SEP: char = '\u{1f}';

impl RedbStore {
    /// Creates the tables (so readers never meet a missing one).
    pub(super) fn ensure_activity(&self) -> Result<(), StoreError> {
        self.write(|t| {
            t.wtx.open_table(ACTIVITY).map_err(db_err)?;
            t.wtx.open_table(FILE_DAYS).map_err(db_err)?;
            t.wtx.open_table(ALERT_STATES).map_err(db_err)?;
            t.wtx.open_table(ALERT_LOG).map_err(db_err)?;
            Ok(())
        })
    }

    /// Commits one small write (the health check's proof that the store accepts writes).
    pub fn probe_write(&self) -> Result<(), StoreError> {
        self.write(|t| {
            let mut p = t.wtx.open_table(PROBE).map_err(db_err)?;
            p.insert("last", now_ms()).map_err(db_err)?;
            Ok(())
        })
    }

    /// Every partner's activity, by name.
    pub fn activity(&self) -> Result<Vec<(String, PartnerActivity)>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(ACTIVITY).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            out.push((k.value().to_owned(), decode(k.value(), v.value())?));
        }
        Ok(out)
    }

    /// One partner's activity (default when it never sent anything).
    pub fn partner_activity(&self, partner: &str) -> Result<PartnerActivity, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(ACTIVITY).map_err(db_err)?;
        match t.get(partner).map_err(db_err)? {
            Some(v) => decode(partner, v.value()),
            None => Ok(PartnerActivity::default()),
        }
    }

    /// Inputs settled on each of `days`, by partner and outcome.
    pub fn files_per_day(&self, days: &[String]) -> Result<Vec<FileDay>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(FILE_DAYS).map_err(db_err)?;
        let mut out = Vec::new();
        for day in days {
            let from = format!("{day}{SEP}");
            let to = format!("{day}\u{20}");
            for row in t.range(from.as_str()..to.as_str()).map_err(db_err)? {
                let (k, v) = row.map_err(db_err)?;
                let mut parts = k.value().split(SEP).skip(1);
                if let (Some(partner), Some(outcome)) = (parts.next(), parts.next()) {
                    out.push(FileDay {
                        day: day.clone(),
                        partner: partner.to_owned(),
                        outcome: outcome.to_owned(),
                        count: v.value(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The state of alert `key` (`ALERT␟INSTANCE`), if it was ever evaluated.
    pub fn alert_state(&self, key: &str) -> Result<Option<AlertState>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(ALERT_STATES).map_err(db_err)?;
        match t.get(key).map_err(db_err)? {
            Some(v) => Ok(Some(decode(key, v.value())?)),
            None => Ok(None),
        }
    }

    /// Reads alert `key`'s state, lets `decide` return the new state and the events it
    /// causes, and records both in one transaction: two evaluators deciding on the same state
    /// cannot both fire (the second sees the first's result).
    pub fn alert_transition(
        &self,
        key: &str,
        decide: impl FnOnce(Option<AlertState>) -> (AlertState, Vec<AlertEvent>),
    ) -> Result<Vec<AlertEvent>, StoreError> {
        self.write(|t| {
            let mut states = t.wtx.open_table(ALERT_STATES).map_err(db_err)?;
            let old = match states.get(key).map_err(db_err)? {
                Some(v) => Some(decode::<AlertState>(key, v.value())?),
                None => None,
            };
            let (new, events) = decide(old.clone());
            if old.as_ref() != Some(&new) {
                let bytes = encode(key, &new)?;
                states.insert(key, bytes.as_slice()).map_err(db_err)?;
            }
            if !events.is_empty() {
                let mut log = t.wtx.open_table(ALERT_LOG).map_err(db_err)?;
                let mut seq = log.len().map_err(db_err)?;
                for e in &events {
                    seq += 1;
                    let k = format!("{:015}{SEP}{seq:012}", now_ms());
                    let bytes = encode(&k, e)?;
                    log.insert(k.as_str(), bytes.as_slice()).map_err(db_err)?;
                }
                while log.len().map_err(db_err)? > ALERT_LOG_KEEP {
                    log.pop_first().map_err(db_err)?;
                }
            }
            Ok(events)
        })
    }

    /// The newest `limit` alert events, newest first.
    pub fn alert_log(&self, limit: usize) -> Result<Vec<AlertEvent>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(ALERT_LOG).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)?.rev().take(limit) {
            let (k, v) = row.map_err(db_err)?;
            out.push(decode(k.value(), v.value())?);
        }
        Ok(out)
    }
}

impl RedbTxn<'_> {
    /// Records that the input of job `key` (`PARTNER␟REL`) settled as `plan` says: the
    /// partner's last file and rejection streak, the day's count, and the last file out of
    /// every partner the plan wrote to.
    pub fn record_settled(&mut self, key: &str, plan: &Plan) -> Result<(), StoreError> {
        let now = now_ms();
        let Some(s) = Settled::of(key, plan, now) else {
            return Ok(());
        };
        let mut table = self.wtx.open_table(ACTIVITY).map_err(db_err)?;
        let mut update =
            |name: &str, f: &mut dyn FnMut(&mut PartnerActivity)| -> Result<(), StoreError> {
                let mut a = match table.get(name).map_err(db_err)? {
                    Some(v) => decode::<PartnerActivity>(name, v.value())?,
                    None => PartnerActivity::default(),
                };
                f(&mut a);
                let bytes = encode(name, &a)?;
                table.insert(name, bytes.as_slice()).map_err(db_err)?;
                Ok(())
            };
        update(&s.partner, &mut |a| s.apply(a))?;
        for r in &s.receivers {
            update(r, &mut |a| a.last_out_ms = Some(now))?;
        }
        drop(table);
        let mut days = self.wtx.open_table(FILE_DAYS).map_err(db_err)?;
        let k = format!("{}{SEP}{}{SEP}{}", s.day, s.partner, plan.outcome);
        let n = days
            .get(k.as_str())
            .map_err(db_err)?
            .map_or(0, |v| v.value());
        days.insert(k.as_str(), n + 1).map_err(db_err)?;
        Ok(())
    }
}
