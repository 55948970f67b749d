//! `[[alert]]` tables (a rule and where to send it) and the `[smtp]` relay e-mail alerts go
//! through. Checked like the rest of the file: every problem is a `FILE:LINE` message; a rule
//! naming a partner that does not exist, or a `remote_down` for a partner without
//! `[partner.remote]`, is a problem too.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use toml::Spanned;

use super::Partner;
use super::context::Ctx;
use super::raw::{RawAlert, RawSmtp};
use super::units::parse_duration;

/// A secret from the configuration; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The secret held in the file `value` names (trimmed), for `key` of the table `section`
/// (`[smtp]`): an error when the file is missing, unreadable or empty.
pub(crate) fn secret_file(
    value: &Spanned<String>,
    section: &str,
    key: &str,
    ctx: &mut Ctx,
) -> Option<Secret> {
    let path = ctx.existing_file(value, key)?;
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => Some(Secret(text.trim().to_owned())),
        Ok(_) => {
            ctx.error(
                &value.span(),
                format!("{section} {key} {} is empty", path.display()),
            );
            None
        }
        Err(e) => {
            ctx.error(
                &value.span(),
                format!("{section} cannot read {key} {}: {e}", path.display()),
            );
            None
        }
    }
}

/// What an alert watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertRule {
    /// A file went to `error/` (or had orders rejected): one partner, or any (`None`).
    FileRejected {
        /// Only this partner's files.
        partner: Option<String>,
    },
    /// No file came from the partner within `within` (counting only the time inside
    /// `between`, when given, in `timezone`).
    NoFile {
        /// The partner.
        partner: String,
        /// How long without a file is too long.
        within: Duration,
        /// Business hours, local time: (start, end) in minutes after midnight.
        between: Option<(u16, u16)>,
        /// The time zone of `between` (default UTC).
        timezone: jiff::tz::TimeZone,
    },
    /// An order sent to a warehouse is still `new` (not taken) after `within`.
    OrderNotTaken {
        /// Only orders for this warehouse (`None`: every warehouse).
        partner: Option<String>,
        /// How long an order may wait.
        within: Duration,
    },
    /// A pull-mode partner's server has failed every poll for `for_`.
    RemoteDown {
        /// The partner (it has `[partner.remote]`).
        partner: String,
        /// How long it must be down.
        for_: Duration,
    },
}

impl AlertRule {
    /// The rule's name as written in the configuration.
    pub fn name(&self) -> &'static str {
        match self {
            AlertRule::FileRejected { .. } => "file_rejected",
            AlertRule::NoFile { .. } => "no_file",
            AlertRule::OrderNotTaken { .. } => "order_not_taken",
            AlertRule::RemoteDown { .. } => "remote_down",
        }
    }
}

/// Where a webhook alert goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// `http://` or `https://` URL the alert is POSTed to.
    pub url: String,
    /// Key of the `X-Wharf-Signature: sha256=HEX` HMAC header, when set.
    pub secret: Option<Secret>,
}

/// One `[[alert]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertConfig {
    /// What it watches.
    pub rule: AlertRule,
    /// POSTed JSON, when set.
    pub webhook: Option<Webhook>,
    /// E-mailed through `[smtp]`, when set.
    pub email: Option<String>,
    /// The line of its `[[alert]]` header, for messages.
    pub line: usize,
}

impl AlertConfig {
    /// A name for this alert that stays the same across restarts while its table does not
    /// change (its state in the store is kept under it).
    pub fn id(&self) -> String {
        use sha2::Digest;
        let text = format!(
            "{:?}|{:?}|{:?}",
            self.rule,
            self.webhook.as_ref().map(|w| &w.url),
            self.email
        );
        let digest = sha2::Sha256::digest(text.as_bytes());
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("{}-{hex}", self.rule.name())
    }
}

