//! The pre-authentication gate: what every listener (FTP and SFTP) asks right after `accept()`,
//! before it reads or writes a byte, and the deadline for logging in.
//!
//! A connection that has not logged in yet costs the server a task, buffers and — for SSH — a
//! key exchange (a Diffie-Hellman exchange is expensive for the server: the DHEat attack,
//! CVE-2002-20001, opens thousands of connections a second to burn CPU). These limits bound
//! that, all in `[limits]`:
//!
//! - **`login_timeout`** (30 s): from accept to a successful login, handshake included. The
//!   transport enforces it (for SSH on the socket itself, so a banner sent a byte at a time or
//!   a key exchange followed by silence is cut off like anything else).
//! - **`max_unauthenticated`** (`"64:30:256"`): connections not logged in yet, in total.
//!   OpenSSH's `MaxStartups start:rate:full` random early drop: below `start` everything is
//!   accepted, from `start` a new connection is refused with probability `rate`%, rising
//!   linearly to 100% at `full`. A flood cannot fill every place deterministically, and a real
//!   partner still gets in with some probability while it lasts. OpenSSH's default is
//!   `10:30:100` for a process per connection; a Wharf handshake is a task, and partners' cron
//!   jobs tend to fire at the same second, so the default is larger.
//! - **`max_unauthenticated_per_source`** (20): OpenSSH's `PerSourceMaxStartups`. One address
//!   cannot take every place. 20 is `max_sessions_per_partner`'s default: one partner may open
//!   all its sessions at once (rclone, lftp `mirror -P` open several in parallel).
//! - **`connection_rate_per_source`** (`"1/s"`) with **`connection_burst_per_source`** (20): a
//!   token bucket per source. Each accepted connection takes a token; a connection that logs
//!   in gives it back. So only connections that end without a login count against the rate —
//!   the idea of OpenSSH's `PerSourcePenalties` (`noauth`, `authfail` penalties; a source
//!   that accrued 15 s of them is refused for a while) and of SFTPGo's defender (scores for
//!   failed or absent logins) — while partners that log in are never slowed down. A refused
//!   connection takes no token, so a source that stops flooding is served again within
//!   seconds. Defaults: `ssh-audit`'s throttling test opens 3 connections at a time for 1.5 s
//!   and fails a server that shows its banner more than 20 times a second; 20 + 1.5 × 1 = 21.5
//!   banners in 1.5 s is 14 a second, and the connections ssh-audit makes before that test
//!   have already spent part of the bucket.
//!
//! Sources are IPv4 addresses and IPv6 /64 networks (one site usually gets a /64; counting
//! single IPv6 addresses would let one host use 2^64 sources). IPv4-mapped IPv6 addresses
//! count as their IPv4 address.
//!
//! The trade-off behind a NAT or a proxy: partners sharing one public address share its
//! per-source limits. Those that log in cost nothing over time (their token comes back), but
//! twenty handshakes at the same moment, or twenty failed logins in twenty seconds, from that
//! address would turn away the next one. An operator who knows such an address lists it in
//! `per_source_exempt` (the per-source limits do not apply to it; the total, the login
//! deadline and the lockout still do), or raises the per-source limits. OpenSSH has the same
//! knob (`PerSourcePenaltyExemptList`), SFTPGo a safe list.
//!
//! What was taken from whom: from OpenSSH's `sshd.c`, `should_drop_connection` as it is (the
//! random early drop), `PerSourceMaxStartups`, the /64 grouping idea of
//! `PerSourceNetBlockSize`, the "only failures count" idea and the exempt list of
//! `PerSourcePenalties`, the bounded source table with `overflow:permissive`, and the
//! rate-limited "drop connection" log lines. From SFTPGo: a deadline on the socket for the
//! whole handshake and login (`conn.SetDeadline`), 20 connections per host as a default
//! (`max_per_host_connections`), and its defender's scoring of connections that never try to
//! log in. Not taken: SFTPGo's rate limiter delays a connection (`Wait`) instead of refusing
//! it, which holds a task per waiting connection; OpenSSH's "Not allowed at this time" line is
//! not written (nothing is sent to a refused connection).
//!
//! Hand-written rather than a rate-limiting crate (`governor`): the token given back at login
//! and the per-source count of connections in progress live in one table under one lock, and
//! the bucket is ten lines. The table is bounded (`MAX_SOURCES`); sources with nothing in
//! progress and a full bucket are forgotten (they are the same as unknown ones). When it is
//! full of live entries, new sources are not tracked (OpenSSH's `overflow:permissive`): the
//! total limit still holds.
//!
//! Refusals are logged by the gate itself, at most [`LOG_PER_MINUTE`] lines a minute, then one
//! summary line: a flood must not flood the log.
//!
//! Every decision takes `now` (and the random roll) as arguments, so unit tests drive the
//! clock and the dice.

