//! DSCO order files (`Purchase_Order_*.csv|.tab|.psv`) → canonical orders, each accepted,
//! skipped or rejected on its own ([`OrderOutcome`](crate::formats::OrderOutcome)); the
//! retailer's cancellations (`Cancel_*`, [`cancel`]) → one cancellation per PO.
//!
//! # Reading
//!
//! One streaming pass with the `csv` crate over the bytes (no I/O): the delimiter comes from
//! the file's extension ([`delimiter_for`]: `.csv` comma, `.tab` tab, `.psv` pipe), quoting is
//! standard (`"` around a field, `""` inside; embedded delimiters, quotes and newlines), CRLF
//! or LF, an optional UTF-8 BOM. Columns are found by NAME (trimmed, case-insensitive), never
//! by position; columns the mapping does not use are ignored. A column the mapping uses that
//! the header names twice is an error for the file (we cannot tell which is meant).
//!
//! Rows are counted as a spreadsheet shows them: the header is row 1, a quoted newline does not
//! start a new row. A record with a different number of fields than the header (a file cut
//! short) or bytes that are not UTF-8 make the whole file unreadable ([`DecodeError::Csv`]).
//!
//! # Orders
//!
//! One row per line item; the rows of one PO (`po_number`) are consecutive and form one
//! canonical order, its order-level fields taken from its FIRST row. A PO whose rows are not
//! consecutive (it comes back after another PO) is rejected as a whole, naming its rows. A row
//! with an empty `po_number` is its own rejected order, `(no po_number, row N)`.
//!
//! A bad value rejects its PO with `row N, column C: …` (several problems joined with `; `);
//! the file's other POs go on. `place` is `row N` (one row) or `rows N-M`.
//!
//! # Mapping decisions (where the spec is silent)
//!
//! - Cells are trimmed; an empty cell is an absent value (omitted from the canonical order).
//! - Dates (`order_date`, `ship_by_date`, `deliver_by_date`) must be ISO 8601 date-times with
//!   an offset; they are written as RFC 3339 in the offset they were given in
//!   (`2019-02-24T19:43:56+07:00`; `Z` stays `Z`). A date without an offset is a rejection.
//! - `test_flag`: `1` → `test_order: true`; `0` or empty → omitted; `true`/`false` are accepted
//!   too (any case); anything else is a rejection.
//! - `refs` keeps, when non-empty: `dsco_order_id`, `consumer_order_number`, `channel`,
//!   `ship_attention` (the canonical model has no attention line and a warehouse may print it)
//!   and `shipping_service_level_code` (DSCO's service code, so the shipment confirmation back
//!   can carry it; see `render::dsco`).
//! - Countries (`ship_country`, `bill_to_country`) go through
//!   [`to_alpha2`](crate::formats::country::to_alpha2); an unknown one is a rejection.
//! - Ship method key: the first non-empty of `shipping_service_level_code`,
//!   `dsco_shipping_service_level_code`, `retailer_shipping_service_level_code`; else the
//!   first carrier/method pair with a value among (`ship_carrier`, `ship_method`),
//!   (`dsco_ship_carrier`, `dsco_ship_method`), (`retailer_ship_carrier`,
//!   `retailer_ship_method`), joined with one space (just the one that is present when only
//!   one of the pair is). `ship_code_description` is the key; `ship_code` is
//!   `ship_methods[key]` when the map is non-empty (missing → rejection naming the key; no key
//!   at all is looked up as `''`, as for UltraCart), else the key.
//! - `deliver_by_date` ← `required_delivery_date`, else `expected_delivery_date`.
//! - Items, one per row: `line_no` ← `line_item_line_number` (a whole number ≥ 1; when the
//!   column is absent or the cell empty, the row's 1-based position in the PO); two rows of one
//!   PO with the same `line_no` are a rejection. `item` ← `line_item_sku`, else
//!   `line_item_partner_sku`, else `line_item_upc`, through `sku_aliases` (`cart_item` is the
//!   DSCO SKU when an alias changed it); a row with none of the three is a rejection.
//!   `quantity` ← `line_item_quantity`, a whole number ≥ 1 (`2.0`, `-1`, `0` are rejected).
//!   `unit_cost` ← `line_item_expected_cost`, `price` ← `line_item_consumer_price`: money,
//!   non-negative, at most 2 decimals, no symbols.
//! - Order totals are not mapped (DSCO's order export has no reliable totals per order).

mod cancel;
pub mod render;
mod to_canonical;

#[cfg(test)]
mod tests;

use super::csv_errors::{csv_error, unreadable_record};
use super::{
    DecodeError, DecodeOptions, Decoded, DecodedOrder, Format, FormatSpec, OrderOutcome, Role,
};
use std::collections::HashMap;

/// DSCO, for the registry: delimited order files in, shipments, invoices and inventory out.
pub const FORMAT: Format = Format(&FormatSpec {
    name: "dsco",
    role: Role::Cart,
    reader: "the DSCO file reader",
    keys: &[],
    decode: decode_file,
    to_utf8: super::as_is,
    each: None,
    renderer: Some(&render::Dsco),
});

/// Decodes a DSCO order file named `file_name` (its delimiter from its extension, another
/// extension refused), or with commas when the name is not known.
fn decode_file(
    file_name: Option<&str>,
    bytes: &[u8],
    opts: &DecodeOptions,
) -> Result<Decoded, DecodeError> {
    let Some(file_name) = file_name else {
        return decode(bytes, opts, b',');
    };
    match delimiter_for(file_name) {
        Some(delimiter) if cancel::is_cancel_file(file_name) => cancel::decode(bytes, delimiter),
        Some(delimiter) => decode(bytes, opts, delimiter),
        None => Err(DecodeError::Other(format!(
            "'{file_name}': a DSCO order file must end in .csv, .tab or .psv"
        ))),
    }
}

