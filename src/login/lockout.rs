//! Failed-login lockout, shared by every protocol (libunftp's own policy covers FTP only).
//!
//! An (IP, user name) pair is locked after `lockout_failures` failures within
//! `lockout_window`, for `lockout_duration`. Names that do not exist are tracked exactly like
//! real ones, so the lockout tells an attacker nothing about which names exist.
//!
//! One process keeps the records in memory. With a shared store ([`Lockout::share`]) they are
//! records in the store, read and changed in one step there, so a lockout earned on one
//! instance holds on every other; the rule ([`Record`]) is the same code for both, on the
//! wall clock (the instances' clocks are assumed to agree to well within a window).

use crate::store::Store;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Most pairs tracked at once; past it, expired records are dropped first.
const MAX_TRACKED: usize = 100_000;

/// One pair's failures and lock, in milliseconds since the Unix epoch.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Record {
    failures: VecDeque<u64>,
    locked_until: Option<u64>,
}

/// The lockout's settings, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Rule {
    max_failures: u32,
    window: u64,
    duration: u64,
}

impl Record {
    fn locked_at(&self, now: u64) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    /// Whether the record still matters at `now` (locked, or failures within the window).
    fn live_at(&self, now: u64, rule: Rule) -> bool {
        self.locked_at(now)
            || self
                .failures
                .back()
                .is_some_and(|t| now.saturating_sub(*t) < rule.window)
    }

    /// Records a failure at `now`; true when it locks the pair.
    fn fail(&mut self, now: u64, rule: Rule) -> bool {
        if self.locked_until.is_some_and(|u| u <= now) {
            *self = Record::default();
        }
        while self
            .failures
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= rule.window)
        {
            self.failures.pop_front();
        }
        self.failures.push_back(now);
        if self.locked_until.is_none() && self.failures.len() >= rule.max_failures as usize {
            self.locked_until = Some(now + rule.duration);
            return true;
        }
        false
    }
}

/// The lockout table.
#[derive(Debug)]
pub struct Lockout {
    rule: Rule,
    table: Mutex<HashMap<(IpAddr, String), Record>>,
    shared: OnceLock<Arc<Store>>,
}

/// Milliseconds since the Unix epoch.
fn now() -> u64 {
    u64::try_from(crate::store::now_ms()).unwrap_or(0)
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The pair's key in a shared store.
fn key(ip: IpAddr, user: &str) -> String {
    format!("lockout\u{1f}{ip}\u{1f}{user}")
}

impl Lockout {
    /// A table with the `[limits]` settings.
    pub fn new(max_failures: u32, window: Duration, duration: Duration) -> Self {
        Lockout {
            rule: Rule {
                max_failures: max_failures.max(1),
                window: ms(window),
                duration: ms(duration),
            },
            table: Mutex::new(HashMap::new()),
            shared: OnceLock::new(),
        }
    }

    /// Keeps the records in `store`, shared with the other instances using it.
    pub fn share(&self, store: Arc<Store>) {
        let _ = self.shared.set(store);
    }

    /// Whether the pair is locked now.
    pub fn is_locked(&self, ip: IpAddr, user: &str) -> bool {
        self.is_locked_at(ip, user, now())
    }

    /// Whether the pair is locked at `now` (the clock is the caller's: tests step it).
    fn is_locked_at(&self, ip: IpAddr, user: &str, now: u64) -> bool {
        if let Some(store) = self.shared.get() {
            return match store.shared_record(&key(ip, user)) {
                Ok(r) => r
                    .and_then(|text| serde_json::from_str::<Record>(&text).ok())
                    .is_some_and(|r| r.locked_at(now)),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the shared lockout: not locked");
                    false
                }
            };
        }
        let Ok(table) = self.table.lock() else {
            return false;
        };
        table
            .get(&(ip, user.to_string()))
            .is_some_and(|r| r.locked_at(now))
    }

    /// Records a failure; returns true when it locks the pair (the caller logs it).
    pub fn failed(&self, ip: IpAddr, user: &str) -> bool {
        self.failed_at(ip, user, now())
    }

    /// Records a failure at `now`.
    fn failed_at(&self, ip: IpAddr, user: &str, now: u64) -> bool {
        let rule = self.rule;
        if let Some(store) = self.shared.get() {
            let mut locked = false;
            let done = store.update_shared_record(&key(ip, user), &mut |old| {
                let mut r: Record = old
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default();
                locked = r.fail(now, rule);
                let until = r
                    .locked_until
                    .unwrap_or(now + rule.window)
                    .max(now + rule.window);
                serde_json::to_string(&r).ok().map(|t| (t, until))
            });
            if let Err(e) = done {
                tracing::warn!(error = %e, "cannot record a failed login in the shared lockout");
            }
            return locked;
        }
        let Ok(mut table) = self.table.lock() else {
            return false;
        };
        if table.len() >= MAX_TRACKED {
            table.retain(|_, r| r.live_at(now, rule));
        }
        table
            .entry((ip, user.to_string()))
            .or_default()
            .fail(now, rule)
    }

    /// Forgets the pair's failures after a successful login.
    pub fn succeeded(&self, ip: IpAddr, user: &str) {
        if let Some(store) = self.shared.get() {
            if let Err(e) = store.update_shared_record(&key(ip, user), &mut |_| None) {
                tracing::warn!(error = %e, "cannot clear the shared lockout");
            }
            return;
        }
        if let Ok(mut table) = self.table.lock() {
            table.remove(&(ip, user.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    #[test]
    fn locks_after_n_failures_and_only_that_pair() {
        let l = Lockout::new(3, Duration::from_secs(60), Duration::from_secs(60));
        assert!(!l.failed(IP, "uc"));
        assert!(!l.failed(IP, "uc"));
        assert!(!l.is_locked(IP, "uc"));
        assert!(l.failed(IP, "uc"), "the third failure locks");
        assert!(l.is_locked(IP, "uc"));
        assert!(!l.is_locked(OTHER, "uc"), "another address is not locked");
        assert!(!l.is_locked(IP, "wh"), "another partner is not locked");
        assert!(!l.failed(IP, "uc"), "locking is reported once");
    }

    #[test]
    fn failures_outside_the_window_do_not_count_and_the_lock_expires() {
        let (window, duration) = (Duration::from_secs(300), Duration::from_secs(900));
        let l = Lockout::new(2, window, duration);
        let t0 = now();
        let at = |secs: u64| t0 + secs * 1000;
        assert!(!l.failed_at(IP, "uc", at(0)));
        assert!(
            !l.failed_at(IP, "uc", at(300)),
            "the first failure fell out of the window (exactly its length later)"
        );
        assert!(l.failed_at(IP, "uc", at(599)), "two within the window lock");
        assert!(
            l.is_locked_at(IP, "uc", at(599 + 899)),
            "locked for its duration"
        );
        assert!(!l.is_locked_at(IP, "uc", at(599 + 900)), "the lock expired");
        assert!(
            !l.failed_at(IP, "uc", at(599 + 900)),
            "after the lock, counting starts again"
        );
    }

    #[test]
    fn success_clears_the_count() {
        let l = Lockout::new(2, Duration::from_secs(60), Duration::from_secs(60));
        l.failed(IP, "uc");
        l.succeeded(IP, "uc");
        assert!(!l.failed(IP, "uc"));
    }

    #[test]
    fn unknown_names_lock_like_known_ones() {
        let l = Lockout::new(1, Duration::from_secs(60), Duration::from_secs(60));
        assert!(l.failed(IP, "no-such-partner"));
        assert!(l.is_locked(IP, "no-such-partner"));
    }
}
