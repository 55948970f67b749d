//! What the store keeps: orders with their history, and the plan of each input in flight.

use crate::model::{Order, OrderStatus};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One change in an order's life, as `wharf orders show` lists it: time, event, file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// RFC 3339, UTC.
    pub time: String,
    /// What happened, in words.
    pub event: String,
    /// The input file (path under the partner home) that caused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl HistoryEntry {
    /// An entry for now, caused by `file`.
    pub fn now(event: impl Into<String>, file: &str) -> Self {
        HistoryEntry {
            time: jiff::Timestamp::now().to_string(),
            event: event.into(),
            file: Some(file.to_string()),
        }
    }
}

/// An order as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    /// The cart partner that sent it.
    pub source: String,
    /// The cart's order number (`cust_po_no`).
    pub order_no: String,
    /// The number the warehouse sees; stable once assigned.
    pub cust_ref: String,
    /// Where it stands.
    pub status: OrderStatus,
    /// SHA-256 (hex) of the canonical content as last sent (or seen).
    pub content_hash: String,
    /// Why it was skipped or rejected, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The canonical order (for a skipped or rejected order: what could be read of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// Every change, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The shipment-confirmation files sent to the cart that carry this order (names in the
    /// cart's `out/`): the order is `confirmed` once the cart has taken every one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirmations: Vec<String>,
    /// Units shipped so far, by warehouse SKU.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub shipped: std::collections::BTreeMap<String, u64>,
    /// Every package the warehouse reported, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipments: Vec<crate::model::Shipment>,
    /// Units cancelled so far, by order line (`line_no`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub canceled: std::collections::BTreeMap<u32, u64>,
}

/// What a file Wharf put in a partner's `out/` is and carries, so that the partner deleting it
/// (its acknowledgment) can move the orders on, and pull mode knows where to drop it off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// What kind of file it is.
    pub kind: OutputKind,
    /// The orders it carries (order keys).
    pub orders: Vec<String>,
    /// Taken (deleted) by the partner already.
    pub taken: bool,
}

/// The kinds of files Wharf writes into a partner's `out/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// `order_<cust_ref>.json` in the warehouse's `out/`: taking it makes the order `at_wms`.
    Order,
    /// A shipment confirmation in the cart's `out/`: taking every one confirms the order.
    Confirmation,
    /// A cancellation (`cancel_<cust_ref>.json` to the warehouse, a cancel file to the cart):
    /// taking it is recorded in the history.
    Cancel,
    /// An invoice in the cart's `out/` (DSCO): taking it moves no order.
    Invoice,
    /// Inventory levels in the cart's `out/`: taking it moves no order.
    Inventory,
}

impl OutputKind {
    /// Every kind.
    pub const ALL: [OutputKind; 5] = [
        OutputKind::Order,
        OutputKind::Confirmation,
        OutputKind::Invoice,
        OutputKind::Inventory,
        OutputKind::Cancel,
    ];

    /// The key a pull-mode partner's `drop_off` table names this kind by.
    pub fn drop_off_key(self) -> &'static str {
        match self {
            OutputKind::Order => "order",
            OutputKind::Confirmation => "shipment",
            OutputKind::Invoice => "invoice",
            OutputKind::Inventory => "inventory",
            OutputKind::Cancel => "cancel",
        }
    }
}

/// One output a plan writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedOutput {
    /// What kind of file it is. Absent from plans recorded before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<OutputKind>,
    /// The destination folder (a partner's `out/`).
    pub dir: PathBuf,
    /// The file name.
    pub name: String,
    /// The content.
    pub content: String,
    /// Written already (a replay skips it).
    pub done: bool,
}

impl PlannedOutput {
    /// A `kind` file `name` to write into `dir`, not written yet.
    pub fn new(kind: OutputKind, dir: PathBuf, name: String, content: &[u8]) -> Self {
        PlannedOutput {
            kind: Some(kind),
            dir,
            name,
            content: String::from_utf8_lossy(content).into_owned(),
            done: false,
        }
    }
}

/// What processing an input decided, recorded before anything is written so that a replay
/// after a crash does the same things in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Outputs to write, in order.
    pub outputs: Vec<PlannedOutput>,
    /// Where the input goes (`archive/…` or `error/…`, absolute).
    pub settle_to: PathBuf,
    /// The rejection report to write beside `error/NAME` (`NAME.error.txt`), if any.
    pub report: Option<(PathBuf, String)>,
    /// The DTD validity errors to write beside `archive/DAY/NAME` (`NAME.warnings.txt`), for a
    /// file processed in `dtd_mode = "report"`. Absent from plans recorded before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<(PathBuf, String)>,
    /// One-word outcome for the log: `archived`, `partial`, `rejected`.
    pub outcome: String,
}

/// An input in flight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// SHA-256 (hex) of the input's bytes: a different file under the same name is a new job.
    pub file_hash: String,
    /// What to do: for an input decided in parts, the outputs of the last part decided (and,
    /// once the last part is decided, where the input goes).
    pub plan: Plan,
    /// For a batch decided in parts: how far the decision has gone. Absent for an input
    /// decided at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<Parts>,
}

/// How far the decision of a batch decided in parts has gone: each part's orders are decided,
/// with their outputs, in one transaction of their own, so no transaction and no record holds
/// the whole batch. A replay sends the recorded part's outputs, then decides the orders after
/// [`Parts::decided`] from the input, which stays in `in/` until the last part is settled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parts {
    /// The orders of the input decided so far, in file order.
    pub decided: usize,
    /// Every order is decided: the plan says where the input goes.
    pub last: bool,
    /// The report lines of the orders decided so far: rejected orders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<String>,
    /// Held orders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
    /// Notices (nothing refused).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// The DTD validity errors of a file processed in `dtd_mode = "report"`, for the last part's
    /// plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<String>,
}
