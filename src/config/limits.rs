//! `[limits]`: session, upload, lockout and pre-authentication limits. Every key is optional,
//! with the defaults of [`Limits::default`]; every bad value is a `FILE:LINE` problem.
//!
//! The pre-authentication keys (`login_timeout`, `max_unauthenticated`,
//! `max_unauthenticated_per_source`, `connection_rate_per_source`,
//! `connection_burst_per_source`, `per_source_exempt`) feed the gate that every listener asks
//! before it speaks to a new connection ([`crate::login::Gate`]).

use std::time::Duration;

use toml::Spanned;

use super::context::Ctx;
use super::raw::{RawLimits, RawNumberOrText};
use super::units::{parse_duration, parse_net, parse_size};
use super::{Limits, Rate, Startups};

/// Reads `[limits]`.
pub(crate) fn limits(raw: RawLimits, ctx: &mut Ctx) -> Limits {
    let d = Limits::default();
    let max_count = u64::try_from(usize::MAX).unwrap_or(u64::MAX);
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let to_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    let u32_max = u64::from(u32::MAX);
    Limits {
        max_sessions: count(&raw.max_sessions, "max_sessions", max_count, ctx)
            .map_or(d.max_sessions, to_usize),
        max_sessions_per_partner: count(
            &raw.max_sessions_per_partner,
            "max_sessions_per_partner",
            max_count,
            ctx,
        )
        .map_or(d.max_sessions_per_partner, to_usize),
        idle_timeout: duration(&raw.idle_timeout, "idle_timeout", false, ctx)
            .unwrap_or(d.idle_timeout),
        max_upload_size: upload_size(&raw.max_upload_size, ctx).unwrap_or(d.max_upload_size),
        lockout_failures: count(&raw.lockout_failures, "lockout_failures", u32_max, ctx)
            .map_or(d.lockout_failures, to_u32),
        lockout_window: duration(&raw.lockout_window, "lockout_window", false, ctx)
            .unwrap_or(d.lockout_window),
        lockout_duration: duration(&raw.lockout_duration, "lockout_duration", false, ctx)
            .unwrap_or(d.lockout_duration),
        shutdown_grace: duration(&raw.shutdown_grace, "shutdown_grace", true, ctx)
            .unwrap_or(d.shutdown_grace),
        login_timeout: duration(&raw.login_timeout, "login_timeout", false, ctx)
            .unwrap_or(d.login_timeout),
        max_unauthenticated: startups(&raw.max_unauthenticated, ctx)
            .unwrap_or(d.max_unauthenticated),
        max_unauthenticated_per_source: count(
            &raw.max_unauthenticated_per_source,
            "max_unauthenticated_per_source",
            max_count,
            ctx,
        )
        .map_or(d.max_unauthenticated_per_source, to_usize),
        connection_rate_per_source: rate(&raw.connection_rate_per_source, ctx)
            .unwrap_or(d.connection_rate_per_source),
        connection_burst_per_source: count(
            &raw.connection_burst_per_source,
            "connection_burst_per_source",
            u32_max,
            ctx,
        )
        .map_or(d.connection_burst_per_source, to_u32),
        per_source_exempt: exempt(&raw.per_source_exempt, ctx),
    }
}

/// A whole number between 1 and `max`.
fn count(value: &Option<Spanned<i64>>, key: &str, max: u64, ctx: &mut Ctx) -> Option<u64> {
    let value = value.as_ref()?;
    let n = *value.get_ref();
    match u64::try_from(n) {
        Ok(n) if (1..=max).contains(&n) => Some(n),
        _ => {
            ctx.error(
                &value.span(),
                format!("[limits] `{key}` must be between 1 and {max}, not {n}"),
            );
            None
        }
    }
}

/// A duration; zero only where `zero_ok`.
fn duration(
    value: &Option<Spanned<String>>,
    key: &str,
    zero_ok: bool,
    ctx: &mut Ctx,
) -> Option<Duration> {
    let value = value.as_ref()?;
    match parse_duration(value.get_ref()) {
        Ok(d) if d.is_zero() && !zero_ok => {
            ctx.error(&value.span(), format!("[limits] `{key}` must not be zero"));
            None
        }
        Ok(d) => Some(d),
        Err(message) => {
            ctx.error(&value.span(), format!("[limits] `{key}`: {message}"));
            None
        }
    }
}

/// `max_upload_size`: bytes, or a size with a unit; not zero.
fn upload_size(value: &Option<Spanned<RawNumberOrText>>, ctx: &mut Ctx) -> Option<u64> {
    let value = value.as_ref()?;
    let parsed = match value.get_ref() {
        RawNumberOrText::Number(n) => u64::try_from(*n).map_err(|_| format!("{n} is negative")),
        RawNumberOrText::Text(text) => parse_size(text),
    };
    match parsed {
        Ok(0) => {
            ctx.error(&value.span(), "[limits] `max_upload_size` must not be zero");
            None
        }
        Ok(n) => Some(n),
        Err(message) => {
            ctx.error(
                &value.span(),
                format!("[limits] `max_upload_size`: {message}"),
            );
            None
        }
    }
}

