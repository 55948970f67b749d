//! Inventory levels reported by the warehouse (`in/inventory*.json|csv`): one row per SKU,
//! the quantity available.

use serde::{Deserialize, Deserializer, Serialize};

/// The level of one warehouse SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryLevel {
    /// The warehouse's SKU (translated back through each cart's `sku_aliases` on the way out).
    #[serde(deserialize_with = "non_empty")]
    pub sku: String,
    /// Units the carts may sell (may be negative when oversold; passed on as is).
    pub qty_available: i64,
    /// Units physically on the shelf, when the warehouse says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qty_on_hand: Option<i64>,
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(s)
}
