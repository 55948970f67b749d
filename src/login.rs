//! Login decisions for every transport: which partner a name is, whether it may connect from
//! this address, whether the password is right. Protocol-neutral; FTP and SFTP map a
//! [`LoginError`] to their own replies, and neither tells the client whether the name exists.

use crate::config::{Config, Credential, Partner};
use std::net::IpAddr;
use std::sync::{Arc, LazyLock};

/// Why a login was refused (for the log; the client only hears "login incorrect").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    /// No partner has this name.
    #[error("unknown user")]
    UnknownUser,
    /// The partner may not connect from this address (`allowed_ips`).
    #[error("address not allowed for this partner")]
    AddressNotAllowed,
    /// Wrong password (or the partner has none).
    #[error("wrong password")]
    BadPassword,
}

/// A hash to verify against when the name is unknown, so both cases cost the same time.
static DECOY: LazyLock<Credential> = LazyLock::new(|| {
    Credential::Hash(crate::config::hash_password("decoy-password-never-valid").unwrap_or_default())
});

/// Checks a password login. Runs argon2 on the blocking pool.
pub async fn password_login(
    config: &Arc<Config>,
    user: &str,
    password: &str,
    ip: IpAddr,
) -> Result<Arc<Partner>, LoginError> {
    let partner = config.partner(user).cloned();
    let password = password.to_string();
    let check = tokio::task::spawn_blocking(move || match &partner {
        Some(p) => (p.credential.verify(&password), partner),
        None => {
            let _ = DECOY.verify(&password);
            (false, None)
        }
    })
    .await;
    let (ok, partner) = check.unwrap_or((false, None));
    let partner = partner.ok_or(LoginError::UnknownUser)?;
    if !partner.ip_allowed(ip) {
        return Err(LoginError::AddressNotAllowed);
    }
    if !ok {
        return Err(LoginError::BadPassword);
    }
    Ok(partner)
}
