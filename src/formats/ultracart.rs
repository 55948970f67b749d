//! UltraCart order XML → canonical orders (spec `formats/ultracart.md`, mapping to
//! `formats/canonical.md`, outcomes per INTERFACE §6).
//!
//! # Reading
//!
//! One streaming pass with quick-xml's event reader; nothing is fetched (a
//! `<!DOCTYPE export SYSTEM "...">` line is accepted and ignored: validation against the
//! partner's DTD is done elsewhere). Only one order's fields are held at a time. The file must
//! be well-formed; anything that is not ends the decode with [`DecodeError::Xml`] carrying the
//! 1-based line and column (in characters) of the problem:
//!
//! - mismatched or unmatched end tags, malformed markup or attributes (quick-xml's checks,
//!   with end-name and comment checks on);
//! - a file that ends with elements still open (a truncated upload): reported at the end of
//!   the file, naming the innermost open element and where it was opened;
//! - a root that is not `export`, a second root, text or markup after the root, a DOCTYPE
//!   that is not in the prolog, an XML declaration that is not the first thing in the file;
//! - an entity other than the five XML ones or a character reference to a character XML does
//!   not allow (an internal DTD subset is never expanded);
//! - bytes that are not UTF-8 (a leading UTF-8 BOM is fine).
//!
//! Elements are found by NAME and by position in the tree, never by sequence: `order`
//! children of `export`, leaf children of `order`, `item` children of `order`, leaf children
//! of `item`. The same names deeper down (`option/item_id`, `coupon/merchant_id`,
//! `customer_profile/email`) are not the order's. Unknown elements are ignored. Text is
//! entity-decoded and trimmed; an empty element (`<x/>`, `<x />`, `<x></x>`) is an absent
//! value and is omitted from the canonical order.
//!
//! # Outcomes
//!
//! Each `order` gives a [`DecodedOrder`] whose `place` is the `LINE:COL` of its start tag:
//!
//! - `current_stage` other than `SD` → skipped, naming the stage
//!   (`stage AR (accounts receivable): only SD orders go to the warehouse`). A missing
//!   `current_stage` is a rejection (we cannot tell whether the order should ship).
//! - An `SD` order with no items left for the warehouse (other distribution centers, see
//!   below) → skipped (`no items for distribution center DFLT`).
//! - A bad value in an element the mapping uses → rejected, the reason naming each element,
//!   its value and its `LINE:COL`, joined with `; `. Elements the mapping does not use are
//!   never checked, nor are the items of other distribution centers. The other orders of the
//!   file go on.
//!
//! # Mapping decisions (where the spec is silent)
//!
//! - `order_date` (`17 DEC 2012 08:37:38`) is US Eastern time, so it is read in
//!   `America/New_York` (DST-aware, from jiff's bundled tzdb) and written as RFC 3339 with the
//!   offset of that instant: `2012-12-17T08:37:38-05:00`, `2014-07-04T10:15:00-04:00`. A wall
//!   time repeated or skipped by a DST change resolves as jiff's "compatible" rule does (the
//!   earlier of a repeated hour, the later side of a gap). An absent `order_date` is omitted.
//! - `refs` keeps `merchant_id`, `channel_partner_code` and `channel_partner_order_id` when
//!   present.
//! - Ship-to: when the `ship_to_*` group is absent — or present with every value empty — the
//!   ship-to address is the bill-to address. Otherwise the ship-to group is taken as it is
//!   (fields are never mixed between the two).
//! - `cust_phone` is `day_phone`, or `evening_phone` when that is empty. UltraCart has no
//!   ship-to phone, so `ship_phone` is the customer's phone (carriers want a contact number).
//!   `ship_e_mail` is `gift_email` (the recipient of a gift) when present, else `email`.
//! - `ship_code`: with a non-empty `ship_methods` map, the method's mapping or a rejection
//!   (`shipping method 'FedEx: Ground' has no ship_methods mapping`; an absent method is looked
//!   up as `''`); with an empty map, the method text itself.
//! - A used element that occurs twice in one order or item (say two `<total>`) or that holds
//!   child elements instead of text is a rejection: we cannot tell which value is meant.
//! - Flags read `Y/N`, `yes/no`, `true/false`, `1/0` in any case; empty is false; anything
//!   else in a used flag (`kit`, `kit_component`, `test_order`) is a rejection.
//! - `quantity` is a non-negative integer; `2.00` is accepted as 2, `1.5` is rejected.
//! - Items: `item` is the cart SKU through `sku_aliases`; `cart_item` is the cart SKU only
//!   when an alias changed it. `discount` (per unit) = `cost` − `unit_cost_with_discount`, when
//!   both are given. `unit_cost` is not filled (UltraCart's `cogs` is the merchant's own
//!   figure, not a supplier invoice). The distribution-center filter compares
//!   `distribution_center_code` exactly (trimmed); an item without a code is not that DC's.
//! - Kits: components follow their kit in UltraCart's list, so a component's parent is the
//!   nearest preceding item with `kit=Y` (an ordinary item ends the kit's run). `kit_parent` is
//!   the kit's SKU through `sku_aliases` (the warehouse's name for it, like `item`). With
//!   `KitMode::Components` a component with no kit before it is a rejection (it would
//!   otherwise ship with no kit); with `KitMode::Kit` components are simply not sent.
//! - `order_no` of an order without `order_id` is `(no order_id, order at LINE:COL)`.

use super::country;
use super::{DecodeError, DecodeOptions, Decoded, DecodedOrder, KitMode, OrderOutcome};
use crate::model::{Item, Money, Order};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// UltraCart writes its times in US Eastern time.
const ORDER_TIME_ZONE: &str = "America/New_York";
/// The root element.
const ROOT: &str = "export";
/// An order, child of the root.
const ORDER: &str = "order";
/// An order line, child of an order.
const ITEM: &str = "item";
/// Depth (open elements, the root being 1) of an `order`, of its children, of an item's.
const ORDER_DEPTH: usize = 2;
const ORDER_CHILD_DEPTH: usize = 3;
const ITEM_CHILD_DEPTH: usize = 4;

/// Decodes an UltraCart export file (see the module doc).
pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let text = utf8(bytes)?;
    let tz = TimeZone::get(ORDER_TIME_ZONE).map_err(|e| {
        DecodeError::Other(format!("time zone {ORDER_TIME_ZONE} is not available: {e}"))
    })?;
    let mapper = Mapper { opts, tz };
    let mut decoded = Decoded::default();
    Scanner::new(text).run(|raw| decoded.orders.push(mapper.order(&raw)))?;
    Ok(decoded)
}

// ---------------------------------------------------------------------------------------------
// Positions

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Loc {
    line: u64,
    column: u64,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Turns byte offsets into [`Loc`]s, counting newlines incrementally: offsets asked for in
/// increasing order (as the reader produces them) cost one pass over the file in total.
struct LineCursor<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    line_start: usize,
}

impl<'a> LineCursor<'a> {
    fn new(text: &'a str) -> Self {
        LineCursor {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The location of byte offset `pos` (clamped to the text).
    fn locate(&mut self, pos: usize) -> Loc {
        let pos = pos.min(self.text.len());
        if pos < self.pos {
            // Rare (only for errors): start again from the top.
            *self = LineCursor::new(self.text);
        }
        let bytes = self.text.as_bytes();
        for (i, b) in bytes[self.pos..pos].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.pos + i + 1;
            }
        }
        self.pos = pos;
        let column = match self.text.get(self.line_start..pos) {
            Some(prefix) => prefix.chars().count(),
            None => pos - self.line_start,
        };
        Loc {
            line: self.line,
            column: column as u64 + 1,
        }
    }
}

/// A well-formedness error at `loc`.
fn xml_error(loc: Loc, message: impl Into<String>) -> DecodeError {
    DecodeError::Xml {
        line: loc.line,
        column: loc.column,
        message: message.into(),
    }
}

