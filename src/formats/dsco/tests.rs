//! DSCO order decoding: table-driven cases (each with its reason) and a generator-based
//! property test over real-sized shuffled headers.

use super::to_canonical::USED_COLUMNS;
use super::{decode, delimiter_for};
use crate::formats::{DecodeError, DecodeOptions, Decoded, OrderOutcome};
use crate::model::Order;
use std::collections::BTreeMap;

/// The column names of real DSCO order exports (the format's field names),
/// shared with the end-to-end tests.
fn real_columns() -> Vec<&'static str> {
    include_str!("../../../fixtures/dsco/order-columns.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn opts() -> DecodeOptions {
    DecodeOptions {
        source: "acme-dsco".to_string(),
        ..DecodeOptions::default()
    }
}

/// A file from rows of cells (already quoted where needed), comma-separated, LF.
fn file(rows: &[&str]) -> Vec<u8> {
    let mut s = rows.join("\n");
    s.push('\n');
    s.into_bytes()
}

fn accepted(d: &Decoded, i: usize) -> &Order {
    match &d.orders[i].outcome {
        OrderOutcome::Accept(o) => o,
        other => panic!(
            "order {i} ({}) not accepted: {other:?}",
            d.orders[i].order_no
        ),
    }
}

fn rejected(d: &Decoded, i: usize) -> &str {
    match &d.orders[i].outcome {
        OrderOutcome::Reject(r) => r,
        other => panic!(
            "order {i} ({}) not rejected: {other:?}",
            d.orders[i].order_no
        ),
    }
}

fn dec(bytes: &[u8]) -> Decoded {
    decode(bytes, &opts(), b',').unwrap()
}

const MIN_HEADER: &str = "po_number,line_item_sku,line_item_quantity";

// ---------------------------------------------------------------------------------------------
// The generator

/// xorshift64*: small, deterministic, good enough to shuffle columns.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
    /// Awkward text: delimiters, quotes, newlines of both kinds.
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "Main St",
            ",",
            "|",
            "\t",
            "\"quoted\"",
            "\nline two",
            "\r\nline three",
            "Ünïcode",
            "42",
            "O'Brien",
            "a;b",
        ];
        let mut s = String::from("x");
        for _ in 0..1 + self.below(4) {
            s.push_str(PIECES[self.below(PIECES.len())]);
        }
        s.push('y');
        s
    }
}

/// One generated line-item row: column → value (columns not listed are empty).
type GenRow = BTreeMap<&'static str, String>;

/// Generated POs: each a list of rows repeating the order-level values.
fn gen_orders(rng: &mut Rng) -> Vec<(String, Vec<GenRow>)> {
    let mut out = Vec::new();
    for o in 0..1 + rng.below(4) {
        let po = format!("PO-{}-{o}", rng.below(100_000));
        let mut order = GenRow::new();
        order.insert("po_number", po.clone());
        order.insert(
            "dsco_order_id",
            format!("{}", 900_000_000 + rng.below(1000)),
        );
        order.insert("consumer_order_number", format!("C{}", rng.below(10_000)));
        order.insert("channel", rng.text());
        order.insert(
            "consumer_order_date",
            "2025-05-10T18:49:50+00:00".to_string(),
        );
        order.insert(
            "retailer_create_date",
            "2025-05-10T19:30:37+00:00".to_string(),
        );
        order.insert(
            "test_flag",
            if rng.chance(30) { "1" } else { "0" }.to_string(),
        );
        order.insert("ship_first_name", rng.text());
        order.insert("ship_last_name", "Doe".to_string());
        order.insert("ship_address_1", rng.text());
        order.insert("ship_city", "Franklin".to_string());
        order.insert("ship_region", "IN".to_string());
        order.insert("ship_postal", "46131".to_string());
        order.insert("ship_country", "US".to_string());
        order.insert("bill_to_first_name", rng.text());
        order.insert("bill_to_country", "USA".to_string());
        order.insert("ship_carrier", "Generic".to_string());
        order.insert("ship_method", "Ground".to_string());
        if rng.chance(50) {
            order.insert("shipping_service_level_code", "GCG".to_string());
        }
        order.insert("ship_by_date", "2025-05-23T06:59:00+00:00".to_string());
        order.insert(
            "expected_delivery_date",
            "2025-05-31T19:30:37-04:00".to_string(),
        );
        order.insert("ship_instructions", rng.text());
        let mut rows = Vec::new();
        for l in 0..1 + rng.below(3) {
            let mut row = order.clone();
            row.insert("line_item_line_number", (l + 1).to_string());
            row.insert("line_item_sku", format!("SKU-{}", rng.below(50)));
            row.insert("line_item_quantity", (1 + rng.below(9)).to_string());
            row.insert("line_item_title", rng.text());
            row.insert(
                "line_item_expected_cost",
                format!("{}.{:02}", rng.below(100), rng.below(100)),
            );
            row.insert(
                "line_item_consumer_price",
                format!("{}", 1 + rng.below(200)),
            );
            rows.push(row);
        }
        out.push((po, rows));
    }
    out
}

