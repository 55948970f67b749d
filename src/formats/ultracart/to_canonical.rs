//! Where an UltraCart order becomes canonical: the [`Mapper`] turns one [`RawOrder`] into a
//! [`DecodedOrder`] (accepted, skipped or rejected) with the partner's options, following the
//! mapping decisions in the module doc of `formats::ultracart`.

use super::address::{Address, BILL_TO, SHIP_TO};
use super::raw::{Field, RawItem, RawOrder};
use super::slots::{ItemSlot, OrderSlot};
use super::values::{flag, money, parse_order_date, parse_quantity};
use crate::formats::{DecodeOptions, DecodedOrder, KitMode, OrderOutcome};
use crate::model::{Item, Order};
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// Maps raw orders with the partner's options.
pub(super) struct Mapper<'o> {
    opts: &'o DecodeOptions,
    tz: TimeZone,
}

impl<'o> Mapper<'o> {
    /// A mapper for one file's orders, dates read in `tz`.
    pub(super) fn new(opts: &'o DecodeOptions, tz: TimeZone) -> Self {
        Mapper { opts, tz }
    }

    /// One raw order's place, order number and outcome.
    pub(super) fn order(&self, raw: &RawOrder) -> DecodedOrder {
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
            // An order the merchant rejected: if it was sent, it is cancelled.
            Some(stage) if stage.eq_ignore_ascii_case("REJ") => {
                return OrderOutcome::Cancel(Box::new(crate::model::Cancellation {
                    cust_ref: None,
                    cust_po_no: raw.value(OrderSlot::OrderId).map(str::to_string),
                    reason: Some(stage_reason(stage)),
                    items: None,
                }));
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
            // A kit item is used even when it is not a line: its SKU is its components'
            // `kit_parent`.
            if keep || is_kit {
                p.extend(item.fields.problems.iter().cloned());
            }
            if !keep {
                continue;
            }
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
