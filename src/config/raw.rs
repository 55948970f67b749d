//! Stage one of loading: what the user typed. The TOML document is parsed once
//! with spans, split into its sections, and each section is deserialized on its own into the
//! serde shapes below (`deny_unknown_fields` everywhere), so a mistake in one partner does not
//! hide the problems of the others. Values stay loosely typed (`Spanned<String>` mostly) so
//! that [`check`](super::check) can report every problem with its line.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::context::Ctx;

/// `[ftp]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [ftp] table")]
pub(crate) struct RawFtp {
    pub listen: Option<Spanned<RawListen>>,
    pub passive_ports: Option<Spanned<String>>,
    pub passive_ports_per_partner: Option<Spanned<i64>>,
    pub passive_host: Option<Spanned<String>>,
    pub tls_cert: Option<Spanned<String>>,
    pub tls_key: Option<Spanned<String>>,
    pub require_tls: Option<Spanned<bool>>,
    pub active_mode: Option<bool>,
}

/// `[sftp]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [sftp] table")]
pub(crate) struct RawSftp {
    pub listen: Option<Spanned<RawListen>>,
    pub host_keys: Option<Spanned<Vec<Spanned<String>>>>,
    pub legacy_algorithms: Option<bool>,
}

/// `[http]` as typed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [http] table")]
pub(crate) struct RawHttp {
    pub listen: Option<Spanned<RawListen>>,
    pub tls_cert: Option<Spanned<String>>,
    pub tls_key: Option<Spanned<String>>,
    pub admin: Option<Spanned<Vec<Spanned<RawAdmin>>>>,
}

/// One `[[http.admin]]`. Holds a secret, so it has no `Debug`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [[http.admin]] table")]
pub(crate) struct RawAdmin {
    pub name: Option<Spanned<String>>,
    pub password_hash: Option<Spanned<String>>,
}

/// One `[[alert]]` as typed. Holds a secret, so it has no `Debug`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [[alert]] table")]
pub(crate) struct RawAlert {
    pub rule: Option<Spanned<String>>,
    pub partner: Option<Spanned<String>>,
    pub within: Option<Spanned<String>>,
    pub between: Option<Spanned<String>>,
    pub timezone: Option<Spanned<String>>,
    #[serde(rename = "for")]
    pub for_: Option<Spanned<String>>,
    pub webhook: Option<Spanned<String>>,
    pub secret: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
}

/// `[smtp]` as typed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [smtp] table")]
pub(crate) struct RawSmtp {
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<i64>>,
    pub username: Option<Spanned<String>>,
    pub password_file: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub starttls: Option<Spanned<bool>>,
    pub ca_file: Option<Spanned<String>>,
}

/// `[store]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [store] table")]
pub(crate) struct RawStore {
    pub postgres: Option<Spanned<String>>,
    pub postgres_file: Option<Spanned<String>>,
    pub instance: Option<Spanned<String>>,
    pub claim_expiry: Option<Spanned<String>>,
    pub rescan: Option<Spanned<String>>,
}

/// `[limits]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [limits] table")]
pub(crate) struct RawLimits {
    pub max_sessions: Option<Spanned<i64>>,
    pub max_sessions_per_partner: Option<Spanned<i64>>,
    pub idle_timeout: Option<Spanned<String>>,
    pub max_upload_size: Option<Spanned<RawNumberOrText>>,
    pub lockout_failures: Option<Spanned<i64>>,
    pub lockout_window: Option<Spanned<String>>,
    pub lockout_duration: Option<Spanned<String>>,
    pub shutdown_grace: Option<Spanned<String>>,
    pub login_timeout: Option<Spanned<String>>,
    pub max_unauthenticated: Option<Spanned<RawNumberOrText>>,
    pub max_unauthenticated_per_source: Option<Spanned<i64>>,
    pub connection_rate_per_source: Option<Spanned<String>>,
    pub connection_burst_per_source: Option<Spanned<i64>>,
    pub per_source_exempt: Option<Spanned<Vec<Spanned<String>>>>,
}

/// One `[[partner]]`. Holds secrets, so it has no `Debug`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [[partner]] table")]
pub(crate) struct RawPartner {
    pub name: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    pub format: Option<Spanned<String>>,
    pub password_hash: Option<Spanned<String>>,
    pub password_file: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub authorized_keys: Option<Spanned<Vec<Spanned<String>>>>,
    pub allowed_ips: Option<Spanned<Vec<Spanned<String>>>>,
    pub warehouse: Option<Spanned<String>>,
    pub dtd: Option<Spanned<String>>,
    pub dtd_mode: Option<Spanned<String>>,
    pub distribution_center: Option<Spanned<String>>,
    pub kits: Option<Spanned<String>>,
    pub sku_aliases: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    pub ship_methods: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    pub cust_ref_max_len: Option<Spanned<i64>>,
    pub api_user: Option<Spanned<String>>,
    pub api_key_hash: Option<Spanned<String>>,
    pub api_key_file: Option<Spanned<String>>,
    pub accept_orders_since: Option<Spanned<String>>,
    pub check_skus: Option<Spanned<bool>>,
    /// `[partner.remote]` (pull mode).
    pub remote: Option<Spanned<RawRemote>>,
}