/// `[smtp]`: the relay e-mail alerts go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Relay host name.
    pub host: String,
    /// Port (default 587).
    pub port: u16,
    /// Login name, when the relay wants one.
    pub username: Option<String>,
    /// Password, read from `password_file`.
    pub password: Option<Secret>,
    /// The sender address.
    pub from: String,
    /// STARTTLS before anything else is sent (default true); false only for a local relay.
    pub starttls: bool,
    /// Extra CA certificate (PEM) to trust for the relay, e.g. a private CA.
    pub ca_file: Option<PathBuf>,
}

/// Checks `[smtp]`.
pub(crate) fn check_smtp(value: Spanned<RawSmtp>, ctx: &mut Ctx) -> Option<SmtpConfig> {
    let section = value.span();
    let raw = value.into_inner();
    let before = ctx.problem_count();
    let host = match &raw.host {
        Some(h) if !h.get_ref().trim().is_empty() => h.get_ref().trim().to_owned(),
        Some(h) => {
            ctx.error(&h.span(), "[smtp] `host` must not be empty");
            String::new()
        }
        None => {
            ctx.error(&section, "[smtp] needs `host`");
            String::new()
        }
    };
    let port = match &raw.port {
        None => 587,
        Some(p) => match u16::try_from(*p.get_ref()) {
            Ok(port) if port > 0 => port,
            _ => {
                ctx.error(
                    &p.span(),
                    format!("[smtp] `port` {} is not a port (1-65535)", p.get_ref()),
                );
                0
            }
        },
    };
    let password = raw
        .password_file
        .as_ref()
        .and_then(|v| secret_file(v, "[smtp]", "password_file", ctx));
    if raw.password_file.is_some() && raw.username.is_none() {
        ctx.error(&section, "[smtp] `password_file` needs `username` too");
    }
    let from = match &raw.from {
        Some(f) if valid_address(f.get_ref()) => f.get_ref().trim().to_owned(),
        Some(f) => {
            ctx.error(
                &f.span(),
                format!("[smtp] `from` {:?} is not an e-mail address", f.get_ref()),
            );
            String::new()
        }
        None => {
            ctx.error(
                &section,
                "[smtp] needs `from`, the sender address (e.g. \"wharf@example.com\")",
            );
            String::new()
        }
    };
    let ca_file = raw
        .ca_file
        .as_ref()
        .and_then(|v| ctx.existing_file(v, "ca_file"));
    if ctx.problem_count() != before {
        return None;
    }
    Some(SmtpConfig {
        host,
        port,
        username: raw.username.map(|u| u.into_inner()),
        password,
        from,
        starttls: raw.starttls.is_none_or(|s| *s.get_ref()),
        ca_file,
    })
}

/// Checks every `[[alert]]` against the partners (and `[smtp]` for e-mail).
pub(crate) fn check_alerts(
    list: Vec<Spanned<RawAlert>>,
    partners: &[Arc<Partner>],
    smtp: bool,
    ctx: &mut Ctx,
) -> Vec<AlertConfig> {
    let mut out = Vec::new();
    for item in list {
        let header = item.span();
        let raw = item.into_inner();
        if let Some(a) = check_alert(raw, &header, partners, smtp, ctx) {
            out.push(a);
        }
    }
    out
}

