//! The last inventory level each warehouse reported for each SKU, from its files and from the
//! merchant API alike, recorded in the transaction that records the input's plan. The API's
//! `GET inventory` reads it.

use serde::{Deserialize, Serialize};

/// A level as Wharf last heard it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KnownLevel {
    /// The warehouse's SKU.
    pub sku: String,
    /// Units the carts may sell.
    pub qty_available: i64,
    /// Units on the shelf, when the warehouse said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qty_on_hand: Option<i64>,
    /// When Wharf recorded it (RFC 3339, UTC).
    pub updated_at: String,
    /// The input that reported it (`in/inventory.json`, or `… via api`).
    pub file: String,
}
