//! Partner file formats: pure functions from bytes to canonical documents (decode) and from
//! events to output files (render). No I/O, no state.
//!
//! Adding a cart format means a file here and one line in [`decode`].

pub mod canonical;
pub mod country;
mod csv_errors;
pub mod dsco;
pub mod render;
mod text;
pub mod ultracart;

use crate::model::Order;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A partner's file format (`format` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// UltraCart order XML in, `ship*.csv` / `inv*.csv` out (formats/ultracart.md).
    UltraCart,
    /// DSCO delimited files (formats/dsco.md).
    Dsco,
    /// Wharf's canonical JSON (formats/canonical.md): the warehouse side.
    Canonical,
}

impl Format {
    /// The name used in the config and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::UltraCart => "ultracart",
            Format::Dsco => "dsco",
            Format::Canonical => "canonical",
        }
    }
}

/// How UltraCart kits are sent to the warehouse (`kits` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KitMode {
    /// Send the kit's components (each with `kit_parent`), not the kit line.
    #[default]
    Components,
    /// Send the kit line, not its components.
    Kit,
}

/// What a decoder needs to know about the partner that sent the file.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// The cart partner's name (`order_source`).
    pub source: String,
    /// UltraCart: only items for this distribution center.
    pub distribution_center: Option<String>,
    /// UltraCart: kits or their components.
    pub kits: KitMode,
    /// Cart SKU → warehouse SKU.
    pub sku_aliases: BTreeMap<String, String>,
    /// Cart shipping method → warehouse `ship_code`. When non-empty, a method not in the map
    /// rejects the order.
    pub ship_methods: BTreeMap<String, String>,
}

/// Every order a file holds, each with its own outcome.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    /// In file order.
    pub orders: Vec<DecodedOrder>,
}

/// One order of a file.
#[derive(Debug, Clone)]
pub struct DecodedOrder {
    /// The cart's order number (`cust_po_no`), or a placeholder when the file lacks it.
    pub order_no: String,
    /// Where the order is in the file: `LINE:COL` for XML, `row N` for CSV.
    pub place: String,
    /// What to do with it.
    pub outcome: OrderOutcome,
}

/// The decoder's verdict on one order.
#[derive(Debug, Clone)]
pub enum OrderOutcome {
    /// A canonical order to send to the warehouse.
    Accept(Box<Order>),
    /// Recorded, not sent (the reason says why, e.g. "stage AR: not in the shipping department").
    Skip(String),
    /// Rejected with the rule broken.
    Reject(String),
}

/// A file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not well-formed, or not the expected XML document.
    #[error("{line}:{column}: {message}")]
    Xml {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A CSV file's structure is wrong (missing column, broken record).
    #[error("row {row}, column {column}: {message}")]
    Csv {
        /// Row as a spreadsheet counts them (header = 1).
        row: u64,
        /// Column name.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// Anything else that makes the file unreadable.
    #[error("{0}")]
    Other(String),
}

/// The file as the decoders of `format` read it, when it must be transcoded first: UltraCart
/// XML in UTF-16 becomes UTF-8 (once, for the DTD check and the decoder alike); `None` when the
/// bytes are read as they are.
pub fn to_utf8(format: Format, bytes: &[u8]) -> Option<Vec<u8>> {
    match format {
        Format::UltraCart => crate::validate::utf16_to_utf8(bytes),
        Format::Dsco | Format::Canonical => None,
    }
}

/// Decodes one order file of `format`.
pub fn decode(format: Format, bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    match format {
        Format::UltraCart => ultracart::decode(bytes, opts),
        Format::Canonical => canonical::decode_orders(bytes, opts),
        Format::Dsco => dsco::decode(bytes, opts, b','),
    }
}

/// Decodes one order file of `format` named `file_name`: for DSCO the delimiter comes from the
/// extension (`.csv`, `.tab`, `.psv`; another extension is refused); other formats ignore the
/// name and decode as [`decode`] does.
pub fn decode_named(
    format: Format,
    file_name: &str,
    bytes: &[u8],
    opts: &DecodeOptions,
) -> Result<Decoded, DecodeError> {
    match format {
        Format::Dsco => match dsco::delimiter_for(file_name) {
            Some(delimiter) => dsco::decode(bytes, opts, delimiter),
            None => Err(DecodeError::Other(format!(
                "'{file_name}': a DSCO order file must end in .csv, .tab or .psv"
            ))),
        },
        _ => decode(format, bytes, opts),
    }
}
