//! UltraCart order XML → canonical orders, each accepted, skipped or rejected on its own
//! ([`OrderOutcome`](crate::formats::OrderOutcome)).
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
//! - bytes that are not UTF-8 (a leading UTF-8 BOM is fine; a UTF-16 file, with or without
//!   its BOM, is transcoded to UTF-8 first, as XML allows);
//! - elements nested deeper than the bound every XML reader here keeps (256);
//! - control characters other than tab, LF and CR in a used element (XML does not allow them):
//!   the order is rejected, naming the element and its `LINE:COL`.
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
//! - `current_stage` `REJ` → a cancellation of the whole order (an order sent before is
//!   cancelled; one never sent is recorded as skipped, naming the stage).
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
//!
//! # Parts
//!
//! The bytes go one way through the files of this folder:
//!
//! - `scan`: UTF-8 and well-formedness checks, one streaming pass that collects each order
//!   (positions from `position`, element names from `slots`);
//! - `raw`: an order as read, before any mapping;
//! - `to_canonical`: where an UltraCart order becomes canonical (addresses in `address`,
//!   values in `values`).
//!
//! [`DecodedOrder`]: super::DecodedOrder

mod address;
mod position;
mod raw;
pub mod render;
mod scan;
mod slots;
mod to_canonical;
mod values;

#[cfg(test)]
mod tests;

use super::{DecodeError, DecodeOptions, Decoded, EachOrder, Format, FormatSpec, Role};
use jiff::tz::TimeZone;
use scan::Scanner;
use std::io::Read;
use std::ops::ControlFlow;
use to_canonical::Mapper;
use values::ORDER_TIME_ZONE;

/// UltraCart, for the registry: order XML in (validated against the partner's `dtd`, with its
/// `dtd_mode`; items of one `distribution_center`; `kits` sent whole or as components),
/// confirmations and inventory out.
pub const FORMAT: Format = Format(&FormatSpec {
    name: "ultracart",
    role: Role::Cart,
    reader: "the XML parser",
    keys: &["dtd", "dtd_mode", "distribution_center", "kits"],
    decode: |_, bytes, opts| decode(bytes, opts),
    each: Some(|_, source, opts, each| decode_read(source, opts, each)),
    to_utf8: crate::validate::utf16_to_utf8,
    renderer: Some(&render::UltraCart),
});

/// Decodes an UltraCart export file (see the module doc).
pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let mut decoded = Decoded::default();
    decode_each(bytes, opts, &mut |order| {
        decoded.orders.push(order);
        ControlFlow::Continue(())
    })?;
    Ok(decoded)
}

/// Decodes an UltraCart export file order by order: `each` gets every order as its end tag is
/// read, and may stop the reading.
pub fn decode_each(
    bytes: &[u8],
    opts: &DecodeOptions,
    each: &mut EachOrder<'_>,
) -> Result<(), DecodeError> {
    decode_read(bytes, opts, each)
}

/// Decodes the UltraCart export file `source` reads, order by order, holding one order's
/// fields at a time (never the file): see [`decode_each`].
pub fn decode_read(
    mut source: impl Read,
    opts: &DecodeOptions,
    each: &mut EachOrder<'_>,
) -> Result<(), DecodeError> {
    let mut head = Vec::with_capacity(4);
    (&mut source)
        .take(4)
        .read_to_end(&mut head)
        .map_err(|e| DecodeError::Other(format!("cannot read the file: {e}")))?;
    let (encoding, bom) = crate::validate::sniff(&head);
    let rest = std::io::Cursor::new(head.split_off(bom)).chain(source);
    let text: Box<dyn Read + '_> = match encoding {
        crate::validate::Encoding::Utf16 { big_endian } => {
            Box::new(crate::validate::Utf16ToUtf8::new(rest, big_endian))
        }
        _ => Box::new(rest),
    };
    let checked = crate::validate::Utf8Check::new(text);
    let bad_utf8 = checked.found.clone();
    let tz = TimeZone::get(ORDER_TIME_ZONE).map_err(|e| {
        DecodeError::Other(format!("time zone {ORDER_TIME_ZONE} is not available: {e}"))
    })?;
    let mapper = Mapper::new(opts, tz);
    let source = std::io::BufReader::with_capacity(READ_BUFFER, checked);
    Scanner::new(source, bad_utf8).run(|raw| each(mapper.order(&raw)))
}

/// How much of the file is read at a time.
const READ_BUFFER: usize = 64 * 1024;
