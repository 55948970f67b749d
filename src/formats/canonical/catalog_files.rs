//! The warehouse's catalog and cancellation files, read like its shipments and inventory
//! (same CSV table, same JSON paths in errors):
//!
//! - `product*.json|csv`: `sku`, `description`, optional `upc`, `weight_lb`, `active`
//!   (`true`/`false`, `1`/`0`, `yes`/`no`; absent or empty is `true`). JSON: an array of
//!   objects with the same names.
//! - `cancel*.json|csv`: JSON one cancellation object or an array of them
//!   (`{cust_ref|cust_po_no, reason, items?[{line_no|item, quantity?}]}`); CSV one row per line
//!   cancelled (`cust_ref` or `cust_po_no`, `reason`, optional `line_no`, `item`, `quantity`;
//!   a row with neither `line_no` nor `item` cancels the whole order), consecutive rows of one
//!   order forming one cancellation.

use super::warehouse_files::{Placed, Syntax, Table, cell, json, one_or_many, parse_quantity};
use crate::formats::DecodeError;
use crate::formats::csv_errors::csv_error;
use crate::model::{CanceledItem, Cancellation, Product};

/// Decodes a product file.
pub fn decode_products(bytes: &[u8], syntax: Syntax) -> Result<Vec<Product>, DecodeError> {
    match syntax {
        Syntax::Json => json::<Vec<Product>>(bytes),
        Syntax::Csv => products_csv(bytes),
    }
}

fn products_csv(bytes: &[u8]) -> Result<Vec<Product>, DecodeError> {
    let table = Table::read(bytes)?;
    let sku = table.require("sku")?;
    let description = table.require("description")?;
    let (upc, weight, active) = (
        table.optional("upc"),
        table.optional("weight_lb"),
        table.optional("active"),
    );
    table.check_text(&["sku", "description", "upc", "weight_lb", "active"])?;
    let mut out = Vec::with_capacity(table.records.len());
    for (row, rec) in &table.records {
        let row = *row;
        let sku = cell(rec, sku).ok_or_else(|| csv_error(row, "sku", "must not be empty"))?;
        let weight_lb = weight.and_then(|i| cell(rec, i));
        if let Some(w) = &weight_lb
            && w.parse::<rust_decimal::Decimal>().is_err()
        {
            return Err(csv_error(
                row,
                "weight_lb",
                format!("'{w}' is not a number"),
            ));
        }
        let active = match active.and_then(|i| cell(rec, i)) {
            None => true,
            Some(v) => flag(&v)
                .ok_or_else(|| csv_error(row, "active", format!("'{v}' is not true or false")))?,
        };
        out.push(Product {
            sku,
            description: cell(rec, description),
            upc: upc.and_then(|i| cell(rec, i)),
            weight_lb,
            active,
        });
    }
    Ok(out)
}

fn flag(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// Decodes a cancellation file; each cancellation with its place (`$[0]`, `row 2`).
pub fn decode_cancellations(
    bytes: &[u8],
    syntax: Syntax,
) -> Result<Vec<Placed<Cancellation>>, DecodeError> {
    let placed = match syntax {
        Syntax::Json => one_or_many(bytes)?,
        Syntax::Csv => cancellations_csv(bytes)?,
    };
    for p in &placed {
        if p.value.cust_ref.is_none() && p.value.cust_po_no.is_none() {
            return Err(DecodeError::Other(format!(
                "{}: a cancellation needs `cust_ref` or `cust_po_no`",
                p.place
            )));
        }
    }
    Ok(placed)
}

fn cancellations_csv(bytes: &[u8]) -> Result<Vec<Placed<Cancellation>>, DecodeError> {
    let table = Table::read(bytes)?;
    let (cust_ref, cust_po_no) = (table.optional("cust_ref"), table.optional("cust_po_no"));
    if cust_ref.is_none() && cust_po_no.is_none() {
        table.require("cust_ref")?;
    }
    let reason = table.optional("reason");
    let (line, item, quantity) = (
        table.optional("line_no"),
        table.optional("item"),
        table.optional("quantity"),
    );
    table.check_text(&[
        "cust_ref",
        "cust_po_no",
        "reason",
        "line_no",
        "item",
        "quantity",
    ])?;
    let mut out: Vec<Placed<Cancellation>> = Vec::new();
    for (row, rec) in &table.records {
        let row = *row;
        let order = (
            cust_ref.and_then(|i| cell(rec, i)),
            cust_po_no.and_then(|i| cell(rec, i)),
        );
        let line_no =
            match line.and_then(|i| cell(rec, i)) {
                Some(v) => Some(v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    csv_error(row, "line_no", format!("'{v}' is not a line number"))
                })?),
                None => None,
            };
        let quantity = match quantity.and_then(|i| cell(rec, i)) {
            Some(v) => Some(parse_quantity(&v).map_err(|m| csv_error(row, "quantity", m))?),
            None => None,
        };
        let item = item.and_then(|i| cell(rec, i));
        let line = (line_no.is_some() || item.is_some()).then_some(CanceledItem {
            line_no,
            item,
            quantity,
        });
        let same = out.last().is_some_and(|p| {
            (p.value.cust_ref.clone(), p.value.cust_po_no.clone()) == order
                && p.value.items.is_some()
                && line.is_some()
        });
        match (same, line) {
            (true, Some(l)) => {
                if let Some(last) = out.last_mut()
                    && let Some(items) = last.value.items.as_mut()
                {
                    items.push(l);
                }
            }
            (_, line) => out.push(Placed {
                place: format!("row {row}"),
                value: Cancellation {
                    cust_ref: order.0,
                    cust_po_no: order.1,
                    reason: reason.and_then(|i| cell(rec, i)),
                    items: line.map(|l| vec![l]),
                },
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_csv_reads_optional_columns_and_retires() {
        let p = decode_products(
            b"sku,description,upc,weight_lb,active\nA-1,Mug,0123,1.5,\nB-2,Old,,,false\n",
            Syntax::Csv,
        )
        .unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].weight_lb.as_deref(), Some("1.5"));
        assert!(p[0].active);
        assert!(!p[1].active);
        let e = decode_products(b"sku,description,active\nA,x,maybe\n", Syntax::Csv).unwrap_err();
        assert!(e.to_string().contains("row 2, column active"), "{e}");
    }

    #[test]
    fn products_json_uses_the_same_names() {
        let p = decode_products(
            br#"[{"sku":"A","description":"Mug","active":false}]"#,
            Syntax::Json,
        )
        .unwrap();
        assert!(!p[0].active);
        assert!(decode_products(br#"[{"sku":""}]"#, Syntax::Json).is_err());
    }

    #[test]
    fn cancel_csv_groups_consecutive_lines_of_one_order() {
        let c = decode_cancellations(
            b"cust_ref,reason,line_no,item,quantity\nP1,out_of_stock,2,SKU-B,1\nP1,out_of_stock,3,,\nP2,damaged,,,\n",
            Syntax::Csv,
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].value.items.as_ref().map(Vec::len), Some(2));
        assert_eq!(c[1].value.items, None);
        assert_eq!(c[1].place, "row 4");
    }

    #[test]
    fn a_cancellation_without_an_order_is_refused() {
        assert!(decode_cancellations(br#"{"reason":"x"}"#, Syntax::Json).is_err());
        let one =
            decode_cancellations(br#"{"cust_po_no":"9","reason":"x"}"#, Syntax::Json).unwrap();
        assert_eq!(one[0].place, "$");
    }
}
