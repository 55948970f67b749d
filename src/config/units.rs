//! Durations (`"90s"`, `"5m"`, `"1h30m"`, `"500ms"`) and sizes (`"2GiB"`, `"500MB"`, `"1024"`)
//! as written in the configuration. Pure functions; errors are messages for a
//! [`Problem`](super::Problem).

use std::time::Duration;

/// Parses a duration: one or more `<integer><unit>` parts, units `ms`, `s`, `m`, `h`, `d`
/// (e.g. `"90s"`, `"1h30m"`, `"500ms"`); spaces between parts are allowed. A bare number is
/// refused: the unit is never guessed.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let hint = "expected a duration like \"90s\", \"5m\", \"1h30m\" or \"500ms\"";
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration; {hint}"));
    }
    let mut total_ms: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("invalid duration {text:?}; {hint}"));
        }
        let (number, after) = rest.split_at(digits);
        let after = after.trim_start();
        let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(unit_len);
        let per_unit_ms: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "" if after.is_empty() => {
                return Err(format!("duration {text:?} has no unit; {hint}"));
            }
            "" => return Err(format!("invalid duration {text:?}; {hint}")),
            other => {
                return Err(format!(
                    "unknown duration unit {other:?} in {text:?}; use ms, s, m, h or d"
                ));
            }
        };
        let value: u64 = number
            .parse()
            .map_err(|_| format!("duration {text:?} is too large"))?;
        total_ms = value
            .checked_mul(per_unit_ms)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(|| format!("duration {text:?} is too large"))?;
        rest = after.trim_start();
    }
    Ok(Duration::from_millis(total_ms))
}

/// Parses a size in bytes: an integer with an optional unit, decimal (`kB`/`KB`, `MB`, `GB`,
/// `TB`: powers of 1000) or binary (`KiB`, `MiB`, `GiB`, `TiB`: powers of 1024), or `B`.
/// Units are case-insensitive; a space may separate number and unit.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let hint = "expected a size like \"2GiB\", \"500MB\" or a number of bytes";
    let s = text.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(format!("invalid size {text:?}; {hint}"));
    }
    let (number, unit) = s.split_at(digits);
    let multiplier: u64 = match unit.trim_start().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "unknown size unit in {text:?}; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB"
            ));
        }
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("size {text:?} is too large"))
}

/// A CIDR network (host bits cleared) or a plain address (as a /32 or /128).
pub(crate) fn parse_net(text: &str) -> Option<ipnet::IpNet> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .map(|net| net.trunc())
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let ok: &[(&str, u64, &str)] = &[
            ("90s", 90_000, "seconds"),
            ("5m", 300_000, "minutes"),
            ("24h", 86_400_000, "hours"),
            ("1h30m", 5_400_000, "compound"),
            ("1h 30m", 5_400_000, "compound with a space"),
            ("500ms", 500, "milliseconds, not minutes+seconds"),
            ("5 m", 300_000, "a space between number and unit"),
            ("2d", 172_800_000, "days"),
            (
                "0s",
                0,
                "zero is a duration (limits decide whether it is allowed)",
            ),
            (" 10s ", 10_000, "surrounding blanks"),
        ];
        for (text, ms, why) in ok {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_millis(*ms)),
                "{text}: {why}"
            );
        }
        let bad: &[(&str, &str, &str)] = &[
            ("", "empty", "empty"),
            ("90", "no unit", "a bare number is ambiguous"),
            ("5 minutes", "unknown duration unit", "only short units"),
            ("1.5h", "invalid duration", "no fractions"),
            ("-5s", "invalid duration", "no sign"),
            ("h", "invalid duration", "unit without number"),
            (
                "99999999999999999999s",
                "too large",
                "overflow of the number",
            ),
            ("9999999999999999d", "too large", "overflow of the product"),
        ];
        for (text, fragment, why) in bad {
            let err = parse_duration(text).expect_err(why);
            assert!(err.contains(fragment), "{text} ({why}): {err}");
        }
    }

    #[test]
    fn sizes() {
        let ok: &[(&str, u64, &str)] = &[
            ("1024", 1024, "plain bytes"),
            ("2GiB", 2 * 1024 * 1024 * 1024, "binary"),
            ("500MB", 500_000_000, "decimal"),
            ("10 KiB", 10_240, "space before the unit"),
            ("1kb", 1_000, "case-insensitive"),
            ("7B", 7, "explicit bytes"),
            ("1TiB", 1 << 40, "tebibytes"),
        ];
        for (text, bytes, why) in ok {
            assert_eq!(parse_size(text), Ok(*bytes), "{text}: {why}");
        }
        let bad: &[(&str, &str, &str)] = &[
            ("", "invalid size", "empty"),
            ("GiB", "invalid size", "unit without number"),
            ("2 gigs", "unknown size unit", "unknown unit"),
            ("1.5GiB", "unknown size unit", "no fractions"),
            ("99999999999TiB", "too large", "overflow"),
        ];
        for (text, fragment, why) in bad {
            let err = parse_size(text).expect_err(why);
            assert!(err.contains(fragment), "{text} ({why}): {err}");
        }
    }
}
