//! Merchant-API keys: which partner an `api_user` is, and whether the key it sent is right.
//!
//! Each check is the partner's argon2 hash, like a password login (a plain key from an
//! `api_key_file` is hashed at start-up; an unknown `api_user` is checked against the decoy),
//! so a failure costs what every other failure costs. An API client sends its key with every
//! request, though, and argon2 takes tens of milliseconds: a key that verified is remembered
//! for [`REMEMBER`] as a keyed SHA-256 digest (with a random per-process key), and the same
//! key again within that time is compared against the digest instead (in constant time). A
//! different key, a wrong one, or one past its time goes through argon2 again. SFTPGo's
//! `password_caching` does the same for its logins.

use crate::config::{Config, Credential};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a verified key is remembered.
pub const REMEMBER: Duration = Duration::from_secs(300);

/// Every `api_user`: its partner and its key's hash.
#[derive(Debug)]
pub(super) struct ApiKeys {
    users: HashMap<String, (String, Credential)>,
    digest_key: [u8; 32],
    verified: Mutex<HashMap<String, ([u8; 32], Instant)>>,
}

impl ApiKeys {
    /// The keys of `config`'s partners (plain keys hashed now).
    pub fn new(config: &Config) -> ApiKeys {
        let users = config
            .partners
            .iter()
            .filter_map(|p| {
                let api = p.api.as_ref()?;
                let key = api.key.hardened().unwrap_or_else(|e| {
                    tracing::error!(partner = %p.name, error = %e, "cannot hash the partner's API key: its API requests are refused");
                    Credential::None
                });
                Some((api.user.clone(), (p.name.clone(), key)))
            })
            .collect();
        let mut digest_key = [0u8; 32];
        if getrandom::fill(&mut digest_key).is_err() {
            tracing::warn!("no random key for the API key cache: every request checks argon2");
        }
        ApiKeys {
            users,
            digest_key,
            verified: Mutex::new(HashMap::new()),
        }
    }

    /// The partner whose `api_user` is `user`.
    pub fn partner_of(&self, user: &str) -> Option<&str> {
        self.users.get(user).map(|(p, _)| p.as_str())
    }

    /// The credential to check `user`'s key against, and whether it is the user's own (false:
    /// the decoy, so an unknown name costs the same).
    pub fn credential(&self, user: &str) -> Option<&Credential> {
        match self.users.get(user) {
            Some((_, c @ Credential::Hash(_))) => Some(c),
            _ => None,
        }
    }

    fn digest(&self, user: &str, key: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.digest_key);
        h.update(user.as_bytes());
        h.update([0]);
        h.update(key.as_bytes());
        h.finalize().into()
    }

    /// Whether `key` verified for `user` within [`REMEMBER`].
    pub fn remembered(&self, user: &str, key: &str) -> bool {
        let d = self.digest(user, key);
        let Ok(v) = self.verified.lock() else {
            return false;
        };
        v.get(user).is_some_and(|(known, at)| {
            at.elapsed() < REMEMBER
                && known
                    .iter()
                    .zip(d.iter())
                    .fold(0u8, |a, (x, y)| a | (x ^ y))
                    == 0
        })
    }

    /// Remembers that `key` verified for `user`.
    pub fn remember(&self, user: &str, key: &str) {
        let d = self.digest(user, key);
        if let Ok(mut v) = self.verified.lock() {
            v.insert(user.to_owned(), (d, Instant::now()));
        }
    }

    /// Forgets `user`'s remembered key (after a failure: the next right key checks argon2).
    pub fn forget(&self, user: &str) {
        if let Ok(mut v) = self.verified.lock() {
            v.remove(user);
        }
    }
}
