//! The order's lines: money and discounts, kits and their components, the distribution-center
//! filter, SKU aliases.

use super::{accepted, decode_fixture, decode_str, fixture, opts, rejected, skipped, skus};
use crate::formats::{DecodeOptions, KitMode};
use crate::model::Money;

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
