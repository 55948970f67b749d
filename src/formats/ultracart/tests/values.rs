//! Value parsers: order dates in New York time, quantities, flags, countries.

use super::{accepted, decode_fixture, decode_str, fixture, opts};
use crate::formats::ultracart::values::{
    ORDER_TIME_ZONE, parse_flag, parse_order_date, parse_quantity,
};
use jiff::tz::TimeZone;

#[test]
fn order_dates_are_new_york_time_with_dst_offsets() {
    for (file, index, expected) in [
        ("single-sd.xml", 0, "2014-07-04T10:15:00-04:00"),
        ("batch-mixed-stages.xml", 1, "2015-01-15T16:50:31-05:00"),
        ("batch-mixed-stages.xml", 5, "2014-07-12T18:03:44-04:00"),
        ("kits.xml", 0, "2014-12-19T08:17:26-05:00"),
        ("no-ship-to.xml", 0, "2015-03-14T11:59:02-04:00"),
        ("empty-elements.xml", 0, "2015-02-02T09:31:18-05:00"),
        ("test-order.xml", 0, "2015-11-03T09:05:00-05:00"),
    ] {
        let decoded = decode_fixture(file, &opts());
        let order = accepted(&decoded.orders[index]);
        assert_eq!(
            order.order_date.as_deref(),
            Some(expected),
            "{file} #{index}"
        );
    }
}

#[test]
fn order_date_parsing() {
    let Ok(tz) = TimeZone::get(ORDER_TIME_ZONE) else {
        panic!("no tz")
    };
    for (input, expected) in [
        ("17 DEC 2012 08:37:38", Some("2012-12-17T08:37:38-05:00")),
        ("17 Dec 2012 08:37:38", Some("2012-12-17T08:37:38-05:00")),
        ("1 JUN 2020 00:00:00", Some("2020-06-01T00:00:00-04:00")),
        ("29 FEB 2016 23:59:59", Some("2016-02-29T23:59:59-05:00")),
        // The spring-forward gap (02:30 does not exist): the later side.
        ("09 MAR 2014 02:30:00", Some("2014-03-09T03:30:00-04:00")),
        // The fall-back fold (01:30 happens twice): the earlier one.
        ("02 NOV 2014 01:30:00", Some("2014-11-02T01:30:00-04:00")),
        (
            "  03  MAY  2015  07:08:09 ",
            Some("2015-05-03T07:08:09-04:00"),
        ),
        ("29 FEB 2015 10:00:00", None),
        ("17 DECEMBRE 2012 08:37:38", None),
        ("17 DEC 12 08:37:38", None),
        ("17 DEC 2012 08:37", None),
        ("17 DEC 2012 25:00:00", None),
        ("2012-12-17T08:37:38", None),
        ("17 DEC 2012 -8:37:38", None),
        ("", None),
    ] {
        assert_eq!(
            parse_order_date(input, &tz).as_deref(),
            expected,
            "{input:?}"
        );
    }
}

#[test]
fn quantities_and_flags() {
    for (input, expected) in [
        ("1", Some(1)),
        ("12", Some(12)),
        ("2.00", Some(2)),
        ("0", Some(0)),
        ("1.5", None),
        ("-1", None),
        ("+1", None),
        ("one", None),
    ] {
        assert_eq!(parse_quantity(input), expected, "{input}");
    }
    for (input, expected) in [
        ("Y", Some(true)),
        ("y", Some(true)),
        ("Yes", Some(true)),
        ("TRUE", Some(true)),
        ("N", Some(false)),
        ("no", Some(false)),
        ("False", Some(false)),
        ("maybe", None),
    ] {
        assert_eq!(parse_flag(input), expected, "{input}");
    }
}

#[test]
fn countries_go_through_alpha2() {
    for (name, code) in [
        ("United States", "US"),
        ("Canada", "CA"),
        ("Puerto Rico", "PR"),
        ("Germany", "DE"),
        ("united kingdom", "GB"),
        ("AU", "AU"),
    ] {
        let xml = fixture("with-doctype.xml").replace("Sweden", name);
        let decoded = decode_str(&xml, &opts());
        let order = accepted(&decoded.orders[0]);
        assert_eq!(order.cust_country.as_deref(), Some(code), "{name}");
        assert_eq!(order.ship_country.as_deref(), Some(code), "{name}");
    }
}
