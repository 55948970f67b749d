//! Stage two of loading (STYLE item 6): checks the sections [`super::raw`] read and builds the
//! typed [`Config`]. Every problem is collected with its line; nothing stops at the first.
//! Validation may read files (`password_file`, and checks that `dtd`, `xml_catalog` and TLS
//! files exist) but never writes and never opens sockets: this is `wharf check`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::raw::{self, RawFtp, RawListen, RawSftp};
use super::{Config, ConfigErrors, FtpConfig, Loaded, Problem, SftpConfig};
use super::{error::LineIndex, partner};

/// Where problems and warnings are collected while one file is checked.
pub(crate) struct Ctx {
    /// The file as named by the caller (for messages).
    file: PathBuf,
    /// Its folder, absolute: relative paths in the file are resolved against it.
    dir: PathBuf,
    lines: LineIndex,
    problems: Vec<Problem>,
    warnings: Vec<(usize, String)>,
}

impl Ctx {
    fn new(text: &str, file: &Path) -> Self {
        let parent = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let dir = std::path::absolute(&parent).unwrap_or(parent);
        Ctx {
            file: file.to_path_buf(),
            dir,
            lines: LineIndex::new(text),
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The 1-based line where `span` starts.
    pub(crate) fn line(&self, span: &Range<usize>) -> usize {
        self.lines.line_of(span)
    }

    /// Records a problem at `span`.
    pub(crate) fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.clone(),
            line: self.line(span),
            message: message.into(),
        });
    }

    /// Records a warning at `span`.
    pub(crate) fn warn(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.warnings.push((line, message.into()));
    }

    /// How many problems have been recorded so far.
    pub(crate) fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// `value` as a path resolved against the config file's folder; an empty string is a
    /// problem.
    pub(crate) fn path(&mut self, value: &Spanned<String>, key: &str) -> Option<PathBuf> {
        if value.get_ref().trim().is_empty() {
            self.error(&value.span(), format!("`{key}` must not be empty"));
            return None;
        }
        Some(self.dir.join(value.get_ref()))
    }

    /// Like [`Ctx::path`], and the file must exist.
    pub(crate) fn existing_file(&mut self, value: &Spanned<String>, key: &str) -> Option<PathBuf> {
        let path = self.path(value, key)?;
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => Some(path),
            Ok(_) => {
                self.error(
                    &value.span(),
                    format!("`{key}`: {} is not a file", path.display()),
                );
                None
            }
            Err(e) => {
                self.error(
                    &value.span(),
                    format!("`{key}`: cannot read {}: {e}", path.display()),
                );
                None
            }
        }
    }
}

/// Checks `text`, the content of `file`, and builds the configuration.
pub(crate) fn validate(text: &str, file: &Path) -> Result<Loaded, ConfigErrors> {
    let mut ctx = Ctx::new(text, file);
    let Some(doc) = raw::parse(text, &mut ctx) else {
        return Err(finish_errors(ctx));
    };

    let data_dir = match &doc.data_dir {
        Some(value) => ctx.path(value, "data_dir"),
        None => Some(ctx.dir.join("wharf-data")),
    }
    .unwrap_or_default();
    let xml_catalog = doc
        .xml_catalog
        .as_ref()
        .and_then(|value| ctx.existing_file(value, "xml_catalog"));

    let mut listeners = Listeners::default();
    let ftp = doc.ftp.and_then(|f| ftp(f, &mut ctx, &mut listeners));
    let sftp = doc
        .sftp
        .and_then(|s| sftp(s, &data_dir, &mut ctx, &mut listeners));
    let limits = doc
        .limits
        .map(|l| super::limits::limits(l, &mut ctx))
        .unwrap_or_default();
    let partners = partner::validate_partners(doc.partners, &mut ctx);

    if !ctx.problems.is_empty() {
        return Err(finish_errors(ctx));
    }
    let mut warnings = ctx.warnings;
    warnings.sort_by_key(|(line, _)| *line);
    let file_name = ctx.file.display().to_string();
    Ok(Loaded {
        config: Config {
            file: Some(ctx.file),
            data_dir,
            xml_catalog,
            ftp,
            sftp,
            limits,
            partners,
        },
        warnings: warnings
            .into_iter()
            .map(|(line, message)| format!("{file_name}:{line}: {message}"))
            .collect(),
    })
}

/// The problems of `ctx`, in file order.
fn finish_errors(ctx: Ctx) -> ConfigErrors {
    let mut problems = ctx.problems;
    problems.sort_by_key(|p| p.line);
    ConfigErrors(problems)
}

/// Every listen address seen so far, to refuse one address used twice.
#[derive(Default)]
struct Listeners {
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

/// `listen` of `[ftp]` or `[sftp]`: required, one address or more.
fn listen(
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
fn ftp(value: Spanned<RawFtp>, ctx: &mut Ctx, listeners: &mut Listeners) -> Option<FtpConfig> {
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
    let tls_cert = raw
        .tls_cert
        .as_ref()
        .and_then(|v| ctx.existing_file(v, "tls_cert"));
    let tls_key = raw
        .tls_key
        .as_ref()
        .and_then(|v| ctx.existing_file(v, "tls_key"));
    match (&raw.tls_cert, &raw.tls_key) {
        (Some(cert), None) => ctx.error(
            &cert.span(),
            "[ftp] `tls_cert` needs `tls_key` too (set both or neither)",
        ),
        (None, Some(key)) => ctx.error(
            &key.span(),
            "[ftp] `tls_key` needs `tls_cert` too (set both or neither)",
        ),
        _ => {}
    }
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
    let active_mode = raw.active_mode.as_ref().is_some_and(|v| *v.get_ref());
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
pub(crate) const DEFAULT_PASSIVE_PORTS: RangeInclusive<u16> = 50000..=50100;

/// `"50000-50100"`: both ends inclusive, `0 < low <= high`.
fn parse_port_range(text: &str) -> Result<RangeInclusive<u16>, String> {
    let hint = "expected \"LOW-HIGH\", e.g. \"50000-50100\"";
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
fn sftp(
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
