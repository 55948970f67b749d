//! Where a DSCO PO becomes canonical: the [`Mapper`] turns the rows of one PO into an
//! [`OrderOutcome`], following the mapping decisions in the module doc of `formats::dsco`.

use super::{Header, QUANTITY, Row, SKU_COLUMNS};
use crate::formats::country::to_alpha2;
use crate::formats::{DecodeOptions, OrderOutcome};
use crate::model::{Item, Money, Order};
use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

/// Every column the mapping reads (a header naming one of them twice is an error).
pub(super) const USED_COLUMNS: &[&str] = &[
    "po_number",
    "dsco_order_id",
    "consumer_order_number",
    "channel",
    "consumer_order_date",
    "retailer_create_date",
    "dsco_create_date",
    "test_flag",
    "ship_attention",
    "ship_first_name",
    "ship_last_name",
    "ship_company",
    "ship_address_1",
    "ship_address_2",
    "ship_city",
    "ship_region",
    "ship_postal",
    "ship_country",
    "ship_phone",
    "ship_email",
    "bill_to_first_name",
    "bill_to_last_name",
    "bill_to_company",
    "bill_to_address_1",
    "bill_to_address_2",
    "bill_to_city",
    "bill_to_region",
    "bill_to_postal",
    "bill_to_country",
    "bill_to_phone",
    "bill_to_email",
    "shipping_service_level_code",
    "dsco_shipping_service_level_code",
    "retailer_shipping_service_level_code",
    "ship_carrier",
    "ship_method",
    "dsco_ship_carrier",
    "dsco_ship_method",
    "retailer_ship_carrier",
    "retailer_ship_method",
    "ship_by_date",
    "required_delivery_date",
    "expected_delivery_date",
    "ship_instructions",
    "line_item_line_number",
    "line_item_sku",
    "line_item_partner_sku",
    "line_item_upc",
    "line_item_quantity",
    "line_item_title",
    "line_item_expected_cost",
    "line_item_consumer_price",
];

const SERVICE_LEVEL: [&str; 3] = [
    "shipping_service_level_code",
    "dsco_shipping_service_level_code",
    "retailer_shipping_service_level_code",
];
const CARRIER_METHOD: [(&str, &str); 3] = [
    ("ship_carrier", "ship_method"),
    ("dsco_ship_carrier", "dsco_ship_method"),
    ("retailer_ship_carrier", "retailer_ship_method"),
];

/// Maps the rows of one PO with the partner's options.
pub(super) struct Mapper<'a> {
    opts: &'a DecodeOptions,
    header: &'a Header,
}

/// One row's cells, with the problems found in them.
struct Cells<'r> {
    row: &'r Row,
    header: &'r Header,
}

impl<'r> Cells<'r> {
    /// The trimmed value of a column; `None` when the column is absent or the cell empty.
    fn get(&self, name: &str) -> Option<&'r str> {
        let i = self.header.col(name)?;
        let v = self.row.rec.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }

    fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }

    /// `row N, column C: message`.
    fn bad(&self, name: &str, message: impl std::fmt::Display) -> String {
        format!("row {}, column {name}: {message}", self.row.n)
    }

    /// The first of `names` with a value: (column, value).
    fn first(&self, names: &[&'static str]) -> Option<(&'static str, &'r str)> {
        names.iter().find_map(|n| Some((*n, self.get(n)?)))
    }

    /// An ISO 8601 date-time with offset, as RFC 3339 in its own offset.
    fn date(&self, name: &'static str, p: &mut Vec<String>) -> Option<String> {
        let v = self.get(name)?;
        let out = rfc3339(v);
        if out.is_none() {
            p.push(self.bad(
                name,
                format!("'{v}' is not a date and time with offset like 2019-02-24T19:43:56+07:00"),
            ));
        }
        out
    }

    fn first_date(&self, names: &[&'static str], p: &mut Vec<String>) -> Option<String> {
        let (name, _) = self.first(names)?;
        self.date(name, p)
    }

    /// Money: non-negative, at most 2 decimals, no symbols.
    fn money(&self, name: &str, p: &mut Vec<String>) -> Option<Money> {
        let v = self.get(name)?;
        match Money::from_str(v) {
            Ok(m) if m.value().is_sign_negative() => {
                p.push(self.bad(name, format!("'{v}' is negative")));
                None
            }
            Ok(m) if m.value().scale() > 2 => {
                p.push(self.bad(name, format!("'{v}' has more than 2 decimals")));
                None
            }
            Ok(m) => Some(m),
            Err(e) => {
                p.push(self.bad(name, e));
                None
            }
        }
    }

    /// A whole number ≥ 1.
    fn count(&self, name: &str, v: &str, p: &mut Vec<String>) -> Option<u64> {
        let n = v
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| v.parse::<u64>().ok())
            .flatten()
            .filter(|n| *n >= 1);
        if n.is_none() {
            p.push(self.bad(name, format!("'{v}' is not a whole number of at least 1")));
        }
        n
    }
}

