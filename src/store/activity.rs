//! What operations watch, kept in the store so that it survives a restart and is shared by
//! every instance that uses the same store: each partner's last file in and out and its current
//! streak of rejected files, files settled per day, and the alerts' state and log.
//!
//! The alerts' state changes only through a read-modify-write in one transaction
//! ([`Store::alert_transition`](super::Store::alert_transition)), so an alert fires once even
//! when several evaluators race. What settling an input changes ([`Settled`]) is decided here
//! once; each back-end only records it.

use super::Plan;
use serde::{Deserialize, Serialize};

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

/// What settling one input changes in the activity, the same for every back-end.
#[derive(Debug, Clone)]
pub(crate) struct Settled {
    /// The partner that sent the input.
    pub partner: String,
    /// The input, as its partner's last file.
    pub file: LastFile,
    /// The partners the plan wrote into the `out/` of (their last file out is now).
    pub receivers: Vec<String>,
    /// The day (UTC) the input settled.
    pub day: String,
}

impl Settled {
    /// What settling the input of job `key` (`PARTNER␟REL`) as `plan` says changes, at
    /// `now_ms`; `None` for a key that names no partner.
    pub(crate) fn of(key: &str, plan: &Plan, now_ms: i64) -> Option<Settled> {
        let (partner, rel) = key.split_once(SEP)?;
        let file = LastFile {
            at_ms: now_ms,
            file: format!("in/{rel}"),
            outcome: plan.outcome.clone(),
            reason: plan.report.as_ref().and_then(|(_, text)| reason_of(text)),
        };
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
        Some(Settled {
            partner: partner.to_owned(),
            file,
            receivers,
            day: super::day_of(now_ms),
        })
    }

    /// The sender's activity after this input.
    pub(crate) fn apply(&self, a: &mut PartnerActivity) {
        a.files += 1;
        if self.file.rejected() {
            a.rejections += 1;
            if a.rejected_since.is_none() {
                a.rejected_since = Some(self.file.clone());
            }
        } else {
            a.rejected_since = None;
        }
        a.last_in = Some(self.file.clone());
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
