//! Login decisions for every transport: which partner a name is, whether it may connect from
//! this address, whether the password or key is right, whether the (address, name) pair is
//! locked out, and whether a session may open. Protocol-neutral; FTP and SFTP map a
//! [`LoginError`] to their own replies, and neither tells the client whether the name exists.

mod api_keys;
mod gate;
mod lockout;
mod sessions;
mod verifier;

pub use gate::{Gate, PreAuth, Refused};
pub use lockout::Lockout;
pub use sessions::{Full, SessionGuard, Sessions};

use crate::config::{Config, Credential, Partner};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock};

/// Why a login was refused (for the log; the client only hears "login incorrect").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginError {
    /// No partner has this name.
    #[error("unknown user")]
    UnknownUser,
    /// The partner may not connect from this address (`allowed_ips`).
    #[error("address not allowed for this partner")]
    AddressNotAllowed,
    /// Wrong password (or the partner has none), or a key that is not authorized.
    #[error("wrong password or key")]
    BadPassword,
    /// Too many failures from this address for this name: locked for a while.
    #[error("locked out after repeated failures")]
    LockedOut,
    /// `max_sessions` or `max_sessions_per_partner` reached.
    #[error("too many sessions")]
    TooManySessions,
    /// The server is shutting down: no new sessions.
    #[error("shutting down")]
    ShuttingDown,
}

/// A hash to verify against when there is no password to check (no such name, or a key-only
/// partner), so every failure costs the same time: it is made like every other hash the check
/// sees ([`Credential::hardened`], `wharf passwd`).
static DECOY: LazyLock<Credential> = LazyLock::new(|| {
    Credential::Hash(crate::config::hash_password("decoy-password-never-valid").unwrap_or_default())
});

/// The login policy: one per server, shared by every listener.
#[derive(Debug)]
pub struct Logins {
    config: Arc<Config>,
    lockout: Lockout,
    sessions: Sessions,
    closing: std::sync::atomic::AtomicBool,
    verifier: verifier::Verifier,
    gate: Gate,
    /// Each partner's password as an argon2 hash (plain passwords hashed at start-up).
    passwords: HashMap<String, Credential>,
    /// The warehouses' merchant-API keys.
    api_keys: api_keys::ApiKeys,
}

impl Logins {
    /// The policy for `config`'s partners and `[limits]`.
    pub fn new(config: Arc<Config>) -> Arc<Logins> {
        let l = &config.limits;
        let passwords = config
            .partners
            .iter()
            .map(|p| {
                let c = p.credential.hardened().unwrap_or_else(|e| {
                    tracing::error!(partner = %p.name, error = %e, "cannot hash the partner's password: its password logins are refused");
                    Credential::None
                });
                (p.name.clone(), c)
            })
            .collect();
        LazyLock::force(&DECOY);
        Arc::new(Logins {
            passwords,
            api_keys: api_keys::ApiKeys::new(&config),
            lockout: Lockout::new(l.lockout_failures, l.lockout_window, l.lockout_duration),
            sessions: Sessions::new(l.max_sessions, l.max_sessions_per_partner),
            closing: std::sync::atomic::AtomicBool::new(false),
            verifier: verifier::Verifier::new(2),
            gate: Gate::new(l),
            config,
        })
    }

    /// Keeps the login lockouts in `store`, so that one earned on any instance sharing it
    /// holds on every other.
    pub fn share_lockouts(&self, store: Arc<crate::store::Store>) {
        self.lockout.share(store);
    }

