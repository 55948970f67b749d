//! Time inside a daily window: how much of the span from one instant to another falls within
//! `between = "08:00-18:00"` in a time zone. A `no_file` rule with a window counts only that
//! time, so a cart that sends during business hours is not reported missing overnight, and
//! the count resumes the next morning where it stopped.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use std::time::Duration;

/// The time from `from` to `to` that falls inside the daily window `[start, end)` (minutes
/// after local midnight; `end < start` is a window over midnight), in `tz`. Stops counting
/// once `enough` is reached (the caller only compares with it).
pub fn inside(
    from: Timestamp,
    to: Timestamp,
    window: (u16, u16),
    tz: &TimeZone,
    enough: Duration,
) -> Duration {
    if to <= from {
        return Duration::ZERO;
    }
    let (start, end) = window;
    let mut total = Duration::ZERO;
    let first_day = from.to_zoned(tz.clone()).date();
    let last_day = to.to_zoned(tz.clone()).date();
    let mut day = first_day.yesterday().unwrap_or(first_day);
    while day <= last_day {
        // The window opening on `day` (ending the next day when it runs over midnight).
        let open = local(day, start, tz);
        let close_day = if end > start {
            day
        } else {
            day.tomorrow().unwrap_or(day)
        };
        let close = local(close_day, end, tz);
        if let (Some(open), Some(close)) = (open, close) {
            let a = open.max(from);
            let b = close.min(to);
            if b > a {
                total += Duration::try_from(b - a).unwrap_or(Duration::ZERO);
                if total >= enough {
                    return total;
                }
            }
        }
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
    total
}

/// `minutes` after midnight of `day` in `tz` (24:00 is the next midnight).
fn local(day: jiff::civil::Date, minutes: u16, tz: &TimeZone) -> Option<Timestamp> {
    let (h, m) = (
        i8::try_from(minutes / 60).ok()?,
        i8::try_from(minutes % 60).ok()?,
    );
    let (day, h) = if h >= 24 {
        (day.tomorrow().ok()?, h - 24)
    } else {
        (day, h)
    };
    let t = Time::new(h, m, 0, 0).ok()?;
    day.to_datetime(t)
        .to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// `d` as a short text (`"4h"`, `"90s"`).
pub fn short(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => format!("{}ms", d.as_millis()),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn counts_only_business_hours() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let w = (8 * 60, 18 * 60);
        let big = Duration::from_secs(10 * 86400);
        // Friday 17:00 EST to Monday 09:00 EST: one hour on Friday, one on Monday.
        let d = inside(
            ts("2026-01-16T22:00:00Z"),
            ts("2026-01-19T14:00:00Z"),
            w,
            &tz,
            big,
        );
        // Saturday and Sunday count too (the window is daily): 1h + 10h + 10h + 1h.
        assert_eq!(d, Duration::from_secs(22 * 3600));
        // Overnight only: nothing.
        let night = inside(
            ts("2026-01-16T23:30:00Z"),
            ts("2026-01-17T12:00:00Z"),
            w,
            &tz,
            big,
        );
        assert_eq!(night, Duration::ZERO);
        // A window over midnight.
        let n = inside(
            ts("2026-01-16T21:00:00Z"),
            ts("2026-01-17T09:00:00Z"),
            (22 * 60, 6 * 60),
            &TimeZone::UTC,
            big,
        );
        assert_eq!(n, Duration::from_secs(8 * 3600));
        // Stops once enough.
        let e = inside(
            ts("2026-01-01T00:00:00Z"),
            ts("2026-02-01T00:00:00Z"),
            (0, 1440),
            &TimeZone::UTC,
            Duration::from_secs(3600),
        );
        assert!(e >= Duration::from_secs(3600) && e < Duration::from_secs(86400 * 2));
    }
}