/// The input as UTF-8 text, without a leading BOM.
fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let text = std::str::from_utf8(good).unwrap_or_default();
        let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
        xml_error(
            LineCursor::new(text).locate(text.len()),
            format!("the file is not UTF-8 text (byte 0x{bad:02X})"),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// The elements the mapping uses

/// Declares an enum of element names with `tag()` and `from_tag()`.
macro_rules! slots {
    ($(#[$meta:meta])* $ty:ident { $($variant:ident = $tag:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum $ty { $($variant,)* }

        impl $ty {
            /// How many there are.
            const COUNT: usize = [$($tag,)*].len();

            /// The element name.
            fn tag(self) -> &'static str {
                match self { $($ty::$variant => $tag,)* }
            }

            /// The slot for an element name.
            fn from_tag(tag: &str) -> Option<Self> {
                match tag { $($tag => Some($ty::$variant),)* _ => None }
            }
        }
    };
}

slots! {
    /// The children of `order` the mapping uses.
    OrderSlot {
        MerchantId = "merchant_id",
        OrderId = "order_id",
        ChannelPartnerCode = "channel_partner_code",
        ChannelPartnerOrderId = "channel_partner_order_id",
        OrderDate = "order_date",
        CurrentStage = "current_stage",
        BillToCompany = "bill_to_company",
        BillToFirstName = "bill_to_first_name",
        BillToLastName = "bill_to_last_name",
        BillToAddress1 = "bill_to_address1",
        BillToAddress2 = "bill_to_address2",
        BillToCity = "bill_to_city",
        BillToState = "bill_to_state",
        BillToZip = "bill_to_zip",
        BillToCountry = "bill_to_country",
        ShipToCompany = "ship_to_company",
        ShipToFirstName = "ship_to_first_name",
        ShipToLastName = "ship_to_last_name",
        ShipToAddress1 = "ship_to_address1",
        ShipToAddress2 = "ship_to_address2",
        ShipToCity = "ship_to_city",
        ShipToState = "ship_to_state",
        ShipToZip = "ship_to_zip",
        ShipToCountry = "ship_to_country",
        ShippingMethod = "shipping_method",
        Email = "email",
        GiftEmail = "gift_email",
        DayPhone = "day_phone",
        EveningPhone = "evening_phone",
        Subtotal = "subtotal",
        Tax = "tax",
        ShippingHandlingTotal = "shipping_handling_total",
        Total = "total",
        CurrencyCode = "currency_code",
        SpecialInstructions = "special_instructions",
        GiftMessage = "gift_message",
        SubtotalDiscount = "subtotal_discount",
        TestOrder = "test_order",
    }
}

slots! {
    /// The children of `item` the mapping uses.
    ItemSlot {
        ItemId = "item_id",
        Quantity = "quantity",
        Description = "description",
        Cost = "cost",
        UnitCostWithDiscount = "unit_cost_with_discount",
        TotalCostWithDiscount = "total_cost_with_discount",
        DistributionCenterCode = "distribution_center_code",
        Kit = "kit",
        KitComponent = "kit_component",
    }
}

/// An address group: company, first and last name, two lines, city, state, zip, country.
type AddressSlots = [OrderSlot; 9];

const BILL_TO: AddressSlots = [
    OrderSlot::BillToCompany,
    OrderSlot::BillToFirstName,
    OrderSlot::BillToLastName,
    OrderSlot::BillToAddress1,
    OrderSlot::BillToAddress2,
    OrderSlot::BillToCity,
    OrderSlot::BillToState,
    OrderSlot::BillToZip,
    OrderSlot::BillToCountry,
];

const SHIP_TO: AddressSlots = [
    OrderSlot::ShipToCompany,
    OrderSlot::ShipToFirstName,
    OrderSlot::ShipToLastName,
    OrderSlot::ShipToAddress1,
    OrderSlot::ShipToAddress2,
    OrderSlot::ShipToCity,
    OrderSlot::ShipToState,
    OrderSlot::ShipToZip,
    OrderSlot::ShipToCountry,
];

/// One element's trimmed text and where it starts.
#[derive(Debug, Clone)]
struct Field {
    tag: &'static str,
    text: String,
    loc: Loc,
}

impl Field {
    /// The text, `None` when empty.
    fn value(&self) -> Option<&str> {
        Some(self.text.as_str()).filter(|t| !t.is_empty())
    }

    /// A rejection reason for this element's value.
    fn bad(&self, what: &str) -> String {
        format!("<{}> '{}' {} (at {})", self.tag, self.text, what, self.loc)
    }
}

/// The used fields of one element (order or item), by slot index, plus what was wrong with
/// their structure (duplicates, child elements).
#[derive(Debug, Clone)]
struct Fields {
    values: Vec<Option<Field>>,
    problems: Vec<String>,
}

impl Fields {
    fn new(count: usize) -> Self {
        Fields {
            values: vec![None; count],
            problems: Vec::new(),
        }
    }

    /// Stores a field; a second occurrence is a problem and the first one stays.
    fn put(&mut self, index: usize, field: Field, has_children: bool) {
        if has_children {
            self.problems.push(format!(
                "<{}> holds child elements, expected text (at {})",
                field.tag, field.loc
            ));
        }
        match self.values.get_mut(index) {
            Some(Some(first)) => self.problems.push(format!(
                "<{}> appears twice (at {} and {})",
                field.tag, first.loc, field.loc
            )),
            Some(slot) => *slot = Some(field),
            None => {}
        }
    }

    fn field(&self, index: usize) -> Option<&Field> {
        self.values.get(index).and_then(Option::as_ref)
    }

    fn value(&self, index: usize) -> Option<&str> {
        self.field(index).and_then(Field::value)
    }
}

/// One `order` as read: its used fields and its items.
#[derive(Debug, Clone)]
struct RawOrder {
    loc: Loc,
    fields: Fields,
    items: Vec<RawItem>,
}

impl RawOrder {
    fn new(loc: Loc) -> Self {
        RawOrder {
            loc,
            fields: Fields::new(OrderSlot::COUNT),
            items: Vec::new(),
        }
    }

    fn field(&self, slot: OrderSlot) -> Option<&Field> {
        self.fields.field(slot as usize)
    }

    fn value(&self, slot: OrderSlot) -> Option<&str> {
        self.fields.value(slot as usize)
    }
}

/// One `item` as read.
#[derive(Debug, Clone)]
struct RawItem {
    loc: Loc,
    fields: Fields,
}

impl RawItem {
    fn new(loc: Loc) -> Self {
        RawItem {
            loc,
            fields: Fields::new(ItemSlot::COUNT),
        }
    }

    fn field(&self, slot: ItemSlot) -> Option<&Field> {
        self.fields.field(slot as usize)
    }

    fn value(&self, slot: ItemSlot) -> Option<&str> {
        self.fields.value(slot as usize)
    }
}

// ---------------------------------------------------------------------------------------------
// The scanner: well-formedness and collection, one order at a time

/// Where the reader is relative to the root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Prolog,
    Root,
    Epilog,
}

/// Which element a captured text belongs to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Order(OrderSlot),
    Item(ItemSlot),
}

/// The text of a used leaf element being read.
struct Capture {
    target: Target,
    depth: usize,
    loc: Loc,
    text: String,
    has_children: bool,
}

