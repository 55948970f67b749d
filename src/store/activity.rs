//! What operations watch, kept in the store so that it survives a restart and is shared by
//! every instance that uses the same store: each partner's last file in and out and its current
//! streak of rejected files, files settled per day, and the alerts' state and log.
//!
//! - `partner_activity`: partner → [`PartnerActivity`] (JSON), updated in the transaction that
//!   settles an input ([`Txn::record_settled`]), so it never disagrees with the folders.
//! - `file_days`: `DAY␟PARTNER␟OUTCOME` → inputs settled that day (UTC).
//! - `alert_states`: `ALERT␟INSTANCE` → [`AlertState`]: whether the alert is firing, changed
//!   only through [`Store::alert_transition`], a read-modify-write in one transaction, so an
//!   alert fires once even when several evaluators race.
//! - `alert_log`: `TIME␟SEQ` → [`AlertEvent`]: what fired and cleared, newest kept
//!   ([`ALERT_LOG_KEEP`]).

use super::summary::{day_of, now_ms};
use super::{Plan, Store, StoreError, Txn, db_err, decode, encode};
use redb::{ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};

const ACTIVITY: TableDefinition<&str, &[u8]> = TableDefinition::new("partner_activity");
const FILE_DAYS: TableDefinition<&str, u64> = TableDefinition::new("file_days");
const ALERT_STATES: TableDefinition<&str, &[u8]> = TableDefinition::new("alert_states");
const ALERT_LOG: TableDefinition<&str, &[u8]> = TableDefinition::new("alert_log");
const PROBE: TableDefinition<&str, i64> = TableDefinition::new("health_probe");

/// Alert log entries kept (older ones are dropped).
pub const ALERT_LOG_KEEP: u64 = 2000;

const SEP: char = '\u{1f}';

/// One settled input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastFile {
    /// When it was settled (Unix milliseconds).
    pub at_ms: i64,
    /// Its path under the partner's home (`in/x.xml`).
    pub file: String,
    /// `archived`, `partial` or `rejected`.
    pub outcome: String,
    /// The first line of its report's reason, when it had rejections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl LastFile {
    /// Whether the file (or some of its orders) was rejected.
    pub fn rejected(&self) -> bool {
        self.outcome != "archived"
    }
}

/// A partner's files, as operations see them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerActivity {
    /// The last input settled.
    #[serde(default)]
    pub last_in: Option<LastFile>,
    /// When Wharf last wrote a file into the partner's `out/` (Unix milliseconds).
    #[serde(default)]
    pub last_out_ms: Option<i64>,
    /// The first file of the current run of rejected files (none since an accepted one).
    #[serde(default)]
    pub rejected_since: Option<LastFile>,
    /// Inputs rejected (whole or in part), ever.
    #[serde(default)]
    pub rejections: u64,
    /// Inputs settled, ever.
    #[serde(default)]
    pub files: u64,
}

/// Inputs one partner settled on one day with one outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// The partner.
    pub partner: String,
    /// `archived`, `partial` or `rejected`.
    pub outcome: String,
    /// How many.
    pub count: u64,
}

/// Where one alert (for one partner, when it watches several) stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertState {
    /// Firing now.
    pub active: bool,
    /// When it last fired or cleared (Unix milliseconds).
    pub since_ms: i64,
    /// When the alert was first evaluated: a `no_file` window with no file ever counts from
    /// here.
    pub watching_since_ms: i64,
    /// Rejections already accounted for (`file_rejected`).
    #[serde(default)]
    pub seen: u64,
}

impl AlertState {
    /// A quiet alert first evaluated at `now_ms`.
    pub fn watching_from(now_ms: i64) -> Self {
        AlertState {
            since_ms: now_ms,
            watching_since_ms: now_ms,
            ..Default::default()
        }
    }
}

/// One line of the alert log, and the payload of a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertEvent {
    /// The rule (`file_rejected`, `no_file`, `order_not_taken`, `remote_down`).
    pub rule: String,
    /// The partner concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// The file concerned (`in/x.xml`), for `file_rejected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The order concerned, for `order_not_taken`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cust_ref: Option<String>,
    /// What happened, in words.
    pub message: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// `firing` or `cleared`.
    pub state: String,
    /// The alert's id ([`crate::config::AlertConfig::id`]).
    pub alert: String,
}

