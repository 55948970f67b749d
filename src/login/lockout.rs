//! Failed-login lockout, shared by every protocol (libunftp's own policy covers FTP only).
//!
//! An (IP, user name) pair is locked after `lockout_failures` failures within
//! `lockout_window`, for `lockout_duration`. Names that do not exist are tracked exactly like
//! real ones, so the lockout tells an attacker nothing about which names exist.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most pairs tracked at once; past it, expired records are dropped first.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Default)]
struct Record {
    failures: VecDeque<Instant>,
    locked_until: Option<Instant>,
}

/// The lockout table.
#[derive(Debug)]
pub struct Lockout {
    max_failures: u32,
    window: Duration,
    duration: Duration,
    table: Mutex<HashMap<(IpAddr, String), Record>>,
}

impl Lockout {
    /// A table with the `[limits]` settings.
    pub fn new(max_failures: u32, window: Duration, duration: Duration) -> Self {
        Lockout {
            max_failures: max_failures.max(1),
            window,
            duration,
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the pair is locked now.
    pub fn is_locked(&self, ip: IpAddr, user: &str) -> bool {
        self.is_locked_at(ip, user, Instant::now())
    }

    /// Whether the pair is locked at `now` (the clock is the caller's: tests step it).
    fn is_locked_at(&self, ip: IpAddr, user: &str, now: Instant) -> bool {
        let Ok(table) = self.table.lock() else {
            return false;
        };
        table
            .get(&(ip, user.to_string()))
            .and_then(|r| r.locked_until)
            .is_some_and(|until| until > now)
    }

    /// Records a failure; returns true when it locks the pair (the caller logs it).
    pub fn failed(&self, ip: IpAddr, user: &str) -> bool {
        self.failed_at(ip, user, Instant::now())
    }

    /// Records a failure at `now`.
    fn failed_at(&self, ip: IpAddr, user: &str, now: Instant) -> bool {
        let Ok(mut table) = self.table.lock() else {
            return false;
        };
        if table.len() >= MAX_TRACKED {
            table.retain(|_, r| {
                r.locked_until.is_some_and(|u| u > now)
                    || r.failures
                        .back()
                        .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let r = table.entry((ip, user.to_string())).or_default();
        if r.locked_until.is_some_and(|u| u <= now) {
            *r = Record::default();
        }
        while r
            .failures
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            r.failures.pop_front();
        }
        r.failures.push_back(now);
        if r.locked_until.is_none() && r.failures.len() >= self.max_failures as usize {
            r.locked_until = Some(now + self.duration);
            return true;
        }
        false
    }

    /// Forgets the pair's failures after a successful login.
    pub fn succeeded(&self, ip: IpAddr, user: &str) {
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
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_secs(secs);
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