/// Reads the file event by event, checking what quick-xml does not, and hands each finished
/// order to a callback.
struct Scanner<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    cursor: LineCursor<'a>,
    part: Part,
    seen_doctype: bool,
    /// Byte offsets of the open elements' start tags, root first.
    open: Vec<usize>,
    order: Option<RawOrder>,
    item: Option<RawItem>,
    capture: Option<Capture>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.enable_all_checks(true);
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Scanner {
            text,
            reader,
            cursor: LineCursor::new(text),
            part: Part::Prolog,
            seen_doctype: false,
            open: Vec::new(),
            order: None,
            item: None,
            capture: None,
        }
    }

    /// Reads to the end, calling `emit` with each order as its end tag is read.
    fn run(mut self, mut emit: impl FnMut(RawOrder)) -> Result<(), DecodeError> {
        loop {
            let pos = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.reader_error(&e)),
            };
            match event {
                Event::Start(e) => self.start(&e, pos, false, &mut emit)?,
                Event::Empty(e) => self.start(&e, pos, true, &mut emit)?,
                Event::End(_) => {
                    let depth = self.open.len();
                    self.open.pop();
                    self.close(depth, &mut emit);
                }
                Event::Text(t) => self.text(&t, pos)?,
                Event::CData(c) => {
                    let content = c.xml10_content();
                    self.append(&content, pos, "CDATA")?;
                }
                Event::GeneralRef(r) => self.reference(&r, pos)?,
                Event::Decl(_) => {
                    if pos != 0 {
                        return Err(self.error_at(pos, "an XML declaration must open the file"));
                    }
                }
                Event::DocType(_) => self.doctype(pos)?,
                Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => return self.eof(),
            }
        }
    }

    fn error_at(&mut self, pos: usize, message: impl Into<String>) -> DecodeError {
        xml_error(self.cursor.locate(pos), message)
    }

    fn reader_error(&mut self, e: &quick_xml::Error) -> DecodeError {
        let pos = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
        self.error_at(pos, e.to_string())
    }

    /// A start tag (or an empty element, which is also closed at once).
    fn start(
        &mut self,
        e: &BytesStart<'_>,
        pos: usize,
        empty: bool,
        emit: &mut impl FnMut(RawOrder),
    ) -> Result<(), DecodeError> {
        let qname = e.name();
        let name: &str = qname.as_ref();
        if let Some(Err(err)) = e.attributes().find(Result::is_err) {
            return Err(self.error_at(pos, format!("bad attribute in <{name}>: {err}")));
        }
        match self.part {
            Part::Prolog if name != ROOT => {
                return Err(self.error_at(
                    pos,
                    format!("the root element is <{name}>, expected <{ROOT}>"),
                ));
            }
            Part::Prolog => self.part = Part::Root,
            Part::Epilog => {
                return Err(self.error_at(
                    pos,
                    format!("<{name}> after the end of the root element <{ROOT}>"),
                ));
            }
            Part::Root => {}
        }
        let depth = self.open.len() + 1;
        self.open_child(name, depth, pos);
        if empty {
            self.close(depth, emit);
        } else {
            self.open.push(pos);
        }
        Ok(())
    }

    /// Starts collecting what an element at `depth` means for the current order.
    fn open_child(&mut self, name: &str, depth: usize, pos: usize) {
        if let Some(capture) = &mut self.capture {
            capture.has_children = true;
            return;
        }
        let target = match depth {
            ORDER_DEPTH if name == ORDER => {
                self.order = Some(RawOrder::new(self.cursor.locate(pos)));
                None
            }
            ORDER_CHILD_DEPTH if self.order.is_some() && name == ITEM => {
                self.item = Some(RawItem::new(self.cursor.locate(pos)));
                None
            }
            ORDER_CHILD_DEPTH if self.order.is_some() => {
                OrderSlot::from_tag(name).map(Target::Order)
            }
            ITEM_CHILD_DEPTH if self.item.is_some() => ItemSlot::from_tag(name).map(Target::Item),
            _ => None,
        };
        if let Some(target) = target {
            self.capture = Some(Capture {
                target,
                depth,
                loc: self.cursor.locate(pos),
                text: String::new(),
                has_children: false,
            });
        }
    }

    /// An element at `depth` has closed.
    fn close(&mut self, depth: usize, emit: &mut impl FnMut(RawOrder)) {
        if let Some(capture) = self.capture.take_if(|c| c.depth == depth) {
            self.store(capture);
        } else if depth == ORDER_CHILD_DEPTH && self.item.is_some() {
            if let (Some(item), Some(order)) = (self.item.take(), self.order.as_mut()) {
                order.items.push(item);
            }
        } else if depth == ORDER_DEPTH {
            if let Some(order) = self.order.take() {
                emit(order);
            }
        } else if depth == 1 {
            self.part = Part::Epilog;
        }
    }

    /// Files a captured text with its order or item.
    fn store(&mut self, capture: Capture) {
        let (fields, index, tag) = match capture.target {
            Target::Order(slot) => (
                self.order.as_mut().map(|o| &mut o.fields),
                slot as usize,
                slot.tag(),
            ),
            Target::Item(slot) => (
                self.item.as_mut().map(|i| &mut i.fields),
                slot as usize,
                slot.tag(),
            ),
        };
        if let Some(fields) = fields {
            let text = capture.text.trim();
            let field = Field {
                tag,
                text: if text.len() == capture.text.len() {
                    capture.text
                } else {
                    text.to_string()
                },
                loc: capture.loc,
            };
            fields.put(index, field, capture.has_children);
        }
    }

    /// Character data: kept when it is a used element's, refused outside the root.
    fn text(&mut self, t: &BytesText<'_>, pos: usize) -> Result<(), DecodeError> {
        match self.part {
            Part::Root => {
                if let Some(capture) = &mut self.capture {
                    capture.text.push_str(&t.xml10_content());
                }
                Ok(())
            }
            _ => match t.find(|c| !matches!(c, ' ' | '\t' | '\r' | '\n')) {
                None => Ok(()),
                Some(offset) => Err(self.outside_root(pos + offset, "text")),
            },
        }
    }

    /// Appends decoded text to the capture; refused outside the root.
    fn append(&mut self, s: &str, pos: usize, what: &str) -> Result<(), DecodeError> {
        if self.part != Part::Root {
            return Err(self.outside_root(pos, what));
        }
        if let Some(capture) = &mut self.capture {
            capture.text.push_str(s);
        }
        Ok(())
    }

    fn outside_root(&mut self, pos: usize, what: &str) -> DecodeError {
        let message = match self.part {
            Part::Prolog => format!("{what} before the root element <{ROOT}>"),
            _ => format!("{what} after the end of the root element <{ROOT}>"),
        };
        self.error_at(pos, message)
    }

    /// `&amp;`, `&#233;`...: the five XML entities and character references.
    fn reference(&mut self, r: &BytesRef<'_>, pos: usize) -> Result<(), DecodeError> {
        let name: &str = r;
        let mut buf = [0u8; 4];
        let resolved: &str = match r.resolve_char_ref() {
            Ok(Some(c)) if is_xml_char(c) => c.encode_utf8(&mut buf),
            Ok(Some(_)) | Err(_) => {
                return Err(self.error_at(pos, format!("&{name}; is not a character XML allows")));
            }
            Ok(None) => match quick_xml::escape::resolve_xml_entity(name) {
                Some(s) => s,
                None => {
                    return Err(self.error_at(
                        pos,
                        format!("unknown entity &{name}; (only &amp; &lt; &gt; &quot; &apos;)"),
                    ));
                }
            },
        };
        self.append(resolved, pos, "a reference")
    }

    fn doctype(&mut self, pos: usize) -> Result<(), DecodeError> {
        if self.part != Part::Prolog || self.seen_doctype {
            return Err(self.error_at(pos, "<!DOCTYPE> may appear once, before the root element"));
        }
        self.seen_doctype = true;
        Ok(())
    }

    /// End of input: fine after the root, an error anywhere else.
    fn eof(&mut self) -> Result<(), DecodeError> {
        let end = self.text.len();
        match (self.part, self.open.last().copied()) {
            (Part::Epilog, _) => Ok(()),
            (Part::Root, Some(open)) => {
                let name = tag_name_at(self.text, open);
                let opened = self.cursor.locate(open);
                Err(self.error_at(
                    end,
                    format!(
                        "the file ends inside <{name}> (opened at {opened}): \
                         it is truncated or not closed"
                    ),
                ))
            }
            _ => Err(self.error_at(end, format!("no root element <{ROOT}> in the file"))),
        }
    }
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The element name of the start tag at byte `pos` (for messages).
fn tag_name_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos + 1..).unwrap_or_default();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    &rest[..end]
}

// ---------------------------------------------------------------------------------------------
// The mapping: one raw order → one outcome

