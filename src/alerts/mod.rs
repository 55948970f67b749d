//! Alerts (`[[alert]]`): rules evaluated every [`TICK`] against the store and the live board,
//! each firing once when its condition starts and once when it clears, sent to the log always
//! and to a webhook and/or an e-mail address when configured.
//!
//! Rules ([`rules`]): `file_rejected` (a partner's run of rejected files), `no_file` (no input
//! within a time, optionally counting business hours only, [`hours`]), `order_not_taken` (an
//! order still `new` after a time), `remote_down` (a pull-mode server failing every poll for
//! a time). Their state is in the store, keyed by the alert's [`id`](AlertConfig::id), so a
//! restart neither repeats an alert nor forgets one, and instances sharing a store share it.
//!
//! Delivery ([`deliver`]) runs apart from evaluation: one queue per destination, in order,
//! retried with backoff, so a dead webhook delays neither the other destinations nor the
//! next evaluation.

pub mod deliver;
pub mod hours;
mod rules;

use crate::config::{AlertConfig, AlertRule, Config};
use crate::shutdown::Shutdown;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the rules are evaluated.
pub const TICK: Duration = Duration::from_secs(1);

/// A rule in words, for the console.
pub fn describe(rule: &AlertRule) -> String {
    match rule {
        AlertRule::FileRejected { partner } => format!(
            "file_rejected ({})",
            partner.as_deref().unwrap_or("any partner")
        ),
        AlertRule::NoFile {
            partner,
            within,
            between,
            timezone,
        } => format!(
            "no_file from {partner} within {}{}",
            hours::short(*within),
            between
                .map(|(a, b)| format!(
                    " between {:02}:{:02}-{:02}:{:02} {}",
                    a / 60,
                    a % 60,
                    b / 60,
                    b % 60,
                    timezone.iana_name().unwrap_or("UTC")
                ))
                .unwrap_or_default()
        ),
        AlertRule::OrderNotTaken { partner, within } => format!(
            "order_not_taken within {} ({})",
            hours::short(*within),
            partner.as_deref().unwrap_or("every warehouse")
        ),
        AlertRule::RemoteDown { partner, for_ } => {
            format!("remote_down {partner} for {}", hours::short(*for_))
        }
    }
}

/// Starts evaluating the configured alerts (none: no task).
pub fn start(config: Arc<Config>, store: Arc<Store>, shutdown: Shutdown) -> Option<JoinHandle<()>> {
    if config.alerts.is_empty() {
        return None;
    }
    let outbox = deliver::Outbox::start(&config);
    Some(tokio::spawn(async move {
        loop {
            let (c, s) = (config.clone(), store.clone());
            let evaluated = tokio::task::spawn_blocking(move || {
                c.alerts
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (i, rules::evaluate(a, &c, &s)))
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            for (i, result) in evaluated {
                match result {
                    Ok(events) => {
                        for e in events {
                            log(&config.alerts[i], &e);
                            outbox.send(i, e);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(alert = %config.alerts[i].id(), error = %e, "alert not evaluated")
                    }
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = shutdown.wait() => break,
            }
        }
        outbox.close().await;
    }))
}

/// The log line of an event (every alert goes to the log).
fn log(alert: &AlertConfig, e: &crate::store::AlertEvent) {
    let partner = e.partner.as_deref().unwrap_or("");
    if e.state == "firing" {
        tracing::warn!(alert = %alert.id(), rule = %e.rule, partner, file = e.file.as_deref().unwrap_or(""), cust_ref = e.cust_ref.as_deref().unwrap_or(""), "ALERT: {}", e.message);
    } else {
        tracing::info!(alert = %alert.id(), rule = %e.rule, partner, "alert cleared: {}", e.message);
    }
}