/// A field quoted when it must be for `delim`.
fn field(v: &str, delim: u8) -> String {
    if v.bytes()
        .any(|b| b == delim || b == b'"' || b == b'\n' || b == b'\r')
    {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// Writes the POs under `header` (unused columns filled with junk when `junk`).
fn write_file(
    rng: &mut Rng,
    orders: &[(String, Vec<GenRow>)],
    header: &[String],
    delim: u8,
    crlf: bool,
    bom: bool,
    junk: bool,
) -> Vec<u8> {
    let nl = if crlf { "\r\n" } else { "\n" };
    let sep = (delim as char).to_string();
    let mut s = String::new();
    if bom {
        s.push('\u{feff}');
    }
    let line: Vec<String> = header.iter().map(|h| field(h, delim)).collect();
    s.push_str(&line.join(&sep));
    s.push_str(nl);
    for (_, rows) in orders {
        for row in rows {
            let cells: Vec<String> = header
                .iter()
                .map(|h| match row.get(h.as_str()) {
                    Some(v) => field(v, delim),
                    None if junk && !USED_COLUMNS.contains(&h.as_str()) => {
                        let t = rng.text();
                        field(&t, delim)
                    }
                    None => String::new(),
                })
                .collect();
            s.push_str(&cells.join(&sep));
            s.push_str(nl);
        }
    }
    s.into_bytes()
}

fn orders_of(d: &Decoded) -> Vec<Order> {
    (0..d.orders.len())
        .map(|i| accepted(d, i).clone())
        .collect()
}

#[test]
fn generated_files_decode_alike_whatever_the_layout() {
    for seed in 1..=60u64 {
        let mut rng = Rng::new(seed);
        let orders = gen_orders(&mut rng);
        // The reference: only the used columns, in a fixed order, comma, LF, no BOM, no junk.
        let plain: Vec<String> = USED_COLUMNS.iter().map(|s| s.to_string()).collect();
        let reference_bytes = write_file(&mut rng, &orders, &plain, b',', false, false, false);
        let reference = decode(&reference_bytes, &opts(), b',')
            .unwrap_or_else(|e| panic!("seed {seed}: reference: {e}"));
        let want = orders_of(&reference);
        assert_eq!(want.len(), orders.len(), "seed {seed}: one order per PO");
        for (o, (po, rows)) in want.iter().zip(&orders) {
            assert_eq!(&o.cust_po_no, po, "seed {seed}");
            assert_eq!(o.items.len(), rows.len(), "seed {seed}: one item per row");
            for (item, row) in o.items.iter().zip(rows) {
                assert_eq!(item.item, row["line_item_sku"], "seed {seed}");
                assert_eq!(
                    item.quantity.to_string(),
                    row["line_item_quantity"],
                    "seed {seed}"
                );
                assert_eq!(
                    item.description.as_deref(),
                    Some(row["line_item_title"].as_str())
                );
            }
            assert_eq!(
                o.ship_address_1.as_deref(),
                Some(rows[0]["ship_address_1"].as_str())
            );
            assert_eq!(o.cust_country.as_deref(), Some("US"), "USA → US");
        }
        for (name, delim) in [("x.csv", b','), ("x.tab", b'\t'), ("x.psv", b'|')] {
            assert_eq!(delimiter_for(name), Some(delim));
            let mut header: Vec<String> = real_columns().iter().map(|s| s.to_string()).collect();
            for k in 0..rng.below(100) {
                header.push(format!("extra_column_{k}_{}", rng.below(1000)));
            }
            rng.shuffle(&mut header);
            let (crlf, bom) = (rng.chance(50), rng.chance(50));
            let bytes = write_file(&mut rng, &orders, &header, delim, crlf, bom, true);
            let got = decode(&bytes, &opts(), delim)
                .unwrap_or_else(|e| panic!("seed {seed} {name} crlf={crlf} bom={bom}: {e}"));
            assert_eq!(
                orders_of(&got),
                want,
                "seed {seed} {name} crlf={crlf} bom={bom}: same orders whatever the column \
                 order, extra columns, delimiter, line ends and BOM"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Table-driven cases

#[test]
fn delimiter_by_extension() {
    for (name, want, why) in [
        ("Purchase_Order_20250510.csv", Some(b','), "comma"),
        ("Purchase_Order_20250510.TAB", Some(b'\t'), "tab, any case"),
        (
            "in/sub/Purchase_Order_1.Psv",
            Some(b'|'),
            "pipe, with a folder",
        ),
        ("Purchase_Order_1.xlsx", None, "not a delimited DSCO file"),
        ("csv", None, "no extension at all"),
    ] {
        assert_eq!(delimiter_for(name), want, "{name}: {why}");
    }
}

#[test]
fn missing_required_column_rejects_the_file() {
    for (header, column, why) in [
        (
            "line_item_sku,line_item_quantity",
            "po_number",
            "no PO number",
        ),
        (
            "po_number,line_item_sku",
            "line_item_quantity",
            "no quantity",
        ),
        (
            "po_number,line_item_quantity,line_item_title",
            "line_item_sku",
            "no SKU nor fallbacks",
        ),
        ("", "", "an empty file (a BOM only) has no header"),
    ] {
        let bytes = if header.is_empty() {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            file(&[header, "1,2"])
        };
        match decode(&bytes, &opts(), b',') {
            Err(DecodeError::Csv { row, column: c, .. }) => {
                assert_eq!((row, c.as_str()), (1, column), "{why}")
            }
            other => panic!("{why}: {other:?}"),
        }
    }
    for header in [
        "po_number,line_item_partner_sku,line_item_quantity",
        "po_number,line_item_upc,line_item_quantity",
    ] {
        let d = dec(&file(&[header, "P1,S1,2"]));
        assert_eq!(
            accepted(&d, 0).items[0].item,
            "S1",
            "{header}: a SKU fallback is enough"
        );
    }
}

#[test]
fn bad_values_reject_their_po_only() {
    let header = "po_number,line_item_sku,line_item_quantity,line_item_expected_cost,\
                  consumer_order_date,test_flag,ship_country,ship_address_1";
    for (row3, want, why) in [
        (
            "P2,S,0,1.00,,,,",
            "row 3, column line_item_quantity: '0'",
            "quantity 0",
        ),
        (
            "P2,S,1.5,1.00,,,,",
            "row 3, column line_item_quantity: '1.5'",
            "fractional quantity",
        ),
        (
            "P2,S,-1,1.00,,,,",
            "row 3, column line_item_quantity: '-1'",
            "negative quantity",
        ),
        (
            "P2,S,,1.00,,,,",
            "row 3, column line_item_quantity: empty",
            "no quantity",
        ),
        (
            "P2,,1,1.00,,,,",
            "row 3, column line_item_sku: empty",
            "no SKU",
        ),
        (
            "P2,S,1,$1.00,,,,",
            "row 3, column line_item_expected_cost:",
            "currency symbol",
        ),
        (
            "P2,S,1,1.005,,,,",
            "row 3, column line_item_expected_cost: '1.005' has more",
            "3 decimals",
        ),
        (
            "P2,S,1,1,2025-05-10,,,",
            "row 3, column consumer_order_date:",
            "date without time",
        ),
        (
            "P2,S,1,1,2025-05-10T18:49:50,,,",
            "row 3, column consumer_order_date:",
            "no offset",
        ),
        (
            "P2,S,1,1,,yes,,",
            "row 3, column test_flag: 'yes' is not 1 or 0",
            "flag not 1/0",
        ),
        (
            "P2,S,1,1,,,Atlantis,",
            "row 3, column ship_country: 'Atlantis'",
            "unknown country",
        ),
    ] {
        // Row 2 holds a quoted newline: it is still one spreadsheet row.
        let bytes = file(&[
            header,
            "P1,S,1,1.00,,,,\"12 Main St\nApt 4\"",
            row3,
            "P3,S,2,,,,,",
        ]);
        let d = dec(&bytes);
        assert_eq!(d.orders.len(), 3, "{why}");
        assert!(
            rejected(&d, 1).starts_with(want),
            "{why}: {}",
            rejected(&d, 1)
        );
        assert_eq!(d.orders[1].order_no, "P2", "{why}");
        assert_eq!(d.orders[1].place, "row 3", "{why}");
        assert_eq!(
            accepted(&d, 0).ship_address_1.as_deref(),
            Some("12 Main St\nApt 4"),
            "{why}: the PO before goes on"
        );
        assert_eq!(
            accepted(&d, 2).items[0].quantity,
            2,
            "{why}: the PO after goes on"
        );
    }
}

#[test]
fn rows_group_into_pos() {
    for (rows, want, why) in [
        (
            vec!["P1,A,1", "P1,B,2", "P2,C,3"],
            vec![("P1", "rows 2-3", true), ("P2", "row 4", true)],
            "consecutive rows of one PO make one order",
        ),
        (
            vec!["P1,A,1", "P2,B,2", "P1,C,3", "P3,D,4"],
            vec![
                ("P1", "row 2, row 4", false),
                ("P2", "row 3", true),
                ("P3", "row 5", true),
            ],
            "a PO split across non-adjacent rows is rejected; the others go on",
        ),
        (
            vec!["P1,A,1", ",B,2", "P2,C,3"],
            vec![
                ("P1", "row 2", true),
                ("(no po_number, row 3)", "row 3", false),
                ("P2", "row 4", true),
            ],
            "a row without a PO is its own rejection",
        ),
        (
            vec!["P1,A,1", ",,", "P2,C,3"],
            vec![("P1", "row 2", true), ("P2", "row 4", true)],
            "a blank row holds no line item",
        ),
    ] {
        let mut lines = vec![MIN_HEADER];
        lines.extend(rows);
        let d = dec(&file(&lines));
        let got: Vec<(&str, &str, bool)> = d
            .orders
            .iter()
            .map(|o| {
                let ok = matches!(o.outcome, OrderOutcome::Accept(_));
                (o.order_no.as_str(), o.place.as_str(), ok)
            })
            .collect();
        assert_eq!(got, want, "{why}");
    }
    let d = dec(&file(&[MIN_HEADER, "P1,A,1", "P2,B,2", "P1,C,3"]));
    assert!(
        rejected(&d, 0).starts_with("row 4, column po_number: PO 'P1' is split"),
        "the report names the row where the PO comes back: {}",
        rejected(&d, 0)
    );
}

#[test]
fn ship_method_mapping() {
    let header = "po_number,line_item_sku,line_item_quantity,shipping_service_level_code,\
                  ship_carrier,ship_method,dsco_ship_carrier,dsco_ship_method";
    let map: BTreeMap<String, String> = [
        ("GCG", "GROUND"),
        ("UPS Ground", "UPS_GND"),
        ("FedEx 2Day", "FX2"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (row, with_map, want, why) in [
        (
            "P,S,1,GCG,Generic,Ground,,",
            true,
            Ok(("GROUND", "GCG")),
            "service code wins",
        ),
        (
            "P,S,1,,UPS,Ground,,",
            true,
            Ok(("UPS_GND", "UPS Ground")),
            "carrier + method, one space",
        ),
        (
            "P,S,1,,,,FedEx,2Day",
            true,
            Ok(("FX2", "FedEx 2Day")),
            "dsco_ variants as fallback",
        ),
        (
            "P,S,1,XYZ,,,,",
            true,
            Err(
                "row 2, column shipping_service_level_code: shipping method 'XYZ' has no ship_methods mapping",
            ),
            "unmapped code",
        ),
        (
            "P,S,1,,USPS,Priority,,",
            true,
            Err(
                "row 2, column ship_method: shipping method 'USPS Priority' has no ship_methods mapping",
            ),
            "unmapped pair",
        ),
        (
            "P,S,1,,USPS,Priority,,",
            false,
            Ok(("USPS Priority", "USPS Priority")),
            "no map: the key itself",
        ),
    ] {
        let o = DecodeOptions {
            ship_methods: if with_map {
                map.clone()
            } else {
                BTreeMap::new()
            },
            ..opts()
        };
        let d = decode(&file(&[header, row]), &o, b',').unwrap();
        match want {
            Ok((code, desc)) => {
                let order = accepted(&d, 0);
                assert_eq!(order.ship_code.as_deref(), Some(code), "{why}");
                assert_eq!(order.ship_code_description.as_deref(), Some(desc), "{why}");
            }
            Err(msg) => assert_eq!(rejected(&d, 0), msg, "{why}"),
        }
    }
}

#[test]
fn sku_aliases_and_line_numbers() {
    let o = DecodeOptions {
        sku_aliases: [("CART-1".to_string(), "WH-1".to_string())]
            .into_iter()
            .collect(),
        ..opts()
    };
    let header =
        "po_number,line_item_line_number,line_item_sku,line_item_partner_sku,line_item_quantity";
    let d = decode(
        &file(&[header, "P,3,CART-1,,2", "P,7,,PARTNER-2,1"]),
        &o,
        b',',
    )
    .unwrap();
    let items = &accepted(&d, 0).items;
    assert_eq!(
        (
            items[0].line_no,
            items[0].item.as_str(),
            items[0].cart_item.as_deref()
        ),
        (3, "WH-1", Some("CART-1")),
        "an aliased SKU keeps DSCO's SKU in cart_item"
    );
    assert_eq!(
        (
            items[1].line_no,
            items[1].item.as_str(),
            items[1].cart_item.as_deref()
        ),
        (7, "PARTNER-2", None),
        "partner SKU as fallback, not aliased: no cart_item"
    );
    let d = dec(&file(&[MIN_HEADER, "P,A,1", "P,B,1"]));
    let nos: Vec<u32> = accepted(&d, 0).items.iter().map(|i| i.line_no).collect();
    assert_eq!(nos, [1, 2], "without line numbers: 1-based order in the PO");
    let d = dec(&file(&[header, "P,1,A,,1", "P,1,B,,1"]));
    assert!(rejected(&d, 0).contains("row 3, column line_item_line_number: line 1 appears twice"));
}

#[test]
fn full_row_mapping() {
    let header = "po_number,dsco_order_id,consumer_order_number,channel,retailer_create_date,\
                  dsco_create_date,test_flag,ship_attention,ship_first_name,ship_last_name,\
                  ship_region,ship_postal,ship_country,bill_to_company,bill_to_region,\
                  bill_to_country,required_delivery_date,expected_delivery_date,ship_by_date,\
                  ship_instructions,line_item_sku,line_item_quantity,line_item_title,\
                  line_item_expected_cost,line_item_consumer_price";
    let row = "EDIT.1,935387499,C-77,2502TFBD1,2019-02-24T19:43:56+07:00,2019-02-25T00:00:00Z,1,\
               Front desk,Ann,Lee,IN,46131,United States,ACME,NY,CA,2019-03-01T12:00:00-05:00,\
               2019-03-05T12:00:00-05:00,2019-02-26T06:59:00Z,Leave at door,JAX-1,3,Earrings,\
               13.3,29";
    let d = dec(&file(&[header, row]));
    let o = accepted(&d, 0);
    let refs: Vec<(&str, &str)> = o
        .refs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        refs,
        [
            ("channel", "2502TFBD1"),
            ("consumer_order_number", "C-77"),
            ("dsco_order_id", "935387499"),
            ("ship_attention", "Front desk"),
        ]
    );
    assert_eq!(o.cust_po_no, "EDIT.1");
    assert_eq!(o.order_source, "acme-dsco");
    assert_eq!(
        o.order_date.as_deref(),
        Some("2019-02-24T19:43:56+07:00"),
        "no consumer_order_date: retailer_create_date, its own offset kept"
    );
    assert_eq!(o.test_order, Some(true));
    assert_eq!(o.ship_by_date.as_deref(), Some("2019-02-26T06:59:00Z"));
    assert_eq!(
        o.deliver_by_date.as_deref(),
        Some("2019-03-01T12:00:00-05:00"),
        "required_delivery_date before expected_delivery_date"
    );
    assert_eq!(
        (
            o.ship_state.as_deref(),
            o.ship_zip.as_deref(),
            o.ship_country.as_deref()
        ),
        (Some("IN"), Some("46131"), Some("US"))
    );
    assert_eq!(
        (
            o.cust_company.as_deref(),
            o.cust_state.as_deref(),
            o.cust_country.as_deref()
        ),
        (Some("ACME"), Some("NY"), Some("CA"))
    );
    assert_eq!(o.shipping_instructions.as_deref(), Some("Leave at door"));
    assert_eq!(o.ship_code, None, "no method columns, no map: no ship code");
    let i = &o.items[0];
    assert_eq!(
        (
            i.line_no,
            i.item.as_str(),
            i.quantity,
            i.description.as_deref(),
            i.unit_cost.map(|m| m.to_string()),
            i.price.map(|m| m.to_string())
        ),
        (
            1,
            "JAX-1",
            3,
            Some("Earrings"),
            Some("13.30".to_string()),
            Some("29.00".to_string())
        )
    );
    // test_flag 0 → omitted; dsco_create_date as the last resort.
    let d = dec(&file(&[
        "po_number,line_item_sku,line_item_quantity,test_flag,dsco_create_date",
        "P,S,1,0,2019-02-25T00:00:00+00:00",
    ]));
    let o = accepted(&d, 0);
    assert_eq!(o.test_order, None);
    assert_eq!(o.order_date.as_deref(), Some("2019-02-25T00:00:00+00:00"));
}

#[test]
fn unreadable_files() {
    for (bytes, row, why) in [
        (
            file(&[MIN_HEADER, "P1,A,1", "P2,B"]),
            3,
            "a row cut short (truncated upload)",
        ),
        (
            b"po_number,line_item_sku,line_item_quantity\nP1,\xff,1\n".to_vec(),
            2,
            "not UTF-8",
        ),
    ] {
        match decode(&bytes, &opts(), b',') {
            Err(DecodeError::Csv { row: r, .. }) => assert_eq!(r, row, "{why}"),
            other => panic!("{why}: {other:?}"),
        }
    }
    match decode(
        &file(&[
            "po_number,line_item_sku,line_item_quantity,line_item_sku",
            "P,A,1,B",
        ]),
        &opts(),
        b',',
    ) {
        Err(DecodeError::Csv { column, .. }) => {
            assert_eq!(column, "line_item_sku", "a used column named twice")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fixtures_decode() {
    for (bytes, delim, name) in [
        (
            &include_bytes!("../../../fixtures/dsco/Purchase_Order_20250510193037.csv")[..],
            b',',
            "csv",
        ),
        (
            &include_bytes!("../../../fixtures/dsco/Purchase_Order_20250510193038.tab")[..],
            b'\t',
            "tab",
        ),
        (
            &include_bytes!("../../../fixtures/dsco/Purchase_Order_20250510193039.psv")[..],
            b'|',
            "psv",
        ),
    ] {
        let d = decode(bytes, &opts(), delim).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d.orders.len(), 2, "{name}");
        let a = accepted(&d, 0);
        assert_eq!(a.cust_po_no, "EDIT.17469054370068510", "{name}");
        assert_eq!(a.items.len(), 2, "{name}");
        assert_eq!(a.ship_code.as_deref(), Some("GCG"), "{name}");
        assert_eq!(
            a.ship_address_1.as_deref(),
            Some("1 Elm St, \"Unit\" 2\nRear"),
            "{name}"
        );
        assert_eq!(accepted(&d, 1).items[0].quantity, 3, "{name}");
    }
}

#[test]
fn decode_named_picks_the_delimiter() {
    use crate::formats::{Format, decode_named};
    let psv = b"po_number|line_item_sku|line_item_quantity\nP|A,B|2\n";
    let d = decode_named(Format::Dsco, "Purchase_Order_1.PSV", psv, &opts()).unwrap();
    assert_eq!(
        accepted(&d, 0).items[0].item,
        "A,B",
        ".psv: pipe-separated, a comma is data"
    );
    assert!(
        matches!(
            decode_named(Format::Dsco, "Purchase_Order_1.xlsx", psv, &opts()),
            Err(DecodeError::Other(_))
        ),
        "an extension DSCO files do not use is refused"
    );
    let csv = file(&[MIN_HEADER, "P,A,2"]);
    let d = crate::formats::decode(Format::Dsco, &csv, &opts()).unwrap();
    assert_eq!(
        accepted(&d, 0).items[0].quantity,
        2,
        "decode() reads DSCO as comma-separated"
    );
}

#[test]
fn generated_bad_value_names_its_spreadsheet_row() {
    for seed in 1..=40u64 {
        let mut rng = Rng::new(seed);
        let mut orders = gen_orders(&mut rng);
        let bad_po = rng.below(orders.len());
        let bad_line = rng.below(orders[bad_po].1.len());
        orders[bad_po].1[bad_line].insert("line_item_quantity", "two".to_string());
        // Spreadsheet row: header 1, then one row per line item (quoted newlines do not count).
        let row = 2 + orders[..bad_po].iter().map(|(_, r)| r.len()).sum::<usize>() + bad_line;
        let mut header: Vec<String> = real_columns().iter().map(|s| s.to_string()).collect();
        rng.shuffle(&mut header);
        for (delim, crlf) in [(b',', true), (b'\t', false), (b'|', true)] {
            let bytes = write_file(&mut rng, &orders, &header, delim, crlf, true, true);
            let d = decode(&bytes, &opts(), delim).unwrap();
            assert_eq!(d.orders.len(), orders.len(), "seed {seed}");
            for i in 0..orders.len() {
                if i == bad_po {
                    assert_eq!(
                        rejected(&d, i),
                        format!(
                            "row {row}, column line_item_quantity: 'two' is not a whole number \
                             of at least 1"
                        ),
                        "seed {seed}: quoted newlines in earlier rows do not shift the row"
                    );
                } else {
                    accepted(&d, i);
                }
            }
        }
    }
}

/// A control character in a used cell rejects its PO, naming the row and column; the other
/// POs go on, and an unused column is not read at all.
#[test]
fn control_characters_reject_their_po() {
    let d = dec(&file(&[
        "po_number,line_item_sku,line_item_quantity,ship_first_name,unused",
        "PO-1,SKU-1,1,Ada\u{1},x",
        "PO-2,SKU-2,1,Grace,\u{0}",
    ]));
    assert_eq!(
        rejected(&d, 0),
        "row 2, column ship_first_name: holds the control character U+0001; only tab, line feed and carriage return are allowed in text"
    );
    assert_eq!(accepted(&d, 1).items[0].item, "SKU-2");
}