use crate::config::{Limits, Startups};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Most sources tracked at once.
const MAX_SOURCES: usize = 65_536;
/// Refusal lines logged one by one per minute; the rest are counted.
pub const LOG_PER_MINUTE: u32 = 10;
/// How often a full table may be swept for forgettable sources.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Why a new connection was refused (the listener closes it without a word).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// `max_unauthenticated_per_source` connections from this source have not logged in yet.
    #[error("too many connections not logged in from this address")]
    TooManyFromSource,
    /// `max_unauthenticated` (or its random early drop).
    #[error("too many connections not logged in")]
    TooManyInTotal,
    /// The source's `connection_rate_per_source` bucket is empty.
    #[error("too many new connections from this address")]
    RateFromSource,
}

/// A source: an IPv4 address or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Source(IpAddr);

impl Source {
    fn of(ip: IpAddr) -> Source {
        match ip {
            IpAddr::V4(_) => Source(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Source(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Source(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

/// One source's state.
#[derive(Debug)]
struct Entry {
    /// Connections accepted and not logged in (nor ended) yet.
    pending: usize,
    /// Tokens left, at `updated`.
    tokens: f64,
    updated: Instant,
}

#[derive(Debug)]
struct State {
    /// Connections accepted and not logged in (nor ended) yet, every source together.
    pending: usize,
    sources: HashMap<Source, Entry>,
    last_sweep: Option<Instant>,
    log: RefusalLog,
}

/// The limits, as the gate uses them.
#[derive(Debug, Clone)]
struct Settings {
    login_timeout: Duration,
    total: Startups,
    per_source: usize,
    /// Tokens per second.
    refill: f64,
    burst: f64,
    exempt: Vec<ipnet::IpNet>,
}

#[derive(Debug)]
struct Inner {
    settings: Settings,
    state: Mutex<State>,
}

/// The gate: one per server, shared by every listener.
#[derive(Debug, Clone)]
pub struct Gate {
    inner: Arc<Inner>,
}

/// One accepted connection that has not logged in yet. It holds its place (per source and in
/// total) until it is dropped or [`PreAuth::authenticated`] is called.
#[derive(Debug)]
pub struct PreAuth {
    inner: Arc<Inner>,
    /// `None` for an exempt or untracked source.
    source: Option<Source>,
    released: bool,
}

impl Gate {
    /// A gate with the `[limits]` settings.
    pub fn new(limits: &Limits) -> Gate {
        Gate {
            inner: Arc::new(Inner {
                settings: Settings {
                    login_timeout: limits.login_timeout,
                    total: limits.max_unauthenticated,
                    per_source: limits.max_unauthenticated_per_source,
                    refill: limits.connection_rate_per_source.per_second(),
                    burst: f64::from(limits.connection_burst_per_source.max(1)),
                    exempt: limits.per_source_exempt.clone(),
                },
                state: Mutex::new(State {
                    pending: 0,
                    sources: HashMap::new(),
                    last_sweep: None,
                    log: RefusalLog::default(),
                }),
            }),
        }
    }

    /// Called by a listener right after `accept()`, before any protocol byte is read or
    /// written. `Err`: close the socket at once (no banner); the refusal is already logged.
    pub fn admit(&self, peer: IpAddr) -> Result<PreAuth, Refused> {
        self.admit_at(peer, Instant::now(), || rand::random_range(0..100))
    }

    /// How long a connection may take from accept to a successful login (handshake included).
    pub fn login_deadline(&self) -> Duration {
        self.inner.settings.login_timeout
    }

    /// [`Gate::admit`] at `now`, with `roll` (0..100) for the random early drop.
    fn admit_at(
        &self,
        peer: IpAddr,
        now: Instant,
        roll: impl FnOnce() -> u32,
    ) -> Result<PreAuth, Refused> {
        let s = &self.inner.settings;
        let mut state = self.inner.lock();
        state.log.flush(now);
        let exempt = s.exempt.iter().any(|net| net.contains(&canonical(peer)));
        let source = (!exempt).then(|| Source::of(peer));
        let decided = state.decide(s, source, now, roll);
        match decided {
            Ok(tracked) => {
                state.pending += 1;
                Ok(PreAuth {
                    inner: self.inner.clone(),
                    source: tracked,
                    released: false,
                })
            }
            Err(why) => {
                let pending = state.pending;
                state.log.refused(now, canonical(peer), why, pending);
                Err(why)
            }
        }
    }

    /// Connections not logged in yet: in total, and from `peer`'s source.
    pub fn pending(&self, peer: IpAddr) -> (usize, usize) {
        let state = self.inner.lock();
        let mine = state
            .sources
            .get(&Source::of(peer))
            .map_or(0, |e| e.pending);
        (state.pending, mine)
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// Checks every limit; on success takes the places and the token, and says which source
    /// was tracked.
    fn decide(
        &mut self,
        s: &Settings,
        source: Option<Source>,
        now: Instant,
        roll: impl FnOnce() -> u32,
    ) -> Result<Option<Source>, Refused> {
        let tracked = source.filter(|src| self.make_room(s, src, now));
        if let Some(src) = tracked {
            let e = self.sources.entry(src).or_insert(Entry {
                pending: 0,
                tokens: s.burst,
                updated: now,
            });
            e.refill(s, now);
            if e.tokens < 1.0 {
                return Err(Refused::RateFromSource);
            }
            if e.pending >= s.per_source {
                return Err(Refused::TooManyFromSource);
            }
        }
        if drops(s.total, self.pending, roll) {
            return Err(Refused::TooManyInTotal);
        }
        if let Some(e) = tracked.and_then(|src| self.sources.get_mut(&src)) {
            e.tokens -= 1.0;
            e.pending += 1;
        }
        Ok(tracked)
    }

    /// Whether `src` is, or can be, tracked: past [`MAX_SOURCES`], forgettable entries are
    /// swept (at most once per [`SWEEP_EVERY`]); if the table is still full, no.
    fn make_room(&mut self, s: &Settings, src: &Source, now: Instant) -> bool {
        if self.sources.len() < MAX_SOURCES || self.sources.contains_key(src) {
            return true;
        }
        if self
            .last_sweep
            .is_none_or(|t| now.duration_since(t) >= SWEEP_EVERY)
        {
            self.last_sweep = Some(now);
            self.sweep(s, now);
        }
        self.sources.len() < MAX_SOURCES
    }

    /// Forgets sources with nothing in progress and a bucket that has refilled.
    fn sweep(&mut self, s: &Settings, now: Instant) {
        self.sources.retain(|_, e| !e.forgettable(s, now));
    }
}

impl Entry {
    /// Adds the tokens earned since `updated`, up to a full bucket.
    fn refill(&mut self, s: &Settings, now: Instant) {
        self.tokens = self.tokens_at(s, now);
        self.updated = now.max(self.updated);
    }

    fn tokens_at(&self, s: &Settings, now: Instant) -> f64 {
        let earned = now.saturating_duration_since(self.updated).as_secs_f64() * s.refill;
        (self.tokens + earned).min(s.burst)
    }

    /// Nothing in progress and a full bucket: the same as a source never seen.
    fn forgettable(&self, s: &Settings, now: Instant) -> bool {
        self.pending == 0 && self.tokens_at(s, now) >= s.burst
    }
}

/// OpenSSH's `should_drop_connection`: with `pending` connections not logged in yet, is the
/// next one refused? `roll` is uniform in 0..100.
fn drops(s: Startups, pending: usize, roll: impl FnOnce() -> u32) -> bool {
    if pending < s.start {
        return false;
    }
    if pending >= s.full || s.rate >= 100 {
        return true;
    }
    let span = (s.full - s.start) as u64;
    let p = u64::from(100 - s.rate) * (pending - s.start) as u64 / span + u64::from(s.rate);
    u64::from(roll()) < p
}

/// An IPv4-mapped IPv6 address as its IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl PreAuth {
    /// The connection logged in: its places are free, and its source gets its token back.
    pub fn authenticated(mut self) {
        self.release(true);
    }

    fn release(&mut self, logged_in: bool) {
        if self.released {
            return;
        }
        self.released = true;
        let s = &self.inner.settings;
        let mut state = self.inner.lock();
        state.pending = state.pending.saturating_sub(1);
        if let Some(e) = self.source.and_then(|src| state.sources.get_mut(&src)) {
            e.pending = e.pending.saturating_sub(1);
            if logged_in {
                e.tokens = (e.tokens + 1.0).min(s.burst);
            }
        }
    }
}

impl Drop for PreAuth {
    fn drop(&mut self) {
        self.release(false);
    }
}

/// Refusal logging, at most [`LOG_PER_MINUTE`] lines a minute plus a summary.
#[derive(Debug, Default)]
struct RefusalLog {
    window: Option<Instant>,
    logged: u32,
    suppressed: u64,
}

impl RefusalLog {
    /// Ends the minute if it is over, with a summary of what was not logged.
    fn flush(&mut self, now: Instant) {
        let Some(start) = self.window else {
            return;
        };
        if now.duration_since(start) < Duration::from_secs(60) {
            return;
        }
        if self.suppressed > 0 {
            tracing::warn!(
                refused = self.suppressed,
                "connections refused before login in the last minute, not logged one by one"
            );
        }
        *self = RefusalLog::default();
    }

    fn refused(&mut self, now: Instant, ip: IpAddr, why: Refused, pending: usize) {
        self.flush(now);
        self.window.get_or_insert(now);
        if self.logged < LOG_PER_MINUTE {
            self.logged += 1;
            tracing::warn!(%ip, reason = %why, not_logged_in = pending, "connection refused");
        } else {
            self.suppressed += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rate;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// A gate with these limits; the clock starts at `t0`.
    fn gate(total: &str, per_source: usize, rate: (u32, u64), burst: u32) -> Gate {
        let limits = Limits {
            max_unauthenticated: crate::config::parse_startups(total).unwrap(),
            max_unauthenticated_per_source: per_source,
            connection_rate_per_source: Rate {
                count: rate.0,
                per: Duration::from_secs(rate.1),
            },
            connection_burst_per_source: burst,
            ..Limits::default()
        };
        Gate::new(&limits)
    }

    /// The dice never drop (as if the roll were always 99).
    fn never() -> u32 {
        99
    }

    #[test]
    fn per_source_cap_refuses_the_next_and_frees_a_place_when_one_ends_or_logs_in() {
        let g = gate("1000", 2, (1000, 1), 1000);
        let t0 = Instant::now();
        let a = g.admit_at(ip("198.51.100.1"), t0, never).unwrap();
        let b = g.admit_at(ip("198.51.100.1"), t0, never).unwrap();
        assert_eq!(
            g.admit_at(ip("198.51.100.1"), t0, never).unwrap_err(),
            Refused::TooManyFromSource
        );
        assert!(
            g.admit_at(ip("198.51.100.2"), t0, never).is_ok(),
            "another address is not affected"
        );
        drop(a);
        let c = g.admit_at(ip("198.51.100.1"), t0, never).unwrap();
        b.authenticated();
        let _d = g.admit_at(ip("198.51.100.1"), t0, never).unwrap();
        assert_eq!(g.pending(ip("198.51.100.1")), (2, 2));
        drop(c);
        assert_eq!(g.pending(ip("198.51.100.1")), (1, 1));
    }

    #[test]
    fn total_cap_without_early_drop() {
        let g = gate("3", 100, (1000, 1), 1000);
        let t0 = Instant::now();
        let held: Vec<PreAuth> = (1..=3)
            .map(|i| g.admit_at(ip(&format!("10.0.0.{i}")), t0, never).unwrap())
            .collect();
        assert_eq!(
            g.admit_at(ip("10.0.0.9"), t0, never).unwrap_err(),
            Refused::TooManyInTotal
        );
        drop(held);
        assert!(g.admit_at(ip("10.0.0.9"), t0, never).is_ok());
    }

    #[test]
    fn random_early_drop_follows_openssh() {
        // 10:30:60 — at 10 pending, 30%; at 35, 30 + 70 * 25 / 50 = 65%; at 60, all.
        let s = crate::config::parse_startups("10:30:60").unwrap();
        assert!(!drops(s, 9, || 0), "below start nothing is dropped");
        assert!(drops(s, 10, || 29) && !drops(s, 10, || 30));
        assert!(drops(s, 35, || 64) && !drops(s, 35, || 65));
        assert!(drops(s, 60, || 99), "at full everything is dropped");
        assert!(drops(s, 500, || 99));
        // Through the gate: the 11th connection meets the dice.
        let g = gate("10:30:60", 100, (1000, 1), 1000);
        let t0 = Instant::now();
        let _held: Vec<PreAuth> = (0..10)
            .map(|i| g.admit_at(ip(&format!("10.0.1.{i}")), t0, || 0).unwrap())
            .collect();
        assert_eq!(
            g.admit_at(ip("10.0.2.1"), t0, || 29).unwrap_err(),
            Refused::TooManyInTotal
        );
        assert!(g.admit_at(ip("10.0.2.1"), t0, || 30).is_ok());
    }

    #[test]
    fn the_bucket_empties_refills_at_the_rate_and_refusals_cost_nothing() {
        // 3 at once, then 1 every 2 s.
        let g = gate("1000", 1000, (1, 2), 3);
        let t0 = Instant::now();
        let src = ip("203.0.113.5");
        for _ in 0..3 {
            g.admit_at(src, t0, never).unwrap(); // dropped at once: ended without login
        }
        assert_eq!(
            g.admit_at(src, t0, never).unwrap_err(),
            Refused::RateFromSource
        );
        let t1 = t0 + Duration::from_millis(1999);
        assert_eq!(
            g.admit_at(src, t1, never).unwrap_err(),
            Refused::RateFromSource,
            "not yet a whole token"
        );
        // A flood of refused attempts does not push the next token further away.
        for _ in 0..1000 {
            let _ = g.admit_at(src, t1, never);
        }
        let t2 = t0 + Duration::from_secs(2);
        assert!(g.admit_at(src, t2, never).is_ok(), "one token after 2 s");
        assert!(g.admit_at(src, t2, never).is_err());
        // After a long pause the bucket is full again, never fuller.
        let t3 = t2 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(g.admit_at(src, t3, never).is_ok());
        }
        assert!(g.admit_at(src, t3, never).is_err());
        assert!(
            g.admit_at(ip("203.0.113.6"), t3, never).is_ok(),
            "another address has its own bucket"
        );
    }

    #[test]
    fn a_login_gives_the_token_back() {
        let g = gate("1000", 1000, (1, 3600), 2);
        let t0 = Instant::now();
        let src = ip("192.0.2.7");
        for _ in 0..50 {
            let p = g.admit_at(src, t0, never).unwrap();
            p.authenticated();
        }
        // Two that never log in spend the bucket.
        g.admit_at(src, t0, never).unwrap();
        g.admit_at(src, t0, never).unwrap();
        assert_eq!(
            g.admit_at(src, t0, never).unwrap_err(),
            Refused::RateFromSource
        );
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let g = gate("1000", 1, (1000, 1), 1000);
        let t0 = Instant::now();
        let _a = g.admit_at(ip("2001:db8:1:2::1"), t0, never).unwrap();
        assert_eq!(
            g.admit_at(ip("2001:db8:1:2:ffff::9"), t0, never)
                .unwrap_err(),
            Refused::TooManyFromSource,
            "same /64"
        );
        assert!(g.admit_at(ip("2001:db8:1:3::1"), t0, never).is_ok());
        let _b = g.admit_at(ip("192.0.2.1"), t0, never).unwrap();
        assert_eq!(
            g.admit_at(ip("::ffff:192.0.2.1"), t0, never).unwrap_err(),
            Refused::TooManyFromSource
        );
    }

    #[test]
    fn exempt_sources_skip_per_source_limits_but_not_the_total() {
        let limits = Limits {
            max_unauthenticated: crate::config::parse_startups("5").unwrap(),
            max_unauthenticated_per_source: 1,
            connection_burst_per_source: 1,
            per_source_exempt: vec!["203.0.113.0/24".parse().unwrap()],
            ..Limits::default()
        };
        let g = Gate::new(&limits);
        let t0 = Instant::now();
        let held: Vec<PreAuth> = (0..5)
            .map(|_| g.admit_at(ip("203.0.113.9"), t0, never).unwrap())
            .collect();
        assert_eq!(
            g.admit_at(ip("203.0.113.9"), t0, never).unwrap_err(),
            Refused::TooManyInTotal
        );
        drop(held);
        assert_eq!(g.pending(ip("203.0.113.9")), (0, 0));
    }

    #[test]
    fn the_table_is_bounded_and_idle_sources_are_forgotten() {
        let g = gate("1000000", 1000, (1, 1), 1);
        let t0 = Instant::now();
        for i in 0..MAX_SOURCES as u32 {
            // Each spends its one token and ends: tracked until its bucket refills.
            g.admit_at(IpAddr::V4(i.into()), t0, never).unwrap();
        }
        let newcomer = ip("255.255.255.255");
        // Full of live entries: the newcomer is admitted, untracked (the total still counts).
        assert!(g.admit_at(newcomer, t0, never).is_ok());
        assert!(
            g.admit_at(newcomer, t0, never).is_ok(),
            "untracked: no rate"
        );
        // A second later every bucket is full again: the sweep forgets them all.
        let t1 = t0 + Duration::from_secs(1);
        g.admit_at(newcomer, t1, never).unwrap();
        assert_eq!(g.inner.lock().sources.len(), 1);
        assert_eq!(
            g.admit_at(newcomer, t1, never).unwrap_err(),
            Refused::RateFromSource,
            "tracked again"
        );
    }

    #[test]
    fn refusal_logging_is_bounded() {
        let mut log = RefusalLog::default();
        let t0 = Instant::now();
        for _ in 0..100 {
            log.refused(t0, ip("10.9.9.9"), Refused::RateFromSource, 0);
        }
        assert_eq!((log.logged, log.suppressed), (LOG_PER_MINUTE, 90));
        log.flush(t0 + Duration::from_secs(61));
        assert_eq!((log.logged, log.suppressed), (0, 0), "a new minute");
    }

    #[test]
    fn the_deadline_is_the_configured_login_timeout() {
        let limits = Limits {
            login_timeout: Duration::from_secs(7),
            ..Limits::default()
        };
        assert_eq!(Gate::new(&limits).login_deadline(), Duration::from_secs(7));
    }
}
