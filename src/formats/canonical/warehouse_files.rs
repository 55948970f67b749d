//! The warehouse's inputs: `in/shipment*.json|csv` and `in/inventory*.json|csv`, decoded into
//! the canonical model.
//!
//! Pure functions: bytes in, documents or a [`DecodeError`] out. A file that breaks a rule it
//! can be judged by alone (bad JSON, a wrong type, a missing `cust_ref` or column, a bad date,
//! quantity or amount) is rejected whole, with the place: `LINE:COL` plus the JSON path for
//! JSON ([`DecodeError::Json`], whose message starts with the path), `row N, column C` for
//! CSV. Whether the orders and items exist is for the store to judge, notice by notice, using
//! each notice's [`Placed::place`].

use crate::formats::DecodeError;
use crate::formats::csv_errors::{csv_error, unreadable_record};
use crate::model::{InventoryLevel, Money, Shipment, ShipmentNotice, ShippedItem, check_rfc3339};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::str::FromStr;

/// What a warehouse file carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarehouseFile {
    /// `shipment*`: shipment notices.
    Shipments,
    /// `inventory*`: inventory levels.
    Inventory,
    /// `product*`: products upserted into the warehouse's catalog.
    Products,
    /// `product_full*`: the warehouse's whole catalog, replacing it.
    ProductsFull,
    /// `cancel*`: orders or lines the warehouse cannot fill.
    Cancel,
}

/// Every kind of warehouse input by the prefix of its name, longest prefix first where one
/// starts another: adding a kind of warehouse file is one line here and its arm in the
/// pipeline's `warehouse_file`.
pub const WAREHOUSE_FILES: &[(&str, WarehouseFile)] = &[
    ("shipment", WarehouseFile::Shipments),
    ("inventory", WarehouseFile::Inventory),
    ("product_full", WarehouseFile::ProductsFull),
    ("product", WarehouseFile::Products),
    ("cancel", WarehouseFile::Cancel),
];

/// The names a warehouse may send, for the reason a file is not one:
/// `shipment*.json, shipment*.csv, ...`.
pub fn expected_names() -> String {
    let mut names = Vec::new();
    for (prefix, _) in WAREHOUSE_FILES {
        names.push(format!("{prefix}*.json"));
        names.push(format!("{prefix}*.csv"));
    }
    names.join(", ")
}

/// How a warehouse file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `.json`
    Json,
    /// `.csv`
    Csv,
}

/// A decoded document with where it was in the file, for reports: `row 3` (CSV, the notice's
/// first row), `$[0]` (the first element of a JSON array) or `$` (a file of one JSON object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<T> {
    /// Where in the file.
    pub place: String,
    /// The document.
    pub value: T,
}

/// Tells what a warehouse file is by its name: one of [`WAREHOUSE_FILES`]' prefixes and
/// `.json` or `.csv`, prefix and extension case-insensitive. Only the last path component
/// counts (files may arrive in sub-folders of `in/`). Anything else: `None`.
pub fn classify(file_name: &str) -> Option<(WarehouseFile, Syntax)> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let lower = base.to_ascii_lowercase();
    let (stem, syntax) = if let Some(stem) = lower.strip_suffix(".json") {
        (stem, Syntax::Json)
    } else if let Some(stem) = lower.strip_suffix(".csv") {
        (stem, Syntax::Csv)
    } else {
        return None;
    };
    WAREHOUSE_FILES
        .iter()
        .find(|(prefix, _)| stem.starts_with(prefix))
        .map(|(_, kind)| (*kind, syntax))
}

/// Decodes a shipment file: JSON (one notice object or an array of them) or CSV
/// (`cust_ref,carrier,method,tracking_no,date,item,quantity`, one row per shipped line).
pub fn decode_shipments(
    bytes: &[u8],
    syntax: Syntax,
) -> Result<Vec<Placed<ShipmentNotice>>, DecodeError> {
    match syntax {
        Syntax::Json => shipments_json(bytes),
        Syntax::Csv => shipments_csv(bytes),
    }
}

