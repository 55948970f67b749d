//! Session limits (`max_sessions`, `max_sessions_per_partner`), counted for every protocol
//! together. A [`SessionGuard`] holds one place until the session ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_partner: HashMap<String, usize>,
}

/// The live session counts.
#[derive(Debug, Clone)]
pub struct Sessions {
    max_total: usize,
    max_per_partner: usize,
    counts: Arc<Mutex<Counts>>,
}

/// One open session; dropping it frees its place.
#[derive(Debug)]
pub struct SessionGuard {
    sessions: Sessions,
    partner: String,
    /// Counts the session in `wharf_sessions` while it lives.
    metric: Option<crate::ops::metrics::LiveSession>,
}

impl SessionGuard {
    /// The session, counted in the sessions metric under `protocol` until it ends.
    pub fn counted(mut self, protocol: &'static str) -> Self {
        self.metric = Some(crate::ops::metrics::LiveSession::open(protocol));
        self
    }
}

/// Which limit a new session would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// `max_sessions`.
    Total,
    /// `max_sessions_per_partner`.
    Partner,
}

impl Sessions {
    /// Counts with the `[limits]` settings.
    pub fn new(max_total: usize, max_per_partner: usize) -> Self {
        Sessions {
            max_total,
            max_per_partner,
            counts: Arc::new(Mutex::new(Counts::default())),
        }
    }

    /// Takes a place for `partner`, or says which limit is reached.
    pub fn open(&self, partner: &str) -> Result<SessionGuard, Full> {
        let Ok(mut c) = self.counts.lock() else {
            return Err(Full::Total);
        };
        if c.total >= self.max_total {
            return Err(Full::Total);
        }
        let mine = c.per_partner.entry(partner.to_string()).or_insert(0);
        if *mine >= self.max_per_partner {
            return Err(Full::Partner);
        }
        *mine += 1;
        c.total += 1;
        Ok(SessionGuard {
            sessions: self.clone(),
            partner: partner.to_string(),
            metric: None,
        })
    }
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        if let Ok(mut c) = self.sessions.counts.lock() {
            c.total = c.total.saturating_sub(1);
            if let Some(n) = c.per_partner.get_mut(&self.partner) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    c.per_partner.remove(&self.partner);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_partner_and_in_total() {
        let s = Sessions::new(3, 2);
        let a1 = s.open("a").unwrap();
        let _a2 = s.open("a").unwrap();
        assert_eq!(s.open("a").unwrap_err(), Full::Partner);
        let _b1 = s.open("b").unwrap();
        assert_eq!(s.open("c").unwrap_err(), Full::Total);
        drop(a1);
        assert!(s.open("a").is_ok(), "a closed session frees its place");
    }
}
