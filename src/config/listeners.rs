//! `[ftp]` and `[sftp]`: the listeners, their addresses (no address used twice), FTP's passive
//! ports and FTPS files, SFTP's host keys.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::context::Ctx;
use super::raw::{RawFtp, RawListen, RawSftp};
use super::{FtpConfig, SftpConfig};

/// Every listen address seen so far, to refuse one address used twice.
#[derive(Default)]
pub(crate) struct Listeners {
    seen: HashMap<SocketAddr, (&'static str, usize)>,
}

impl Listeners {
    fn add(&mut self, addr: SocketAddr, span: &Range<usize>, label: &'static str, ctx: &mut Ctx) {
        if addr.port() == 0 {
            return; // port 0 picks a free port each time: never a clash
        }
        let line = ctx.line(span);
        if let Some((other, other_line)) = self.seen.get(&addr) {
            ctx.error(
                span,
                format!("{label}: {addr} is already used by {other} (line {other_line})"),
            );
        } else {
            self.seen.insert(addr, (label, line));
        }
    }
}

/// `listen` of `[ftp]`, `[sftp]` or `[http]`: required, one address or more.
pub(crate) fn listen(
    value: Option<Spanned<RawListen>>,
    section: &Range<usize>,
    label: &'static str,
    example: &str,
    ctx: &mut Ctx,
    listeners: &mut Listeners,
) -> Option<Vec<SocketAddr>> {
    let Some(value) = value else {
        ctx.error(
            section,
            format!(
                "{label} needs `listen`, e.g. listen = \"{example}\" (omit {label} to disable it)"
            ),
        );
        return None;
    };
    let span = value.span();
    let items: Vec<(String, Range<usize>)> = match value.into_inner() {
        RawListen::One(text) => vec![(text, span.clone())],
        RawListen::Many(list) => list
            .into_iter()
            .map(|item| {
                let span = item.span();
                (item.into_inner(), span)
            })
            .collect(),
    };
    if items.is_empty() {
        ctx.error(&span, format!("{label}: `listen` is empty"));
        return None;
    }
    let mut addrs = Vec::new();
    let before = ctx.problem_count();
    for (text, span) in items {
        match text.trim().parse::<SocketAddr>() {
            Ok(addr) => {
                listeners.add(addr, &span, label, ctx);
                addrs.push(addr);
            }
            Err(_) => ctx.error(
                &span,
                format!(
                    "{label}: `listen` {text:?} is not IP:PORT (IPv6 in brackets, e.g. \"[::]:22\")"
                ),
            ),
        }
    }
    (ctx.problem_count() == before).then_some(addrs)
}

/// `[ftp]`.
pub(crate) fn ftp(
    value: Spanned<RawFtp>,
    ctx: &mut Ctx,
    listeners: &mut Listeners,
) -> Option<FtpConfig> {
    let section = value.span();
    let raw = value.into_inner();
    let before = ctx.problem_count();
    let listen = listen(raw.listen, &section, "[ftp]", "0.0.0.0:21", ctx, listeners);
    let passive_ports = match &raw.passive_ports {
        Some(value) => match parse_port_range(value.get_ref()) {
            Ok(range) => range,
            Err(message) => {
                ctx.error(&value.span(), format!("[ftp] `passive_ports`: {message}"));
                DEFAULT_PASSIVE_PORTS
            }
        },
        None => DEFAULT_PASSIVE_PORTS,
    };
    let passive_host = raw.passive_host.as_ref().and_then(|value| {
        let parsed = value.get_ref().trim().parse::<IpAddr>();
        if parsed.is_err() {
            ctx.error(
                &value.span(),
                format!(
                    "[ftp] `passive_host` {:?} is not an IP address",
                    value.get_ref()
                ),
            );
        }
        parsed.ok()
    });
    let (tls_cert, tls_key) = tls_pair(ctx, "[ftp]", &raw.tls_cert, &raw.tls_key);
    let require_tls = match &raw.require_tls {
        Some(value) if *value.get_ref() => {
            if raw.tls_cert.is_none() || raw.tls_key.is_none() {
                ctx.error(
                    &value.span(),
                    "[ftp] `require_tls = true` needs `tls_cert` and `tls_key`",
                );
            }
            true
        }
        _ => false,
    };
    let ports = passive_ports.clone().count();
    let passive_ports_per_partner = match &raw.passive_ports_per_partner {
        Some(value) => match usize::try_from(*value.get_ref()) {
            Ok(n) if n >= 1 => n,
            _ => {
                ctx.error(
                    &value.span(),
                    format!(
                        "[ftp] `passive_ports_per_partner` must be at least 1, not {}",
                        value.get_ref()
                    ),
                );
                1
            }
        },
        None => ports.div_ceil(2).max(1),
    };
    // PORT/EPRT connect only to the client's own address (no FTP bounce): safe to allow.
    let active_mode = raw.active_mode.unwrap_or(false);
    if ctx.problem_count() != before {
        return None;
    }
    Some(FtpConfig {
        listen: listen?,
        passive_ports,
        passive_ports_per_partner,
        passive_host,
        tls_cert,
        tls_key,
        require_tls,
        active_mode,
    })
}

/// Passive ports when `passive_ports` is not given.
pub(crate) const DEFAULT_PASSIVE_PORTS: RangeInclusive<u16> = 30000..=30100;

/// `"30000-30100"`: both ends inclusive, `0 < low <= high`.
fn parse_port_range(text: &str) -> Result<RangeInclusive<u16>, String> {
    let hint = "expected \"LOW-HIGH\", e.g. \"30000-30100\"";
    let (low, high) = text
        .split_once('-')
        .ok_or_else(|| format!("{text:?}: {hint}"))?;
    let port = |s: &str| {
        s.trim()
            .parse::<u16>()
            .map_err(|_| format!("{:?} is not a port number (1-65535); {hint}", s.trim()))
    };
    let (low, high) = (port(low)?, port(high)?);
    if low == 0 {
        return Err("port 0 cannot be a passive port".into());
    }
    if low > high {
        return Err(format!("{low} is above {high}; {hint}"));
    }
    Ok(low..=high)
}

/// `[sftp]`.
pub(crate) fn sftp(
    value: Spanned<RawSftp>,
    data_dir: &Path,
    ctx: &mut Ctx,
    listeners: &mut Listeners,
) -> Option<SftpConfig> {
    let section = value.span();
    let raw = value.into_inner();
    let before = ctx.problem_count();
    let listen = listen(raw.listen, &section, "[sftp]", "0.0.0.0:22", ctx, listeners);
    let host_keys = match raw.host_keys {
        None => SftpConfig::default_host_keys(data_dir),
        Some(list) => {
            if list.get_ref().is_empty() {
                ctx.error(
                    &list.span(),
                    "[sftp] `host_keys` is empty: omit it for the default keys in data_dir",
                );
            }
            list.get_ref()
                .iter()
                .filter_map(|item| ctx.path(item, "host_keys"))
                .collect()
        }
    };
    if ctx.problem_count() != before {
        return None;
    }
    Some(SftpConfig {
        listen: listen?,
        host_keys,
        legacy_algorithms: raw.legacy_algorithms.unwrap_or(false),
    })
}

/// A listener's `tls_cert` and `tls_key` (`section` names the table in messages): each must be
/// an existing file, and they come as a pair. The one rule for every listener that offers TLS.
pub(super) fn tls_pair(
    ctx: &mut Ctx,
    section: &str,
    cert: &Option<Spanned<String>>,
    key: &Option<Spanned<String>>,
) -> (Option<PathBuf>, Option<PathBuf>) {
    let cert_path = cert.as_ref().and_then(|v| ctx.existing_file(v, "tls_cert"));
    let key_path = key.as_ref().and_then(|v| ctx.existing_file(v, "tls_key"));
    match (cert, key) {
        (Some(c), None) => ctx.error(
            &c.span(),
            format!("{section} `tls_cert` needs `tls_key` too (set both or neither)"),
        ),
        (None, Some(k)) => ctx.error(
            &k.span(),
            format!("{section} `tls_key` needs `tls_cert` too (set both or neither)"),
        ),
        _ => {}
    }
    (cert_path, key_path)
}
