//! The passive port allocator, one per process over `[ftp] passive_ports`.
//!
//! Rules:
//! - a port is handed out at most once at a time ([`Lease`]); a lease ends when its listener
//!   has accepted the data connection, when its deadline passes, when the session asks for a
//!   new one (one pending listener per session) or when the session ends — whichever comes
//!   first, and releasing twice is harmless;
//! - one partner holds at most `passive_ports_per_partner` ports at a time, so no partner can
//!   take the range from the others;
//! - a port another program holds (bind *or* listen fails) is skipped and the next one tried;
//!   only when every free port fails is the range exhausted, and the session answers `425`
//!   and goes on;
//! - ports are tried round-robin from after the last one given, so a port just freed is the
//!   last to be reused (a late client of an old PASV reply does not reach a new listener).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Why no passive port could be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PassiveError {
    /// The partner already holds its share.
    #[error("this partner already holds {0} passive ports; finish or abort a transfer first")]
    PartnerShare(usize),
    /// Every port of the range is in use.
    #[error("no passive port free; try again shortly")]
    Exhausted,
}

#[derive(Debug)]
struct State {
    low: u16,
    len: usize,
    used: Vec<bool>,
    next: usize,
    per_partner: HashMap<String, usize>,
}

/// The process-wide passive ports.
#[derive(Debug, Clone)]
pub struct PassivePorts {
    state: Arc<Mutex<State>>,
    share: usize,
}

/// One port held by one session; released once (explicitly or on drop).
#[derive(Debug)]
pub struct Lease {
    ports: PassivePorts,
    port: u16,
    partner: String,
    released: AtomicBool,
}

impl Lease {
    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Gives the port back (idempotent).
    pub fn release(&self) {
        if !self.released.swap(true, Ordering::SeqCst) {
            self.ports.give_back(self.port, &self.partner);
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.release();
    }
}

/// Backlog of a passive listener: one client, with room for a retry. (Passive sockets have
/// `SO_REUSEADDR`, as every FTP server sets, so a port whose last data connection is in
/// TIME_WAIT can listen again.)
const BACKLOG: i32 = 4;

impl PassivePorts {
    /// The ports `range`, at most `share` held by one partner at a time.
    pub fn new(range: RangeInclusive<u16>, share: usize) -> PassivePorts {
        let low = *range.start();
        let len = range.count();
        PassivePorts {
            state: Arc::new(Mutex::new(State {
                low,
                len,
                used: vec![false; len],
                next: 0,
                per_partner: HashMap::new(),
            })),
            share: share.max(1),
        }
    }

    /// Takes a free port for `partner` and listens on it at `ip`: the next free port that binds
    /// and listens, skipping ports held by other programs.
    pub fn listen(
        &self,
        partner: &str,
        ip: IpAddr,
    ) -> Result<(Arc<Lease>, std::net::TcpListener), PassiveError> {
        let Ok(mut s) = self.state.lock() else {
            return Err(PassiveError::Exhausted);
        };
        let held = s.per_partner.get(partner).copied().unwrap_or(0);
        if held >= self.share {
            return Err(PassiveError::PartnerShare(self.share));
        }
        for step in 0..s.len {
            let i = (s.next + step) % s.len;
            if s.used[i] {
                continue;
            }
            let Some(port) = u16::try_from(i).ok().and_then(|off| s.low.checked_add(off)) else {
                continue;
            };
            match crate::transport::listen_socket(SocketAddr::new(ip, port), BACKLOG) {
                Ok(listener) => {
                    s.used[i] = true;
                    s.next = (i + 1) % s.len;
                    *s.per_partner.entry(partner.to_string()).or_insert(0) += 1;
                    let lease = Arc::new(Lease {
                        ports: self.clone(),
                        port,
                        partner: partner.to_string(),
                        released: AtomicBool::new(false),
                    });
                    return Ok((lease, listener));
                }
                Err(e) => {
                    tracing::debug!(port, error = %e, "passive port busy, trying the next one");
                }
            }
        }
        Err(PassiveError::Exhausted)
    }

    /// Ports in use now.
    #[cfg(test)]
    pub fn in_use(&self) -> usize {
        self.state
            .lock()
            .map(|s| s.used.iter().filter(|u| **u).count())
            .unwrap_or(0)
    }

    fn give_back(&self, port: u16, partner: &str) {
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        let i = usize::from(port.wrapping_sub(s.low));
        if let Some(u) = s.used.get_mut(i) {
            *u = false;
        }
        if let Some(n) = s.per_partner.get_mut(partner) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                s.per_partner.remove(partner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn free_range(n: u16) -> (u16, u16) {
        for base in (30000..32000).step_by(usize::from(n) + 7) {
            if (base..base + n).all(|p| std::net::TcpListener::bind((LO, p)).is_ok()) {
                return (base, base + n - 1);
            }
        }
        panic!("no free range");
    }

    #[test]
    fn a_busy_port_is_skipped_and_a_full_range_is_an_error() {
        let (lo, hi) = free_range(3);
        let _other = std::net::TcpListener::bind((LO, lo + 1)).unwrap();
        let ports = PassivePorts::new(lo..=hi, 10);
        let (a, _la) = ports.listen("p", LO).unwrap();
        let (b, _lb) = ports.listen("p", LO).unwrap();
        assert_eq!(
            (a.port(), b.port()),
            (lo, hi),
            "lo+1 is held by another program"
        );
        assert_eq!(ports.listen("q", LO).unwrap_err(), PassiveError::Exhausted);
        a.release();
        a.release();
        assert_eq!(ports.in_use(), 1);
        drop(_la);
        let (c, _lc) = ports.listen("q", LO).unwrap();
        assert_eq!(c.port(), lo);
    }

    #[test]
    fn a_partner_holds_at_most_its_share() {
        let (lo, hi) = free_range(4);
        let ports = PassivePorts::new(lo..=hi, 2);
        let (a, _la) = ports.listen("p", LO).unwrap();
        let (_b, _lb) = ports.listen("p", LO).unwrap();
        assert_eq!(
            ports.listen("p", LO).unwrap_err(),
            PassiveError::PartnerShare(2)
        );
        assert!(
            ports.listen("q", LO).is_ok(),
            "another partner still gets one"
        );
        drop(a);
        assert!(
            ports.listen("p", LO).is_ok(),
            "a released port counts no more"
        );
    }
}
