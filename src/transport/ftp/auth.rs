//! FTP logins: libunftp's traits over [`login`](crate::login). One log line per login, never a
//! password; the client hears only "530" whatever the reason.

use crate::config::{Config, Partner};
use crate::login::{LoginError, Logins, SessionGuard};
use async_trait::async_trait;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unftp_core::auth::{
    AuthenticationError, Authenticator, Credentials, Principal, UserDetail, UserDetailError,
    UserDetailProvider,
};

/// A logged-in partner.
#[derive(Debug, Clone)]
pub struct FtpUser {
    /// The partner.
    pub partner: Arc<Partner>,
    /// Its home on disk.
    pub home: PathBuf,
    /// Its place in the session limits, held for the session's life.
    _session: Arc<SessionGuard>,
}

impl fmt::Display for FtpUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.partner.name)
    }
}

impl UserDetail for FtpUser {
    fn home(&self) -> Option<&Path> {
        Some(&self.home)
    }
}

/// Checks partner passwords.
pub struct PartnerAuth {
    logins: Arc<Logins>,
}

impl PartnerAuth {
    pub(super) fn new(logins: Arc<Logins>) -> Self {
        PartnerAuth { logins }
    }
}

// libunftp Debug-prints its authenticator in spans: show nothing of the configuration.
impl fmt::Debug for PartnerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PartnerAuth(***)")
    }
}

#[async_trait]
impl Authenticator for PartnerAuth {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> Result<Principal, AuthenticationError> {
        let ip = creds.source_ip;
        let password = creds.password.as_deref().unwrap_or("");
        match self.logins.password("ftp", username, password, ip).await {
            Ok(p) => Ok(Principal {
                username: p.name.clone(),
            }),
            Err(LoginError::AddressNotAllowed) => Err(AuthenticationError::IpDisallowed),
            Err(_) => Err(AuthenticationError::BadPassword),
        }
    }
}

/// Turns an authenticated name into its partner, opening its session within the limits.
pub struct Users {
    config: Arc<Config>,
    logins: Arc<Logins>,
}

impl Users {
    pub(super) fn new(config: Arc<Config>, logins: Arc<Logins>) -> Self {
        Users { config, logins }
    }
}

impl fmt::Debug for Users {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Users(***)")
    }
}

#[async_trait]
impl UserDetailProvider for Users {
    type User = FtpUser;

    async fn provide_user_detail(&self, principal: &Principal) -> Result<FtpUser, UserDetailError> {
        let partner = self
            .config
            .partner(&principal.username)
            .cloned()
            .ok_or_else(|| UserDetailError::UserNotFound {
                username: principal.username.clone(),
            })?;
        let session = self
            .logins
            .open_session("ftp", &partner)
            .map_err(|e| UserDetailError::Generic(e.to_string()))?;
        Ok(FtpUser {
            home: self.config.partner_home(&partner.name),
            partner,
            _session: Arc::new(session),
        })
    }
}
