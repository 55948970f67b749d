//! The canonical order (`out/order_<cust_ref>.json`), field names as CartRover's order object.

use super::Money;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where an order stands (spec INTERFACE §7, canonical.md `order_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Sent to the warehouse.
    New,
    /// The warehouse took its order file.
    AtWms,
    /// Some units shipped, some remain.
    Partial,
    /// Every unit shipped.
    Shipped,
    /// The cart took every confirmation that carries the order.
    Confirmed,
    /// Recorded, not sent (e.g. not in the shipping stage).
    Skipped,
    /// Rejected; processed afresh when it comes again.
    Error,
    /// Canceled.
    Canceled,
}

impl OrderStatus {
    /// The snake_case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::AtWms => "at_wms",
            OrderStatus::Partial => "partial",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Skipped => "skipped",
            OrderStatus::Error => "error",
            OrderStatus::Canceled => "canceled",
        }
    }

    /// Parses a status name as [`OrderStatus::as_str`] writes it.
    pub fn parse(s: &str) -> Option<Self> {
        [
            OrderStatus::New,
            OrderStatus::AtWms,
            OrderStatus::Partial,
            OrderStatus::Shipped,
            OrderStatus::Confirmed,
            OrderStatus::Skipped,
            OrderStatus::Error,
            OrderStatus::Canceled,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }

    /// True once the order has gone to the warehouse (it then absorbs identical re-sends).
    pub fn is_sent(self) -> bool {
        !matches!(
            self,
            OrderStatus::Skipped | OrderStatus::Error | OrderStatus::Canceled
        )
    }
}

/// One canonical order. Absent values are omitted from JSON, never empty strings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are documented in formats/canonical.md
pub struct Order {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_ref: Option<String>,
    pub cust_po_no: String,
    pub order_source: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refs: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_status: Option<OrderStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_order: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_by_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_by_date: Option<String>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_address_1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_address_2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_zip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_e_mail: Option<String>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_address_1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_address_2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_zip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_e_mail: Option<String>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_code_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_instructions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_message: Option<String>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_total: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_discount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_tax: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_handling: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grand_total: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,

    #[serde(default)]
    pub items: Vec<Item>,
}

/// One order line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are documented in formats/canonical.md
pub struct Item {
    pub line_no: u32,
    pub item: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_item: Option<String>,
    pub quantity: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kit_parent: Option<String>,
}

impl Order {
    /// The order's content as the cart sent it, without what Wharf assigns (`cust_ref`,
    /// `order_status`): two sends of one order are "the same" when these bytes are equal.
    pub fn content_bytes(&self) -> Vec<u8> {
        let mut bare = self.clone();
        bare.cust_ref = None;
        bare.order_status = None;
        serde_json::to_vec(&bare).unwrap_or_default()
    }
}
