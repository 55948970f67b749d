//! Several instances on one shared store: who this process is, whether another instance is
//! alive, and claims (one instance at a time works on a named thing: an input file, a job to
//! finish, a pull-mode partner).
//!
//! The rule:
//! - Each process is a [`Member`]: the instance's name (`[store] instance`, by default
//!   `HOSTNAME-PID`) and a run token new at every start. A member is alive while its heartbeat
//!   in the store is younger than the claim expiry (the database's clock decides, so the
//!   instances' clocks need not agree). A restart under the same name is a new run: the old
//!   run's claims are dead at once.
//! - A claim names its holder (name and run). It is granted when nobody holds it, when its
//!   holder is dead, or when this very run holds it; otherwise the caller leaves the thing
//!   alone. Claims are taken when the work starts, not when it is queued, so a backlog on one
//!   instance is taken by another, and a dead instance's work is finished by whoever claims
//!   it next (the recorded plan replays, nothing is decided twice).
//! - A member that cannot renew its heartbeat for a whole expiry stops the process: its claims
//!   may be taken over already, and two instances must never work on one file.
//!
//! The embedded store serves one process: every claim is granted, and only this run is alive.

use super::StoreError;
use std::sync::OnceLock;
use std::time::Duration;

/// One running process of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The instance's name.
    pub name: String,
    /// New at every start.
    pub run: String,
}

static ME: OnceLock<Member> = OnceLock::new();

impl Member {
    /// This process: named once (`serve` names it from `[store] instance` before anything
    /// claims), `HOSTNAME-PID` otherwise.
    pub fn me() -> &'static Member {
        ME.get_or_init(|| Member::new(None))
    }

    /// Names this process (the first call wins); the member it is.
    pub fn init(name: Option<&str>) -> &'static Member {
        ME.get_or_init(|| Member::new(name))
    }

    fn new(name: Option<&str>) -> Member {
        let name = match name {
            Some(n) => n.to_owned(),
            None => format!("{}-{}", hostname(), std::process::id()),
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Member {
            name,
            run: format!(
                "{}-{nanos:x}-{:x}",
                std::process::id(),
                rand::random::<u32>()
            ),
        }
    }

    /// `NAME RUN` (what an upload marker holds).
    pub fn token(&self) -> String {
        format!("{} {}", self.name, self.run)
    }

    /// The member a [`token`](Member::token) names.
    pub fn from_token(text: &str) -> Option<Member> {
        let (name, run) = text.trim().split_once(' ')?;
        (!name.is_empty() && !run.is_empty()).then(|| Member {
            name: name.to_owned(),
            run: run.to_owned(),
        })
    }
}

/// The machine's host name (the kernel's, read from `/proc`; `localhost` when unknown).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && !h.contains(char::is_whitespace))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// What a claim attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// This run holds it now.
    Granted,
    /// A live member holds it: its name.
    HeldBy(String),
}

/// What [`ClusterOps::update_shared_record`] makes of a record.
pub type SharedUpdate<'f> = dyn FnMut(Option<String>) -> Option<(String, u64)> + 'f;

/// How a back-end keeps members and claims. The defaults are the single process's.
pub trait ClusterOps {
    /// Records `me` as alive now, replacing its name's earlier run.
    fn join(&self, me: &Member) -> Result<(), StoreError> {
        let _ = me;
        Ok(())
    }

    /// Records `me` as still alive (and forgets dead members' claims); an error when a later
    /// run of the same name replaced `me` (two processes under one name).
    fn heartbeat(&self, me: &Member, expiry: Duration) -> Result<(), StoreError> {
        let _ = (me, expiry);
        Ok(())
    }

    /// Whether `who` is alive: its heartbeat younger than `expiry`.
    fn is_alive(&self, who: &Member, expiry: Duration) -> Result<bool, StoreError> {
        let _ = expiry;
        Ok(who == Member::me())
    }

    /// Claims `key` for `me` (see the module doc).
    fn claim(&self, key: &str, me: &Member, expiry: Duration) -> Result<Claimed, StoreError> {
        let _ = (key, me, expiry);
        Ok(Claimed::Granted)
    }

    /// Lets `key` go if `me` holds it.
    fn release(&self, key: &str, me: &Member) -> Result<(), StoreError> {
        let _ = (key, me);
        Ok(())
    }

    /// The small record shared across instances under `key` (a login lockout), if any and not
    /// expired. The single process keeps such records in memory and never asks.
    fn shared_record(&self, key: &str) -> Result<Option<String>, StoreError> {
        let _ = key;
        Ok(None)
    }

    /// Replaces the record under `key` by what `update` makes of it (`None`: removed; with
    /// the time, in ms since the epoch, after which it may be forgotten), in one step: two
    /// instances updating it at once both count.
    fn update_shared_record(
        &self,
        key: &str,
        update: &mut SharedUpdate<'_>,
    ) -> Result<(), StoreError> {
        let _ = (key, update);
        Ok(())
    }

    /// The members alive now (their names), to tell an operator's command that a server runs.
    fn alive(&self, expiry: Duration) -> Result<Vec<String>, StoreError> {
        let _ = expiry;
        Ok(Vec::new())
    }
}

/// How long a member's heartbeat stays valid unless `[store] claim_expiry` says otherwise.
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(15);

static EXPIRY: OnceLock<Duration> = OnceLock::new();

/// The claim expiry this process uses (set once by `serve`).
pub fn expiry() -> Duration {
    *EXPIRY.get_or_init(|| DEFAULT_EXPIRY)
}

/// Sets the claim expiry (the first call wins).
pub fn set_expiry(d: Duration) {
    let _ = EXPIRY.set(d);
}

/// A claim held until dropped (then released, best effort: a claim left behind dies with
/// this run's heartbeat).
pub struct ClaimGuard<'s> {
    store: &'s super::Store,
    key: String,
}

impl<'s> ClaimGuard<'s> {
    pub(super) fn new(store: &'s super::Store, key: &str) -> Self {
        ClaimGuard {
            store,
            key: key.to_owned(),
        }
    }
}

impl Drop for ClaimGuard<'_> {
    fn drop(&mut self) {
        self.store.release(&self.key);
    }
}

impl std::fmt::Debug for ClaimGuard<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClaimGuard({})", self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_member() {
        let m = Member {
            name: "a".into(),
            run: "1-2-3".into(),
        };
        assert_eq!(Member::from_token(&m.token()), Some(m));
        assert_eq!(Member::from_token(""), None);
        assert_eq!(Member::from_token("only"), None);
    }
}
