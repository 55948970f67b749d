//! The cart's go-live date (`accept_orders_since`): an order placed before it is skipped with
//! the reason `before go-live YYYY-MM-DD`, so that the first sync of a new integration does not
//! send the warehouse what the merchant already shipped by hand.
//!
//! Applied once to every decoded file, whatever its format, after the format's own mapping.
//! The order's date is compared as the customer saw it: the calendar day of `order_date` in
//! the offset it was given in. An order without a date cannot be judged and goes on.

use super::{Decoded, DecodedOrder, OrderOutcome};
use jiff::civil::Date;

/// The reason an order before `since` is skipped.
pub(crate) fn reason(since: Date) -> String {
    format!("before go-live {since}")
}

/// Skips each accepted order of `decoded` placed before `since`.
pub(super) fn apply(mut decoded: Decoded, since: Option<Date>) -> Decoded {
    for d in &mut decoded.orders {
        apply_one(d, since);
    }
    decoded
}

/// Skips the order `d` when it is accepted and placed before `since`.
pub(super) fn apply_one(d: &mut DecodedOrder, since: Option<Date>) {
    let Some(since) = since else {
        return;
    };
    if let OrderOutcome::Accept(order) = &d.outcome
        && order
            .order_date
            .as_deref()
            .and_then(day_of)
            .is_some_and(|day| day < since)
    {
        d.outcome = OrderOutcome::Skip(reason(since));
    }
}

/// The calendar day of an RFC 3339 date-time, in its own offset.
fn day_of(rfc3339: &str) -> Option<Date> {
    rfc3339.get(..10)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::DecodedOrder;
    use crate::model::Order;

    fn one(date: Option<&str>) -> Decoded {
        Decoded {
            orders: vec![DecodedOrder {
                order_no: "1".into(),
                place: "row 2".into(),
                outcome: OrderOutcome::Accept(Box::new(Order {
                    cust_po_no: "1".into(),
                    order_date: date.map(str::to_string),
                    ..Order::default()
                })),
            }],
        }
    }

    fn skipped(d: &Decoded) -> Option<String> {
        match &d.orders[0].outcome {
            OrderOutcome::Skip(why) => Some(why.clone()),
            _ => None,
        }
    }

    #[test]
    fn an_order_of_the_day_before_is_skipped_one_of_the_day_goes_on() {
        let since: Date = "2026-11-01".parse().unwrap();
        let old = apply(one(Some("2026-10-31T23:59:59-08:00")), Some(since));
        assert_eq!(skipped(&old).as_deref(), Some("before go-live 2026-11-01"));
        let same_day = apply(one(Some("2026-11-01T00:00:00+14:00")), Some(since));
        assert_eq!(skipped(&same_day), None);
    }

    #[test]
    fn an_order_without_a_date_or_without_a_go_live_goes_on() {
        let since: Date = "2026-11-01".parse().unwrap();
        assert_eq!(skipped(&apply(one(None), Some(since))), None);
        assert_eq!(
            skipped(&apply(one(Some("2020-01-01T00:00:00Z")), None)),
            None
        );
    }
}