/// One `[[alert]]`.
fn check_alert(
    raw: RawAlert,
    header: &Range<usize>,
    partners: &[Arc<Partner>],
    smtp: bool,
    ctx: &mut Ctx,
) -> Option<AlertConfig> {
    let before = ctx.problem_count();
    let line = ctx.line(header);
    let label = "[[alert]]";
    let partner = |ctx: &mut Ctx, required: bool| -> Option<String> {
        match &raw.partner {
            None => {
                if required {
                    ctx.error(header, format!("{label}: this rule needs `partner`"));
                }
                None
            }
            Some(p) => {
                if partners.is_empty() || partners.iter().any(|x| &x.name == p.get_ref()) {
                    Some(p.get_ref().clone())
                } else {
                    ctx.error(
                        &p.span(),
                        format!("{label}: no partner is named {:?}", p.get_ref()),
                    );
                    None
                }
            }
        }
    };
    let duration = |ctx: &mut Ctx, value: &Option<Spanned<String>>, key: &str| {
        let Some(v) = value else {
            ctx.error(
                header,
                format!("{label}: this rule needs `{key}`, e.g. {key} = \"4h\""),
            );
            return None;
        };
        match parse_duration(v.get_ref()) {
            Ok(d) if !d.is_zero() => Some(d),
            Ok(_) => {
                ctx.error(&v.span(), format!("{label}: `{key}` must not be zero"));
                None
            }
            Err(m) => {
                ctx.error(&v.span(), format!("{label}: `{key}`: {m}"));
                None
            }
        }
    };
    let Some(rule_name) = &raw.rule else {
        ctx.error(
            header,
            format!("{label} needs `rule`: file_rejected, no_file, order_not_taken or remote_down"),
        );
        return None;
    };
    let unused = |ctx: &mut Ctx, keys: &[(&str, bool)]| {
        for (key, present) in keys {
            if *present {
                ctx.error(
                    header,
                    format!(
                        "{label}: `{key}` does not apply to rule {:?}",
                        rule_name.get_ref()
                    ),
                );
            }
        }
    };
    let rule = match rule_name.get_ref().as_str() {
        "file_rejected" => {
            unused(
                ctx,
                &[
                    ("within", raw.within.is_some()),
                    ("between", raw.between.is_some()),
                    ("timezone", raw.timezone.is_some()),
                    ("for", raw.for_.is_some()),
                ],
            );
            AlertRule::FileRejected {
                partner: partner(ctx, false),
            }
        }
        "no_file" => {
            unused(ctx, &[("for", raw.for_.is_some())]);
            let partner = partner(ctx, true);
            let within = duration(ctx, &raw.within, "within");
            let between = raw
                .between
                .as_ref()
                .and_then(|b| match parse_between(b.get_ref()) {
                    Ok(v) => Some(v),
                    Err(m) => {
                        ctx.error(&b.span(), format!("{label}: `between`: {m}"));
                        None
                    }
                });
            let timezone = match &raw.timezone {
                None => jiff::tz::TimeZone::UTC,
                Some(tz) => match jiff::tz::TimeZone::get(tz.get_ref()) {
                    Ok(z) => z,
                    Err(_) => {
                        ctx.error(
                            &tz.span(),
                            format!(
                                "{label}: `timezone` {:?} is not an IANA time zone (e.g. \"America/New_York\")",
                                tz.get_ref()
                            ),
                        );
                        jiff::tz::TimeZone::UTC
                    }
                },
            };
            if raw.timezone.is_some() && raw.between.is_none() {
                ctx.error(header, format!("{label}: `timezone` needs `between`"));
            }
            AlertRule::NoFile {
                partner: partner.unwrap_or_default(),
                within: within.unwrap_or_default(),
                between,
                timezone,
            }
        }
        "order_not_taken" => {
            unused(
                ctx,
                &[
                    ("between", raw.between.is_some()),
                    ("timezone", raw.timezone.is_some()),
                    ("for", raw.for_.is_some()),
                ],
            );
            let partner = partner(ctx, false);
            if let (Some(name), Some(p)) = (&partner, &raw.partner)
                && partners
                    .iter()
                    .any(|x| &x.name == name && x.role != super::Role::Warehouse)
            {
                ctx.error(
                    &p.span(),
                    format!("{label}: order_not_taken watches a warehouse; {name:?} is a cart"),
                );
            }
            AlertRule::OrderNotTaken {
                partner,
                within: duration(ctx, &raw.within, "within").unwrap_or_default(),
            }
        }
        "remote_down" => {
            unused(
                ctx,
                &[
                    ("within", raw.within.is_some()),
                    ("between", raw.between.is_some()),
                    ("timezone", raw.timezone.is_some()),
                ],
            );
            let partner = partner(ctx, true);
            if let (Some(name), Some(p)) = (&partner, &raw.partner)
                && partners
                    .iter()
                    .any(|x| &x.name == name && x.remote.is_none())
            {
                ctx.error(
                    &p.span(),
                    format!(
                        "{label}: remote_down watches a pull-mode partner; {name:?} has no [partner.remote]"
                    ),
                );
            }
            AlertRule::RemoteDown {
                partner: partner.unwrap_or_default(),
                for_: duration(ctx, &raw.for_, "for").unwrap_or_default(),
            }
        }
        other => {
            ctx.error(
                &rule_name.span(),
                format!(
                    "{label}: unknown rule {other:?}; expected file_rejected, no_file, order_not_taken or remote_down"
                ),
            );
            return None;
        }
    };
    let webhook = raw.webhook.as_ref().and_then(|w| {
        let url = w.get_ref().trim();
        match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                Some(Webhook {
                    url: url.to_owned(),
                    secret: raw.secret.as_ref().map(|s| Secret(s.get_ref().clone())),
                })
            }
            _ => {
                ctx.error(
                    &w.span(),
                    format!("{label}: `webhook` {url:?} is not an http:// or https:// URL"),
                );
                None
            }
        }
    });
    if let (Some(s), None) = (&raw.secret, &raw.webhook) {
        ctx.error(
            &s.span(),
            format!("{label}: `secret` signs webhook requests; set `webhook` too"),
        );
    }
    let email = raw.email.as_ref().and_then(|e| {
        if !valid_address(e.get_ref()) {
            ctx.error(
                &e.span(),
                format!(
                    "{label}: `email` {:?} is not an e-mail address",
                    e.get_ref()
                ),
            );
            None
        } else if !smtp {
            ctx.error(
                &e.span(),
                format!("{label}: `email` needs an [smtp] table to send through"),
            );
            None
        } else {
            Some(e.get_ref().trim().to_owned())
        }
    });
    if ctx.problem_count() != before {
        return None;
    }
    Some(AlertConfig {
        rule,
        webhook,
        email,
        line,
    })
}

