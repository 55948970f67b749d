//! Shipments reported by the warehouse (`in/shipment*.json|csv`): which packages left for
//! which order (named by its `cust_ref`), and what was in them.
//!
//! The invariants a file can break on its own are checked while deserialising, so a bad value
//! is refused with its JSON path and line:col: `cust_ref` present and not empty, `date`
//! RFC 3339 with an offset, `cost` a decimal string (never a JSON number), `quantity` at least 1.
//! Whether the order and its items exist is the store's business, not the model's.

use super::Money;
use serde::{Deserialize, Deserializer, Serialize};
use std::str::FromStr;

/// One notice of `shipment*.json`: every package reported for one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentNotice {
    /// The order number the warehouse knows (the canonical order's `cust_ref`).
    #[serde(deserialize_with = "non_empty")]
    pub cust_ref: String,
    /// The packages (partial shipments may come in one notice or in several files).
    #[serde(deserialize_with = "not_empty_list")]
    pub shipments: Vec<Shipment>,
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Shipment {
    /// Carrier name, e.g. `UPS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// The carrier's service, e.g. `Ground`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The carrier's tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_no: Option<String>,
    /// When it shipped: RFC 3339 with an offset, kept exactly as the warehouse wrote it (so the
    /// cart hears the warehouse's own local date).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "rfc3339_opt"
    )]
    pub date: Option<String>,
    /// What the package cost the warehouse: a decimal string.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "money_string_opt"
    )]
    pub cost: Option<Money>,
    /// The lines in the package. Empty (or omitted): the whole rest of the order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ShippedItem>,
}

/// One line of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippedItem {
    /// The warehouse's SKU (the order line's `item`).
    #[serde(deserialize_with = "non_empty")]
    pub item: String,
    /// Units shipped, at least 1.
    #[serde(deserialize_with = "positive")]
    pub quantity: u64,
}

/// Checks that `s` is an RFC 3339 date-time with an offset (`Z` or `±HH:MM`), as
/// `2026-11-20T16:05:00-05:00`: the exact shape (no bare dates, no time-zone names, no
/// `±HHMM`), and a real instant (no 30 February).
pub fn check_rfc3339(s: &str) -> Result<(), String> {
    let refuse = || {
        format!(
            "'{s}' is not an RFC 3339 date-time with offset (expected e.g. 2026-11-20T16:05:00-05:00)"
        )
    };
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return Err(refuse());
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(refuse());
        }
        rest = &frac[n..];
    }
    let offset_ok = match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    };
    if !offset_ok {
        return Err(refuse());
    }
    jiff::Timestamp::from_str(s).map_err(|e| format!("{}: {e}", refuse()))?;
    Ok(())
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(s)
}

fn not_empty_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Shipment>, D::Error> {
    let v = Vec::<Shipment>::deserialize(d)?;
    if v.is_empty() {
        return Err(serde::de::Error::custom(
            "shipments is empty: a notice reports at least one package",
        ));
    }
    Ok(v)
}

fn positive<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let q = u64::deserialize(d)?;
    if q == 0 {
        return Err(serde::de::Error::custom("quantity must be at least 1"));
    }
    Ok(q)
}

fn rfc3339_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let Some(s) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    check_rfc3339(&s).map_err(serde::de::Error::custom)?;
    Ok(Some(s))
}

/// Money must arrive as a decimal string; a JSON number is refused by name, not with serde's
/// generic "invalid type".
fn money_string_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None => Ok(None),
        Some(serde_json::Value::String(s)) => Money::from_str(&s)
            .map(Some)
            .map_err(serde::de::Error::custom),
        Some(serde_json::Value::Number(n)) => Err(serde::de::Error::custom(format!(
            "money must be a decimal string such as \"{n}\", not the JSON number {n} (money is never a float)"
        ))),
        Some(other) => Err(serde::de::Error::custom(format!(
            "money must be a decimal string such as \"7.45\", not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_check() {
        for (s, ok, why) in [
            ("2026-11-20T16:05:00-05:00", true, "the canonical shape"),
            ("2026-11-20T21:05:00Z", true, "Z is an offset"),
            (
                "2026-11-20t21:05:00z",
                true,
                "RFC 3339 allows lower case t and z",
            ),
            ("2026-11-20T16:05:00.123+01:00", true, "fractional seconds"),
            ("2026-11-20", false, "a bare date has no time or offset"),
            ("2026-11-20T16:05:00", false, "no offset: which instant?"),
            ("2026-11-20 16:05:00-05:00", false, "space instead of T"),
            ("2026-11-20T16:05:00-0500", false, "offset without colon"),
            ("2026-11-20T16:05-05:00", false, "no seconds"),
            ("2026-02-30T16:05:00-05:00", false, "no such day"),
            (
                "2026-11-20T16:05:00-05:00[America/New_York]",
                false,
                "annotation",
            ),
            ("2026-11-20T16:05:00.-05:00", false, "empty fraction"),
        ] {
            assert_eq!(check_rfc3339(s).is_ok(), ok, "{s}: {why}");
        }
    }

    #[test]
    fn round_trips_and_omits_absent_values() {
        let json = r#"{"cust_ref":"C-1","shipments":[{"tracking_no":"T1","cost":"7.45"}]}"#;
        let n: ShipmentNotice = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), json);
    }
}