/// Decodes an inventory file: JSON (an array of levels) or CSV
/// (`sku,qty_available[,qty_on_hand]`). When a SKU appears more than once the last level wins
/// (kept at the SKU's first position).
pub fn decode_inventory(bytes: &[u8], syntax: Syntax) -> Result<Vec<InventoryLevel>, DecodeError> {
    let levels = match syntax {
        Syntax::Json => json::<Vec<InventoryLevel>>(bytes)?,
        Syntax::Csv => inventory_csv(bytes)?,
    };
    let mut out: Vec<InventoryLevel> = Vec::with_capacity(levels.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for level in levels {
        match at.get(&level.sku) {
            Some(&i) => out[i] = level,
            None => {
                at.insert(level.sku.clone(), out.len());
                out.push(level);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// JSON

pub(super) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn shipments_json(bytes: &[u8]) -> Result<Vec<Placed<ShipmentNotice>>, DecodeError> {
    one_or_many(bytes)
}

/// A JSON file of one object or an array of them, each placed (`$` or `$[i]`).
pub(super) fn one_or_many<T: DeserializeOwned>(
    bytes: &[u8],
) -> Result<Vec<Placed<T>>, DecodeError> {
    let body = strip_bom(bytes);
    let is_array = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'[');
    if is_array {
        let all: Vec<T> = json(body)?;
        Ok(all
            .into_iter()
            .enumerate()
            .map(|(i, value)| Placed {
                place: format!("$[{i}]"),
                value,
            })
            .collect())
    } else {
        let value: T = json(body)?;
        Ok(vec![Placed {
            place: "$".to_string(),
            value,
        }])
    }
}

/// Deserialises one JSON document; an error carries line:col and, in its message, the JSON
/// path of the offending value (`$[1].shipments[0].date: ...`). Every warehouse document
/// read as JSON goes through here, the merchant API's own bodies too, so a refusal reads the
/// same wherever the document came from.
pub fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let body = strip_bom(bytes);
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = json_path(e.path());
        let inner = e.into_inner();
        json_error(&inner, &path)
    })?;
    de.end().map_err(|e| json_error(&e, "$"))?;
    if let Some((line, column, message)) = crate::formats::text::json_refusal(body) {
        return Err(DecodeError::Json {
            line,
            column,
            message,
        });
    }
    Ok(value)
}

fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("$");
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

fn json_error(e: &serde_json::Error, path: &str) -> DecodeError {
    let full = e.to_string();
    let tail = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&tail).unwrap_or(&full);
    // serde_json counts the column of the last byte read: 0 when it stopped before the first
    // byte of a line; a report names the first column instead.
    DecodeError::Json {
        line: (e.line() as u64).max(1),
        column: (e.column() as u64).max(1),
        message: format!("{path}: {message}"),
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

/// A CSV file's header (names trimmed and compared case-insensitively) and its records, each
/// with its row as a spreadsheet counts it (header = 1; a quoted newline stays in its row).
pub(super) struct Table {
    columns: HashMap<String, usize>,
    pub(super) records: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    pub(super) fn read(bytes: &[u8]) -> Result<Table, DecodeError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(strip_bom(bytes));
        let header = rdr
            .headers()
            .map_err(|e| unreadable_at_position(&e, 1, &[]))?
            .clone();
        let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        if names.iter().all(String::is_empty) {
            return Err(csv_error(1, "", "no header row: the file is empty"));
        }
        let mut columns = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() {
                continue;
            }
            if columns.insert(name.to_ascii_lowercase(), i).is_some() {
                return Err(csv_error(1, name, "the header names this column twice"));
            }
        }
        let mut records = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let row = i as u64 + 2;
            records.push((
                row,
                rec.map_err(|e| unreadable_at_position(&e, row, &names))?,
            ));
        }
        Ok(Table { columns, records })
    }

    /// The index of a column the file must have.
    pub(super) fn require(&self, name: &str) -> Result<usize, DecodeError> {
        self.columns.get(name).copied().ok_or_else(|| {
            csv_error(
                1,
                name,
                format!("missing required column '{name}' in the header"),
            )
        })
    }

    /// The index of a column the file may have.
    pub(super) fn optional(&self, name: &str) -> Option<usize> {
        self.columns.get(name).copied()
    }

    /// No control characters but tab, LF and CR in the cells of the `used` columns.
    pub(super) fn check_text(&self, used: &[&str]) -> Result<(), DecodeError> {
        for (row, rec) in &self.records {
            for name in used {
                let bad = self
                    .columns
                    .get(*name)
                    .and_then(|&i| rec.get(i))
                    .and_then(crate::formats::text::forbidden);
                if let Some(c) = bad {
                    return Err(csv_error(
                        *row,
                        name,
                        crate::formats::text::forbidden_reason(c),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A cell's trimmed text; empty is `None`.
pub(super) fn cell(rec: &csv::StringRecord, idx: usize) -> Option<String> {
    rec.get(idx).filter(|v| !v.is_empty()).map(str::to_string)
}

/// The shipment CSV's columns, all required, plus
/// an optional `cost` (as in the JSON).
struct ShipCols {
    cust_ref: usize,
    carrier: usize,
    method: usize,
    tracking_no: usize,
    date: usize,
    item: usize,
    quantity: usize,
    cost: Option<usize>,
}

/// One package being assembled: the row that opened it, and the first row that listed an item
/// or said "the whole rest of the order" (a package cannot do both).
struct Package {
    first_row: u64,
    whole_rest_row: Option<u64>,
    item_row: Option<u64>,
}

fn shipments_csv(bytes: &[u8]) -> Result<Vec<Placed<ShipmentNotice>>, DecodeError> {
    let table = Table::read(bytes)?;
    let c = ShipCols {
        cust_ref: table.require("cust_ref")?,
        carrier: table.require("carrier")?,
        method: table.require("method")?,
        tracking_no: table.require("tracking_no")?,
        date: table.require("date")?,
        item: table.require("item")?,
        quantity: table.require("quantity")?,
        cost: table.optional("cost"),
    };
    table.check_text(&[
        "cust_ref",
        "carrier",
        "method",
        "tracking_no",
        "date",
        "item",
        "quantity",
        "cost",
    ])?;
    let mut notices: Vec<Placed<ShipmentNotice>> = Vec::new();
    let mut packages: Vec<Vec<Package>> = Vec::new();
    let mut notice_at: HashMap<String, usize> = HashMap::new();
    let mut package_at: HashMap<(String, Option<String>), usize> = HashMap::new();

    for (row, rec) in &table.records {
        let row = *row;
        let cust_ref =
            cell(rec, c.cust_ref).ok_or_else(|| csv_error(row, "cust_ref", "must not be empty"))?;
        let tracking_no = cell(rec, c.tracking_no);
        let date = cell(rec, c.date);
        if let Some(d) = &date {
            check_rfc3339(d).map_err(|m| csv_error(row, "date", m))?;
        }
        let cost = match c.cost.and_then(|i| cell(rec, i)) {
            Some(v) => {
                Some(Money::from_str(&v).map_err(|e| csv_error(row, "cost", e.to_string()))?)
            }
            None => None,
        };
        let line = match (cell(rec, c.item), cell(rec, c.quantity)) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(csv_error(
                    row,
                    "quantity",
                    "missing: a row with an item needs its quantity",
                ));
            }
            (None, Some(_)) => {
                return Err(csv_error(
                    row,
                    "item",
                    "missing: a row with a quantity needs its item",
                ));
            }
            (Some(item), Some(q)) => Some(ShippedItem {
                item,
                quantity: parse_quantity(&q).map_err(|m| csv_error(row, "quantity", m))?,
            }),
        };

        let n = *notice_at.entry(cust_ref.clone()).or_insert_with(|| {
            notices.push(Placed {
                place: format!("row {row}"),
                value: ShipmentNotice {
                    cust_ref: cust_ref.clone(),
                    shipments: Vec::new(),
                },
            });
            packages.push(Vec::new());
            notices.len() - 1
        });
        let shipments = &mut notices[n].value.shipments;
        let s = *package_at
            .entry((cust_ref.clone(), tracking_no.clone()))
            .or_insert_with(|| {
                shipments.push(Shipment {
                    tracking_no: tracking_no.clone(),
                    ..Shipment::default()
                });
                packages[n].push(Package {
                    first_row: row,
                    whole_rest_row: None,
                    item_row: None,
                });
                shipments.len() - 1
            });
        let ship = &mut shipments[s];
        let pkg = &mut packages[n][s];
        let same = |what: &str| {
            format!(
                "differs from '{what}', given earlier for the same package (cust_ref {cust_ref}, tracking_no {}, from row {})",
                tracking_no.as_deref().unwrap_or("(none)"),
                pkg.first_row
            )
        };
        merge(&mut ship.carrier, cell(rec, c.carrier))
            .map_err(|old| csv_error(row, "carrier", same(&old)))?;
        merge(&mut ship.method, cell(rec, c.method))
            .map_err(|old| csv_error(row, "method", same(&old)))?;
        merge(&mut ship.date, date).map_err(|old| csv_error(row, "date", same(&old)))?;
        merge(&mut ship.cost, cost).map_err(|old| csv_error(row, "cost", same(&old)))?;
        match line {
            None => {
                if let Some(r) = pkg.item_row {
                    return Err(csv_error(
                        row,
                        "item",
                        format!(
                            "empty (the whole rest of the order), but row {r} of the same package lists an item"
                        ),
                    ));
                }
                pkg.whole_rest_row.get_or_insert(row);
            }
            Some(item) => {
                if let Some(r) = pkg.whole_rest_row {
                    return Err(csv_error(
                        row,
                        "item",
                        format!(
                            "row {r} of the same package says the whole rest of the order (empty item)"
                        ),
                    ));
                }
                pkg.item_row.get_or_insert(row);
                ship.items.push(item);
            }
        }
    }
    Ok(notices)
}

/// Fills `slot` from a later row of the same package; a different value is a conflict (the old
/// value is returned as the error).
fn merge<T: PartialEq + ToString>(slot: &mut Option<T>, new: Option<T>) -> Result<(), String> {
    match (slot.as_ref(), new) {
        (_, None) => Ok(()),
        (None, Some(v)) => {
            *slot = Some(v);
            Ok(())
        }
        (Some(old), Some(v)) if *old == v => Ok(()),
        (Some(old), Some(_)) => Err(old.to_string()),
    }
}

pub(super) fn parse_quantity(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(q) if q >= 1 => Ok(q),
        _ => Err(format!("'{s}' is not a whole number of units (at least 1)")),
    }
}

fn parse_level(s: &str) -> Result<i64, String> {
    s.parse::<i64>()
        .map_err(|_| format!("'{s}' is not a whole number"))
}

fn inventory_csv(bytes: &[u8]) -> Result<Vec<InventoryLevel>, DecodeError> {
    let table = Table::read(bytes)?;
    let sku = table.require("sku")?;
    let available = table.require("qty_available")?;
    let on_hand = table.optional("qty_on_hand");
    table.check_text(&["sku", "qty_available", "qty_on_hand"])?;
    let mut out = Vec::with_capacity(table.records.len());
    for (row, rec) in &table.records {
        let row = *row;
        let sku = cell(rec, sku).ok_or_else(|| csv_error(row, "sku", "must not be empty"))?;
        let qty_available = cell(rec, available)
            .ok_or_else(|| csv_error(row, "qty_available", "must not be empty"))
            .and_then(|v| parse_level(&v).map_err(|m| csv_error(row, "qty_available", m)))?;
        let qty_on_hand = match on_hand.and_then(|i| cell(rec, i)) {
            Some(v) => Some(parse_level(&v).map_err(|m| csv_error(row, "qty_on_hand", m))?),
            None => None,
        };
        out.push(InventoryLevel {
            sku,
            qty_available,
            qty_on_hand,
        });
    }
    Ok(out)
}

/// [`unreadable_record`] at the reader's own record position when it knows it.
fn unreadable_at_position(e: &csv::Error, row: u64, names: &[String]) -> DecodeError {
    let row = e.position().map_or(row, |p| p.record() + 1);
    unreadable_record(e, row, |i| names.get(i).cloned().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ship(
        tracking: Option<&str>,
        date: Option<&str>,
        items: &[(&str, u64)],
    ) -> (Option<String>, Option<String>, Vec<(String, u64)>) {
        (
            tracking.map(str::to_string),
            date.map(str::to_string),
            items.iter().map(|(i, q)| (i.to_string(), *q)).collect(),
        )
    }

    /// (cust_ref, [(tracking_no, date, [(item, quantity)])]) of each notice, with its place.
    #[allow(clippy::type_complexity)]
    fn summary(
        notices: &[Placed<ShipmentNotice>],
    ) -> Vec<(
        String,
        String,
        Vec<(Option<String>, Option<String>, Vec<(String, u64)>)>,
    )> {
        notices
            .iter()
            .map(|p| {
                (
                    p.place.clone(),
                    p.value.cust_ref.clone(),
                    p.value
                        .shipments
                        .iter()
                        .map(|s| {
                            (
                                s.tracking_no.clone(),
                                s.date.clone(),
                                s.items
                                    .iter()
                                    .map(|i| (i.item.clone(), i.quantity))
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn classify_by_name() {
        use Syntax::*;
        use WarehouseFile::*;
        for (name, want, why) in [
            ("shipment.json", Some((Shipments, Json)), "the bare prefix"),
            ("shipments_20261120.csv", Some((Shipments, Csv)), "any tail"),
            (
                "SHIPMENT-1.JSON",
                Some((Shipments, Json)),
                "case-insensitive",
            ),
            (
                "Inventory_2026.csv",
                Some((Inventory, Csv)),
                "mixed case prefix",
            ),
            ("inventory.json", Some((Inventory, Json)), "inventory JSON"),
            (
                "sub/dir/shipment-7.csv",
                Some((Shipments, Csv)),
                "only the base name counts",
            ),
            ("my-shipment.json", None, "the prefix must start the name"),
            ("shipment.xml", None, "not JSON or CSV"),
            (
                "shipment.json.tmp",
                None,
                "a temporary name is not the file",
            ),
            ("order_1001.json", None, "orders are not warehouse inputs"),
            ("inventory", None, "no extension"),
            (
                "product_full_2026.csv",
                Some((ProductsFull, Csv)),
                "the longer prefix wins",
            ),
            ("Products.json", Some((Products, Json)), "product catalog"),
            (
                "cancel-77.csv",
                Some((Cancel, Csv)),
                "a warehouse cancellation",
            ),
            ("dir.json/other.csv", None, "a folder's name does not count"),
        ] {
            assert_eq!(classify(name), want, "{name}: {why}");
        }
    }

    #[test]
    fn shipments_json_accepted() {
        let cases: &[(&str, &[u8], usize, &str)] = &[
            (
                "one object, the spec's own sample",
                include_bytes!("../../../fixtures/warehouse/shipment-single.json"),
                1,
                "$",
            ),
            (
                "an array; several packages per order; items omitted; unknown fields ignored",
                include_bytes!("../../../fixtures/warehouse/shipment-partial.json"),
                2,
                "$[0]",
            ),
            (
                "a UTF-8 BOM before the JSON",
                b"\xEF\xBB\xBF{\"cust_ref\":\"A\",\"shipments\":[{}]}",
                1,
                "$",
            ),
            ("an empty array: nothing to do", b" [ ] ", 0, ""),
        ];
        for (why, bytes, count, first_place) in cases {
            let got =
                decode_shipments(bytes, Syntax::Json).unwrap_or_else(|e| panic!("{why}: {e}"));
            assert_eq!(got.len(), *count, "{why}");
            if let Some(first) = got.first() {
                assert_eq!(first.place, *first_place, "{why}");
            }
        }
    }

    #[test]
    fn shipments_json_content() {
        let single = decode_shipments(
            include_bytes!("../../../fixtures/warehouse/shipment-single.json"),
            Syntax::Json,
        )
        .unwrap();
        let s = &single[0].value.shipments[0];
        assert_eq!(s.carrier.as_deref(), Some("UPS"));
        assert_eq!(s.method.as_deref(), Some("Ground"));
        assert_eq!(s.cost.map(|c| c.to_string()).as_deref(), Some("7.45"));

        let got = decode_shipments(
            include_bytes!("../../../fixtures/warehouse/shipment-partial.json"),
            Syntax::Json,
        )
        .unwrap();
        assert_eq!(
            summary(&got),
            vec![
                (
                    "$[0]".to_string(),
                    "1001".to_string(),
                    vec![
                        ship(
                            Some("1Z0000000000000001"),
                            Some("2026-11-20T23:30:00-05:00"),
                            &[("G1", 2)]
                        ),
                        ship(
                            Some("9400100000000000000002"),
                            Some("2026-11-21T09:00:00+01:00"),
                            &[("G1", 1), ("MUG-BLK", 3)]
                        ),
                    ]
                ),
                (
                    "$[1]".to_string(),
                    "07041015-551203-AB1".to_string(),
                    vec![ship(
                        Some("794600000003"),
                        Some("2026-11-20T12:00:00Z"),
                        &[]
                    )]
                ),
            ]
        );
    }

    /// Each case: the JSON, the line:col the error must name, and words its message must hold.
    #[test]
    fn shipments_json_refused() {
        let mut bad = Vec::new();
        for (why, json, line, col, words) in [
            (
                "missing cust_ref",
                "[{\"cust_ref\":\"A\",\"shipments\":[{}]},\n {\"shipments\":[{}]}]",
                2,
                19,
                vec!["$[1]", "missing field `cust_ref`"],
            ),
            (
                "empty cust_ref",
                r#"{"cust_ref":"  ","shipments":[{}]}"#,
                1,
                16,
                vec!["$.cust_ref", "must not be empty"],
            ),
            (
                "money as a float",
                "{\"cust_ref\":\"A\",\n\"shipments\":[{\"cost\": 7.45}]}",
                2,
                27,
                vec![
                    "$.shipments[0].cost",
                    "decimal string",
                    "not the JSON number 7.45",
                ],
            ),
            (
                "money as an integer is still a JSON number",
                r#"{"cust_ref":"A","shipments":[{"cost":7}]}"#,
                1,
                39,
                vec!["$.shipments[0].cost", "not the JSON number 7"],
            ),
            (
                "money that is not a number",
                r#"{"cust_ref":"A","shipments":[{"cost":"$7"}]}"#,
                1,
                42,
                vec!["$.shipments[0].cost", "not an amount of money"],
            ),
            (
                "a date without offset",
                r#"{"cust_ref":"A","shipments":[{"date":"2026-11-20T16:05:00"}]}"#,
                1,
                59,
                vec!["$.shipments[0].date", "RFC 3339"],
            ),
            (
                "a bare date",
                r#"{"cust_ref":"A","shipments":[{"date":"11/20/2026"}]}"#,
                1,
                50,
                vec!["$.shipments[0].date", "RFC 3339"],
            ),
            (
                "a wrong type: quantity as a string",
                r#"{"cust_ref":"A","shipments":[{"items":[{"item":"G1","quantity":"2"}]}]}"#,
                1,
                66,
                vec!["$.shipments[0].items[0].quantity", "invalid type: string"],
            ),
            (
                "a fractional quantity",
                r#"{"cust_ref":"A","shipments":[{"items":[{"item":"G1","quantity":1.5}]}]}"#,
                1,
                66,
                vec!["$.shipments[0].items[0].quantity", "1.5"],
            ),
            (
                "quantity zero",
                r#"{"cust_ref":"A","shipments":[{"items":[{"item":"G1","quantity":0}]}]}"#,
                1,
                65,
                vec!["$.shipments[0].items[0].quantity", "at least 1"],
            ),
            (
                "an item without its SKU",
                r#"{"cust_ref":"A","shipments":[{"items":[{"quantity":1}]}]}"#,
                1,
                53,
                vec!["$.shipments[0].items[0]", "missing field `item`"],
            ),
            (
                "no packages",
                r#"{"cust_ref":"A","shipments":[]}"#,
                1,
                31,
                vec!["$.shipments", "at least one package"],
            ),
            (
                "cust_ref as a number",
                r#"{"cust_ref":1001,"shipments":[{}]}"#,
                1,
                16,
                vec!["$.cust_ref", "invalid type: integer"],
            ),
            (
                "not well-formed",
                "{\"cust_ref\":\"A\",\n\"shipments\":[{]}",
                2,
                15,
                vec!["key must be a string"],
            ),
            (
                "trailing garbage after the document",
                "{\"cust_ref\":\"A\",\"shipments\":[{}]} x",
                1,
                35,
                vec!["trailing characters"],
            ),
            ("an empty file", "", 1, 1, vec!["EOF"]),
        ] {
            let err = decode_shipments(json.as_bytes(), Syntax::Json)
                .expect_err(why)
                .to_string();
            if !err.starts_with(&format!("{line}:{col}: ")) {
                bad.push(format!("{why}: wrong place in {err}"));
            }
            for w in words {
                if !err.contains(w) {
                    bad.push(format!("{why}: '{w}' missing from {err}"));
                }
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn shipments_csv_fixture() {
        // BOM, CRLF, a quoted newline inside row 3, an extra column, quoted cells with "".
        let got = decode_shipments(
            include_bytes!("../../../fixtures/warehouse/shipment-lines.csv"),
            Syntax::Csv,
        )
        .unwrap();
        assert_eq!(
            summary(&got),
            vec![
                (
                    "row 2".to_string(),
                    "1001".to_string(),
                    vec![
                        ship(
                            Some("1Z0000000000000001"),
                            Some("2026-11-20T23:30:00-05:00"),
                            &[("G1", 2), ("MUG-BLK", 1)]
                        ),
                        ship(
                            Some("9400100000000000000002"),
                            Some("2026-11-21T09:00:00+01:00"),
                            &[("G1", 1)]
                        ),
                    ]
                ),
                (
                    // The quoted newline in row 3 does not start a new row: this is row 5.
                    "row 5".to_string(),
                    "CCC-15243".to_string(),
                    vec![ship(
                        Some("794600000003"),
                        Some("2026-11-20T12:00:00Z"),
                        &[]
                    )]
                ),
            ]
        );
        assert_eq!(
            got[1].value.shipments[0].method.as_deref(),
            Some("Home \"Delivery\"")
        );
        assert_eq!(got[0].value.shipments[0].carrier.as_deref(), Some("UPS"));
    }

    #[test]
    fn shipments_csv_accepted() {
        const H: &str = "cust_ref,carrier,method,tracking_no,date,item,quantity";
        for (why, csv, want) in [
            (
                "LF line ends, columns in another order, upper-case names",
                "QUANTITY,Item,cust_ref,date,tracking_no,method,carrier\n2,G1,A,,T1,,\n"
                    .to_string(),
                vec![("A", vec![(Some("T1"), vec![("G1", 2)])])],
            ),
            (
                "rows without tracking number form one package",
                format!("{H}\nA,UPS,,,,G1,1\nA,,,,,G2,1\n"),
                vec![("A", vec![(None, vec![("G1", 1), ("G2", 1)])])],
            ),
            (
                "rows of one order interleaved with another keep first-seen order",
                format!("{H}\nA,,,T1,,G1,1\nB,,,T9,,X,1\nA,,,T2,,G2,1\nA,,,T1,,G3,1\n"),
                vec![
                    (
                        "A",
                        vec![
                            (Some("T1"), vec![("G1", 1), ("G3", 1)]),
                            (Some("T2"), vec![("G2", 1)]),
                        ],
                    ),
                    ("B", vec![(Some("T9"), vec![("X", 1)])]),
                ],
            ),
            (
                "empty item and quantity: the whole rest of the order",
                format!("{H}\nA,UPS,Ground,T1,,,\n"),
                vec![("A", vec![(Some("T1"), vec![])])],
            ),
            (
                "spaces around values are trimmed",
                format!("{H}\n A , UPS ,, T1 ,, G1 , 3 \n"),
                vec![("A", vec![(Some("T1"), vec![("G1", 3)])])],
            ),
            ("a header and no rows", format!("{H}\r\n"), vec![]),
        ] {
            let got = decode_shipments(csv.as_bytes(), Syntax::Csv)
                .unwrap_or_else(|e| panic!("{why}: {e}"));
            let got: Vec<_> = got
                .iter()
                .map(|p| {
                    (
                        p.value.cust_ref.as_str(),
                        p.value
                            .shipments
                            .iter()
                            .map(|s| {
                                (
                                    s.tracking_no.as_deref(),
                                    s.items
                                        .iter()
                                        .map(|i| (i.item.as_str(), i.quantity))
                                        .collect::<Vec<_>>(),
                                )
                            })
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{why}");
        }
    }

    #[test]
    fn shipments_csv_cost_and_fields() {
        let csv = "cust_ref,carrier,method,tracking_no,date,item,quantity,cost\n\
                   A,UPS,Ground,T1,2026-11-20T16:05:00-05:00,G1,1,7.45\n\
                   A,,,T1,,G2,1,\n";
        let got = decode_shipments(csv.as_bytes(), Syntax::Csv).unwrap();
        let s = &got[0].value.shipments[0];
        assert_eq!(s.carrier.as_deref(), Some("UPS"));
        assert_eq!(s.method.as_deref(), Some("Ground"));
        assert_eq!(s.date.as_deref(), Some("2026-11-20T16:05:00-05:00"));
        assert_eq!(s.cost.map(|c| c.to_string()).as_deref(), Some("7.45"));
    }

    #[test]
    fn shipments_csv_refused() {
        const H: &str = "cust_ref,carrier,method,tracking_no,date,item,quantity";
        let fixture = String::from_utf8(
            include_bytes!("../../../fixtures/warehouse/shipment-bad-quantity.csv").to_vec(),
        )
        .unwrap();
        for (why, csv, row, column, words) in [
            (
                "a bad quantity after a quoted newline: row 3 (line 4 of the file)",
                fixture,
                3,
                "quantity",
                "'two' is not a whole number",
            ),
            (
                "a missing column is named",
                "cust_ref,carrier,method,date,item,quantity\nA,,,,G1,1\n".to_string(),
                1,
                "tracking_no",
                "missing required column 'tracking_no'",
            ),
            (
                "a quantity of zero",
                format!("{H}\nA,,,T1,,G1,1\nA,,,T1,,G2,0\n"),
                3,
                "quantity",
                "at least 1",
            ),
            (
                "a negative quantity",
                format!("{H}\nA,,,T1,,G1,-1\n"),
                2,
                "quantity",
                "'-1' is not a whole number",
            ),
            (
                "an item without a quantity",
                format!("{H}\nA,,,T1,,G1,\n"),
                2,
                "quantity",
                "needs its quantity",
            ),
            (
                "a quantity without an item",
                format!("{H}\nA,,,T1,,,2\n"),
                2,
                "item",
                "needs its item",
            ),
            (
                "an empty cust_ref",
                format!("{H}\nA,,,T1,,G1,1\n,,,T1,,G1,1\n"),
                3,
                "cust_ref",
                "must not be empty",
            ),
            (
                "a date without offset",
                format!("{H}\nA,,,T1,2026-11-20 16:05,G1,1\n"),
                2,
                "date",
                "RFC 3339",
            ),
            (
                "one package with two dates",
                format!(
                    "{H}\nA,,,T1,2026-11-20T16:05:00-05:00,G1,1\nA,,,T1,2026-11-21T16:05:00-05:00,G2,1\n"
                ),
                3,
                "date",
                "differs from '2026-11-20T16:05:00-05:00', given earlier for the same package (cust_ref A, tracking_no T1, from row 2)",
            ),
            (
                "a whole-rest row in a package that lists items",
                format!("{H}\nA,,,T1,,G1,1\nA,,,T1,,,\n"),
                3,
                "item",
                "row 2 of the same package lists an item",
            ),
            (
                "money as something else than a decimal",
                "cust_ref,carrier,method,tracking_no,date,item,quantity,cost\nA,,,T1,,G1,1,$7\n"
                    .to_string(),
                2,
                "cost",
                "not an amount of money",
            ),
            (
                "a row cut short (an incomplete upload)",
                format!("{H}\nA,,,T1,,G1,1\nA,,,T2"),
                3,
                "date",
                "the row has 4 fields, the header 7",
            ),
            (
                "a row with too many fields",
                format!("{H}\nA,,,T1,,G1,1,extra\n"),
                2,
                "field 8 (past the header's last column)",
                "the row has 8 fields",
            ),
            (
                "a column named twice",
                format!("{H},quantity\n"),
                1,
                "quantity",
                "names this column twice",
            ),
            ("an empty file", String::new(), 1, "", "no header row"),
        ] {
            match decode_shipments(csv.as_bytes(), Syntax::Csv) {
                Err(DecodeError::Csv {
                    row: r,
                    column: c,
                    message,
                }) => {
                    assert_eq!((r, c.as_str()), (row, column), "{why}: {message}");
                    assert!(message.contains(words), "{why}: {message}");
                }
                other => panic!("{why}: {other:?}"),
            }
        }
    }

    #[test]
    fn control_characters_are_refused_with_their_place() {
        let json = br#"{"cust_ref":"C-1","shipments":[{"tracking_no":"1Z\u0000"}]}"#;
        assert_eq!(
            decode_shipments(json, Syntax::Json)
                .unwrap_err()
                .to_string(),
            "1:50: $.shipments[0].tracking_no: holds the control character U+0000; only tab, line feed and carriage return are allowed in text"
        );
        let csv = b"cust_ref,carrier,method,tracking_no,date,item,quantity\nA,UPS,,T1,,G1,1\nA,UPS,,T\x1b1,,G1,1\n";
        assert_eq!(
            decode_shipments(csv, Syntax::Csv),
            Err(DecodeError::Csv {
                row: 3,
                column: "tracking_no".to_string(),
                message: "holds the control character U+001B; only tab, line feed and carriage return are allowed in text".to_string()
            })
        );
        let inv = br#"[{"sku":"A\b","qty_available":1}]"#;
        assert!(
            decode_inventory(inv, Syntax::Json)
                .unwrap_err()
                .to_string()
                .contains("$[0].sku: holds the control character U+0008"),
        );
    }

    #[test]
    fn shipments_csv_bad_utf8() {
        let bytes = b"cust_ref,carrier,method,tracking_no,date,item,quantity\nA,,,T1,,G1,1\nA,U\xFFPS,,T1,,G1,1\n";
        assert_eq!(
            decode_shipments(bytes, Syntax::Csv),
            Err(DecodeError::Csv {
                row: 3,
                column: "carrier".to_string(),
                message: "not valid UTF-8".to_string()
            })
        );
    }

    #[test]
    fn shipment_csv_error_display() {
        let err = decode_shipments(
            include_bytes!("../../../fixtures/warehouse/shipment-bad-quantity.csv"),
            Syntax::Csv,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 3, column quantity: 'two' is not a whole number of units (at least 1)"
        );
    }

    fn levels(v: &[InventoryLevel]) -> Vec<(&str, i64, Option<i64>)> {
        v.iter()
            .map(|l| (l.sku.as_str(), l.qty_available, l.qty_on_hand))
            .collect()
    }

    #[test]
    fn inventory_accepted() {
        type Level = (&'static str, i64, Option<i64>);
        let cases: &[(&str, &[u8], Syntax, Vec<Level>)] = &[
            (
                "JSON fixture: unknown field ignored, G1 twice: the last level wins at its first place",
                include_bytes!("../../../fixtures/warehouse/inventory-levels.json"),
                Syntax::Json,
                vec![("G1", 118, Some(128)), ("MUG-BLK", 0, None)],
            ),
            (
                "CSV fixture: BOM, CRLF, empty qty_on_hand, negative level, G1 twice",
                include_bytes!("../../../fixtures/warehouse/inventory-levels.csv"),
                Syntax::Csv,
                vec![
                    ("G1", 118, Some(128)),
                    ("MUG-BLK", 0, None),
                    ("D3-HC", -2, Some(0)),
                ],
            ),
            (
                "CSV without the optional qty_on_hand column, extra column ignored",
                b"note,qty_available,sku\nx,5,A\n,6,B\n",
                Syntax::Csv,
                vec![("A", 5, None), ("B", 6, None)],
            ),
            ("an empty JSON array", b"[]", Syntax::Json, vec![]),
        ];
        for (why, bytes, syntax, want) in cases {
            let got = decode_inventory(bytes, *syntax).unwrap_or_else(|e| panic!("{why}: {e}"));
            assert_eq!(levels(&got), *want, "{why}");
        }
    }

    #[test]
    fn inventory_refused() {
        let cases: &[(&str, &[u8], Syntax, &str)] = &[
            (
                "a level with a fractional quantity",
                b"sku,qty_available\nG1,1.5\n",
                Syntax::Csv,
                "row 2, column qty_available: '1.5' is not a whole number",
            ),
            (
                "an empty qty_available",
                b"sku,qty_available\nG1,\n",
                Syntax::Csv,
                "row 2, column qty_available: must not be empty",
            ),
            (
                "a bad qty_on_hand",
                b"sku,qty_available,qty_on_hand\nG1,1,\nG2,1,many\n",
                Syntax::Csv,
                "row 3, column qty_on_hand: 'many' is not a whole number",
            ),
            (
                "no sku column",
                b"item,qty_available\nG1,1\n",
                Syntax::Csv,
                "row 1, column sku: missing required column 'sku' in the header",
            ),
            (
                "no qty_available column",
                b"sku,qty\nG1,1\n",
                Syntax::Csv,
                "row 1, column qty_available: missing required column 'qty_available' in the header",
            ),
            (
                "JSON: a single object, not an array",
                br#"{"sku":"G1","qty_available":1}"#,
                Syntax::Json,
                "1:1: $: invalid type: map, expected a sequence",
            ),
            (
                "JSON: quantity as a string",
                b"[{\"sku\":\"G1\",\n  \"qty_available\":\"1\"}]",
                Syntax::Json,
                "2:21: $[0].qty_available: invalid type: string \"1\", expected i64",
            ),
            (
                "JSON: missing sku",
                br#"[{"qty_available":1}]"#,
                Syntax::Json,
                "1:20: $[0]: missing field `sku`",
            ),
        ];
        for (why, bytes, syntax, want) in cases {
            let err = decode_inventory(bytes, *syntax).expect_err(why);
            assert_eq!(err.to_string(), *want, "{why}");
        }
    }
}
