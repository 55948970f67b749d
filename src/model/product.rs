//! A warehouse's product (`in/product*.json|csv`, one object or row per SKU): what the
//! warehouse can fill. Its catalog lets Wharf hold an order for a SKU the warehouse would
//! reject (`check_skus`).

use serde::{Deserialize, Deserializer, Serialize};

/// One SKU of a warehouse's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The warehouse's SKU.
    #[serde(deserialize_with = "non_empty")]
    pub sku: String,
    /// What it is (absent for a SKU known only from an inventory file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its UPC, when the warehouse gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upc: Option<String>,
    /// Its weight in pounds, as the warehouse writes it (a decimal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_lb: Option<String>,
    /// `false` retires the SKU: orders for it are held again.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(s.trim().to_string())
}
