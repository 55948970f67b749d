//! How a partner logs in: its password credential (`password_hash`,
//! `password_file` or `password`), its SSH `authorized_keys`, and the `allowed_ips` it may
//! connect from.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::Credential;
use super::context::Ctx;
use super::credential::check_phc;
use super::raw::RawPartner;

/// OpenSSH public key types accepted in `authorized_keys`.
const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// Exactly one of `password_hash`, `password_file`, `password`, or none for a key-only
/// partner.
pub(crate) fn check_credential(
    raw: &RawPartner,
    label: &str,
    header: &Range<usize>,
    has_keys: bool,
    ctx: &mut Ctx,
) -> Option<Credential> {
    let mut given: Vec<(&str, &Spanned<String>)> = [
        ("password_hash", &raw.password_hash),
        ("password_file", &raw.password_file),
        ("password", &raw.password),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.as_ref().map(|v| (key, v)))
    .collect();
    given.sort_by_key(|(_, value)| value.span().start); // report the later one

    match given.as_slice() {
        [] if has_keys => Some(Credential::None),
        [] => {
            ctx.error(
                header,
                format!(
                    "{label} has no credential: set password_hash (from `wharf passwd`), \
                     password_file, or authorized_keys for a key-only SFTP partner"
                ),
            );
            None
        }
        [(key, value)] => {
            let span = value.span();
            let text = value.get_ref();
            match *key {
                "password_hash" => match check_phc(text.trim()) {
                    Ok(()) => Some(Credential::Hash(text.trim().to_owned())),
                    Err(message) => {
                        ctx.error(&span, format!("{label}: `password_hash` is {message}"));
                        None
                    }
                },
                "password_file" => read_password_file(value, label, ctx),
                _ => {
                    if text.is_empty() {
                        ctx.error(&span, format!("{label}: `password` is empty"));
                        return None;
                    }
                    ctx.warn(
                        &span,
                        format!(
                            "{label} has a plain-text password; use password_hash (wharf passwd)"
                        ),
                    );
                    Some(Credential::Plain(text.clone()))
                }
            }
        }
        [_, (second, value), ..] => {
            ctx.error(
                &value.span(),
                format!(
                    "{label}: `{second}` conflicts with `{}`; use exactly one of password_hash, \
                     password_file and password",
                    given[0].0
                ),
            );
            None
        }
    }
}

/// `password_file`: its trimmed content is an argon2 hash when it starts with `$argon2`,
/// otherwise the password itself.
fn read_password_file(value: &Spanned<String>, label: &str, ctx: &mut Ctx) -> Option<Credential> {
    let span = value.span();
    let path = ctx.path(value, "password_file")?;
    let content = match std::fs::read_to_string(&path) {
        Ok(content) => content,
        Err(e) => {
            ctx.error(
                &span,
                format!("{label}: cannot read password_file {}: {e}", path.display()),
            );
            return None;
        }
    };
    warn_if_shared(&path, &span, label, ctx);
    let secret = content.trim();
    if secret.is_empty() {
        ctx.error(
            &span,
            format!("{label}: password_file {} is empty", path.display()),
        );
        return None;
    }
    if secret.starts_with("$argon2") {
        match check_phc(secret) {
            Ok(()) => Some(Credential::Hash(secret.to_owned())),
            Err(message) => {
                ctx.error(
                    &span,
                    format!(
                        "{label}: password_file {} holds a hash that is {message}",
                        path.display()
                    ),
                );
                None
            }
        }
    } else {
        Some(Credential::Plain(secret.to_owned()))
    }
}

/// Warns when a password file can be read by other users.
#[cfg(unix)]
fn warn_if_shared(path: &Path, span: &Range<usize>, label: &str, ctx: &mut Ctx) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        ctx.warn(
            span,
            format!(
                "{label}: password_file {} is accessible to other users; chmod 600 it",
                path.display()
            ),
        );
    }
}

/// Warns when a password file can be read by other users (not checked on this platform).
#[cfg(not(unix))]
fn warn_if_shared(_: &Path, _: &Range<usize>, _: &str, _: &mut Ctx) {}

/// `authorized_keys`: OpenSSH public key lines, `TYPE BASE64 [comment]`.
pub(crate) fn check_authorized_keys(raw: &RawPartner, label: &str, ctx: &mut Ctx) -> Vec<String> {
    let Some(list) = &raw.authorized_keys else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for item in list.get_ref() {
        let line = item.get_ref().trim();
        let mut fields = line.split_whitespace();
        let (kind, data) = (fields.next(), fields.next());
        let problem = match (kind, data) {
            (Some(kind), Some(data)) => {
                if !KEY_TYPES.contains(&kind) {
                    Some(format!(
                        "unsupported key type {kind:?} (use one of {})",
                        KEY_TYPES.join(", ")
                    ))
                } else if !data
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
                {
                    Some("the key data is not base64".to_owned())
                } else {
                    None
                }
            }
            _ => {
                Some("expected an OpenSSH public key line: \"ssh-ed25519 AAAA... comment\"".into())
            }
        };
        match problem {
            Some(message) => ctx.error(
                &item.span(),
                format!("{label}: `authorized_keys` entry: {message}"),
            ),
            None => keys.push(line.to_owned()),
        }
    }
    keys
}

/// `allowed_ips`: CIDR networks or plain addresses.
pub(crate) fn check_allowed_ips(raw: &RawPartner, label: &str, ctx: &mut Ctx) -> Vec<ipnet::IpNet> {
    let Some(list) = &raw.allowed_ips else {
        return Vec::new();
    };
    if list.get_ref().is_empty() {
        ctx.error(
            &list.span(),
            format!("{label}: `allowed_ips` is empty; remove it to allow any address"),
        );
    }
    let mut nets = Vec::new();
    for item in list.get_ref() {
        let text = item.get_ref().trim();
        match super::units::parse_net(text) {
            Some(net) => nets.push(net),
            None => ctx.error(
                &item.span(),
                format!(
                    "{label}: `allowed_ips` entry {text:?} is not an IP address or CIDR network \
                     (e.g. \"198.51.100.0/24\")"
                ),
            ),
        }
    }
    nets
}
