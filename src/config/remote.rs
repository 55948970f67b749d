//! `[partner.remote]` (pull mode): the partner-hosted FTP, FTPS or SFTP server Wharf
//! will log into. Read and checked here; `serve` polls them
//! ([`transport::remote`](crate::transport::remote)).
//! The password is a secret: redacted in `Debug`, never in a message.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

use toml::Spanned;

use super::context::Ctx;
use super::raw::{RawDropOff, RawRemote};
use super::units::parse_duration;

/// `poll_every` when not given.
pub const DEFAULT_POLL_EVERY: Duration = Duration::from_secs(60);
/// The kinds of files a `drop_off` table may name.
pub const DROP_OFF_KINDS: &[&str] = &["order", "shipment", "inventory", "invoice", "cancel"];

/// A partner's own server, as configured in `[partner.remote]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Where it is.
    pub url: RemoteUrl,
    /// The login name on it.
    pub username: String,
    /// How Wharf proves who it is (redacted in `Debug`).
    pub secret: RemoteSecret,
    /// The server's expected SSH host key, `TYPE BASE64` (required for sftp://).
    pub host_key: Option<String>,
    /// Remote folder holding the files for us (default `/`).
    pub pick_up: String,
    /// Remote folder(s) for our files.
    pub drop_off: DropOff,
    /// How often to look for files (default 60 s, at least 1 s).
    pub poll_every: Duration,
    /// Delete a remote file once it is safely picked up (default true).
    pub delete_after_pick_up: bool,
    /// ftps:// only: a PEM file of CA certificates trusted besides the system's (for a
    /// server whose certificate a private CA signed).
    pub ca_file: Option<std::path::PathBuf>,
}

/// The protocol of a remote server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteScheme {
    /// `ftp://`, plain FTP.
    Ftp,
    /// `ftps://`, explicit TLS (AUTH TLS) on the FTP port.
    Ftps,
    /// `sftp://`.
    Sftp,
}

impl RemoteScheme {
    /// The URL scheme, without `://`.
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteScheme::Ftp => "ftp",
            RemoteScheme::Ftps => "ftps",
            RemoteScheme::Sftp => "sftp",
        }
    }

    /// The port used when the URL names none.
    pub fn default_port(self) -> u16 {
        match self {
            RemoteScheme::Ftp | RemoteScheme::Ftps => 21,
            RemoteScheme::Sftp => 22,
        }
    }
}

/// `scheme://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    /// ftp, ftps or sftp.
    pub scheme: RemoteScheme,
    /// A host name or an IP address (IPv6 without brackets).
    pub host: String,
    /// The port (default 21 for ftp/ftps, 22 for sftp).
    pub port: u16,
}

impl RemoteUrl {
    /// Parses `ftp://HOST[:PORT]`, `ftps://...` or `sftp://...` (a trailing `/` is allowed;
    /// no user, password or path: those are separate keys).
    pub fn parse(text: &str) -> Result<RemoteUrl, String> {
        let text = text.trim();
        let hint = "expected a URL like \"sftp://sftp.example.com:22\", \"ftps://HOST\" or \"ftp://HOST:21\"";
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(format!("invalid URL {text:?}; {hint}"));
        };
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "ftp" => RemoteScheme::Ftp,
            "ftps" => RemoteScheme::Ftps,
            "sftp" => RemoteScheme::Sftp,
            other => {
                return Err(format!(
                    "unsupported URL scheme {other:?}; use ftp://, ftps:// (explicit TLS) or sftp://"
                ));
            }
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains('/') {
            return Err(format!(
                "URL {text:?} has a path; put remote folders in `pick_up` and `drop_off`"
            ));
        }
        if authority.contains('@') {
            return Err(format!(
                "URL {text:?} has a user part; use `username` and `password` instead"
            ));
        }
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            let Some((host, after)) = inner.split_once(']') else {
                return Err(format!("invalid URL {text:?}: unclosed '[' in the host"));
            };
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| {
                    format!("invalid URL {text:?}: expected ':PORT' after the address")
                })?),
            };
            (host, port)
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(format!("invalid URL {text:?}: no host; {hint}"));
        }
        let port = match port {
            None => scheme.default_port(),
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(format!("invalid URL {text:?}: bad port {p:?}")),
            },
        };
        Ok(RemoteUrl {
            scheme,
            host: host.to_owned(),
            port,
        })
    }
}