/// Maps raw orders with the partner's options.
struct Mapper<'o> {
    opts: &'o DecodeOptions,
    tz: TimeZone,
}

impl Mapper<'_> {
    fn order(&self, raw: &RawOrder) -> DecodedOrder {
        let place = raw.loc.to_string();
        let order_no = raw.value(OrderSlot::OrderId).map_or_else(
            || format!("(no order_id, order at {place})"),
            str::to_string,
        );
        DecodedOrder {
            order_no,
            place,
            outcome: self.outcome(raw),
        }
    }

    fn outcome(&self, raw: &RawOrder) -> OrderOutcome {
        match raw.value(OrderSlot::CurrentStage) {
            None => {
                return OrderOutcome::Reject(format!(
                    "missing <current_stage> in the order at {}",
                    raw.loc
                ));
            }
            Some(stage) if !stage.eq_ignore_ascii_case("SD") => {
                return OrderOutcome::Skip(stage_reason(stage));
            }
            Some(_) => {}
        }
        let mut problems = Vec::new();
        let items = self.items(raw, &mut problems);
        if items.is_empty() && problems.is_empty() {
            return OrderOutcome::Skip(self.no_items_reason());
        }
        problems.extend(raw.fields.problems.iter().cloned());
        let order = self.header(raw, items, &mut problems);
        if problems.is_empty() {
            OrderOutcome::Accept(Box::new(order))
        } else {
            OrderOutcome::Reject(problems.join("; "))
        }
    }

    fn no_items_reason(&self) -> String {
        match &self.opts.distribution_center {
            Some(dc) => format!("no items for distribution center {dc}"),
            None => "no items to send to the warehouse".to_string(),
        }
    }

    /// Everything but the items.
    fn header(&self, raw: &RawOrder, items: Vec<Item>, p: &mut Vec<String>) -> Order {
        let text = |slot| raw.value(slot).map(str::to_string);
        let cust_po_no = text(OrderSlot::OrderId).unwrap_or_else(|| {
            p.push(format!("missing <order_id> in the order at {}", raw.loc));
            String::new()
        });
        let bill = Address::read(raw, &BILL_TO, p);
        let ship = if SHIP_TO.iter().any(|s| raw.value(*s).is_some()) {
            Address::read(raw, &SHIP_TO, p)
        } else {
            bill.clone()
        };
        let phone = text(OrderSlot::DayPhone).or_else(|| text(OrderSlot::EveningPhone));
        let email = text(OrderSlot::Email);
        let method = raw.value(OrderSlot::ShippingMethod);
        let money = |slot, p: &mut Vec<String>| money(raw.field(slot), p);
        Order {
            cust_ref: None,
            cust_po_no,
            order_source: self.opts.source.clone(),
            refs: refs(raw),
            order_date: raw
                .field(OrderSlot::OrderDate)
                .and_then(|f| self.order_date(f, p)),
            order_status: None,
            test_order: flag(raw.field(OrderSlot::TestOrder), p).filter(|t| *t),
            ship_by_date: None,
            deliver_by_date: None,
            cust_company: bill.company,
            cust_first_name: bill.first_name,
            cust_last_name: bill.last_name,
            cust_address_1: bill.address_1,
            cust_address_2: bill.address_2,
            cust_city: bill.city,
            cust_state: bill.state,
            cust_zip: bill.zip,
            cust_country: bill.country,
            cust_phone: phone.clone(),
            cust_e_mail: email.clone(),
            ship_company: ship.company,
            ship_first_name: ship.first_name,
            ship_last_name: ship.last_name,
            ship_address_1: ship.address_1,
            ship_address_2: ship.address_2,
            ship_city: ship.city,
            ship_state: ship.state,
            ship_zip: ship.zip,
            ship_country: ship.country,
            ship_phone: phone,
            ship_e_mail: text(OrderSlot::GiftEmail).or(email),
            ship_code: self.ship_code(method, p),
            ship_code_description: method.map(str::to_string),
            shipping_instructions: text(OrderSlot::SpecialInstructions),
            gift_message: text(OrderSlot::GiftMessage),
            sub_total: money(OrderSlot::Subtotal, p),
            order_discount: money(OrderSlot::SubtotalDiscount, p),
            sales_tax: money(OrderSlot::Tax, p),
            shipping_handling: money(OrderSlot::ShippingHandlingTotal, p),
            grand_total: money(OrderSlot::Total, p),
            currency_code: text(OrderSlot::CurrencyCode),
            items,
        }
    }

    /// `order_date` in US Eastern time → RFC 3339 with offset.
    fn order_date(&self, field: &Field, p: &mut Vec<String>) -> Option<String> {
        let value = field.value()?;
        let parsed = parse_order_date(value, &self.tz);
        if parsed.is_none() {
            p.push(field.bad("is not a date and time like '17 DEC 2012 08:37:38'"));
        }
        parsed
    }

    /// The warehouse's code for the cart's shipping method.
    fn ship_code(&self, method: Option<&str>, p: &mut Vec<String>) -> Option<String> {
        let map = &self.opts.ship_methods;
        if map.is_empty() {
            return method.map(str::to_string);
        }
        let method = method.unwrap_or_default();
        let code = map.get(method).cloned();
        if code.is_none() {
            p.push(format!(
                "shipping method '{method}' has no ship_methods mapping"
            ));
        }
        code
    }

    /// The items to send: this DC's, kits or components per the kit mode.
    fn items(&self, raw: &RawOrder, p: &mut Vec<String>) -> Vec<Item> {
        let dc = self.opts.distribution_center.as_deref().map(str::trim);
        let mut out = Vec::new();
        let mut current_kit: Option<&RawItem> = None;
        for item in &raw.items {
            let in_dc =
                dc.is_none_or(|dc| item.value(ItemSlot::DistributionCenterCode) == Some(dc));
            // Problems count only for the items of this DC: the others are not used.
            let mut flag_problems = Vec::new();
            let is_kit = flag(item.field(ItemSlot::Kit), &mut flag_problems).unwrap_or(false);
            let is_component =
                flag(item.field(ItemSlot::KitComponent), &mut flag_problems).unwrap_or(false);
            let parent = if is_component { current_kit } else { None };
            if is_kit {
                current_kit = Some(item);
            } else if !is_component {
                current_kit = None;
            }
            if !in_dc {
                continue;
            }
            p.append(&mut flag_problems);
            let keep = match self.opts.kits {
                KitMode::Components => !is_kit,
                KitMode::Kit => !is_component,
            };
            if !keep {
                continue;
            }
            p.extend(item.fields.problems.iter().cloned());
            let kit_parent = if is_component {
                self.kit_parent(item, parent, p)
            } else {
                None
            };
            if let Some(line) = self.item(out.len() + 1, item, kit_parent, p) {
                out.push(line);
            }
        }
        out
    }

    /// The (aliased) SKU of a component's kit.
    fn kit_parent(
        &self,
        item: &RawItem,
        parent: Option<&RawItem>,
        p: &mut Vec<String>,
    ) -> Option<String> {
        let Some(parent) = parent else {
            p.push(format!(
                "kit component at {} does not follow a kit item (kit=Y)",
                item.loc
            ));
            return None;
        };
        match parent.value(ItemSlot::ItemId) {
            Some(sku) => Some(self.alias(sku).0),
            None => {
                p.push(format!("kit item at {} has no <item_id>", parent.loc));
                None
            }
        }
    }

    /// One canonical line; `None` (with the problem noted) without SKU or quantity.
    fn item(
        &self,
        line_no: usize,
        raw: &RawItem,
        kit_parent: Option<String>,
        p: &mut Vec<String>,
    ) -> Option<Item> {
        let Some(sku) = raw.value(ItemSlot::ItemId) else {
            p.push(format!("item at {} has no <item_id>", raw.loc));
            return None;
        };
        let quantity = match raw.field(ItemSlot::Quantity) {
            Some(f) if f.value().is_some() => {
                let q = f.value().and_then(parse_quantity);
                if q.is_none() {
                    p.push(f.bad("is not a whole number of units"));
                }
                q
            }
            _ => {
                p.push(format!("item '{sku}' at {} has no <quantity>", raw.loc));
                None
            }
        }?;
        let price = money(raw.field(ItemSlot::Cost), p);
        let discounted = money(raw.field(ItemSlot::UnitCostWithDiscount), p);
        let (item, cart_item) = self.alias(sku);
        Some(Item {
            line_no: u32::try_from(line_no).unwrap_or(u32::MAX),
            item,
            cart_item,
            quantity,
            price,
            discount: price.zip(discounted).map(|(c, d)| c - d),
            extended_amount: money(raw.field(ItemSlot::TotalCostWithDiscount), p),
            unit_cost: None,
            description: raw.value(ItemSlot::Description).map(str::to_string),
            kit_parent,
        })
    }

    /// (warehouse SKU, the cart SKU when an alias changed it).
    fn alias(&self, sku: &str) -> (String, Option<String>) {
        match self.opts.sku_aliases.get(sku) {
            Some(alias) if alias != sku => (alias.clone(), Some(sku.to_string())),
            _ => (sku.to_string(), None),
        }
    }
}

