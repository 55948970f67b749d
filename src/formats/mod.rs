//! Partner file formats: pure functions from bytes to canonical documents (decode) and from
//! events to output files (render). No I/O, no state.
//!
//! Adding a format is its own folder (decoder, renderer) and one line in [`FORMATS`].

pub mod canonical;
pub mod country;
mod csv_errors;
pub mod dsco;
mod go_live;
pub mod render;
mod text;
pub mod ultracart;

use crate::model::Order;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which side of the exchange a partner is on; each format is spoken on one side.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// Sends orders, receives confirmations.
    Cart,
    /// Receives orders, sends shipments and inventory.
    Warehouse,
}

impl Role {
    /// The name used in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cart => "cart",
            Role::Warehouse => "warehouse",
        }
    }
}

/// A format's decoder: the file's name when known, its bytes, the partner's options.
pub type DecodeFn = fn(Option<&str>, &[u8], &DecodeOptions) -> Result<Decoded, DecodeError>;

/// What a streaming decoder hands each order to, as soon as the order is read; `Break` stops
/// the reading there.
pub type EachOrder<'a> = dyn FnMut(DecodedOrder) -> std::ops::ControlFlow<()> + 'a;

/// A format's streaming decoder: like [`DecodeFn`], but it reads the file from a reader and
/// each order goes to the callback as it is read, so that neither the file nor more than one
/// order's fields are held at a time.
pub type EachFn = fn(
    Option<&str>,
    &mut dyn std::io::Read,
    &DecodeOptions,
    &mut EachOrder<'_>,
) -> Result<(), DecodeError>;

/// Everything the rest of Wharf knows about one file format. Each format defines its own in
/// its folder (`ultracart::FORMAT`, ...), and [`FORMATS`] registers them: the configuration,
/// the pipeline, the renderers' lookup and `wharf convert` all read this, never a list of
/// their own.
pub struct FormatSpec {
    /// The name in the configuration and on the command line (`format = "ultracart"`).
    pub name: &'static str,
    /// The side of the exchange that speaks it.
    pub role: Role,
    /// What reads its files, for a report when the reader fails ("the XML parser").
    pub reader: &'static str,
    /// The `[[partner]]` keys that only partners of this format may set (`dtd`, `kits`, ...).
    pub keys: &'static [&'static str],
    /// Decodes one order file; the file's name when it is known (a format may choose how to
    /// read a file by its name, as DSCO chooses its delimiter).
    pub decode: DecodeFn,
    /// Decodes one order file order by order, when the format can (see [`decode_each_named`]).
    pub each: Option<EachFn>,
    /// The file as the decoders read it, when it must be transcoded first; `None` when the
    /// bytes are read as they are.
    pub to_utf8: fn(&[u8]) -> Option<Vec<u8>>,
    /// Writes the outputs to partners of this format (confirmations, inventory, invoices);
    /// `None` when it takes none (the warehouse side).
    pub renderer: Option<&'static dyn render::Renderer>,
}

/// Every format Wharf speaks. Adding a format is its own folder here (a decoder, a renderer if
/// partners of it get outputs) and one line in this list.
pub const FORMATS: &[Format] = &[ultracart::FORMAT, dsco::FORMAT, canonical::FORMAT];

