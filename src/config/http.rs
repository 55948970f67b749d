//! `[http]`: the one HTTP listener (health, metrics, the web console, and later the merchant
//! API), with its `[[http.admin]]` accounts. Without the table nothing listens. Checked like the
//! rest of the file: every problem is a `FILE:LINE` message.

use std::net::SocketAddr;
use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;

use super::Credential;
use super::context::Ctx;
use super::credential::check_phc;
use super::listeners::{Listeners, listen};
use super::raw::{RawAdmin, RawHttp};

/// `[http]`: where the console, `/healthz` and `/metrics` listen.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Addresses to listen on (at least one).
    pub listen: Vec<SocketAddr>,
    /// PEM certificate chain: HTTPS when set (with `tls_key`).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    pub tls_key: Option<PathBuf>,
    /// The console's accounts; none means the console refuses every login.
    pub admins: Vec<Admin>,
}

impl HttpConfig {
    /// Whether the listener speaks HTTPS.
    pub fn tls(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
    }
}

/// One console account (`[[http.admin]]`).
#[derive(Debug, Clone)]
pub struct Admin {
    /// Login name.
    pub name: String,
    /// Its password (an argon2 hash from `wharf passwd`; plain only in the demo).
    pub credential: Credential,
}

/// Checks `[http]`.
pub(crate) fn check_http(
    value: Spanned<RawHttp>,
    ctx: &mut Ctx,
    listeners: &mut Listeners,
) -> Option<HttpConfig> {
    let section = value.span();
    let raw = value.into_inner();
    let before = ctx.problem_count();
    let listen = listen(
        raw.listen,
        &section,
        "[http]",
        "127.0.0.1:8080",
        ctx,
        listeners,
    );
    let (tls_cert, tls_key) =
        super::listeners::tls_pair(ctx, "[http]", &raw.tls_cert, &raw.tls_key);
    let admins = match raw.admin {
        Some(list) => check_admins(list.into_inner(), ctx),
        None => Vec::new(),
    };
    if ctx.problem_count() != before {
        return None;
    }
    Some(HttpConfig {
        listen: listen?,
        tls_cert,
        tls_key,
        admins,
    })
}

/// Each `[[http.admin]]`: a name (unique) and a `password_hash`.
fn check_admins(list: Vec<Spanned<RawAdmin>>, ctx: &mut Ctx) -> Vec<Admin> {
    let mut admins: Vec<Admin> = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for item in list {
        let header: Range<usize> = item.span();
        let raw = item.into_inner();
        let name = match &raw.name {
            None => {
                ctx.error(&header, "[[http.admin]] needs `name`");
                None
            }
            Some(n) if !valid_name(n.get_ref()) => {
                ctx.error(
                    &n.span(),
                    format!(
                        "[[http.admin]] `name` {:?}: use letters, digits, '.', '_', '-' and '@' (1 to 64)",
                        n.get_ref()
                    ),
                );
                None
            }
            Some(n) => {
                let line = ctx.line(&n.span());
                if let Some((_, other)) = seen.iter().find(|(s, _)| s == n.get_ref()) {
                    ctx.error(
                        &n.span(),
                        format!(
                            "[[http.admin]] `name` {:?} is already used (line {other})",
                            n.get_ref()
                        ),
                    );
                }
                seen.push((n.get_ref().clone(), line));
                Some(n.get_ref().clone())
            }
        };
        let label = format!("[[http.admin]] '{}'", name.as_deref().unwrap_or("?"));
        let credential = match &raw.password_hash {
            None => {
                ctx.error(
                    &header,
                    format!("{label} needs `password_hash` (from `wharf passwd`)"),
                );
                None
            }
            Some(h) => match check_phc(h.get_ref().trim()) {
                Ok(()) => Some(Credential::Hash(h.get_ref().trim().to_owned())),
                Err(message) => {
                    ctx.error(&h.span(), format!("{label}: `password_hash` is {message}"));
                    None
                }
            },
        };
        if let (Some(name), Some(credential)) = (name, credential) {
            admins.push(Admin { name, credential });
        }
    }
    admins
}

/// A console login name: short, printable, no spaces.
fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}