impl fmt::Display for RemoteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(
                f,
                "{}://[{}]:{}",
                self.scheme.as_str(),
                self.host,
                self.port
            )
        } else {
            write!(f, "{}://{}:{}", self.scheme.as_str(), self.host, self.port)
        }
    }
}

/// How Wharf logs into the remote server.
#[derive(Clone, PartialEq, Eq)]
pub enum RemoteSecret {
    /// A password (redacted in `Debug`).
    Password(String),
    /// An SSH private key file (sftp:// only), resolved against the config folder.
    KeyFile(PathBuf),
}

impl fmt::Debug for RemoteSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteSecret::Password(_) => f.write_str("Password(***)"),
            RemoteSecret::KeyFile(path) => f.debug_tuple("KeyFile").field(path).finish(),
        }
    }
}

/// Where our files go on the remote server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropOff {
    /// One folder for every file.
    Folder(String),
    /// One folder per kind of file (keys among [`DROP_OFF_KINDS`]).
    ByKind(BTreeMap<String, String>),
}

/// Checks `[partner.remote]` step by step (where, who, which secret, which server key, which
/// folders, how often); `None` when it has a problem (reported to `ctx`).
pub(crate) fn check_remote(raw: &Spanned<RawRemote>, label: &str, ctx: &mut Ctx) -> Option<Remote> {
    let before = ctx.problem_count();
    let table = raw.span();
    let raw = raw.get_ref();
    let at = Table {
        raw,
        span: &table,
        label,
    };

    let url = url(&at, ctx);
    let username = username(&at, ctx);
    let secret = secret(&at, url.as_ref(), ctx);
    let ca_file = ca_file(&at, url.as_ref(), ctx);
    let host_key = host_key(&at, url.as_ref(), ctx);
    let pick_up = match &raw.pick_up {
        None => "/".to_owned(),
        Some(v) => folder(v, "pick_up", label, ctx).unwrap_or_default(),
    };
    let drop_off = drop_off(&at, ctx);
    let poll_every = poll_every(&at, ctx);

    match (url, username, secret, drop_off) {
        (Some(url), Some(username), Some(secret), Some(drop_off))
            if ctx.problem_count() == before =>
        {
            Some(Remote {
                url,
                username,
                secret,
                host_key,
                pick_up,
                drop_off,
                poll_every,
                delete_after_pick_up: raw.delete_after_pick_up.unwrap_or(true),
                ca_file,
            })
        }
        _ => None,
    }
}

/// The `[partner.remote]` table being checked: what it holds, where it is, whose it is.
struct Table<'a> {
    raw: &'a RawRemote,
    span: &'a Range<usize>,
    label: &'a str,
}

/// `url`: required, `ftp://`, `ftps://` or `sftp://HOST[:PORT]`.
fn url(at: &Table<'_>, ctx: &mut Ctx) -> Option<RemoteUrl> {
    let (raw, table, label) = (at.raw, at.span, at.label);
    match &raw.url {
        None => {
            ctx.error(
                table,
                format!(
                    "{label}: [partner.remote] has no `url` (ftp://, ftps:// or sftp://HOST:PORT)"
                ),
            );
            None
        }
        Some(v) => match RemoteUrl::parse(v.get_ref()) {
            Ok(url) => Some(url),
            Err(message) => {
                ctx.error(&v.span(), format!("{label}: remote `url`: {message}"));
                None
            }
        },
    }
}

