//! The canonical order (`out/order_<cust_ref>.json`), field names as CartRover's order object.

use super::Money;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where an order stands: `new` when sent to the warehouse, `at_wms` once the warehouse took
/// its file, `partial`/`shipped` as shipments arrive, `confirmed` once the cart took every
/// confirmation; `skipped` and `error` for orders never sent.
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
    /// Not sent: a line's SKU is not in the warehouse's catalog (`check_skus`). Sent on its own
    /// once the catalog or the cart's aliases know every SKU, or by `wharf orders release`.
    Held,
    /// Canceled (by the cart, the warehouse or the operator) before it shipped.
    Canceled,
}

impl OrderStatus {
    /// Every status, in the order of an order's life: the one list the command line, the
    /// status filter and every view of orders read.
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::New,
        OrderStatus::AtWms,
        OrderStatus::Partial,
        OrderStatus::Shipped,
        OrderStatus::Confirmed,
        OrderStatus::Skipped,
        OrderStatus::Error,
        OrderStatus::Held,
        OrderStatus::Canceled,
    ];

    /// The names of every status, comma-separated (for help and error messages).
    pub fn names() -> String {
        Self::ALL.map(|s| s.as_str()).join(", ")
    }

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
            OrderStatus::Held => "held",
            OrderStatus::Canceled => "canceled",
        }
    }

    /// Parses a status name as [`OrderStatus::as_str`] writes it.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// True once the order has gone to the warehouse (it then absorbs identical re-sends).
    pub fn is_sent(self) -> bool {
        !matches!(
            self,
            OrderStatus::Skipped | OrderStatus::Error | OrderStatus::Held | OrderStatus::Canceled
        )
    }
}

/// One canonical order, as `out/order_<cust_ref>.json` carries it (the field names are those of
/// CartRover's order object, so software that reads CartRover orders reads these). Money is a
/// decimal string with two places, quantities are integers, dates are RFC 3339 with offset.
/// Absent values are omitted from JSON, never empty strings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The order number the warehouse sees: the cart's own when it fits the warehouse
    /// (`cust_ref_max_len`, only `A-Z a-z 0-9 -`) and is free, else a shortened unique form. Stable
    /// once assigned, unique across carts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_ref: Option<String>,
    /// The cart's order number, exactly as the cart sent it.
    pub cust_po_no: String,
    /// The cart partner's name.
    pub order_source: String,
    /// The cart's other identifiers worth keeping, by name (`dsco_order_id`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refs: BTreeMap<String, String>,
    /// When the customer ordered (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_date: Option<String>,
    /// Where the order stands (set by Wharf, not the cart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_status: Option<OrderStatus>,
    /// `true` for a test order (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_order: Option<bool>,
    /// The ship-by deadline the cart gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_by_date: Option<String>,
    /// The deliver-by deadline the cart gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_by_date: Option<String>,

    /// Bill-to company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_company: Option<String>,
    /// Bill-to first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_first_name: Option<String>,
    /// Bill-to last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_last_name: Option<String>,
    /// Bill-to address, first line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_address_1: Option<String>,
    /// Bill-to address, second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_address_2: Option<String>,
    /// Bill-to city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_city: Option<String>,
    /// Bill-to state or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_state: Option<String>,
    /// Bill-to postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_zip: Option<String>,
    /// Bill-to country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_country: Option<String>,
    /// Bill-to phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_phone: Option<String>,
    /// Bill-to e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_e_mail: Option<String>,

    /// Ship-to company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_company: Option<String>,
    /// Ship-to first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_first_name: Option<String>,
    /// Ship-to last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_last_name: Option<String>,
    /// Ship-to address, first line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_address_1: Option<String>,
    /// Ship-to address, second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_address_2: Option<String>,
    /// Ship-to city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_city: Option<String>,
    /// Ship-to state or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_state: Option<String>,
    /// Ship-to postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_zip: Option<String>,
    /// Ship-to country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_country: Option<String>,
    /// Ship-to phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_phone: Option<String>,
    /// Ship-to e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_e_mail: Option<String>,

    /// The warehouse's code for the shipping method (through the cart's `ship_methods` map; without
    /// a map, the cart's own text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_code: Option<String>,
    /// The cart's own text for the shipping method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_code_description: Option<String>,
    /// Free text for the warehouse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_instructions: Option<String>,
    /// Free text for the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_message: Option<String>,

    /// The cart's own subtotal (copied, not recomputed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_total: Option<Money>,
    /// The cart's own order discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_discount: Option<Money>,
    /// The cart's own sales tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_tax: Option<Money>,
    /// The cart's own shipping and handling charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_handling: Option<Money>,
    /// The cart's own grand total (it may include surcharges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grand_total: Option<Money>,
    /// ISO 4217 currency of the amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,

    /// The order lines, in the cart's order.
    #[serde(default)]
    pub items: Vec<Item>,
}

/// One order line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// 1-based line number.
    pub line_no: u32,
    /// The warehouse SKU (after the cart's `sku_aliases`).
    pub item: String,
    /// The cart's own SKU, when it differs from `item`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_item: Option<String>,
    /// Units ordered.
    pub quantity: u64,
    /// Unit price the customer pays, before discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    /// Discount per unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
    /// Line total after discount, as the cart states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_amount: Option<Money>,
    /// What the supplier invoices per unit, when the cart gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<Money>,
    /// The item's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For a kit component, the kit's SKU.
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