    /// The pre-authentication gate every listener asks before it serves a new connection.
    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// Refuses every login from now on (graceful shutdown: running sessions go on).
    pub fn close(&self) {
        self.closing
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether logins for `user` from `ip` are refused right now (shutting down or locked
    /// out), without logging: for probes such as an SSH client offering its keys.
    pub fn refusing(&self, user: &str, ip: IpAddr) -> bool {
        self.closing.load(std::sync::atomic::Ordering::SeqCst) || self.lockout.is_locked(ip, user)
    }

    fn check_open(&self, protocol: &'static str, user: &str, ip: IpAddr) -> Result<(), LoginError> {
        if self.closing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(self.refused(protocol, user, ip, LoginError::ShuttingDown));
        }
        if self.lockout.is_locked(ip, user) {
            return Err(self.refused(protocol, user, ip, LoginError::LockedOut));
        }
        Ok(())
    }

    /// Checks a password login (argon2 runs on the dedicated password threads) and logs the
    /// outcome.
    pub async fn password(
        &self,
        protocol: &'static str,
        user: &str,
        password: &str,
        ip: IpAddr,
    ) -> Result<Arc<Partner>, LoginError> {
        self.check_open(protocol, user, ip)?;
        let partner = self.config.partner(user).cloned();
        let password = password.to_string();
        let (credential, real) = self.credential_to_check(user);
        let credential = credential.clone();
        let check = self
            .verifier
            .run(move || {
                let ok = credential.verify(&password);
                (ok && real, partner)
            })
            .await;
        let (ok, partner) = check.unwrap_or((false, None));
        self.decide(protocol, user, ip, partner, ok)
    }

    /// Checks a merchant-API request's Basic credentials: `user` is an `api_user`, `key` its
    /// key. Failures count toward the lockout of the partner the `api_user` belongs to (the
    /// same as its FTP and SFTP logins; an unknown `api_user` is locked under its own name),
    /// and `allowed_ips` applies.
    pub async fn api_key(
        &self,
        user: &str,
        key: &str,
        ip: IpAddr,
    ) -> Result<Arc<Partner>, LoginError> {
        const PROTOCOL: &str = "api";
        let name = self.api_keys.partner_of(user).unwrap_or(user).to_owned();
        self.check_open(PROTOCOL, &name, ip)?;
        let partner = self
            .api_keys
            .partner_of(user)
            .and_then(|p| self.config.partner(p).cloned());
        let ok = if partner.is_some() && self.api_keys.remembered(user, key) {
            true
        } else {
            let (credential, real) = match self.api_keys.credential(user) {
                Some(c) => (c.clone(), true),
                None => (DECOY.clone(), false),
            };
            let key = key.to_owned();
            let ok = self
                .verifier
                .run(move || credential.verify(&key) && real)
                .await;
            ok.unwrap_or(false)
        };
        if ok {
            self.api_keys.remember(user, key);
        } else {
            self.api_keys.forget(user);
        }
        self.decide(PROTOCOL, &name, ip, partner, ok)
    }

    /// What a password for `user` is checked against: the partner's own hash (true), or the
    /// decoy (false: no such name, or a key-only partner), so every failure costs one argon2
    /// verification with the same parameters.
    fn credential_to_check(&self, user: &str) -> (&Credential, bool) {
        match self.passwords.get(user) {
            Some(c @ Credential::Hash(_)) => (c, true),
            _ => (&DECOY, false),
        }
    }

    /// Checks a public-key login: `authorized(partner)` says whether the offered key is one of
    /// the partner's `authorized_keys`.
    pub fn public_key(
        &self,
        protocol: &'static str,
        user: &str,
        ip: IpAddr,
        authorized: impl FnOnce(&Partner) -> bool,
    ) -> Result<Arc<Partner>, LoginError> {
        self.check_open(protocol, user, ip)?;
        let partner = self.config.partner(user).cloned();
        let ok = partner.as_deref().is_some_and(authorized);
        self.decide(protocol, user, ip, partner, ok)
    }

    /// Opens a session for a logged-in partner, within the session limits.
    pub fn open_session(
        &self,
        protocol: &'static str,
        partner: &Partner,
    ) -> Result<SessionGuard, LoginError> {
        self.sessions.open(&partner.name).map(|g| g.counted(protocol)).map_err(|full| {
            tracing::warn!(protocol, partner = %partner.name, limit = ?full, "session refused: too many sessions");
            LoginError::TooManySessions
        })
    }

    fn decide(
        &self,
        protocol: &'static str,
        user: &str,
        ip: IpAddr,
        partner: Option<Arc<Partner>>,
        ok: bool,
    ) -> Result<Arc<Partner>, LoginError> {
        let Some(partner) = partner else {
            self.count_failure(protocol, user, ip);
            return Err(self.refused(protocol, user, ip, LoginError::UnknownUser));
        };
        if !partner.ip_allowed(ip) {
            return Err(self.refused(protocol, user, ip, LoginError::AddressNotAllowed));
        }
        if !ok {
            self.count_failure(protocol, user, ip);
            return Err(self.refused(protocol, user, ip, LoginError::BadPassword));
        }
        self.lockout.succeeded(ip, user);
        crate::ops::metrics::login(protocol, Ok(&partner.name));
        tracing::info!(protocol, partner = %partner.name, %ip, "login");
        Ok(partner)
    }

    fn count_failure(&self, protocol: &'static str, user: &str, ip: IpAddr) {
        if self.lockout.failed(ip, user) {
            tracing::warn!(
                protocol,
                user = %user.escape_debug(),
                %ip,
                duration = ?self.config.limits.lockout_duration,
                "locked out: too many failed logins from this address for this name"
            );
        }
    }

    fn refused(
        &self,
        protocol: &'static str,
        user: &str,
        ip: IpAddr,
        why: LoginError,
    ) -> LoginError {
        tracing::warn!(protocol, user = %user.escape_debug(), %ip, reason = %why, "login refused");
        crate::ops::metrics::login(protocol, Err(&why));
        why
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn config() -> (tempfile::TempDir, Arc<Config>) {
        let dir = tempfile::tempdir().unwrap();
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ4Vd5kV3o7t9m5j8y0w9mCq3YfJ4b6kX1h2n3p4q5r ops";
        let toml = format!(
            "data_dir = \"data\"\n\
             [limits]\nlockout_failures = 1000\n\
             [[partner]]\nname = \"plain\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword = \"right\"\nwarehouse = \"wh\"\n\
             [[partner]]\nname = \"wh\"\nrole = \"warehouse\"\nformat = \"canonical\"\npassword_hash = \"{}\"\n\
             [[partner]]\nname = \"keys\"\nrole = \"warehouse\"\nformat = \"canonical\"\nauthorized_keys = [\"{key}\"]\n",
            crate::config::hash_password("right").unwrap()
        );
        let path = dir.path().join("wharf.toml");
        std::fs::write(&path, toml).unwrap();
        let config = Arc::new(crate::config::load(&path).unwrap().config);
        (dir, config)
    }

    /// The fastest of `n` failed logins per name, the names taken in turn and each round
    /// starting with the next one (so that the load of other tests weighs on all of them
    /// alike): the fastest run is the check's own cost.
    async fn fastest(logins: &Logins, users: &[&str], n: usize) -> Vec<Duration> {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let mut best = vec![Duration::MAX; users.len()];
        for round in 0..n {
            for k in 0..users.len() {
                let i = (round + k) % users.len();
                let user = users[i];
                let t = Instant::now();
                let r = logins.password("ftp", user, "wrong", ip).await;
                best[i] = best[i].min(t.elapsed());
                assert!(r.is_err(), "{user}");
            }
        }
        best
    }

    /// A wrong password for a partner with a plain-text password answered in 0.4 ms, an unknown
    /// name in 19 ms (the decoy hash): the timing told which names exist.
    #[tokio::test]
    async fn every_failed_login_costs_the_same() {
        let (_d, config) = config();
        let logins = Logins::new(config);
        let users = ["nobody", "plain", "wh", "keys"];
        // The work is the same by construction: one argon2 hash, with the decoy's parameters,
        // for every name (the timing below only confirms it, loosely, on a loaded machine).
        let params = |u: &str| match logins.credential_to_check(u).0 {
            Credential::Hash(h) => h.rsplitn(3, '$').nth(2).map(str::to_string),
            _ => None,
        };
        let decoy = params("nobody").expect("the decoy is a hash");
        assert!(decoy.starts_with("$argon2id$"), "{decoy}");
        for u in &users {
            assert_eq!(params(u).as_deref(), Some(decoy.as_str()), "{u}");
        }
        let times = fastest(&logins, &users, 15).await;
        let unknown = times[0];
        for (user, t) in users.iter().zip(&times).skip(1) {
            let ratio = t.as_secs_f64() / unknown.as_secs_f64();
            eprintln!("failed login, fastest: {user} {t:?}, unknown name {unknown:?}");
            assert!(
                (1.0 / 3.0..=3.0).contains(&ratio),
                "{user}: {t:?} against {unknown:?} for an unknown name"
            );
        }
        // The plain password still works.
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(logins.password("ftp", "plain", "right", ip).await.is_ok());
    }
}
