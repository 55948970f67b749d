//! Each rule's condition, and the transition it causes: an alert fires when its condition
//! starts and clears when it ends, never once per file in a burst. State lives in the store
//! ([`Store::alert_transition`]), so a restart neither repeats nor forgets an alert.

use super::hours;
use crate::config::{AlertConfig, AlertRule, Config};
use crate::model::OrderStatus;
use crate::store::{AlertEvent, AlertState, Store, StoreError, now_ms};
use std::time::Duration;

/// Oldest `new` orders looked at for one `order_not_taken` rule.
const OLDEST_SCANNED: usize = 2000;

/// What an event says besides its state.
#[derive(Debug, Clone, Default)]
struct Details {
    partner: Option<String>,
    file: Option<String>,
    cust_ref: Option<String>,
    message: String,
}

/// Evaluates `alert` now and records its transitions; returns the events to send.
pub(super) fn evaluate(
    alert: &AlertConfig,
    config: &Config,
    store: &Store,
) -> Result<Vec<AlertEvent>, StoreError> {
    let id = alert.id();
    let name = alert.rule.name();
    let mut events = Vec::new();
    match &alert.rule {
        AlertRule::FileRejected { partner } => {
            let partners: Vec<String> = match partner {
                Some(p) => vec![p.clone()],
                None => config.partners.iter().map(|p| p.name.clone()).collect(),
            };
            for p in partners {
                let act = store.partner_activity(&p)?;
                let key = format!("{id}\u{1f}{p}");
                events.extend(store.alert_transition(&key, |old| {
                    let now = now_ms();
                    let mut st = old.unwrap_or(AlertState {
                        seen: act.rejections,
                        ..AlertState::watching_from(now)
                    });
                    let mut out = Vec::new();
                    let ev = |state: &str, d: Details| event(&id, name, state, d);
                    if !st.active {
                        if let Some(f) = &act.rejected_since {
                            out.push(ev(
                                "firing",
                                Details {
                                    partner: Some(p.clone()),
                                    file: Some(f.file.clone()),
                                    message: format!(
                                        "{p}: {} rejected{}",
                                        f.file,
                                        f.reason
                                            .as_deref()
                                            .map(|r| format!(": {r}"))
                                            .unwrap_or_default()
                                    ),
                                    ..Default::default()
                                },
                            ));
                            st.active = true;
                            st.since_ms = now;
                        } else if act.rejections > st.seen {
                            // A run of rejections began and ended between two evaluations.
                            let n = act.rejections - st.seen;
                            for state in ["firing", "cleared"] {
                                out.push(ev(
                                    state,
                                    Details {
                                        partner: Some(p.clone()),
                                        message: format!(
                                            "{p}: {n} file(s) rejected, then a file was accepted"
                                        ),
                                        ..Default::default()
                                    },
                                ));
                            }
                            st.since_ms = now;
                        }
                    } else if act.rejected_since.is_none() {
                        let file = act.last_in.as_ref().map(|f| f.file.clone());
                        out.push(ev(
                            "cleared",
                            Details {
                                partner: Some(p.clone()),
                                message: format!(
                                    "{p}: files are accepted again ({} went through)",
                                    file.as_deref().unwrap_or("a file")
                                ),
                                file,
                                ..Default::default()
                            },
                        ));
                        st.active = false;
                        st.since_ms = now;
                    }
                    st.seen = act.rejections;
                    (st, out)
                })?);
            }
        }
        AlertRule::NoFile {
            partner,
            within,
            between,
            timezone,
        } => {
            let act = store.partner_activity(partner)?;
            let key = format!("{id}\u{1f}{partner}");
            let last = act.last_in.as_ref().map(|f| f.at_ms);
            let window = between.map(|(a, b)| {
                let f = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
                format!(
                    " between {}-{} {}",
                    f(a),
                    f(b),
                    timezone.iana_name().unwrap_or("UTC")
                )
            });
            events.extend(store.alert_transition(&key, |old| {
                let now = now_ms();
                let st0 = old.unwrap_or_else(|| AlertState::watching_from(now));
                let from = last.unwrap_or(st0.watching_since_ms);
                let elapsed = match between {
                    Some(w) => {
                        let (Ok(a), Ok(b)) = (
                            jiff::Timestamp::from_millisecond(from),
                            jiff::Timestamp::from_millisecond(now),
                        ) else {
                            return (st0, Vec::new());
                        };
                        hours::inside(a, b, *w, timezone, *within)
                    }
                    None => Duration::from_millis(u64::try_from(now - from).unwrap_or(0)),
                };
                let since = last.map_or("ever since Wharf started watching".to_owned(), |ms| {
                    format!("since {}", stamp(ms))
                });
                step(st0, elapsed >= *within, now, |state| {
                    let message = if state == "firing" {
                        format!(
                            "no file from {partner} within {}{} (none {since})",
                            hours::short(*within),
                            window.clone().unwrap_or_default()
                        )
                    } else {
                        format!("{partner} sent a file again")
                    };
                    event(
                        &id,
                        name,
                        state,
                        Details {
                            partner: Some(partner.clone()),
                            file: act.last_in.as_ref().map(|f| f.file.clone()),
                            message,
                            ..Default::default()
                        },
                    )
                })
            })?);
        }
        AlertRule::OrderNotTaken { partner, within } => {
            let instance = partner.clone().unwrap_or_else(|| "*".into());
            let key = format!("{id}\u{1f}{instance}");
            let oldest = store
                .oldest_with_status(OrderStatus::New, OLDEST_SCANNED)?
                .into_iter()
                .find(|o| {
                    partner.is_none()
                        || config
                            .partner(&o.source)
                            .and_then(|c| c.warehouse.as_deref())
                            == partner.as_deref()
                });
            events.extend(store.alert_transition(&key, |old| {
                let now = now_ms();
                let st0 = old.unwrap_or_else(|| AlertState::watching_from(now));
                let limit = millis(*within);
                let late = oldest.as_ref().filter(|o| now - o.since_ms >= limit);
                let warehouse = |source: &str| {
                    partner.clone().or_else(|| {
                        config
                            .partner(source)
                            .and_then(|c| c.warehouse.clone())
                    })
                };
                step(st0, late.is_some(), now, |state| {
                    let d = match (state, late) {
                        ("firing", Some(o)) => {
                            let wh = warehouse(&o.source).unwrap_or_default();
                            Details {
                                partner: Some(wh.clone()),
                                cust_ref: Some(o.cust_ref.clone()),
                                message: format!(
                                    "order {} from {} has not been taken by {wh} within {} (new since {})",
                                    o.cust_ref,
                                    o.source,
                                    hours::short(*within),
                                    stamp(o.since_ms)
                                ),
                                ..Default::default()
                            }
                        }
                        _ => Details {
                            partner: partner.clone(),
                            message: format!(
                                "every order is taken within {}{}",
                                hours::short(*within),
                                partner.as_deref().map(|p| format!(" by {p}")).unwrap_or_default()
                            ),
                            ..Default::default()
                        },
                    };
                    event(&id, name, state, d)
                })
            })?);
        }
        AlertRule::RemoteDown { partner, for_ } => {
            let key = format!("{id}\u{1f}{partner}");
            let remote = crate::ops::board::board().remote(partner);
            events.extend(store.alert_transition(&key, |old| {
                let now = now_ms();
                let st0 = old.unwrap_or_else(|| AlertState::watching_from(now));
                let limit = millis(*for_);
                // Down for less than `for`, or not polled yet: no change either way.
                let active = match &remote {
                    Some(r) if r.up => false,
                    Some(r) if now - r.since_ms >= limit => true,
                    _ => st0.active,
                };
                let url = config
                    .partner(partner)
                    .and_then(|p| p.remote.as_ref())
                    .map(|r| r.url.to_string())
                    .unwrap_or_default();
                step(st0, active, now, |state| {
                    let message = if state == "firing" {
                        format!(
                            "{partner}'s server {url} has failed every poll for {}",
                            hours::short(*for_)
                        )
                    } else {
                        format!("{partner}'s server {url} answers again")
                    };
                    event(
                        &id,
                        name,
                        state,
                        Details {
                            partner: Some(partner.clone()),
                            message,
                            ..Default::default()
                        },
                    )
                })
            })?);
        }
    }
    Ok(events)
}

/// The transition from `st` to `active`: one event when it changes, none otherwise.
fn step(
    mut st: AlertState,
    active: bool,
    now: i64,
    make: impl Fn(&str) -> AlertEvent,
) -> (AlertState, Vec<AlertEvent>) {
    if active == st.active {
        return (st, Vec::new());
    }
    st.active = active;
    st.since_ms = now;
    let e = make(if active { "firing" } else { "cleared" });
    (st, vec![e])
}

fn event(id: &str, rule: &str, state: &str, d: Details) -> AlertEvent {
    AlertEvent {
        rule: rule.to_owned(),
        partner: d.partner,
        file: d.file,
        cust_ref: d.cust_ref,
        message: d.message,
        at: jiff::Timestamp::now().to_string(),
        state: state.to_owned(),
        alert: id.to_owned(),
    }
}

/// RFC 3339 of Unix milliseconds.
fn stamp(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// A duration in milliseconds, as the alert state's times are (saturating).
fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
