//! A warehouse's access to the merchant API (`api_user` with `api_key_hash` or
//! `api_key_file`): the name it sends in HTTP Basic authentication and the key it proves
//! itself with, hashed like a password (`wharf passwd` hashes a key as well). Only warehouses
//! have it; every `api_user` is unique across partners.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::Credential;
use super::Role;
use super::context::Ctx;
use super::credential::check_phc;
use super::login::read_secret_file;
use super::raw::RawPartner;

/// A warehouse's merchant-API account.
#[derive(Debug, Clone)]
pub struct ApiAccess {
    /// The user name of HTTP Basic authentication.
    pub user: String,
    /// Its key (an argon2 hash; plain only from an `api_key_file` holding the key itself, or
    /// in the demo).
    pub key: Credential,
}

/// Longest `api_user`.
const MAX_USER_LEN: usize = 128;

/// `api_user` and its key, when given: both or neither, warehouses only.
pub(crate) fn check_api(
    raw: &RawPartner,
    role: Option<Role>,
    label: &str,
    header: &Range<usize>,
    ctx: &mut Ctx,
) -> Option<ApiAccess> {
    let key_given = raw.api_key_hash.as_ref().or(raw.api_key_file.as_ref());
    let Some(user) = &raw.api_user else {
        if let Some(k) = key_given {
            ctx.error(
                &k.span(),
                format!("{label}: an API key without `api_user` (set both)"),
            );
        }
        return None;
    };
    if role == Some(Role::Cart) {
        ctx.error(
            &user.span(),
            format!("{label}: `api_user` is for warehouses (the merchant API serves warehouses)"),
        );
        return None;
    }
    let name = user.get_ref();
    if let Err(why) = check_user(name) {
        ctx.error(&user.span(), format!("{label}: `api_user` {why}"));
        return None;
    }
    let key = match (&raw.api_key_hash, &raw.api_key_file) {
        (Some(h), None) => match check_phc(h.get_ref().trim()) {
            Ok(()) => Credential::Hash(h.get_ref().trim().to_owned()),
            Err(message) => {
                ctx.error(&h.span(), format!("{label}: `api_key_hash` is {message}"));
                return None;
            }
        },
        (None, Some(f)) => read_secret_file(f, "api_key_file", label, ctx)?,
        (Some(_), Some(f)) => {
            ctx.error(
                &f.span(),
                format!("{label}: `api_key_file` conflicts with `api_key_hash`; use one"),
            );
            return None;
        }
        (None, None) => {
            ctx.error(
                header,
                format!(
                    "{label}: `api_user` needs `api_key_hash` (from `wharf passwd`) or `api_key_file`"
                ),
            );
            return None;
        }
    };
    Some(ApiAccess {
        user: name.clone(),
        key,
    })
}

/// A user name Basic authentication can carry: printable, no colon, not too long.
fn check_user(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > MAX_USER_LEN {
        return Err(format!("is longer than {MAX_USER_LEN} bytes"));
    }
    if name.contains(':') {
        return Err("must not contain ':' (HTTP Basic authentication ends the name there)".into());
    }
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("must not contain spaces or control characters".into());
    }
    Ok(())
}

/// No two partners share an `api_user`: `users` holds each partner's (its `api_user` value,
/// the partner's label).
pub(crate) fn check_unique(users: &[(&Spanned<String>, &str)], ctx: &mut Ctx) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (user, label) in users {
        if let Some(other) = seen.insert(user.get_ref().as_str(), label) {
            ctx.error(
                &user.span(),
                format!(
                    "{label}: `api_user` '{}' is already used by {other}",
                    user.get_ref()
                ),
            );
        }
    }
}
