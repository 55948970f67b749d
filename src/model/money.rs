//! Money as a decimal string with two places (`"47.00"`), never a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An amount of money, kept as a decimal and written with at least two places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

/// In the OpenAPI document: a decimal string.
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$"))
            .description(Some(
                "An amount of money: a decimal string such as \"47.00\"",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Money {}

/// A money value that is not a plain decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an amount of money (expected a decimal number such as 47.00)")]
pub struct BadMoney(pub String);

impl Money {
    /// Wraps a decimal, scaling it to at least two places.
    pub fn new(value: Decimal) -> Self {
        let mut v = value;
        if v.scale() < 2 {
            v.rescale(2);
        }
        Money(v)
    }

    /// Zero, written `0.00`.
    pub fn zero() -> Self {
        Money::new(Decimal::ZERO)
    }

    /// The decimal value.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl FromStr for Money {
    type Err = BadMoney;

    /// Parses a cart's amount: digits with an optional sign and decimal point; no symbols,
    /// no exponent, no thousands separators.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        let ok = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.chars().filter(|c| *c == '.').count() <= 1
            && digits.chars().any(|c| c.is_ascii_digit());
        if !ok {
            return Err(BadMoney(s.to_string()));
        }
        Decimal::from_str(t)
            .map(Money::new)
            .map_err(|_| BadMoney(s.to_string()))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money::new(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money::new(self.0 - rhs.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Money::from_str(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_two_places_and_copies_more() {
        for (input, shown) in [
            ("47", "47.00"),
            ("47.0", "47.00"),
            ("47.00", "47.00"),
            ("5.999", "5.999"),
            ("-3.5", "-3.50"),
        ] {
            assert_eq!(
                Money::from_str(input).unwrap().to_string(),
                shown,
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_plain_number() {
        for bad in ["", "$4.00", "1,000.00", "1e3", "abc", ".", "-", "1.2.3"] {
            assert!(Money::from_str(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn adds_exactly() {
        let a: Money = "0.10".parse().unwrap();
        let b: Money = "0.20".parse().unwrap();
        assert_eq!((a + b).to_string(), "0.30");
    }
}