/// `2019-02-24T19:43:56+07:00` (any ISO 8601 form jiff reads, with an offset) → RFC 3339 in
/// the same offset.
fn rfc3339(v: &str) -> Option<String> {
    let pieces = jiff::fmt::temporal::Pieces::parse(v).ok()?;
    let offset = pieces.offset()?;
    let ts: jiff::Timestamp = v.parse().ok()?;
    match offset {
        jiff::fmt::temporal::PiecesOffset::Numeric(n) => {
            Some(ts.display_with_offset(n.offset()).to_string())
        }
        _ => Some(ts.to_string()),
    }
}

impl<'a> Mapper<'a> {
    pub(super) fn new(opts: &'a DecodeOptions, header: &'a Header) -> Self {
        Mapper { opts, header }
    }

    /// Every used cell of the PO's rows: no control characters but tab, LF and CR.
    fn control_characters(&self, rows: &[Row], p: &mut Vec<String>) {
        for row in rows {
            let c = self.cells(row);
            for name in USED_COLUMNS {
                if let Some(ch) = c.get(name).and_then(crate::formats::text::forbidden) {
                    p.push(c.bad(name, crate::formats::text::forbidden_reason(ch)));
                }
            }
        }
    }

    fn cells<'r>(&'r self, row: &'r Row) -> Cells<'r> {
        Cells {
            row,
            header: self.header,
        }
    }

    /// The outcome of one PO, its rows consecutive in the file.
    pub(super) fn order(&self, po: &str, rows: &[Row]) -> OrderOutcome {
        let Some(first) = rows.first() else {
            return OrderOutcome::Reject("no rows".to_string());
        };
        let mut p = Vec::new();
        self.control_characters(rows, &mut p);
        let c = self.cells(first);
        let items = self.items(rows, &mut p);
        let ship_country = self.country(&c, "ship_country", &mut p);
        let bill_country = self.country(&c, "bill_to_country", &mut p);
        let (key_column, key) = ship_key(&c);
        let ship_code = self.ship_code(&c, key_column, key.as_deref(), &mut p);
        let test_order = match c.get("test_flag") {
            None => None,
            Some(v) if v == "1" || v.eq_ignore_ascii_case("true") => Some(true),
            Some(v) if v == "0" || v.eq_ignore_ascii_case("false") => None,
            Some(v) => {
                p.push(c.bad("test_flag", format!("'{v}' is not 1 or 0")));
                None
            }
        };
        let order = Order {
            cust_po_no: po.to_string(),
            order_source: self.opts.source.clone(),
            refs: refs(&c),
            order_date: c.first_date(
                &[
                    "consumer_order_date",
                    "retailer_create_date",
                    "dsco_create_date",
                ],
                &mut p,
            ),
            test_order,
            ship_by_date: c.date("ship_by_date", &mut p),
            deliver_by_date: c.first_date(
                &["required_delivery_date", "expected_delivery_date"],
                &mut p,
            ),
            cust_company: c.text("bill_to_company"),
            cust_first_name: c.text("bill_to_first_name"),
            cust_last_name: c.text("bill_to_last_name"),
            cust_address_1: c.text("bill_to_address_1"),
            cust_address_2: c.text("bill_to_address_2"),
            cust_city: c.text("bill_to_city"),
            cust_state: c.text("bill_to_region"),
            cust_zip: c.text("bill_to_postal"),
            cust_country: bill_country,
            cust_phone: c.text("bill_to_phone"),
            cust_e_mail: c.text("bill_to_email"),
            ship_company: c.text("ship_company"),
            ship_first_name: c.text("ship_first_name"),
            ship_last_name: c.text("ship_last_name"),
            ship_address_1: c.text("ship_address_1"),
            ship_address_2: c.text("ship_address_2"),
            ship_city: c.text("ship_city"),
            ship_state: c.text("ship_region"),
            ship_zip: c.text("ship_postal"),
            ship_country,
            ship_phone: c.text("ship_phone"),
            ship_e_mail: c.text("ship_email"),
            ship_code,
            ship_code_description: key,
            shipping_instructions: c.text("ship_instructions"),
            items,
            ..Order::default()
        };
        if p.is_empty() {
            OrderOutcome::Accept(Box::new(order))
        } else {
            OrderOutcome::Reject(p.join("; "))
        }
    }

