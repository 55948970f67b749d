//! DSCO order cancellations exported by the retailer (`Cancel_*.csv|tab|psv`), read like its
//! orders: by header name, one row per cancelled line, the rows of one PO consecutive.
//!
//! Columns: `po_number` (required); the line by `line_item_line_number`, else by its SKU
//! (`line_item_sku`, `line_item_partner_sku`, `line_item_upc`); the units by
//! `line_item_status_quantity` (the units in the cancelled status), else
//! `line_item_cancelled_quantity`, else `line_item_quantity` (absent: every unit of the line);
//! the reason by `line_item_cancel_reason`, else `order_cancel_reason`. A PO whose rows name no
//! line cancels the whole order.

use super::{Header, PO_NUMBER, Row, SKU_COLUMNS, place};
use crate::formats::csv_errors::csv_error;
use crate::formats::{DecodeError, Decoded, DecodedOrder, OrderOutcome};
use crate::model::{CanceledItem, Cancellation};

const QUANTITY: [&str; 3] = [
    "line_item_status_quantity",
    "line_item_cancelled_quantity",
    "line_item_quantity",
];
const REASON: [&str; 2] = ["line_item_cancel_reason", "order_cancel_reason"];

/// Whether a DSCO file is a cancellation export, by its name (`Cancel_*`, any case).
pub(super) fn is_cancel_file(file_name: &str) -> bool {
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    base.to_ascii_lowercase().starts_with("cancel_")
}

/// Reads a cancellation export whose fields are separated by `delimiter`: one
/// [`OrderOutcome::Cancel`] per PO, or a rejection naming the row of a bad value.
pub(super) fn decode(bytes: &[u8], delimiter: u8) -> Result<Decoded, DecodeError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(body);
    let names = rdr
        .headers()
        .map_err(|e| csv_error(1, "", e.to_string()))?
        .clone();
    let header = Header::new(&names);
    if header.col(PO_NUMBER).is_none() {
        return Err(csv_error(
            1,
            PO_NUMBER,
            format!("missing required column '{PO_NUMBER}' in the header"),
        ));
    }
    let mut groups: Vec<(String, Vec<Row>)> = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let n = i as u64 + 2;
        let rec = rec.map_err(|e| csv_error(n, "", e.to_string()))?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let po = get(&header, &rec, &[PO_NUMBER]).unwrap_or_default();
        match groups.last_mut() {
            Some((last, rows)) if *last == po => rows.push(Row { n, rec }),
            _ => groups.push((po, vec![Row { n, rec }])),
        }
    }
    let orders = groups
        .into_iter()
        .map(|(po, rows)| DecodedOrder {
            order_no: po.clone(),
            place: place(&rows),
            outcome: outcome(&header, &po, &rows),
        })
        .collect();
    Ok(Decoded { orders })
}

fn get(header: &Header, rec: &csv::StringRecord, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        let v = rec.get(header.col(n)?)?.trim();
        (!v.is_empty()).then(|| v.to_string())
    })
}

fn outcome(header: &Header, po: &str, rows: &[Row]) -> OrderOutcome {
    if po.is_empty() {
        return OrderOutcome::Reject(format!(
            "row {}, column {PO_NUMBER}: empty: every row needs the PO it belongs to",
            rows[0].n
        ));
    }
    let mut items = Vec::new();
    let mut reason = None;
    for row in rows {
        let rec = &row.rec;
        reason = reason.or_else(|| get(header, rec, &REASON));
        let line_no = match get(header, rec, &["line_item_line_number"]) {
            Some(v) => match v.parse::<u32>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    return OrderOutcome::Reject(format!(
                        "row {}, column line_item_line_number: '{v}' is not a line number",
                        row.n
                    ));
                }
            },
            None => None,
        };
        let item = get(header, rec, &SKU_COLUMNS);
        let quantity = match get(header, rec, &QUANTITY) {
            Some(v) => match v.parse::<u64>() {
                Ok(q) if q >= 1 => Some(q),
                _ => {
                    return OrderOutcome::Reject(format!(
                        "row {}: cancelled quantity '{v}' is not a whole number of at least 1",
                        row.n
                    ));
                }
            },
            None => None,
        };
        if line_no.is_some() || item.is_some() {
            items.push(CanceledItem {
                line_no,
                item,
                quantity,
            });
        }
    }
    OrderOutcome::Cancel(Box::new(Cancellation {
        cust_ref: None,
        cust_po_no: Some(po.to_string()),
        reason,
        items: (!items.is_empty()).then_some(items),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cancel(d: &Decoded, i: usize) -> Cancellation {
        match &d.orders[i].outcome {
            OrderOutcome::Cancel(c) => (**c).clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lines_and_whole_orders_by_header_name() {
        let d = decode(
            b"order_cancel_reason,po_number,line_item_sku,line_item_line_number,line_item_status_quantity\n\
              damaged,PO-1,SKU-B,2,1\n\
              customer request,PO-2,,,\n",
            b',',
        )
        .unwrap();
        let one = cancel(&d, 0);
        assert_eq!(one.cust_po_no.as_deref(), Some("PO-1"));
        let items = one.items.unwrap();
        assert_eq!((items[0].line_no, items[0].quantity), (Some(2), Some(1)));
        assert_eq!(cancel(&d, 1).items, None);
        assert_eq!(cancel(&d, 1).reason.as_deref(), Some("customer request"));
    }

    #[test]
    fn a_bad_quantity_rejects_its_po() {
        let d = decode(
            b"po_number,line_item_line_number,line_item_status_quantity\nP,1,x\n",
            b',',
        )
        .unwrap();
        assert!(matches!(d.orders[0].outcome, OrderOutcome::Reject(_)));
        assert!(decode(b"sku\nA\n", b',').is_err());
    }
}