/// `username`: required, not empty.
fn username(at: &Table<'_>, ctx: &mut Ctx) -> Option<String> {
    let (raw, table, label) = (at.raw, at.span, at.label);
    match &raw.username {
        None => {
            ctx.error(
                table,
                format!("{label}: [partner.remote] has no `username`"),
            );
            None
        }
        Some(v) if v.get_ref().trim().is_empty() => {
            ctx.error(
                &v.span(),
                format!("{label}: remote `username` must not be empty"),
            );
            None
        }
        Some(v) => Some(v.get_ref().clone()),
    }
}

/// `password` or `key_file` (sftp:// only), exactly one.
fn secret(at: &Table<'_>, url: Option<&RemoteUrl>, ctx: &mut Ctx) -> Option<RemoteSecret> {
    let (raw, table, label) = (at.raw, at.span, at.label);
    match (&raw.password, &raw.key_file) {
        (None, None) => {
            ctx.error(
                table,
                format!("{label}: [partner.remote] needs `password` or `key_file`"),
            );
            None
        }
        (Some(_), Some(k)) => {
            ctx.error(
                &k.span(),
                format!("{label}: remote: give `password` or `key_file`, not both"),
            );
            None
        }
        (Some(p), None) if p.get_ref().is_empty() => {
            ctx.error(
                &p.span(),
                format!("{label}: remote `password` must not be empty"),
            );
            None
        }
        (Some(p), None) => Some(RemoteSecret::Password(p.get_ref().clone())),
        (None, Some(k)) => {
            if let Some(u) = &url
                && u.scheme != RemoteScheme::Sftp
            {
                ctx.error(
                    &k.span(),
                    format!(
                        "{label}: remote `key_file` is for sftp:// only; {}:// logs in with `password`",
                        u.scheme.as_str()
                    ),
                );
                None
            } else {
                match ctx.path(k, "key_file") {
                    None => None,
                    Some(path) if path.is_file() => Some(RemoteSecret::KeyFile(path)),
                    Some(path) => {
                        ctx.error(
                            &k.span(),
                            format!(
                                "{label}: remote `key_file`: {} does not exist or is not a file",
                                path.display()
                            ),
                        );
                        None
                    }
                }
            }
        }
    }
}

/// `ca_file`: ftps:// only, an existing file.
fn ca_file(at: &Table<'_>, url: Option<&RemoteUrl>, ctx: &mut Ctx) -> Option<PathBuf> {
    let (raw, label) = (at.raw, at.label);
    match (&raw.ca_file, &url) {
        (Some(v), Some(u)) if u.scheme != RemoteScheme::Ftps => {
            ctx.error(
                &v.span(),
                format!("{label}: remote `ca_file` is for ftps:// only"),
            );
            None
        }
        (Some(v), _) => match ctx.path(v, "ca_file") {
            Some(path) if path.is_file() => Some(path),
            Some(path) => {
                ctx.error(
                    &v.span(),
                    format!(
                        "{label}: remote `ca_file`: {} does not exist or is not a file",
                        path.display()
                    ),
                );
                None
            }
            None => None,
        },
        (None, _) => None,
    }
}

/// `host_key`: required for sftp://, for sftp:// only.
fn host_key(at: &Table<'_>, url: Option<&RemoteUrl>, ctx: &mut Ctx) -> Option<String> {
    let (raw, table, label) = (at.raw, at.span, at.label);
    match (&raw.host_key, &url) {
        (Some(v), Some(u)) if u.scheme != RemoteScheme::Sftp => {
            ctx.error(
                &v.span(),
                format!("{label}: remote `host_key` is for sftp:// only"),
            );
            None
        }
        (Some(v), _) => match check_host_key(v.get_ref()) {
            Ok(line) => Some(line),
            Err(message) => {
                ctx.error(&v.span(), format!("{label}: remote `host_key`: {message}"));
                None
            }
        },
        (None, Some(u)) if u.scheme == RemoteScheme::Sftp => {
            let at = raw.url.as_ref().map_or(table.clone(), Spanned::span);
            ctx.error(
                &at,
                format!(
                    "{label}: sftp:// needs `host_key`, the server's SSH host key; run \
                     `wharf host-key sftp://{}:{}` and pin the line it prints",
                    bracketed(&u.host),
                    u.port
                ),
            );
            None
        }
        (None, _) => None,
    }
}

