//! A cancellation (`cancel_<cust_ref>.json` to the warehouse, `cancel*.json|csv` from it, in
//! the same shape): a whole order, or some units of some lines.

use serde::{Deserialize, Serialize};

/// One cancellation. Without `items` the whole order is cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// The order number the warehouse sees (from the warehouse: this or `cust_po_no`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_ref: Option<String>,
    /// The cart's order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_po_no: Option<String>,
    /// Why, in words or as a code (`out_of_stock`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The lines cancelled; absent for the whole order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<CanceledItem>>,
}

/// Units of one line cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CanceledItem {
    /// The order line (1-based); absent when `item` names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_no: Option<u32>,
    /// The warehouse SKU of the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Units cancelled; absent for every unit of the line not yet shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
}
