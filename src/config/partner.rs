//! Checks the `[[partner]]` tables: each partner's own keys first, then what
//! involves several partners (unique names, a cart's `warehouse` naming a warehouse). Problems
//! point at the offending key, or at the partner's `[[partner]]` header when a key is missing.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::value::{Error as ValueError, StrDeserializer};
use toml::Spanned;

use crate::formats::{FORMATS, Format, KitMode};

use super::context::Ctx;
use super::login::{check_allowed_ips, check_authorized_keys, check_credential};
use super::raw::{PartnerEntry, PartnerSection, RawPartner};
use super::remote::check_remote;
use super::{DtdMode, Partner, Role};

/// `cust_ref_max_len` when not given.
pub(crate) const DEFAULT_CUST_REF_MAX_LEN: usize = 20;
/// Allowed `cust_ref_max_len` values.
const CUST_REF_MAX_LEN_RANGE: std::ops::RangeInclusive<i64> = 8..=64;
/// Longest partner name (it is a login name and a folder name).
const MAX_NAME_LEN: usize = 64;

/// What one partner contributes to the checks between partners.
struct Checked {
    /// Its name and the name's span (the header's when the name is invalid or missing).
    name: Option<(String, Range<usize>)>,
    role: Option<Role>,
    /// A cart's `warehouse` value, to resolve once every partner is known.
    warehouse: Option<Spanned<String>>,
    label: String,
    /// Built when the partner has no problem of its own.
    partner: Option<Partner>,
}

/// Checks every partner; the result is complete only when `ctx` has no problems.
pub(crate) fn validate_partners(
    sections: Option<Vec<PartnerSection>>,
    ctx: &mut Ctx,
) -> Vec<Arc<Partner>> {
    let Some(sections) = sections else {
        return Vec::new();
    };
    if sections.is_empty() {
        ctx.error(
            &(0..0),
            "no partners: add at least one [[partner]] table (see the README's \"Configuring partners\")",
        );
        return Vec::new();
    }

    let mut checked = Vec::new();
    for section in sections {
        let header = section.header.clone();
        checked.push(match section.entry {
            PartnerEntry::Read(raw) => check_partner(*raw, &section.header, section.number, ctx),
            PartnerEntry::Unreadable { name, role } => Checked {
                label: name
                    .as_ref()
                    .map_or(format!("partner #{}", section.number), |n| {
                        format!("partner '{n}'")
                    }),
                name: name.map(|n| (n, header)),
                role: match role.as_deref() {
                    Some("cart") => Some(Role::Cart),
                    Some("warehouse") => Some(Role::Warehouse),
                    _ => None,
                },
                warehouse: None,
                partner: None,
            },
        });
    }

    // Unique names; the index knows every named partner, readable or not.
    let mut index: HashMap<String, (usize, Option<Role>)> = HashMap::new();
    for c in &checked {
        let Some((name, span)) = &c.name else {
            continue;
        };
        let line = ctx.line(span);
        match index.get(name) {
            Some((first_line, _)) => ctx.error(
                span,
                format!("partner name '{name}' is already used (line {first_line})"),
            ),
            None => {
                index.insert(name.clone(), (line, c.role));
            }
        }
    }

    // Each cart's warehouse must be a warehouse partner.
    for c in &checked {
        let Some(wh) = &c.warehouse else { continue };
        match index.get(wh.get_ref().as_str()) {
            None => ctx.error(
                &wh.span(),
                format!(
                    "{}: warehouse '{}' is not a configured partner",
                    c.label,
                    wh.get_ref()
                ),
            ),
            Some((_, Some(Role::Cart))) => ctx.error(
                &wh.span(),
                format!(
                    "{}: warehouse '{}' is a cart, not a warehouse",
                    c.label,
                    wh.get_ref()
                ),
            ),
            Some(_) => {}
        }
    }

    checked
        .into_iter()
        .filter_map(|c| c.partner.map(Arc::new))
        .collect()
}