    fn country(&self, c: &Cells<'_>, name: &str, p: &mut Vec<String>) -> Option<String> {
        let v = c.get(name)?;
        let code = to_alpha2(v);
        if code.is_none() {
            p.push(c.bad(name, format!("'{v}' is not a country this gateway knows")));
        }
        code.map(str::to_string)
    }

    fn ship_code(
        &self,
        c: &Cells<'_>,
        column: &str,
        key: Option<&str>,
        p: &mut Vec<String>,
    ) -> Option<String> {
        let map = &self.opts.ship_methods;
        if map.is_empty() {
            return key.map(str::to_string);
        }
        let key = key.unwrap_or_default();
        let code = map.get(key).cloned();
        if code.is_none() {
            p.push(c.bad(
                column,
                format!("shipping method '{key}' has no ship_methods mapping"),
            ));
        }
        code
    }

    fn items(&self, rows: &[Row], p: &mut Vec<String>) -> Vec<Item> {
        let mut out = Vec::with_capacity(rows.len());
        let mut line_nos = HashSet::new();
        for (i, row) in rows.iter().enumerate() {
            let c = self.cells(row);
            let line_no = match c.get("line_item_line_number") {
                None => Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                Some(v) => c
                    .count("line_item_line_number", v, p)
                    .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            };
            if let Some(n) = line_no
                && !line_nos.insert(n)
            {
                p.push(c.bad(
                    "line_item_line_number",
                    format!("line {n} appears twice in PO"),
                ));
            }
            let sku = c.first(&SKU_COLUMNS).map(|(_, v)| v);
            if sku.is_none() {
                p.push(c.bad(
                    SKU_COLUMNS[0],
                    "empty (and no line_item_partner_sku or line_item_upc either)",
                ));
            }
            let quantity = match c.get(QUANTITY) {
                None => {
                    p.push(c.bad(QUANTITY, "empty"));
                    None
                }
                Some(v) => c.count(QUANTITY, v, p),
            };
            let unit_cost = c.money("line_item_expected_cost", p);
            let price = c.money("line_item_consumer_price", p);
            let (Some(line_no), Some(sku), Some(quantity)) = (line_no, sku, quantity) else {
                continue;
            };
            let (item, cart_item) = match self.opts.sku_aliases.get(sku) {
                Some(alias) if alias != sku => (alias.clone(), Some(sku.to_string())),
                _ => (sku.to_string(), None),
            };
            out.push(Item {
                line_no,
                item,
                cart_item,
                quantity,
                price,
                unit_cost,
                description: c.text("line_item_title"),
                ..Item::default()
            });
        }
        out
    }
}

/// The ship-method key and the column it came from (for reports).
fn ship_key(c: &Cells<'_>) -> (&'static str, Option<String>) {
    if let Some((col, v)) = c.first(&SERVICE_LEVEL) {
        return (col, Some(v.to_string()));
    }
    for (carrier, method) in CARRIER_METHOD {
        let parts: Vec<&str> = [c.get(carrier), c.get(method)]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            let col = if c.get(method).is_some() {
                method
            } else {
                carrier
            };
            return (col, Some(parts.join(" ")));
        }
    }
    (SERVICE_LEVEL[0], None)
}

/// `refs`: DSCO's other identifiers (see the module doc).
fn refs(c: &Cells<'_>) -> BTreeMap<String, String> {
    let mut refs: BTreeMap<String, String> = [
        "dsco_order_id",
        "consumer_order_number",
        "channel",
        "ship_attention",
    ]
    .into_iter()
    .filter_map(|n| Some((n.to_string(), c.get(n)?.to_string())))
    .collect();
    if let Some((_, code)) = c.first(&SERVICE_LEVEL) {
        refs.insert("shipping_service_level_code".to_string(), code.to_string());
    }
    refs
}