/// `drop_off`: required, a folder or a table of folders by kind.
fn drop_off(at: &Table<'_>, ctx: &mut Ctx) -> Option<DropOff> {
    let (raw, table, label) = (at.raw, at.span, at.label);
    match &raw.drop_off {
        None => {
            ctx.error(
                table,
                format!(
                    "{label}: [partner.remote] has no `drop_off` (a remote folder, or a table \
                     by kind: order, shipment, inventory, invoice, cancel)"
                ),
            );
            None
        }
        Some(v) => check_drop_off(v, label, ctx),
    }
}

/// `poll_every`: a duration of at least 1 s (default 60 s).
fn poll_every(at: &Table<'_>, ctx: &mut Ctx) -> Duration {
    let (raw, label) = (at.raw, at.label);
    match &raw.poll_every {
        None => DEFAULT_POLL_EVERY,
        Some(v) => match parse_duration(v.get_ref()) {
            Ok(d) if d >= Duration::from_secs(1) => d,
            Ok(_) => {
                ctx.error(
                    &v.span(),
                    format!("{label}: remote `poll_every` must be at least 1s"),
                );
                DEFAULT_POLL_EVERY
            }
            Err(message) => {
                ctx.error(
                    &v.span(),
                    format!("{label}: remote `poll_every`: {message}"),
                );
                DEFAULT_POLL_EVERY
            }
        },
    }
}

/// An IPv6 address in brackets, for a URL.
fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// A remote folder: not empty.
fn folder(value: &Spanned<String>, key: &str, label: &str, ctx: &mut Ctx) -> Option<String> {
    let text = value.get_ref().trim();
    if text.is_empty() {
        ctx.error(
            &value.span(),
            format!("{label}: remote `{key}` must not be empty"),
        );
        return None;
    }
    Some(text.to_owned())
}

fn check_drop_off(value: &Spanned<RawDropOff>, label: &str, ctx: &mut Ctx) -> Option<DropOff> {
    match value.get_ref() {
        RawDropOff::Folder(text) => {
            let spanned = Spanned::new(value.span(), text.clone());
            folder(&spanned, "drop_off", label, ctx).map(DropOff::Folder)
        }
        RawDropOff::ByKind(table) => {
            if table.is_empty() {
                ctx.error(
                    &value.span(),
                    format!("{label}: remote `drop_off` table is empty"),
                );
                return None;
            }
            let mut map = BTreeMap::new();
            let mut ok = true;
            for (kind, dir) in table {
                if !DROP_OFF_KINDS.contains(&kind.as_str()) {
                    ctx.error(
                        &dir.span(),
                        format!(
                            "{label}: remote `drop_off`: unknown kind {kind:?}; use {}",
                            DROP_OFF_KINDS.join(", ")
                        ),
                    );
                    ok = false;
                } else if let Some(dir) = folder(dir, &format!("drop_off.{kind}"), label, ctx) {
                    map.insert(kind.clone(), dir);
                } else {
                    ok = false;
                }
            }
            ok.then_some(DropOff::ByKind(map))
        }
    }
}

/// An OpenSSH public key line `TYPE BASE64 [comment]` → `TYPE BASE64`.
fn check_host_key(text: &str) -> Result<String, String> {
    let hint = "expected an OpenSSH public key line like \"ssh-ed25519 AAAA...\", as printed by \
                `wharf host-key sftp://HOST:PORT`";
    let mut key = russh::keys::PublicKey::from_openssh(text.trim()).map_err(|_| hint.to_owned())?;
    key.set_comment("");
    key.to_openssh()
        .map(|line| line.trim().to_owned())
        .map_err(|_| hint.to_owned())
}