/// The canonical address fields of one group.
#[derive(Debug, Clone, Default)]
struct Address {
    company: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    address_1: Option<String>,
    address_2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
    country: Option<String>,
}

impl Address {
    fn read(raw: &RawOrder, slots: &AddressSlots, p: &mut Vec<String>) -> Self {
        let [company, first, last, a1, a2, city, state, zip, country] = *slots;
        let text = |slot| raw.value(slot).map(str::to_string);
        Address {
            company: text(company),
            first_name: text(first),
            last_name: text(last),
            address_1: text(a1),
            address_2: text(a2),
            city: text(city),
            state: text(state),
            zip: text(zip),
            country: raw.field(country).and_then(|f| country_code(f, p)),
        }
    }
}

/// `refs`: UltraCart's other identifiers.
fn refs(raw: &RawOrder) -> BTreeMap<String, String> {
    [
        OrderSlot::MerchantId,
        OrderSlot::ChannelPartnerCode,
        OrderSlot::ChannelPartnerOrderId,
    ]
    .into_iter()
    .filter_map(|slot| Some((slot.tag().to_string(), raw.value(slot)?.to_string())))
    .collect()
}

/// Why a non-SD order is skipped.
fn stage_reason(stage: &str) -> String {
    let meaning = match stage.to_ascii_uppercase().as_str() {
        "AR" => "accounts receivable",
        "CO" => "completed",
        "REJ" => "rejected",
        "PO" => "pre-order",
        _ => "not a stage this gateway knows",
    };
    format!("stage {stage} ({meaning}): only SD orders go to the warehouse")
}

/// A money element: absent when empty, a problem when not a plain decimal.
fn money(field: Option<&Field>, p: &mut Vec<String>) -> Option<Money> {
    let field = field?;
    let value = field.value()?;
    match Money::from_str(value) {
        Ok(m) => Some(m),
        Err(_) => {
            p.push(field.bad("is not an amount of money"));
            None
        }
    }
}

/// A country name or code → alpha-2; a problem when unknown.
fn country_code(field: &Field, p: &mut Vec<String>) -> Option<String> {
    let value = field.value()?;
    let code = country::to_alpha2(value);
    if code.is_none() {
        p.push(field.bad("is not a known country"));
    }
    code.map(str::to_string)
}

/// A Y/N flag: absent or empty is `None`, a problem when not a flag.
fn flag(field: Option<&Field>, p: &mut Vec<String>) -> Option<bool> {
    let field = field?;
    let value = field.value()?;
    let parsed = parse_flag(value);
    if parsed.is_none() {
        p.push(field.bad("is not a flag (Y/N, yes/no, true/false)"));
    }
    parsed
}

/// `Y`/`N`, `yes`/`no`, `true`/`false`, `1`/`0`, any case.
fn parse_flag(s: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if is(&["y", "yes", "true", "1"]) {
        Some(true)
    } else if is(&["n", "no", "false", "0"]) {
        Some(false)
    } else {
        None
    }
}

/// A non-negative whole number (`3`, or `3.00`).
fn parse_quantity(s: &str) -> Option<u64> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let d = Decimal::from_str(s).ok()?;
    if d.fract().is_zero() {
        d.to_u64()
    } else {
        None
    }
}

