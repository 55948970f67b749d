//! One SSH connection (russh's server `Handler`): logins through [`auth`](super::auth),
//! session channels, and only the `sftp` subsystem. Shell, exec, pty, X11, environment,
//! agent and port forwarding are refused cleanly (a channel failure, never a hang).

use super::Shared;
use super::auth::{self, KeyRefusal};
use super::deadline::LoginDeadline;
use super::fs::{FsParts, SftpFs};
use super::handles::Handles;
use super::server;
use crate::config::Partner;
use crate::login::PreAuth;
use russh::keys::PublicKey;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelOpenFailure, Pty};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::mpsc;
use tracing::{Instrument, Span};

/// Session channels one connection may hold open.
const MAX_CHANNELS: usize = 4;

/// What a connection task hands its session.
pub struct SessionParts {
    /// The listener's shared state.
    pub shared: Arc<Shared>,
    /// The client's address.
    pub ip: IpAddr,
    /// The session's span (`partner` is recorded at login).
    pub span: Span,
    /// The connection's handle table (read at shutdown).
    pub handles: Handles,
    /// Held while the session or its clean-up runs.
    pub cleanup: mpsc::Sender<()>,
    /// The gate place and the login deadline, until the login.
    pub pre_auth: Option<(PreAuth, LoginDeadline)>,
}

/// One SSH connection.
pub struct SshSession {
    p: SessionParts,
    partner: Option<Arc<Partner>>,
    channels: HashMap<ChannelId, Channel<Msg>>,
    /// The last public key refused before any login (logged once, when the session ends).
    refused_key: Option<(String, KeyRefusal)>,
    /// The session's place in the session limits, held until the connection ends.
    place: Option<crate::login::SessionGuard>,
}

impl SshSession {
    /// A session not yet logged in.
    pub fn new(p: SessionParts) -> Self {
        SshSession {
            p,
            partner: None,
            channels: HashMap::new(),
            refused_key: None,
            place: None,
        }
    }

    /// Takes a place in the session limits for a partner whose credentials were accepted.
    fn logged_in(&mut self, partner: Arc<Partner>) -> Auth {
        match self.p.shared.logins.open_session("sftp", &partner) {
            Ok(place) => {
                if let Some((pre, deadline)) = self.p.pre_auth.take() {
                    deadline.logged_in();
                    pre.authenticated();
                }
                self.p.span.record("partner", partner.name.as_str());
                self.refused_key = None;
                self.place = Some(place);
                self.partner = Some(partner);
                Auth::Accept
            }
            Err(_) => Auth::reject(),
        }
    }

    fn key_check(&self, user: &str, key: &PublicKey) -> Result<Arc<Partner>, KeyRefusal> {
        auth::public_key(&self.p.shared.config, user, key, self.p.ip)
    }

    fn refuse(
        &self,
        channel: ChannelId,
        what: &str,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        self.p.span.in_scope(|| {
            tracing::warn!(request = %what, "refused: only the sftp subsystem is available");
        });
        session.channel_failure(channel)
    }

    /// Starts the SFTP server on `channel` for the logged-in partner.
    async fn start_sftp(
        &mut self,
        channel_id: ChannelId,
        partner: Arc<Partner>,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        let Some(channel) = self.channels.remove(&channel_id) else {
            return session.channel_failure(channel_id);
        };
        let (uploads, name) = (self.p.shared.uploads.clone(), partner.name.clone());
        let home = match tokio::task::spawn_blocking(move || uploads.open_home(&name)).await {
            Ok(Ok(h)) => h,
            Ok(Err(e)) => {
                self.p.span.in_scope(|| {
                    tracing::warn!(error = %e, "cannot open the partner's home");
                });
                return session.channel_failure(channel_id);
            }
            Err(_) => return session.channel_failure(channel_id),
        };
        session.channel_success(channel_id)?;
        let fs = SftpFs::new(FsParts {
            home,
            partner: partner.name.clone(),
            uploads: self.p.shared.uploads.clone(),
            span: self.p.span.clone(),
            handles: self.p.handles.clone(),
            cleanup: self.p.cleanup.clone(),
        });
        let (input, output) = channel.split();
        tokio::spawn(server::serve(input, output, fs).instrument(self.p.span.clone()));
        Ok(())
    }
}

impl russh::server::Handler for SshSession {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        let logins = self.p.shared.logins.clone();
        let checked = logins
            .password("sftp", user, password, self.p.ip)
            .instrument(self.p.span.clone())
            .await;
        Ok(match checked {
            Ok(p) => self.logged_in(p),
            Err(_) => Auth::reject(),
        })
    }

    /// Keys not authorized are turned away before the client signs anything.
    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.p.shared.logins.refusing(user, self.p.ip) {
            return Ok(Auth::reject());
        }
        Ok(match self.key_check(user, offer.public_key) {
            Ok(_) => Auth::Accept,
            Err(why) => {
                self.p.span.in_scope(|| {
                    tracing::debug!(user = %user.escape_debug(), reason = why.as_str(), "public key not accepted");
                });
                self.refused_key = Some((user.escape_debug().to_string(), why));
                Auth::reject()
            }
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let logins = self.p.shared.logins.clone();
        let checked = self.p.span.in_scope(|| {
            logins.public_key("sftp", user, self.p.ip, |p| {
                auth::authorized(p, key.public_key)
            })
        });
        Ok(match checked {
            Ok(p) => self.logged_in(p),
            Err(_) => Auth::reject(),
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.partner.is_none() {
            reply
                .reject(ChannelOpenFailure::AdministrativelyProhibited)
                .await;
        } else if self.channels.len() >= MAX_CHANNELS {
            reply.reject(ChannelOpenFailure::ResourceShortage).await;
        } else {
            self.channels.insert(channel.id(), channel);
            reply.accept().await;
        }
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel_id: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match (&self.partner, name) {
            (Some(p), "sftp") => {
                let p = p.clone();
                self.start_sftp(channel_id, p, session).await
            }
            _ => self.refuse(
                channel_id,
                &format!("subsystem {}", name.escape_debug()),
                session,
            ),
        }
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let cmd: String = String::from_utf8_lossy(data).chars().take(80).collect();
        self.refuse(channel, &format!("exec {}", cmd.escape_debug()), session)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(channel, "shell", session)
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _col_width: u32,
        _row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // No log line: OpenSSH asks for a terminal before its (refused) shell request.
        session.channel_failure(channel)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(channel, "x11", session)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _variable_name: &str,
        _variable_value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    /// The client sent EOF: nothing more comes on this channel, so close it (the SFTP server
    /// on it ends, and any upload still open there is aborted).
    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.close(channel)
    }
}

impl Drop for SshSession {
    fn drop(&mut self) {
        if self.partner.is_none()
            && let Some((user, why)) = self.refused_key.take()
        {
            let ip = self.p.ip;
            self.p.span.in_scope(|| {
                tracing::warn!(protocol = "sftp", user = %user, %ip, method = "publickey", reason = why.as_str(), "login refused");
            });
        }
    }
}