/// `max_unauthenticated`: `N`, `"N"` or `"start:rate:full"`.
fn startups(value: &Option<Spanned<RawNumberOrText>>, ctx: &mut Ctx) -> Option<Startups> {
    let value = value.as_ref()?;
    let parsed = match value.get_ref() {
        RawNumberOrText::Number(n) => usize::try_from(*n)
            .ok()
            .filter(|n| *n >= 1)
            .map(|n| Startups {
                start: n,
                rate: 100,
                full: n,
            })
            .ok_or_else(|| format!("must be at least 1, not {n}")),
        RawNumberOrText::Text(text) => parse_startups(text),
    };
    parsed
        .map_err(|message| {
            ctx.error(
                &value.span(),
                format!("[limits] `max_unauthenticated` {message}"),
            )
        })
        .ok()
}

/// `"N"` or `"start:rate:full"` (OpenSSH's `MaxStartups` syntax).
pub(crate) fn parse_startups(text: &str) -> Result<Startups, String> {
    let hint = "expected a number like 100, or \"start:rate:full\" like \"64:30:256\"";
    let parts: Vec<&str> = text.trim().split(':').map(str::trim).collect();
    let num = |s: &str| {
        s.parse::<usize>()
            .map_err(|_| format!("is {text:?}; {hint}"))
    };
    let s = match parts.as_slice() {
        [n] => {
            let n = num(n)?;
            Startups {
                start: n,
                rate: 100,
                full: n,
            }
        }
        [start, rate, full] => Startups {
            start: num(start)?,
            rate: u32::try_from(num(rate)?).unwrap_or(u32::MAX),
            full: num(full)?,
        },
        _ => return Err(format!("is {text:?}; {hint}")),
    };
    if s.start == 0 || s.full == 0 {
        return Err(format!("{text:?}: start and full must be at least 1"));
    }
    if s.start > s.full {
        return Err(format!("{text:?}: start must not be above full"));
    }
    if !(1..=100).contains(&s.rate) {
        return Err(format!("{text:?}: rate is a percentage, 1 to 100"));
    }
    Ok(s)
}

/// `connection_rate_per_source`.
fn rate(value: &Option<Spanned<String>>, ctx: &mut Ctx) -> Option<Rate> {
    let value = value.as_ref()?;
    parse_rate(value.get_ref())
        .map_err(|message| {
            ctx.error(
                &value.span(),
                format!("[limits] `connection_rate_per_source`: {message}"),
            )
        })
        .ok()
}

/// `"COUNT/PERIOD"`: `"1/s"`, `"30/m"`, `"2/h"`, `"1/5s"` (the period is a unit or a
/// duration).
pub(crate) fn parse_rate(text: &str) -> Result<Rate, String> {
    let hint = "expected a rate like \"1/s\", \"30/m\" or \"1/5s\"";
    let Some((count, per)) = text.split_once('/') else {
        return Err(format!("invalid rate {text:?}; {hint}"));
    };
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| format!("invalid rate {text:?}; {hint}"))?;
    if count == 0 {
        return Err(format!("{text:?}: the count must be at least 1"));
    }
    let per = per.trim();
    let per = match per {
        "s" | "m" | "h" | "d" => parse_duration(&format!("1{per}")),
        _ => parse_duration(per),
    }
    .map_err(|e| format!("invalid period in {text:?}: {e}"))?;
    if per.is_zero() {
        return Err(format!("{text:?}: the period must not be zero"));
    }
    Ok(Rate { count, per })
}

/// `per_source_exempt`: addresses or CIDR networks.
fn exempt(value: &Option<Spanned<Vec<Spanned<String>>>>, ctx: &mut Ctx) -> Vec<ipnet::IpNet> {
    let Some(list) = value else {
        return Vec::new();
    };
    let mut nets = Vec::new();
    for item in list.get_ref() {
        match parse_net(item.get_ref()) {
            Some(net) => nets.push(net),
            None => ctx.error(
                &item.span(),
                format!(
                    "[limits] `per_source_exempt` entry {:?} is not an IP address or CIDR \
                     network (e.g. \"203.0.113.7\" or \"198.51.100.0/24\")",
                    item.get_ref()
                ),
            ),
        }
    }
    nets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn startups_forms() {
        assert_eq!(
            parse_startups("64:30:256"),
            Ok(Startups {
                start: 64,
                rate: 30,
                full: 256
            })
        );
        assert_eq!(
            parse_startups(" 100 "),
            Ok(Startups {
                start: 100,
                rate: 100,
                full: 100
            })
        );
        for (bad, why) in [
            ("10:30", "two fields"),
            ("a:30:100", "not a number"),
            ("100:30:10", "start above full"),
            ("10:0:100", "rate zero"),
            ("10:101:100", "rate over 100"),
            ("0", "zero"),
            ("-1:30:10", "negative"),
        ] {
            assert!(parse_startups(bad).is_err(), "{why}: {bad}");
        }
    }

    #[test]
    fn rate_forms() {
        let r = |count, secs| Rate {
            count,
            per: Duration::from_secs(secs),
        };
        assert_eq!(parse_rate("1/s"), Ok(r(1, 1)));
        assert_eq!(parse_rate("30/m"), Ok(r(30, 60)));
        assert_eq!(parse_rate("2 / h"), Ok(r(2, 3600)));
        assert_eq!(parse_rate("1/5s"), Ok(r(1, 5)));
        assert!((parse_rate("30/m").unwrap().per_second() - 0.5).abs() < 1e-9);
        for (bad, why) in [
            ("1", "no period"),
            ("0/s", "zero count"),
            ("1/0s", "zero period"),
            ("1/week", "unknown unit"),
            ("x/s", "not a number"),
            ("-1/s", "negative"),
        ] {
            assert!(parse_rate(bad).is_err(), "{why}: {bad}");
        }
    }
}