/// Checks one partner's own keys, step by step: who it is, what it speaks, how it logs in,
/// the keys of its format, its mappings, and its own server.
fn check_partner(raw: RawPartner, header: &Range<usize>, number: usize, ctx: &mut Ctx) -> Checked {
    let before = ctx.problem_count();
    let (name, label) = identity(&raw, header, number, ctx);
    let role = role(&raw, header, &label, ctx);
    let format = format(&raw, header, role, &label, ctx);
    let warehouse = warehouse(&raw, header, role, &label, ctx);

    let authorized_keys = check_authorized_keys(&raw, &label, ctx);
    let credential = check_credential(&raw, &label, header, !authorized_keys.is_empty(), ctx);
    let allowed_ips = check_allowed_ips(&raw, &label, ctx);

    let keys = format_keys(&raw, format, &label, ctx);
    let sku_aliases = check_map(&raw.sku_aliases, "sku_aliases", role, &label, ctx);
    let ship_methods = check_map(&raw.ship_methods, "ship_methods", role, &label, ctx);
    let cust_ref_max_len = cust_ref_max_len(&raw, role, &label, ctx);
    let accept_orders_since = accept_orders_since(&raw, role, &label, ctx);
    let check_skus = check_skus(&raw, role, &label, ctx);
    let remote = raw
        .remote
        .as_ref()
        .and_then(|remote| check_remote(remote, &label, ctx));

    let partner = match (&name, role, format, credential) {
        (Some((name, _)), Some(role), Some(format), Some(credential))
            if ctx.problem_count() == before =>
        {
            Some(Partner {
                name: name.clone(),
                role,
                format,
                credential,
                authorized_keys,
                allowed_ips,
                warehouse: warehouse.as_ref().map(|w| w.get_ref().clone()),
                dtd: keys.dtd,
                dtd_mode: keys.dtd_mode,
                distribution_center: keys.distribution_center,
                kits: keys.kits,
                sku_aliases,
                ship_methods,
                cust_ref_max_len,
                accept_orders_since,
                check_skus,
                remote,
            })
        }
        _ => None,
    };
    Checked {
        name,
        role,
        warehouse,
        label,
        partner,
    }
}

/// `name`: the partner's name and its span when valid, and the label messages use
/// (`partner 'NAME'`, or `partner #N` without a name).
fn identity(
    raw: &RawPartner,
    header: &Range<usize>,
    number: usize,
    ctx: &mut Ctx,
) -> (Option<(String, Range<usize>)>, String) {
    let name = match &raw.name {
        None => {
            ctx.error(header, format!("partner #{number} has no `name`"));
            None
        }
        Some(value) => match check_name(value.get_ref()) {
            Ok(()) => Some((value.get_ref().clone(), value.span())),
            Err(message) => {
                ctx.error(&value.span(), format!("partner #{number}: {message}"));
                None
            }
        },
    };
    let label = match &raw.name {
        Some(n) => format!("partner '{}'", n.get_ref()),
        None => format!("partner #{number}"),
    };
    (name, label)
}

/// `role`: cart or warehouse.
fn role(raw: &RawPartner, header: &Range<usize>, label: &str, ctx: &mut Ctx) -> Option<Role> {
    match &raw.role {
        None => {
            ctx.error(
                header,
                format!("{label} has no `role` (\"cart\" or \"warehouse\")"),
            );
            None
        }
        Some(value) => match value.get_ref().as_str() {
            "cart" => Some(Role::Cart),
            "warehouse" => Some(Role::Warehouse),
            other => {
                ctx.error(
                    &value.span(),
                    format!("{label}: role must be \"cart\" or \"warehouse\", not {other:?}"),
                );
                None
            }
        },
    }
}

/// `format`: one of [`FORMATS`], spoken on the partner's side of the exchange.
fn format(
    raw: &RawPartner,
    header: &Range<usize>,
    role: Option<Role>,
    label: &str,
    ctx: &mut Ctx,
) -> Option<Format> {
    let Some(value) = &raw.format else {
        let names: Vec<&str> = FORMATS.iter().map(|f| f.as_str()).collect();
        ctx.error(
            header,
            format!("{label} has no `format` ({})", one_of(&names, "or")),
        );
        return None;
    };
    let Some(format) = Format::named(value.get_ref()) else {
        ctx.error(
            &value.span(),
            format!("{label}: {}", Format::unknown(value.get_ref())),
        );
        return None;
    };
    if let Some(role) = role
        && format.role() != role
    {
        let theirs: Vec<String> = FORMATS
            .iter()
            .filter(|f| f.role() == role)
            .map(|f| format!("\"{}\"", f.as_str()))
            .collect();
        let theirs: Vec<&str> = theirs.iter().map(String::as_str).collect();
        ctx.error(
            &value.span(),
            format!(
                "{label}: a {} uses format {}, not \"{}\"",
                role.as_str(),
                one_of(&theirs, "or"),
                format.as_str()
            ),
        );
    }
    Some(format)
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(items: &[&str], or: &str) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} {or} {last}", rest.join(", ")),
    }
}

