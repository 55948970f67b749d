//! SFTP public keys against the partner's `authorized_keys`. Passwords, lockout and session
//! limits go through [`Logins`](crate::login::Logins) as for FTP; this file only knows keys.

use crate::config::{Config, Partner};
use russh::keys::PublicKey;
use std::net::IpAddr;
use std::sync::Arc;

/// Why a key login was refused (logged once, when the session ends without a login).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    /// No partner has this name.
    UnknownUser,
    /// The key is not among the partner's `authorized_keys`.
    NotAuthorized,
    /// The partner may not connect from this address.
    AddressNotAllowed,
}

impl KeyRefusal {
    /// For the log.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyRefusal::UnknownUser => "unknown user",
            KeyRefusal::NotAuthorized => "key not authorized",
            KeyRefusal::AddressNotAllowed => "address not allowed for this partner",
        }
    }
}

/// Checks a public-key login (the caller has verified, or is about to verify, the signature).
pub fn public_key(
    config: &Config,
    user: &str,
    key: &PublicKey,
    ip: IpAddr,
) -> Result<Arc<Partner>, KeyRefusal> {
    let partner = config.partner(user).ok_or(KeyRefusal::UnknownUser)?;
    if !authorized(partner, key) {
        return Err(KeyRefusal::NotAuthorized);
    }
    if !partner.ip_allowed(ip) {
        return Err(KeyRefusal::AddressNotAllowed);
    }
    Ok(partner.clone())
}

/// Whether `key` is one of the partner's `authorized_keys` (compared by key, not comment).
pub fn authorized(partner: &Partner, key: &PublicKey) -> bool {
    partner
        .authorized_keys
        .iter()
        .filter_map(|line| parse_line(line))
        .any(|k| k.key_data() == key.key_data())
}

/// Parses an OpenSSH public key line (`TYPE BASE64 [comment]`); leading options, as in an
/// `authorized_keys` file, are skipped.
fn parse_line(line: &str) -> Option<PublicKey> {
    let line = line.trim();
    if let Ok(k) = PublicKey::from_openssh(line) {
        return Some(k);
    }
    let mut rest = line;
    while let Some(i) = rest.find(char::is_whitespace) {
        rest = rest[i..].trim_start();
        if let Ok(k) = PublicKey::from_openssh(rest) {
            return Some(k);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkhDg+Z63d7tv+cVPAOJWZcdowzj9gegcjng651nJbC ops@acme";
    const OTHER: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ83ikirnh6coBAAMZ+JCzuF5nmHe3pkrqpcc7ljqR/l other";

    #[test]
    fn keys_compare_by_key_not_comment() {
        let k = parse_line(KEY).unwrap();
        let same = parse_line(&KEY.replace("ops@acme", "renamed")).unwrap();
        assert_eq!(k.key_data(), same.key_data());
        assert_ne!(k.key_data(), parse_line(OTHER).unwrap().key_data());
    }

    #[test]
    fn options_before_the_key_are_skipped_and_junk_is_ignored() {
        assert!(parse_line(&format!("no-pty,from=\"10.0.0.0/8\" {KEY}")).is_some());
        assert!(parse_line("not a key").is_none());
        assert!(parse_line("").is_none());
    }
}
