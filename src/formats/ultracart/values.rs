//! Value parsers: money, flags, quantities, order dates in US Eastern time, and countries
//! (through `formats::country`). The `Field` forms note a problem naming the element, its
//! value and its position; the `parse_*` forms only parse.

use super::raw::Field;
use crate::formats::country;
use crate::model::Money;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::str::FromStr;

/// UltraCart writes its times in US Eastern time.
pub(super) const ORDER_TIME_ZONE: &str = "America/New_York";

/// A money element: absent when empty, a problem when not a plain decimal.
pub(super) fn money(field: Option<&Field>, p: &mut Vec<String>) -> Option<Money> {
    let field = field?;
    let value = field.value()?;
    match Money::from_str(value) {
        Ok(m) => Some(m),
        Err(_) => {
            p.push(field.bad("is not an amount of money"));
            None
        }
    }
}

/// A country name or code → alpha-2; a problem when unknown.
pub(super) fn country_code(field: &Field, p: &mut Vec<String>) -> Option<String> {
    let value = field.value()?;
    let code = country::to_alpha2(value);
    if code.is_none() {
        p.push(field.bad("is not a known country"));
    }
    code.map(str::to_string)
}

/// A Y/N flag: absent or empty is `None`, a problem when not a flag.
pub(super) fn flag(field: Option<&Field>, p: &mut Vec<String>) -> Option<bool> {
    let field = field?;
    let value = field.value()?;
    let parsed = parse_flag(value);
    if parsed.is_none() {
        p.push(field.bad("is not a flag (Y/N, yes/no, true/false)"));
    }
    parsed
}

/// `Y`/`N`, `yes`/`no`, `true`/`false`, `1`/`0`, any case.
pub(super) fn parse_flag(s: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if is(&["y", "yes", "true", "1"]) {
        Some(true)
    } else if is(&["n", "no", "false", "0"]) {
        Some(false)
    } else {
        None
    }
}

/// A non-negative whole number (`3`, or `3.00`).
pub(super) fn parse_quantity(s: &str) -> Option<u64> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let d = Decimal::from_str(s).ok()?;
    if d.fract().is_zero() {
        d.to_u64()
    } else {
        None
    }
}

/// `17 DEC 2012 08:37:38` in `tz` → `2012-12-17T08:37:38-05:00`.
pub(super) fn parse_order_date(s: &str, tz: &TimeZone) -> Option<String> {
    let mut parts = s.split_whitespace();
    let (day, month, year, time) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let mut hms = time.split(':');
    let (hour, minute, second) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() {
        return None;
    }
    let dt = DateTime::new(
        number(year)?,
        month_number(month)?,
        number(day)?,
        number(hour)?,
        number(minute)?,
        number(second)?,
        0,
    )
    .ok()?;
    let zoned = dt.to_zoned(tz.clone()).ok()?;
    Some(zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

/// Digits only (no sign), as a small integer.
fn number<T: FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `DEC`, `Dec`, `December` → 12.
fn month_number(s: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let position = MONTHS.iter().position(|m| {
        s.eq_ignore_ascii_case(m)
            || (s.len() == 3 && m.get(..3).is_some_and(|a| s.eq_ignore_ascii_case(a)))
    })?;
    i8::try_from(position + 1).ok()
}