/// `"08:00-18:00"` → minutes after midnight (start, end); the end may be before the start
/// (a night window) but not equal to it.
pub(crate) fn parse_between(text: &str) -> Result<(u16, u16), String> {
    let hint = "expected \"HH:MM-HH:MM\", e.g. \"08:00-18:00\"";
    let (a, b) = text
        .split_once('-')
        .ok_or_else(|| format!("{text:?}: {hint}"))?;
    let minutes = |s: &str| -> Result<u16, String> {
        let (h, m) = s
            .trim()
            .split_once(':')
            .ok_or_else(|| format!("{s:?}: {hint}"))?;
        let h: u16 = h.parse().map_err(|_| format!("{s:?}: {hint}"))?;
        let m: u16 = m.parse().map_err(|_| format!("{s:?}: {hint}"))?;
        if h > 24 || m > 59 || (h == 24 && m > 0) {
            return Err(format!("{s:?} is not a time of day"));
        }
        Ok(h * 60 + m)
    };
    let (start, end) = (minutes(a)?, minutes(b)?);
    if start == end {
        return Err(format!("{text:?}: the window is empty"));
    }
    Ok((start, end))
}

/// A plausible e-mail address: one `@` with text on both sides, no spaces.
fn valid_address(text: &str) -> bool {
    let t = text.trim();
    t.parse::<lettre::Address>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_forms() {
        assert_eq!(parse_between("08:00-18:00"), Ok((480, 1080)));
        assert_eq!(parse_between("22:00-06:30"), Ok((1320, 390)));
        assert_eq!(parse_between("00:00-24:00"), Ok((0, 1440)));
        for bad in ["8-18", "08:00", "25:00-26:00", "08:00-08:00", "08:61-09:00"] {
            assert!(parse_between(bad).is_err(), "{bad}");
        }
    }
}