/// The DSCO delimiter for a file name by its extension (case-insensitive): `.csv` comma,
/// `.tab` tab, `.psv` pipe; `None` for any other name.
pub fn delimiter_for(file_name: &str) -> Option<u8> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(b','),
        "tab" => Some(b'\t'),
        "psv" => Some(b'|'),
        _ => None,
    }
}

/// The columns a file must have (one of the SKU columns).
pub(crate) const PO_NUMBER: &str = "po_number";
pub(crate) const QUANTITY: &str = "line_item_quantity";
pub(crate) const SKU_COLUMNS: [&str; 3] =
    ["line_item_sku", "line_item_partner_sku", "line_item_upc"];

/// The header: lower-cased trimmed name → index (first occurrence), and the names in order.
pub(crate) struct Header {
    index: HashMap<String, usize>,
    twice: Vec<String>,
}

impl Header {
    fn new(names: &csv::StringRecord) -> Header {
        let mut index = HashMap::new();
        let mut twice = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let key = name.trim().to_ascii_lowercase();
            if key.is_empty() {
                continue;
            }
            match index.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => twice.push(e.key().clone()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        Header { index, twice }
    }

    /// The index of a column, if the header has it.
    pub(crate) fn col(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// One row of the file with its spreadsheet row number.
pub(crate) struct Row {
    pub(crate) n: u64,
    pub(crate) rec: csv::StringRecord,
}

/// Decodes a DSCO order file whose fields are separated by `delimiter` (see the module doc).
pub fn decode(bytes: &[u8], opts: &DecodeOptions, delimiter: u8) -> Result<Decoded, DecodeError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(body);
    let names = rdr
        .headers()
        .map_err(|e| unreadable(&e, 1, &csv::StringRecord::new()))?
        .clone();
    if names.iter().all(|n| n.trim().is_empty()) {
        return Err(csv_error(1, "", "no header row: the file is empty"));
    }
    let header = Header::new(&names);
    check_header(&header)?;
    let mapper = to_canonical::Mapper::new(opts, &header);

    let mut decoded = Decoded::default();
    // PO number → index in `decoded.orders`, for POs already closed.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut group: Vec<Row> = Vec::new();
    let mut group_po: Option<String> = None;
    let po_col = header.col(PO_NUMBER);

    let mut close = |group: &mut Vec<Row>, po: Option<String>, decoded: &mut Decoded| {
        if group.is_empty() {
            return;
        }
        let rows = std::mem::take(group);
        let place = place(&rows);
        match po {
            None => decoded.orders.push(DecodedOrder {
                order_no: format!("(no po_number, {place})"),
                place,
                outcome: OrderOutcome::Reject(format!(
                    "row {}, column {PO_NUMBER}: empty: every row needs the PO it belongs to",
                    rows[0].n
                )),
            }),
            Some(po) => {
                if let Some(&at) = seen.get(&po) {
                    let earlier = &mut decoded.orders[at];
                    earlier.outcome = OrderOutcome::Reject(format!(
                        "row {}, column {PO_NUMBER}: PO '{po}' is split across non-adjacent \
                         rows ({} and {place}): the rows of one PO must be consecutive",
                        rows[0].n, earlier.place
                    ));
                    earlier.place = format!("{}, {place}", earlier.place);
                } else {
                    seen.insert(po.clone(), decoded.orders.len());
                    decoded.orders.push(DecodedOrder {
                        order_no: po.clone(),
                        place,
                        outcome: mapper.order(&po, &rows),
                    });
                }
            }
        }
    };

    for (i, rec) in rdr.records().enumerate() {
        let n = i as u64 + 2;
        let rec = rec.map_err(|e| unreadable(&e, n, &names))?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            // A blank line (e.g. a trailing one) holds no line item.
            continue;
        }
        let po = po_col
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let same = po.is_some() && po == group_po;
        if !same {
            close(&mut group, group_po.take(), &mut decoded);
            group_po = po.clone();
        }
        group.push(Row { n, rec });
        if po.is_none() {
            close(&mut group, None, &mut decoded);
        }
    }
    close(&mut group, group_po.take(), &mut decoded);
    Ok(decoded)
}

/// Required columns present, used columns not named twice.
fn check_header(header: &Header) -> Result<(), DecodeError> {
    for required in [PO_NUMBER, QUANTITY] {
        if header.col(required).is_none() {
            return Err(csv_error(
                1,
                required,
                format!("missing required column '{required}' in the header"),
            ));
        }
    }
    if SKU_COLUMNS.iter().all(|c| header.col(c).is_none()) {
        return Err(csv_error(
            1,
            SKU_COLUMNS[0],
            "missing required column 'line_item_sku' in the header \
             (nor its fallbacks 'line_item_partner_sku' or 'line_item_upc')",
        ));
    }
    if let Some(name) = header
        .twice
        .iter()
        .find(|n| to_canonical::USED_COLUMNS.contains(&n.as_str()))
    {
        return Err(csv_error(1, name, "the header names this column twice"));
    }
    Ok(())
}

/// `row N` or `rows N-M`.
pub(crate) fn place(rows: &[Row]) -> String {
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if a.n != b.n => format!("rows {}-{}", a.n, b.n),
        (Some(a), _) => format!("row {}", a.n),
        _ => String::new(),
    }
}

/// [`unreadable_record`] with the header's (trimmed) names.
fn unreadable(e: &csv::Error, row: u64, names: &csv::StringRecord) -> DecodeError {
    unreadable_record(e, row, |i| {
        names
            .get(i)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    })
}