impl Store {
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

impl Txn<'_> {
    /// Records that the input of job `key` (`PARTNER␟REL`) settled as `plan` says: the
    /// partner's last file and rejection streak, the day's count, and the last file out of
    /// every partner the plan wrote to. Called in the transaction that forgets the job, so a
    /// replay after a crash counts the input once.
    pub fn record_settled(&mut self, key: &str, plan: &Plan) -> Result<(), StoreError> {
        let Some((partner, rel)) = key.split_once(SEP) else {
            return Ok(());
        };
        let now = now_ms();
        let file = LastFile {
            at_ms: now,
            file: format!("in/{rel}"),
            outcome: plan.outcome.clone(),
            reason: plan.report.as_ref().and_then(|(_, text)| reason_of(text)),
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
        update(partner, &mut |a| {
            a.files += 1;
            if file.rejected() {
                a.rejections += 1;
                if a.rejected_since.is_none() {
                    a.rejected_since = Some(file.clone());
                }
            } else {
                a.rejected_since = None;
            }
            a.last_in = Some(file.clone());
        })?;
        let mut receivers: Vec<String> = plan
            .outputs
            .iter()
            .filter(|o| {
                o.dir
                    .file_name()
                    .is_some_and(|n| n == crate::layout::Folder::Out.name())
            })
            .filter_map(|o| {
                let home = o.dir.parent()?.file_name()?;
                Some(home.to_string_lossy().into_owned())
            })
            .collect();
        receivers.sort();
        receivers.dedup();
        for r in receivers {
            update(&r, &mut |a| a.last_out_ms = Some(now))?;
        }
        drop(table);
        let mut days = self.wtx.open_table(FILE_DAYS).map_err(db_err)?;
        let k = format!("{}{SEP}{partner}{SEP}{}", day_of(now), plan.outcome);
        let n = days
            .get(k.as_str())
            .map_err(db_err)?
            .map_or(0, |v| v.value());
        days.insert(k.as_str(), n + 1).map_err(db_err)?;
        Ok(())
    }
}

/// The reason a report gives: its `reason:` line, else the line after `result:`.
fn reason_of(report: &str) -> Option<String> {
    let lines: Vec<&str> = report.lines().collect();
    let text = lines
        .iter()
        .find_map(|l| l.strip_prefix("reason: "))
        .map(str::to_owned)
        .or_else(|| {
            let i = lines.iter().position(|l| l.starts_with("result: "))?;
            Some(
                lines[i..]
                    .iter()
                    .take(2)
                    .map(|l| l.trim_start_matches("result: "))
                    .collect::<Vec<_>>()
                    .join(": "),
            )
        })?;
    Some(text.chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::PlannedOutput;
    use std::path::PathBuf;

    fn plan(outcome: &str, report: Option<&str>, out_to: &[&str]) -> Plan {
        Plan {
            outputs: out_to
                .iter()
                .map(|p| {
                    PlannedOutput::new(
                        crate::store::OutputKind::Order,
                        PathBuf::from(format!("/d/partners/{p}/out")),
                        "x.json".into(),
                        b"",
                    )
                })
                .collect(),
            settle_to: PathBuf::from("/d/x"),
            report: report.map(|r| (PathBuf::from("/d/r"), r.to_owned())),
            warnings: None,
            outcome: outcome.into(),
        }
    }

    #[test]
    fn settled_files_move_the_activity_and_the_streak() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.redb")).unwrap();
        let report = "file: in/a.xml\nresult: rejected; nothing in this file was processed\nreason: 3:7: not well-formed\n";
        for (name, outcome, r) in [
            ("a.xml", "rejected", Some(report)),
            ("b.xml", "rejected", Some(report)),
        ] {
            store
                .write(|t| t.record_settled(&format!("uc\u{1f}{name}"), &plan(outcome, r, &[])))
                .unwrap();
        }
        let a = store.partner_activity("uc").unwrap();
        assert_eq!((a.files, a.rejections), (2, 2));
        let streak = a.rejected_since.unwrap();
        assert_eq!(streak.file, "in/a.xml", "the streak's first file");
        assert_eq!(streak.reason.as_deref(), Some("3:7: not well-formed"));
        store
            .write(|t| t.record_settled("uc\u{1f}c.xml", &plan("archived", None, &["wh"])))
            .unwrap();
        let a = store.partner_activity("uc").unwrap();
        assert!(
            a.rejected_since.is_none(),
            "an accepted file ends the streak"
        );
        assert_eq!(a.last_in.unwrap().file, "in/c.xml");
        assert!(store.partner_activity("wh").unwrap().last_out_ms.is_some());
        let today = day_of(now_ms());
        let days = store.files_per_day(&[today]).unwrap();
        let count = |o: &str| days.iter().find(|d| d.outcome == o).map(|d| d.count);
        assert_eq!((count("rejected"), count("archived")), (Some(2), Some(1)));
    }

    #[test]
    fn an_alert_transition_is_recorded_with_its_events() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.redb")).unwrap();
        let event = |state: &str| AlertEvent {
            rule: "no_file".into(),
            partner: Some("uc".into()),
            file: None,
            cust_ref: None,
            message: "m".into(),
            at: "t".into(),
            state: state.into(),
            alert: "a".into(),
        };
        let fired = store
            .alert_transition("a\u{1f}uc", |old| {
                assert!(old.is_none());
                (
                    AlertState {
                        active: true,
                        ..Default::default()
                    },
                    vec![event("firing")],
                )
            })
            .unwrap();
        assert_eq!(fired.len(), 1);
        assert!(store.alert_state("a\u{1f}uc").unwrap().unwrap().active);
        store
            .alert_transition("a\u{1f}uc", |_| {
                (AlertState::default(), vec![event("cleared")])
            })
            .unwrap();
        let log = store.alert_log(10).unwrap();
        assert_eq!(log[0].state, "cleared", "newest first");
        assert_eq!(log[1].state, "firing");
    }
}