/// `[partner.remote]` as typed. Holds a secret, so it has no `Debug`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [partner.remote] table")]
pub(crate) struct RawRemote {
    pub url: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub key_file: Option<Spanned<String>>,
    pub host_key: Option<Spanned<String>>,
    pub pick_up: Option<Spanned<String>>,
    pub delete_after_pick_up: Option<bool>,
    pub drop_off: Option<Spanned<RawDropOff>>,
    pub poll_every: Option<Spanned<String>>,
    pub ca_file: Option<Spanned<String>>,
}

/// `drop_off`: a folder or a table of folders by kind.
pub(crate) enum RawDropOff {
    Folder(String),
    ByKind(BTreeMap<String, Spanned<String>>),
}

impl<'de> Deserialize<'de> for RawDropOff {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DropOffVisitor;
        impl<'de> Visitor<'de> for DropOffVisitor {
            type Value = RawDropOff;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a remote folder like \"/in\" or a table like { shipment = \"/in/shipment\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDropOff, E> {
                Ok(RawDropOff::Folder(v.to_owned()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<RawDropOff, A::Error> {
                let mut all = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, Spanned<String>>()? {
                    all.insert(k, v);
                }
                Ok(RawDropOff::ByKind(all))
            }
        }
        deserializer.deserialize_any(DropOffVisitor)
    }
}

/// `listen`: one address or a list of them.
pub(crate) enum RawListen {
    /// `listen = "0.0.0.0:21"` (its span is the field's).
    One(String),
    /// `listen = ["0.0.0.0:21", "[::]:21"]`.
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for RawListen {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListenVisitor;
        impl<'de> Visitor<'de> for ListenVisitor {
            type Value = RawListen;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an address like \"0.0.0.0:21\" or an array of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawListen, E> {
                Ok(RawListen::One(v.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawListen, A::Error> {
                let mut all = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    all.push(item);
                }
                Ok(RawListen::Many(all))
            }
        }
        deserializer.deserialize_any(ListenVisitor)
    }
}

/// A number or a string: `max_upload_size` (bytes, or `"2GiB"`), `max_unauthenticated` (`100`,
/// or `"64:30:256"`).
pub(crate) enum RawNumberOrText {
    /// `max_upload_size = 1048576`.
    Number(i64),
    /// `max_upload_size = "2GiB"`.
    Text(String),
}

impl<'de> Deserialize<'de> for RawNumberOrText {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberOrTextVisitor;
        impl Visitor<'_> for NumberOrTextVisitor {
            type Value = RawNumberOrText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNumberOrText, E> {
                Ok(RawNumberOrText::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNumberOrText, E> {
                i64::try_from(v)
                    .map(RawNumberOrText::Number)
                    .map_err(|_| E::custom("number is too large"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNumberOrText, E> {
                Ok(RawNumberOrText::Text(v.to_owned()))
            }
        }
        deserializer.deserialize_any(NumberOrTextVisitor)
    }
}

/// A `[[partner]]` as far as it could be read.
pub(crate) enum PartnerEntry {
    /// Deserialized; validation goes on.
    Read(Box<RawPartner>),
    /// Its table had a problem (already reported); only its name and role, when they are
    /// plain strings, are kept so that other partners' references to it are not reported too.
    Unreadable {
        name: Option<String>,
        role: Option<String>,
    },
}

/// One `[[partner]]`: where its header is, and what it holds.
pub(crate) struct PartnerSection {
    /// The span of its `[[partner]]` header (or inline table).
    pub header: Range<usize>,
    /// 1-based position among the partners, for messages about a partner without a name.
    pub number: usize,
    /// Its content.
    pub entry: PartnerEntry,
}

/// The document split into sections. A section that failed to deserialize is `None` (its
/// problem is already reported).
pub(crate) struct RawDocument {
    pub data_dir: Option<Spanned<String>>,
    pub xml_catalog: Option<Spanned<String>>,
    pub ftp: Option<Spanned<RawFtp>>,
    pub sftp: Option<Spanned<RawSftp>>,
    pub limits: Option<RawLimits>,
    /// `[http]`.
    pub http: Option<Spanned<RawHttp>>,
    /// `[smtp]`.
    pub smtp: Option<Spanned<RawSmtp>>,
    /// `[store]`.
    pub store: Option<Spanned<RawStore>>,
    /// Every `[[alert]]`.
    pub alerts: Vec<Spanned<RawAlert>>,
    /// `log_format`.
    pub log_format: Option<Spanned<String>>,
    /// Empty when the document has no partner; `None` when `partner` is not an array of
    /// tables (already reported).
    pub partners: Option<Vec<PartnerSection>>,
}

/// Parses `text` into sections, reporting syntax errors, unknown keys and wrong types to
/// `ctx`. Returns `None` when the TOML itself does not parse.
pub(crate) fn parse(text: &str, ctx: &mut Ctx) -> Option<RawDocument> {
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        // Recovery after the first error in a line tends to produce noise: keep one per line.
        let mut seen_lines = Vec::new();
        for err in syntax_errors {
            let span = err.span().unwrap_or(0..0);
            let line = ctx.line(&span);
            if !seen_lines.contains(&line) {
                seen_lines.push(line);
                ctx.error(&span, format!("TOML syntax: {}", one_line(err.message())));
            }
        }
        return None;
    }
    let mut root = root.into_inner();

    let ftp = take_section(&mut root, "ftp", "[ftp]", ctx);
    let sftp = take_section(&mut root, "sftp", "[sftp]", ctx);
    let limits = take_section(&mut root, "limits", "[limits]", ctx).map(Spanned::into_inner);
    let http = take_section(&mut root, "http", "[http]", ctx);
    let smtp = take_section(&mut root, "smtp", "[smtp]", ctx);
    let store = take_section(&mut root, "store", "[store]", ctx);
    let alerts = take_section::<Vec<Spanned<RawAlert>>>(&mut root, "alert", "[[alert]]", ctx)
        .map(Spanned::into_inner)
        .unwrap_or_default();
    let partners = match root.remove("partner") {
        Some(value) => partner_sections(value, ctx),
        None => Some(Vec::new()),
    };

    let mut data_dir = None;
    let mut xml_catalog = None;
    let mut log_format = None;
    for (key, value) in root {
        let slot = match key.get_ref().as_ref() {
            "data_dir" => &mut data_dir,
            "xml_catalog" => &mut xml_catalog,
            "log_format" => &mut log_format,
            other => {
                ctx.error(
                    &key.span(),
                    format!(
                        "unknown key `{other}`; expected data_dir, xml_catalog, log_format, [ftp], \
                         [sftp], [http], [limits], [smtp], [store], [[alert]] or [[partner]]"
                    ),
                );
                continue;
            }
        };
        let name = key.get_ref().to_string();
        match Spanned::<String>::deserialize(ValueDeserializer::from(value)) {
            Ok(v) => *slot = Some(v),
            Err(e) => report(ctx, &e, &key.span(), &format!("`{name}`")),
        }
    }

    Some(RawDocument {
        data_dir,
        xml_catalog,
        ftp,
        sftp,
        limits,
        http,
        smtp,
        store,
        alerts,
        log_format,
        partners,
    })
}

/// Removes `key` from the root table and deserializes it as `T`.
fn take_section<'i, T: Deserialize<'i>>(
    root: &mut DeTable<'i>,
    key: &str,
    label: &str,
    ctx: &mut Ctx,
) -> Option<Spanned<T>> {
    let value = root.remove(key)?;
    let span = value.span();
    match Spanned::<T>::deserialize(ValueDeserializer::from(value)) {
        Ok(v) => Some(v),
        Err(e) => {
            report(ctx, &e, &span, label);
            None
        }
    }
}

/// Splits the `partner` value (normally an array of tables) into its partners.
fn partner_sections(value: Spanned<DeValue<'_>>, ctx: &mut Ctx) -> Option<Vec<PartnerSection>> {
    let span = value.span();
    let DeValue::Array(items) = value.into_inner() else {
        ctx.error(
            &span,
            "`partner` must be an array of tables: write each partner as [[partner]]",
        );
        return None;
    };
    let mut sections = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let number = i + 1;
        let header = item.span();
        let peek = |key: &str| {
            item.get_ref()
                .get(key)
                .and_then(|v| v.get_ref().as_str())
                .map(str::to_owned)
        };
        let (name, role) = (peek("name"), peek("role"));
        let entry = match RawPartner::deserialize(ValueDeserializer::from(item)) {
            Ok(raw) => PartnerEntry::Read(Box::new(raw)),
            Err(e) => {
                let label = match &name {
                    Some(n) => format!("partner '{n}'"),
                    None => format!("partner #{number}"),
                };
                report(ctx, &e, &header, &label);
                PartnerEntry::Unreadable { name, role }
            }
        };
        sections.push(PartnerSection {
            header,
            number,
            entry,
        });
    }
    Some(sections)
}

/// Reports a deserialization error of the section `label`, at the error's own span when it
/// has one (the offending key or value), else at `fallback`.
fn report(ctx: &mut Ctx, err: &toml::de::Error, fallback: &Range<usize>, label: &str) {
    let span = err.span().unwrap_or_else(|| fallback.clone());
    let message = one_line(err.message()).replacen("unknown field", "unknown key", 1);
    ctx.error(&span, format!("{label}: {message}"));
}

/// Joins a possibly multi-line message into one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