/// A partner's file format (`format` in the config): a handle on its [`FormatSpec`].
#[derive(Clone, Copy)]
pub struct Format(&'static FormatSpec);

#[allow(non_upper_case_globals)]
impl Format {
    /// UltraCart order XML in, `ship*.csv` / `inv*.csv` out.
    pub const UltraCart: Format = ultracart::FORMAT;
    /// DSCO delimited files in and out.
    pub const Dsco: Format = dsco::FORMAT;
    /// Wharf's canonical JSON: the warehouse side.
    pub const Canonical: Format = canonical::FORMAT;

    /// The format called `name` in [`FORMATS`].
    pub fn named(name: &str) -> Option<Format> {
        FORMATS.iter().copied().find(|f| f.0.name == name)
    }

    /// The reason a name is not a format: `unknown format `NAME`, expected one of ...`.
    pub fn unknown(name: &str) -> String {
        let names: Vec<String> = FORMATS
            .iter()
            .map(|f| format!("`{}`", f.as_str()))
            .collect();
        format!(
            "unknown format `{name}`, expected one of {}",
            names.join(", ")
        )
    }

    /// What Wharf knows about this format.
    pub fn spec(self) -> &'static FormatSpec {
        self.0
    }

    /// The name used in the config and on the command line.
    pub fn as_str(self) -> &'static str {
        self.0.name
    }

    /// The side of the exchange that speaks it.
    pub fn role(self) -> Role {
        self.0.role
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Format {}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Format::named(&name).ok_or_else(|| serde::de::Error::custom(Format::unknown(&name)))
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
    /// The cart's go-live date: an order placed before it is skipped.
    pub accept_orders_since: Option<jiff::civil::Date>,
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
    /// The cart cancels the order, or some of its lines (a DSCO `Cancel_*` file, an UltraCart
    /// order sent again in stage `REJ`). An order never sent is recorded as skipped.
    Cancel(Box<crate::model::Cancellation>),
}

/// A file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// Not JSON, or not the expected JSON document; the message starts with the JSON path of
    /// the offending value (`$[1].shipments[0].date: ...`) where there is one.
    #[error("{line}:{column}: {message}")]
    Json {
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

/// The file as the decoders of `format` read it, when it must be transcoded first (UltraCart
/// XML in UTF-16 becomes UTF-8, once, for the DTD check and the decoder alike); `None` when the
/// bytes are read as they are.
pub fn to_utf8(format: Format, bytes: &[u8]) -> Option<Vec<u8>> {
    (format.spec().to_utf8)(bytes)
}

/// Decodes one order file of `format`, name unknown.
pub fn decode(format: Format, bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let decoded = (format.spec().decode)(None, bytes, opts)?;
    Ok(go_live::apply(decoded, opts.accept_orders_since))
}

/// Decodes one order file of `format` named `file_name` (DSCO takes its delimiter from the
/// extension and refuses another; other formats ignore the name).
pub fn decode_named(
    format: Format,
    file_name: &str,
    bytes: &[u8],
    opts: &DecodeOptions,
) -> Result<Decoded, DecodeError> {
    let decoded = (format.spec().decode)(Some(file_name), bytes, opts)?;
    Ok(go_live::apply(decoded, opts.accept_orders_since))
}

/// Decodes one order file of `format` named `file_name`, handing each order to `each` as it is
/// read (go-live date applied), until the end of the file or until `each` says `Break`. A
/// format without a streaming decoder is decoded whole first. An error in the file may come
/// after some orders were handed on: a caller that acts on orders checks the file first.
pub fn decode_each_named(
    format: Format,
    file_name: &str,
    bytes: &[u8],
    opts: &DecodeOptions,
    each: &mut EachOrder<'_>,
) -> Result<(), DecodeError> {
    let since = opts.accept_orders_since;
    let mut each = |mut order: DecodedOrder| {
        go_live::apply_one(&mut order, since);
        each(order)
    };
    match format.spec().each {
        Some(stream) => stream(Some(file_name), &mut &bytes[..], opts, &mut each),
        None => {
            let decoded = (format.spec().decode)(Some(file_name), bytes, opts)?;
            for order in decoded.orders {
                if each(order).is_break() {
                    break;
                }
            }
            Ok(())
        }
    }
}

/// Like [`decode_each_named`], reading the file from `source` rather than from bytes held
/// whole; only for a format with a streaming decoder ([`FormatSpec::each`]).
pub fn decode_each_read(
    format: Format,
    file_name: &str,
    source: &mut dyn std::io::Read,
    opts: &DecodeOptions,
    each: &mut EachOrder<'_>,
) -> Result<(), DecodeError> {
    let Some(stream) = format.spec().each else {
        return Err(DecodeError::Other(format!(
            "{} files are not read as a stream",
            format.as_str()
        )));
    };
    let since = opts.accept_orders_since;
    stream(Some(file_name), source, opts, &mut |mut order| {
        go_live::apply_one(&mut order, since);
        each(order)
    })
}

/// Read as they are: no transcoding.
pub(crate) fn as_is(_: &[u8]) -> Option<Vec<u8>> {
    None
}