/// `warehouse`: a cart's, naming the warehouse its orders go to (resolved once every partner
/// is known); a warehouse has none.
fn warehouse(
    raw: &RawPartner,
    header: &Range<usize>,
    role: Option<Role>,
    label: &str,
    ctx: &mut Ctx,
) -> Option<Spanned<String>> {
    match (role, &raw.warehouse) {
        (Some(Role::Cart), None) => {
            ctx.error(
                header,
                format!(
                    "{label}: a cart needs `warehouse`, the name of the warehouse partner its \
                     orders go to"
                ),
            );
            None
        }
        (Some(Role::Cart), Some(value)) => Some(value.clone()),
        (Some(Role::Warehouse), Some(value)) => {
            ctx.error(
                &value.span(),
                format!("{label}: `warehouse` is for carts; a warehouse has none"),
            );
            None
        }
        (_, _) => None,
    }
}

/// The keys only some formats take ([`FormatSpec::keys`](crate::formats::FormatSpec::keys)).
struct FormatKeys {
    dtd: Option<std::path::PathBuf>,
    dtd_mode: DtdMode,
    distribution_center: Option<String>,
    kits: KitMode,
}

/// The span of a format-specific key the partner sets.
fn format_key_span(raw: &RawPartner, key: &str) -> Option<Range<usize>> {
    let value = match key {
        "dtd" => &raw.dtd,
        "dtd_mode" => &raw.dtd_mode,
        "distribution_center" => &raw.distribution_center,
        "kits" => &raw.kits,
        _ => &None,
    };
    value.as_ref().map(Spanned::span)
}

/// `dtd`, `dtd_mode`, `distribution_center`, `kits`: each only for a format that takes it.
fn format_keys(raw: &RawPartner, format: Option<Format>, label: &str, ctx: &mut Ctx) -> FormatKeys {
    let takes = |key: &str| format.is_some_and(|f| f.spec().keys.contains(&key));
    for key in ["dtd", "dtd_mode", "distribution_center", "kits"] {
        if let (Some(span), Some(f)) = (format_key_span(raw, key), format)
            && !takes(key)
        {
            let owners: Vec<String> = FORMATS
                .iter()
                .filter(|o| o.spec().keys.contains(&key))
                .map(|o| format!("\"{}\"", o.as_str()))
                .collect();
            let owners: Vec<&str> = owners.iter().map(String::as_str).collect();
            ctx.error(
                &span,
                format!(
                    "{label}: `{key}` applies to format {} only, not \"{}\"",
                    one_of(&owners, "or"),
                    f.as_str()
                ),
            );
        }
    }
    let dtd = raw
        .dtd
        .as_ref()
        .filter(|_| takes("dtd"))
        .and_then(|value| ctx.existing_file(value, "dtd"));
    let dtd_mode = match (&raw.dtd_mode, &raw.dtd) {
        (Some(value), None) if takes("dtd_mode") => {
            ctx.error(
                &value.span(),
                format!("{label}: `dtd_mode` applies only with `dtd` (the DTD to check against)"),
            );
            DtdMode::default()
        }
        _ => mode_key(&raw.dtd_mode, takes("dtd_mode"), "dtd_mode", label, ctx),
    };
    let distribution_center = raw.distribution_center.as_ref().and_then(|value| {
        let dc = value.get_ref().trim();
        if dc.is_empty() {
            ctx.error(
                &value.span(),
                format!("{label}: `distribution_center` must not be empty"),
            );
            return None;
        }
        Some(dc.to_owned())
    });
    let kits = mode_key(&raw.kits, takes("kits"), "kits mode", label, ctx);
    FormatKeys {
        dtd,
        dtd_mode,
        distribution_center,
        kits,
    }
}

/// `cust_ref_max_len`: a warehouse's, within [`CUST_REF_MAX_LEN_RANGE`].
fn cust_ref_max_len(raw: &RawPartner, role: Option<Role>, label: &str, ctx: &mut Ctx) -> usize {
    match (&raw.cust_ref_max_len, role) {
        (None, _) => DEFAULT_CUST_REF_MAX_LEN,
        (Some(value), Some(Role::Cart)) => {
            ctx.error(
                &value.span(),
                format!("{label}: `cust_ref_max_len` is for warehouses only"),
            );
            DEFAULT_CUST_REF_MAX_LEN
        }
        (Some(value), _) => {
            let n = *value.get_ref();
            if CUST_REF_MAX_LEN_RANGE.contains(&n) {
                usize::try_from(n).unwrap_or(DEFAULT_CUST_REF_MAX_LEN)
            } else {
                ctx.error(
                    &value.span(),
                    format!(
                        "{label}: `cust_ref_max_len` must be between {} and {}, not {n}",
                        CUST_REF_MAX_LEN_RANGE.start(),
                        CUST_REF_MAX_LEN_RANGE.end()
                    ),
                );
                DEFAULT_CUST_REF_MAX_LEN
            }
        }
    }
}

