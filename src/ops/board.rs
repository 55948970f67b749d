//! Live observations of this process: each partner's last login, and whether each pull-mode
//! partner's server answered its last poll. One board per process, like the metrics registry
//! (both record what happens here); neither is state the gateway decides anything on.
//! What must outlive the process is in the store.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// A partner's last successful login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// When (Unix milliseconds).
    pub at_ms: i64,
    /// Over which protocol.
    pub protocol: &'static str,
}

/// A pull-mode partner's server, as the last poll found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The last poll worked.
    pub up: bool,
    /// Since when it has been up (or down), Unix milliseconds.
    pub since_ms: i64,
}

/// The board.
#[derive(Debug, Default)]
pub struct Board {
    logins: Mutex<HashMap<String, Login>>,
    remotes: Mutex<HashMap<String, Remote>>,
}

static BOARD: LazyLock<Board> = LazyLock::new(Board::default);

/// This process's board.
pub fn board() -> &'static Board {
    &BOARD
}

impl Board {
    /// Records a successful login.
    pub fn logged_in(&self, partner: &str, protocol: &'static str) {
        if let Ok(mut m) = self.logins.lock() {
            m.insert(
                partner.to_owned(),
                Login {
                    at_ms: crate::store::now_ms(),
                    protocol,
                },
            );
        }
    }

    /// The partner's last login since this process started.
    pub fn last_login(&self, partner: &str) -> Option<Login> {
        self.logins.lock().ok()?.get(partner).cloned()
    }

    /// Records a poll's result; the time changes only when up/down changes.
    pub fn remote_polled(&self, partner: &str, up: bool) {
        if let Ok(mut m) = self.remotes.lock() {
            let now = crate::store::now_ms();
            let e = m
                .entry(partner.to_owned())
                .or_insert(Remote { up, since_ms: now });
            if e.up != up {
                *e = Remote { up, since_ms: now };
            }
        }
    }

    /// The partner's server as the last poll found it (`None`: not polled yet).
    pub fn remote(&self, partner: &str) -> Option<Remote> {
        self.remotes.lock().ok()?.get(partner).cloned()
    }
}