/// `17 DEC 2012 08:37:38` in `tz` → `2012-12-17T08:37:38-05:00`.
fn parse_order_date(s: &str, tz: &TimeZone) -> Option<String> {
    let mut parts = s.split_whitespace();
    let (day, month, year, time) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let mut hms = time.split(':');
    let (hour, minute, second) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() {
        return None;
    }
    let dt = DateTime::new(
        number(year)?,
        month_number(month)?,
        number(day)?,
        number(hour)?,
        number(minute)?,
        number(second)?,
        0,
    )
    .ok()?;
    let zoned = dt.to_zoned(tz.clone()).ok()?;
    Some(zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

/// Digits only (no sign), as a small integer.
fn number<T: FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `DEC`, `Dec`, `December` → 12.
fn month_number(s: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let position = MONTHS.iter().position(|m| {
        s.eq_ignore_ascii_case(m)
            || (s.len() == 3 && m.get(..3).is_some_and(|a| s.eq_ignore_ascii_case(a)))
    })?;
    i8::try_from(position + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/ultracart")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn opts() -> DecodeOptions {
        DecodeOptions {
            source: "harbor-tea".to_string(),
            ..DecodeOptions::default()
        }
    }

    fn decode_str(xml: &str, opts: &DecodeOptions) -> Decoded {
        decode(xml.as_bytes(), opts).unwrap_or_else(|e| panic!("decode failed: {e}"))
    }

    fn decode_fixture(name: &str, opts: &DecodeOptions) -> Decoded {
        decode_str(&fixture(name), opts)
    }

    fn accepted(o: &DecodedOrder) -> &Order {
        match &o.outcome {
            OrderOutcome::Accept(order) => order,
            other => panic!(
                "order {} at {}: expected Accept, got {other:?}",
                o.order_no, o.place
            ),
        }
    }

    fn rejected(o: &DecodedOrder) -> &str {
        match &o.outcome {
            OrderOutcome::Reject(reason) => reason,
            other => panic!(
                "order {} at {}: expected Reject, got {other:?}",
                o.order_no, o.place
            ),
        }
    }

    fn skipped(o: &DecodedOrder) -> &str {
        match &o.outcome {
            OrderOutcome::Skip(reason) => reason,
            other => panic!(
                "order {} at {}: expected Skip, got {other:?}",
                o.order_no, o.place
            ),
        }
    }

    fn xml_error(xml: &[u8]) -> (u64, u64, String) {
        match decode(xml, &opts()) {
            Err(DecodeError::Xml {
                line,
                column,
                message,
            }) => (line, column, message),
            other => panic!("expected an XML error, got {other:?}"),
        }
    }

    fn skus(order: &Order) -> Vec<(u32, &str, Option<&str>)> {
        order
            .items
            .iter()
            .map(|i| (i.line_no, i.item.as_str(), i.kit_parent.as_deref()))
            .collect()
    }

    #[test]
    fn single_sd_postback_maps_every_field() {
        let decoded = decode_fixture("single-sd.xml", &opts());
        assert_eq!(decoded.orders.len(), 1);
        let o = &decoded.orders[0];
        assert_eq!(o.order_no, "HRBTEA-201407041015-551203");
        assert_eq!(o.place, "4:3");
        let json = serde_json::to_value(accepted(o)).unwrap();
        assert_eq!(
            json,
            serde_json::from_str::<serde_json::Value>(
                r#"{
                "cust_po_no": "HRBTEA-201407041015-551203",
                "order_source": "harbor-tea",
                "refs": { "merchant_id": "HRBTEA" },
                "order_date": "2014-07-04T10:15:00-04:00",
                "cust_first_name": "Zoë",
                "cust_last_name": "Marchetti",
                "cust_address_1": "118 Pine Street",
                "cust_address_2": "Apt 3B",
                "cust_city": "Burlington",
                "cust_state": "VT",
                "cust_zip": "05401",
                "cust_country": "US",
                "cust_phone": "(802) 555-0147",
                "cust_e_mail": "zoe.marchetti@example.com",
                "ship_company": "Atelier Brunet",
                "ship_first_name": "Élodie",
                "ship_last_name": "Brunet",
                "ship_address_1": "4521 rue Saint-Denis",
                "ship_city": "Montréal",
                "ship_state": "QC",
                "ship_zip": "H2J 2L3",
                "ship_country": "CA",
                "ship_phone": "(802) 555-0147",
                "ship_e_mail": "elodie@example.org",
                "ship_code": "USPS: Priority Mail International",
                "ship_code_description": "USPS: Priority Mail International",
                "shipping_instructions": "Leave with the concierge & ring bell <2>",
                "gift_message": "Joyeux anniversaire, Élodie!\nWith love — Zoë",
                "sub_total": "60.50",
                "order_discount": "4.80",
                "sales_tax": "3.34",
                "shipping_handling": "8.95",
                "grand_total": "67.99",
                "currency_code": "USD",
                "items": [
                    {
                        "line_no": 1,
                        "item": "TEA-SENCHA-100G",
                        "quantity": 2,
                        "price": "24.00",
                        "discount": "2.40",
                        "extended_amount": "43.20",
                        "description": "Organic Sencha Green Tea, 100 g tin"
                    },
                    {
                        "line_no": 2,
                        "item": "INFUSER-SS",
                        "quantity": 1,
                        "price": "12.50",
                        "discount": "0.00",
                        "extended_amount": "12.50",
                        "description": "Stainless steel tea infuser"
                    }
                ]
            }"#
            )
            .unwrap()
        );
    }

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
    fn only_sd_orders_are_accepted_the_others_skipped_with_their_stage() {
        let decoded = decode_fixture("batch-mixed-stages.xml", &opts());
        let got: Vec<(&str, &str, String)> = decoded
            .orders
            .iter()
            .map(|o| {
                let verdict = match &o.outcome {
                    OrderOutcome::Accept(_) => "accept".to_string(),
                    OrderOutcome::Skip(r) => format!("skip: {r}"),
                    OrderOutcome::Reject(r) => format!("reject: {r}"),
                };
                (o.order_no.as_str(), o.place.as_str(), verdict)
            })
            .collect();
        let only_sd = "only SD orders go to the warehouse";
        assert_eq!(
            got,
            vec![
                (
                    "HRBTEA-201501151642-600101",
                    "4:3",
                    format!("skip: stage AR (accounts receivable): {only_sd}")
                ),
                ("HRBTEA-201501151650-600102", "111:3", "accept".to_string()),
                (
                    "HRBTEA-201501101208-599877",
                    "220:3",
                    format!("skip: stage CO (completed): {only_sd}")
                ),
                (
                    "HRBTEA-201501141933-600050",
                    "327:3",
                    format!("skip: stage REJ (rejected): {only_sd}")
                ),
                (
                    "HRBTEA-201501152210-600131",
                    "429:3",
                    format!("skip: stage PO (pre-order): {only_sd}")
                ),
                ("HRBTEA-201407121803-552990", "531:3", "accept".to_string()),
            ]
        );
        let second = accepted(&decoded.orders[5]);
        assert_eq!(second.ship_code.as_deref(), Some("USPS: First Class"));
        assert_eq!(
            second.items[0].description.as_deref(),
            Some("Hibiscus & Rosehip infusion, 100 g")
        );
        assert_eq!(
            second.grand_total.map(|m| m.to_string()).as_deref(),
            Some("18.75")
        );
    }

    #[test]
    fn empty_elements_in_every_spelling_are_absent() {
        let xml = fixture("empty-elements.xml");
        for form in [
            "<bill_to_company/>",
            "<bill_to_title />",
            "<bill_to_address2></bill_to_address2>",
        ] {
            assert!(xml.contains(form), "fixture should hold {form}");
        }
        let decoded = decode_str(&xml, &opts());
        let order = accepted(&decoded.orders[0]);
        assert_eq!(order.cust_company, None);
        assert_eq!(order.cust_address_2, None);
        assert_eq!(order.ship_company, None);
        assert_eq!(order.ship_address_2, None);
        assert_eq!(order.currency_code, None);
        assert_eq!(order.shipping_instructions, None);
        assert_eq!(order.gift_message, None);
        assert_eq!(
            order.order_discount.map(|m| m.to_string()).as_deref(),
            Some("0.00")
        );
        // day_phone is empty: the evening phone stands in.
        assert_eq!(order.cust_phone.as_deref(), Some("207-555-0116"));
        assert_eq!(order.items[0].quantity, 3);
        let json = serde_json::to_string(order).unwrap();
        assert!(!json.contains("\"\""), "no empty strings in {json}");
    }

    #[test]
    fn without_a_ship_to_group_the_bill_to_address_is_used() {
        let decoded = decode_fixture("no-ship-to.xml", &opts());
        let order = accepted(&decoded.orders[0]);
        let bill = (
            &order.cust_company,
            &order.cust_first_name,
            &order.cust_last_name,
            &order.cust_address_1,
            &order.cust_address_2,
            &order.cust_city,
            &order.cust_state,
            &order.cust_zip,
            &order.cust_country,
        );
        let ship = (
            &order.ship_company,
            &order.ship_first_name,
            &order.ship_last_name,
            &order.ship_address_1,
            &order.ship_address_2,
            &order.ship_city,
            &order.ship_state,
            &order.ship_zip,
            &order.ship_country,
        );
        assert_eq!(bill, ship);
        assert_eq!(order.ship_company.as_deref(), Some("Café Lumière"));
        assert_eq!(order.ship_country.as_deref(), Some("US"));
        assert_eq!(
            order.ship_e_mail.as_deref(),
            Some("antoine@cafe-lumiere.example")
        );
        assert_eq!(order.ship_phone.as_deref(), Some("303-555-0172"));
    }

    #[test]
    fn item_money_and_discount_arithmetic() {
        let decoded = decode_fixture("no-ship-to.xml", &opts());
        let item = &accepted(&decoded.orders[0]).items[0];
        let money = |m: Option<Money>| m.map(|m| m.to_string());
        assert_eq!(
            (
                money(item.price),
                money(item.discount),
                money(item.extended_amount)
            ),
            (
                Some("38.00".into()),
                Some("3.80".into()),
                Some("136.80".into())
            )
        );
        assert_eq!(item.quantity, 4);

        // Three places stay exact; a missing unit_cost_with_discount leaves no discount.
        let xml = fixture("no-ship-to.xml")
            .replace("<cost>38.00</cost>", "<cost>0.105</cost>")
            .replace(
                "<unit_cost_with_discount>34.20</unit_cost_with_discount>",
                "<unit_cost_with_discount>0.1</unit_cost_with_discount>",
            );
        let item = decode_str(&xml, &opts()).orders[0].clone();
        let item = &accepted(&item).items[0];
        assert_eq!(money(item.discount).as_deref(), Some("0.005"));
        let xml = fixture("no-ship-to.xml").replace(
            "<unit_cost_with_discount>34.20</unit_cost_with_discount>",
            "<unit_cost_with_discount/>",
        );
        let decoded = decode_str(&xml, &opts());
        assert_eq!(accepted(&decoded.orders[0]).items[0].discount, None);
    }

    #[test]
    fn kits_send_components_by_default_and_the_kit_line_on_request() {
        let decoded = decode_fixture("kits.xml", &opts());
        let order = accepted(&decoded.orders[0]);
        assert_eq!(
            skus(order),
            vec![
                (1, "HONEY-WILDFLOWER-12OZ", None),
                (2, "TEA-WINTERSPICE-100G", Some("GIFTBOX-DELUXE")),
                (3, "MUG-STONEWARE-12OZ", Some("GIFTBOX-DELUXE")),
            ]
        );
        assert_eq!(order.items[1].quantity, 2);

        let kit_mode = DecodeOptions {
            kits: KitMode::Kit,
            ..opts()
        };
        let decoded = decode_fixture("kits.xml", &kit_mode);
        let order = accepted(&decoded.orders[0]);
        assert_eq!(
            skus(order),
            vec![
                (1, "HONEY-WILDFLOWER-12OZ", None),
                (2, "GIFTBOX-DELUXE", None)
            ]
        );
        let kit = &order.items[1];
        assert_eq!(kit.price.map(|m| m.to_string()).as_deref(), Some("49.00"));
        assert_eq!(kit.discount.map(|m| m.to_string()).as_deref(), Some("4.90"));
    }

    #[test]
    fn a_component_without_its_kit_is_rejected() {
        let xml = fixture("kits.xml").replace("<kit>Y</kit>", "<kit>N</kit>");
        let decoded = decode_str(&xml, &opts());
        let reason = rejected(&decoded.orders[0]);
        assert!(reason.contains("does not follow a kit item"), "{reason}");
        // In kit mode the components are simply not sent.
        let kit_mode = DecodeOptions {
            kits: KitMode::Kit,
            ..opts()
        };
        let decoded = decode_str(&xml, &kit_mode);
        assert_eq!(accepted(&decoded.orders[0]).items.len(), 2);
    }

    #[test]
    fn distribution_center_filter() {
        let with_dc = |dc: &str| DecodeOptions {
            distribution_center: Some(dc.to_string()),
            ..opts()
        };
        // DFLT: two of the first order's three items; the second order has none and is
        // skipped, although its (WEST) item has a bad quantity.
        let decoded = decode_fixture("multi-dc.xml", &with_dc("DFLT"));
        let order = accepted(&decoded.orders[0]);
        assert_eq!(
            skus(order),
            vec![
                (1, "TEA-DARJEELING-100G", None),
                (2, "TEA-GENMAICHA-100G", None)
            ]
        );
        assert_eq!(
            skipped(&decoded.orders[1]),
            "no items for distribution center DFLT"
        );

        // WEST: the kettle; the second order's bad quantity now matters.
        let decoded = decode_fixture("multi-dc.xml", &with_dc("WEST"));
        let order = accepted(&decoded.orders[0]);
        assert_eq!(skus(order), vec![(1, "KETTLE-GOOSENECK", None)]);
        assert_eq!(
            order.items[0].discount.map(|m| m.to_string()).as_deref(),
            Some("6.50")
        );
        let reason = rejected(&decoded.orders[1]);
        assert!(reason.contains("<quantity> 'one'"), "{reason}");
        assert!(reason.contains("at 219:7"), "{reason}");

        // No filter: every item.
        let decoded = decode_fixture("multi-dc.xml", &opts());
        assert_eq!(accepted(&decoded.orders[0]).items.len(), 3);

        // A DC nobody uses.
        let decoded = decode_fixture("multi-dc.xml", &with_dc("EAST"));
        assert_eq!(
            skipped(&decoded.orders[0]),
            "no items for distribution center EAST"
        );
    }

    #[test]
    fn sku_aliases_rename_items_and_keep_the_cart_sku() {
        let aliased = DecodeOptions {
            sku_aliases: [
                ("TEA-SENCHA-100G", "WH-10021"),
                ("GIFTBOX-DELUXE", "WH-KIT-7"),
                ("INFUSER-SS", "INFUSER-SS"),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
            ..opts()
        };
        let decoded = decode_fixture("single-sd.xml", &aliased);
        let items = &accepted(&decoded.orders[0]).items;
        let got: Vec<_> = items
            .iter()
            .map(|i| (i.item.as_str(), i.cart_item.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![("WH-10021", Some("TEA-SENCHA-100G")), ("INFUSER-SS", None)]
        );
        // A component's kit_parent is the kit's warehouse SKU.
        let decoded = decode_fixture("kits.xml", &aliased);
        let order = accepted(&decoded.orders[0]);
        assert_eq!(order.items[1].kit_parent.as_deref(), Some("WH-KIT-7"));
    }

    #[test]
    fn ship_methods_map_or_reject() {
        let map = |pairs: &[(&str, &str)]| DecodeOptions {
            ship_methods: pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            ..opts()
        };
        let decoded = decode_fixture(
            "batch-mixed-stages.xml",
            &map(&[("FedEx: Ground", "FDX_GND")]),
        );
        let first = accepted(&decoded.orders[1]);
        assert_eq!(first.ship_code.as_deref(), Some("FDX_GND"));
        assert_eq!(
            first.ship_code_description.as_deref(),
            Some("FedEx: Ground")
        );
        assert_eq!(
            rejected(&decoded.orders[5]),
            "shipping method 'USPS: First Class' has no ship_methods mapping"
        );
        // Skipped orders stay skipped whatever their method.
        assert!(skipped(&decoded.orders[0]).starts_with("stage AR"));

        let decoded = decode_fixture("bad-values.xml", &map(&[("USPS: First Class", "USPS_FC")]));
        assert_eq!(
            rejected(&decoded.orders[0]),
            "shipping method 'FedEx: Ground' has no ship_methods mapping"
        );
    }

    #[test]
    fn test_orders_are_flagged_and_others_are_not() {
        let decoded = decode_fixture("test-order.xml", &opts());
        assert_eq!(accepted(&decoded.orders[0]).test_order, Some(true));
        let decoded = decode_fixture("single-sd.xml", &opts());
        assert_eq!(accepted(&decoded.orders[0]).test_order, None);
        for (flag, expected) in [
            ("false", None),
            ("N", None),
            ("YES", Some(true)),
            ("", None),
        ] {
            let xml = fixture("test-order.xml").replace(
                "<test_order>true</test_order>",
                &format!("<test_order>{flag}</test_order>"),
            );
            let decoded = decode_str(&xml, &opts());
            assert_eq!(
                accepted(&decoded.orders[0]).test_order,
                expected,
                "{flag:?}"
            );
        }
        let xml = fixture("test-order.xml").replace(
            "<test_order>true</test_order>",
            "<test_order>maybe</test_order>",
        );
        let reason = decode_str(&xml, &opts()).orders[0].clone();
        assert!(rejected(&reason).contains("<test_order> 'maybe' is not a flag"));
    }

    #[test]
    fn a_doctype_is_accepted_and_never_loaded() {
        let xml = fixture("with-doctype.xml");
        assert!(xml.contains("<!DOCTYPE export SYSTEM \"ultracart-export.dtd\">"));
        let decoded = decode_str(&xml, &opts());
        let order = accepted(&decoded.orders[0]);
        assert_eq!(order.cust_country.as_deref(), Some("SE"));
        assert_eq!(order.cust_city.as_deref(), Some("Göteborg"));
        assert_eq!(
            order.order_date.as_deref(),
            Some("2016-06-30T07:45:19-04:00")
        );
        let refs: Vec<_> = order
            .refs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            refs,
            vec![
                ("channel_partner_code", "AMZ"),
                ("channel_partner_order_id", "112-4471980-2215460"),
                ("merchant_id", "HRBTEA"),
            ]
        );
    }

    #[test]
    fn a_truncated_file_is_not_well_formed_at_its_last_line() {
        let xml = fixture("not-well-formed.xml");
        let last_line = xml.lines().count() as u64;
        // The upload stopped in the middle of line 132: `    <ship_to_city>Sacra`.
        assert_eq!(last_line, 132);
        assert!(xml.ends_with("    <ship_to_city>Sacra"));
        let (line, column, message) = xml_error(xml.as_bytes());
        assert_eq!((line, column), (132, 24), "{message}");
        assert!(message.contains("<ship_to_city>"), "{message}");
        assert!(message.contains("132:5"), "{message}");
    }

    #[test]
    fn well_formedness_errors_name_line_and_column() {
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export>\n";
        for (xml, line, column, needle) in [
            // Mismatched end tag on line 5.
            (
                format!(
                    "{head}  <order>\n    <order_id>1</order_id>\n    <total>5.00</totl>\n  </order>\n</export>\n"
                ),
                5,
                16,
                "</totl>",
            ),
            // A close tag nothing opened.
            (format!("{head}</order>\n</export>\n"), 3, 1, "</order>"),
            // Text after the root.
            (
                format!("{head}</export>\ntrailing words\n"),
                4,
                1,
                "text after",
            ),
            // A second root.
            (
                format!("{head}</export>\n<export></export>\n"),
                4,
                1,
                "after the end of the root",
            ),
            // Wrong root.
            (
                "<?xml version=\"1.0\"?>\n<orders>\n</orders>\n".to_string(),
                2,
                1,
                "root element is <orders>",
            ),
            // Unknown entity.
            (
                format!(
                    "{head}  <order>\n    <bill_to_city>S&eacute;te</bill_to_city>\n  </order>\n</export>\n"
                ),
                4,
                20,
                "&eacute;",
            ),
            // A bad character reference.
            (
                format!("{head}  <order><order_id>&#1;</order_id></order>\n</export>"),
                3,
                20,
                "&#1;",
            ),
            // Unclosed markup cut off at the end.
            (format!("{head}  <order>\n    <order_id"), 4, 5, ""),
            // No root at all.
            (
                "<?xml version=\"1.0\"?>\n".to_string(),
                2,
                1,
                "no root element",
            ),
            (String::new(), 1, 1, "no root element"),
            // DOCTYPE inside the root.
            (
                format!("{head}<!DOCTYPE export>\n</export>"),
                3,
                1,
                "DOCTYPE",
            ),
            // The XML declaration must come first.
            (
                "\n<?xml version=\"1.0\"?>\n<export/>".to_string(),
                2,
                1,
                "declaration",
            ),
            // A broken attribute.
            (
                format!("{head}  <order id=\"1\" id=\"2\">\n  </order>\n</export>"),
                3,
                3,
                "attribute",
            ),
            // Text before the root.
            ("hello <export/>".to_string(), 1, 1, "text before"),
        ] {
            let (got_line, got_column, message) = xml_error(xml.as_bytes());
            assert_eq!((got_line, got_column), (line, column), "{xml:?}: {message}");
            assert!(message.contains(needle), "{xml:?}: {message}");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_reported_where_they_are() {
        let mut xml = b"<export>\n  <order>\n    <bill_to_city>S".to_vec();
        xml.push(0xE9); // Latin-1 é
        xml.extend_from_slice(b"te</bill_to_city>\n  </order>\n</export>\n");
        let (line, column, message) = xml_error(&xml);
        assert_eq!((line, column), (3, 20), "{message}");
        assert!(message.contains("UTF-8"), "{message}");
    }

    #[test]
    fn small_documents_that_are_fine() {
        for (xml, orders) in [
            ("<export/>", 0),
            ("\u{feff}<?xml version=\"1.0\"?><export></export>", 0),
            (
                "<export><export_location>unknown</export_location></export>\n<!-- end -->\n",
                0,
            ),
            ("<export><order/></export>", 1),
        ] {
            let decoded = decode_str(xml, &opts());
            assert_eq!(decoded.orders.len(), orders, "{xml:?}");
        }
        let decoded = decode_str("<export><order/></export>", &opts());
        assert_eq!(decoded.orders[0].order_no, "(no order_id, order at 1:9)");
        assert!(rejected(&decoded.orders[0]).contains("missing <current_stage>"));
    }

    #[test]
    fn bad_values_reject_their_order_only() {
        let decoded = decode_fixture("bad-values.xml", &opts());
        assert_eq!(decoded.orders.len(), 2);
        let good = accepted(&decoded.orders[0]);
        assert_eq!(good.cust_po_no, "HRBTEA-201609121120-648001");
        assert_eq!(
            good.grand_total.map(|m| m.to_string()).as_deref(),
            Some("20.30")
        );
        let bad = &decoded.orders[1];
        assert_eq!(bad.order_no, "HRBTEA-201609121134-648002");
        assert_eq!(bad.place, "108:3");
        assert_eq!(
            rejected(bad),
            "<ship_to_country> 'Freedonia' is not a known country (at 137:5); \
             <total> '28.50 USD' is not an amount of money (at 178:5)"
        );
    }

    #[test]
    fn problems_in_used_elements_reject_and_unused_ones_do_not() {
        let base = fixture("single-sd.xml");
        for (from, to, expected) in [
            // Not used: never checked.
            (
                "<tax_rate>0.06000</tax_rate>",
                "<tax_rate>six percent</tax_rate>",
                None,
            ),
            ("<weight>0.6 LB</weight>", "<weight>heavy</weight>", None),
            (
                "<payment_date>07/04/2014</payment_date>",
                "<payment_date>soon</payment_date>",
                None,
            ),
            (
                "<cost_change>0.00</cost_change>",
                "<cost_change>free</cost_change>",
                None,
            ),
            (
                "<email>zoe.m.billing@example.net</email>",
                "<email>x</email><email>y</email>",
                None,
            ),
            // Used.
            (
                "<order_date>04 JUL 2014 10:15:00</order_date>",
                "<order_date>July 4th</order_date>",
                Some("<order_date> 'July 4th' is not a date and time"),
            ),
            (
                "<quantity>2</quantity>",
                "<quantity>1.5</quantity>",
                Some("<quantity> '1.5'"),
            ),
            (
                "<quantity>2</quantity>",
                "<quantity/>",
                Some("has no <quantity>"),
            ),
            (
                "<item_id>INFUSER-SS</item_id>",
                "<item_id />",
                Some("has no <item_id>"),
            ),
            (
                "<order_id>HRBTEA-201407041015-551203</order_id>\n    <order_date>",
                "<order_id/>\n    <order_date>",
                Some("missing <order_id>"),
            ),
            (
                "<subtotal>60.50</subtotal>",
                "<subtotal>60.50</subtotal><subtotal>61.00</subtotal>",
                Some("<subtotal> appears twice"),
            ),
            (
                "<kit>N</kit>",
                "<kit>perhaps</kit>",
                Some("<kit> 'perhaps' is not a flag"),
            ),
            (
                "<bill_to_country>United States</bill_to_country>",
                "<bill_to_country>Narnia</bill_to_country>",
                Some("<bill_to_country> 'Narnia' is not a known country"),
            ),
            (
                "<total>67.99</total>",
                "<total><amount>67.99</amount></total>",
                Some("<total> holds child elements"),
            ),
        ] {
            assert!(base.contains(from), "fixture lacks {from}");
            let decoded = decode_str(&base.replacen(from, to, 1), &opts());
            let o = &decoded.orders[0];
            match expected {
                None => {
                    accepted(o);
                }
                Some(needle) => {
                    let reason = rejected(o);
                    assert!(reason.contains(needle), "{to}: {reason}");
                }
            }
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

    /// `cargo test --release --lib formats::ultracart -- --ignored --nocapture`
    #[test]
    #[ignore = "timing; run in release"]
    fn fifty_megabytes_decode_quickly() {
        let one = fixture("single-sd.xml");
        let start = one.find("  <order>").unwrap();
        let end = one.rfind("</export>").unwrap();
        let order = &one[start..end];
        let mut xml = one[..start].to_string();
        while xml.len() < 50_000_000 {
            xml.push_str(order);
        }
        xml.push_str("</export>\n");
        let t = std::time::Instant::now();
        let decoded = decode_str(&xml, &opts());
        let elapsed = t.elapsed();
        println!(
            "{} MB, {} orders in {elapsed:?}",
            xml.len() / 1_000_000,
            decoded.orders.len()
        );
        assert!(
            decoded
                .orders
                .iter()
                .all(|o| matches!(o.outcome, OrderOutcome::Accept(_)))
        );
        assert!(elapsed.as_secs() < 3);
    }
}
