//! Outputs to the carts: shipment confirmations and inventory levels, one
//! [`Renderer`] per cart format. Pure functions: the pipeline gathers the events (with the
//! cart's own order ids, method names and SKUs) and hands the bytes to the outbox.
//!
//! A format's renderer lives in its own folder (`ultracart/render.rs`) and is registered in its
//! [`FormatSpec`](super::FormatSpec).

use super::Format;

/// One shipped package of one order, as the cart must hear it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Confirmation {
    /// The cart's own order id (the canonical order's `cust_po_no`).
    pub cust_po_no: String,
    /// The cart's own shipping method name (the order's `ship_code_description`).
    pub ship_method: Option<String>,
    /// The carrier's tracking number.
    pub tracking_no: Option<String>,
    /// When the package shipped: RFC 3339 with the warehouse's own offset.
    pub date: Option<String>,
    /// The warehouse's carrier name.
    pub carrier: Option<String>,
    /// The warehouse's carrier service.
    pub method: Option<String>,
    /// The lines shipped, in cart terms.
    pub lines: Vec<ConfirmedLine>,
}

/// One shipped line, in the cart's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedLine {
    /// The order line's `line_no` (1-based).
    pub line_no: u32,
    /// The cart's SKU (after reversing `sku_aliases`).
    pub cart_sku: String,
    /// Units shipped.
    pub quantity: u64,
}

/// Units of one order cancelled by the warehouse, as the cart must hear it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CartCancel {
    /// The cart's own order id.
    pub cust_po_no: String,
    /// Why (the warehouse's reason or code).
    pub reason: Option<String>,
    /// The lines cancelled, in cart terms (every line with its units for a whole order).
    pub lines: Vec<ConfirmedLine>,
}

/// A file for a cart's `out/`: the name to give it and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// The file name (no folder).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Writes a cart format's outputs.
pub trait Renderer: Sync {
    /// The shipment-confirmation file for these packages; `None` when there is nothing to
    /// send. `now` names the file (its UTC date); `unique` makes the name unique and sortable.
    fn shipments(
        &self,
        confirmations: &[Confirmation],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile>;

    /// The inventory file for these levels (cart SKU, quantity available); `None` when there is
    /// nothing to send.
    fn inventory(
        &self,
        levels: &[(String, i64)],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile>;

    /// The invoice file for these packages (one invoice per package), for a format that takes
    /// invoices (DSCO); `None` otherwise or when there is nothing to bill. `unit_cost` gives a
    /// shipped line's unit cost (the order item's `unit_cost`); a package with a line whose cost
    /// is unknown is not invoiced.
    fn invoices(
        &self,
        confirmations: &[Confirmation],
        unit_cost: &dyn Fn(&Confirmation, &ConfirmedLine) -> Option<crate::model::Money>,
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        let _ = (confirmations, unit_cost, now, unique);
        None
    }

    /// The cancellation file for these orders, for a format that takes cancellations from the
    /// supplier (DSCO); `None` otherwise (the merchant must cancel in the cart itself).
    fn cancellations(
        &self,
        cancels: &[CartCancel],
        now: jiff::Timestamp,
        unique: &str,
    ) -> Option<OutFile> {
        let _ = (cancels, now, unique);
        None
    }
}

/// The inventory levels with each SKU once: a SKU given twice keeps its first place and its
/// last quantity (the newest level wins).
pub(crate) fn latest_per_sku(levels: &[(String, i64)]) -> Vec<(&str, i64)> {
    let mut rows: Vec<(&str, i64)> = Vec::with_capacity(levels.len());
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (sku, qty) in levels {
        match at.get(sku.as_str()) {
            Some(&i) => rows[i].1 = *qty,
            None => {
                at.insert(sku, rows.len());
                rows.push((sku, *qty));
            }
        }
    }
    rows
}

/// The renderer of a cart format; `None` for a format that takes no confirmations
/// (`canonical`, the warehouse side).
pub fn renderer_for(format: Format) -> Option<&'static dyn Renderer> {
    format.spec().renderer
}

/// A field quoted for CSV: `"` around it, a `"` inside doubled (RFC 4180).
pub(crate) fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// `YYYYMMDD`, the UTC date of `now` (file names carry UTC dates, whatever the server's zone).
pub(crate) fn utc_yyyymmdd(now: jiff::Timestamp) -> String {
    let d = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// The local calendar date an RFC 3339 date-time names in its own offset
/// (`2026-11-20T23:30:00-05:00` is 20 November, though it is the 21st in UTC).
pub(crate) fn own_date(rfc3339: &str) -> Option<jiff::civil::Date> {
    let pieces = jiff::fmt::temporal::Pieces::parse(rfc3339).ok()?;
    pieces.offset()?;
    Some(pieces.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_date_of_every_accepted_shape() {
        for (s, want, why) in [
            (
                "2026-11-20T23:30:00-05:00",
                Some((2026, 11, 20)),
                "west of UTC",
            ),
            (
                "2026-11-21T00:30:00+01:00",
                Some((2026, 11, 21)),
                "east of UTC",
            ),
            (
                "2026-11-20t21:05:00z",
                Some((2026, 11, 20)),
                "lower-case t and z",
            ),
            (
                "2026-11-20T21:05:00.5Z",
                Some((2026, 11, 20)),
                "fractional seconds",
            ),
            ("2026-11-20T21:05:00", None, "no offset: no own date"),
            ("garbage", None, "not a date"),
        ] {
            let got = own_date(s).map(|d| (d.year(), d.month(), d.day()));
            assert_eq!(
                got,
                want.map(|(y, m, d)| (y as i16, m as i8, d as i8)),
                "{s}: {why}"
            );
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(quoted(r#"a "b", c"#), r#""a ""b"", c""#);
        assert_eq!(quoted(""), r#""""#);
    }
}