/// `accept_orders_since`: a cart's go-live date, `YYYY-MM-DD`.
fn accept_orders_since(
    raw: &RawPartner,
    role: Option<Role>,
    label: &str,
    ctx: &mut Ctx,
) -> Option<jiff::civil::Date> {
    let value = raw.accept_orders_since.as_ref()?;
    if role == Some(Role::Warehouse) {
        ctx.error(
            &value.span(),
            format!("{label}: `accept_orders_since` is for carts only (the date their orders are taken from)"),
        );
        return None;
    }
    let text = value.get_ref().trim();
    match text.parse::<jiff::civil::Date>() {
        Ok(date) if text.len() == 10 => Some(date),
        _ => {
            ctx.error(
                &value.span(),
                format!("{label}: `accept_orders_since` must be a date like \"2026-11-01\", not {text:?}"),
            );
            None
        }
    }
}

/// `check_skus`: a warehouse's, default false.
fn check_skus(raw: &RawPartner, role: Option<Role>, label: &str, ctx: &mut Ctx) -> bool {
    match (&raw.check_skus, role) {
        (Some(value), Some(Role::Cart)) => {
            ctx.error(
                &value.span(),
                format!("{label}: `check_skus` is for warehouses only (it checks orders against the warehouse's catalog)"),
            );
            false
        }
        (Some(value), _) => *value.get_ref(),
        (None, _) => false,
    }
}

/// `[a-z0-9][a-z0-9_-]*`, at most [`MAX_NAME_LEN`] characters.
fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !first_ok || !rest_ok {
        return Err(format!(
            "name {name:?} must match [a-z0-9][a-z0-9_-]* (lower-case letters, digits, _ and -; \
             starting with a letter or digit)"
        ));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "name {name:?} is longer than {MAX_NAME_LEN} characters"
        ));
    }
    Ok(())
}

/// A value of a serde enum (`KitMode`, `DtdMode`) from its config name.
fn from_name<'a, T: Deserialize<'a>>(name: &'a str) -> Result<T, String> {
    T::deserialize(StrDeserializer::<ValueError>::new(name)).map_err(|e| e.to_string())
}

/// A key naming one of an enum's values (`kits`, `dtd_mode`): its value, or the default (with
/// an error naming `what` for an unknown value) when absent, unknown, or not `applies`.
fn mode_key<'a, T: Deserialize<'a> + Default>(
    value: &'a Option<Spanned<String>>,
    applies: bool,
    what: &str,
    label: &str,
    ctx: &mut Ctx,
) -> T {
    match value {
        Some(value) if applies => from_name::<T>(value.get_ref()).unwrap_or_else(|message| {
            let message = message.replacen("unknown variant", &format!("unknown {what}"), 1);
            ctx.error(&value.span(), format!("{label}: {message}"));
            T::default()
        }),
        _ => T::default(),
    }
}

/// `sku_aliases` / `ship_methods`: carts only; keys and values not empty.
fn check_map(
    value: &Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    key: &str,
    role: Option<Role>,
    label: &str,
    ctx: &mut Ctx,
) -> BTreeMap<String, String> {
    let Some(table) = value else {
        return BTreeMap::new();
    };
    if role == Some(Role::Warehouse) {
        ctx.error(
            &table.span(),
            format!(
                "{label}: `{key}` is for carts only (it maps the cart's codes to the warehouse's)"
            ),
        );
        return BTreeMap::new();
    }
    let mut map = BTreeMap::new();
    for (from, to) in table.get_ref() {
        if from.trim().is_empty() {
            ctx.error(&table.span(), format!("{label}: `{key}` has an empty key"));
        } else if to.get_ref().trim().is_empty() {
            ctx.error(
                &to.span(),
                format!("{label}: `{key}` maps {from:?} to an empty value"),
            );
        } else {
            map.insert(from.clone(), to.get_ref().clone());
        }
    }
    map
}
