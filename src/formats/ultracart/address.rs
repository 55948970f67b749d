//! The bill-to and ship-to address groups and how one is read into canonical fields.

use super::raw::RawOrder;
use super::slots::OrderSlot;
use super::values::country_code;

/// An address group: company, first and last name, two lines, city, state, zip, country.
type AddressSlots = [OrderSlot; 9];

pub(super) const BILL_TO: AddressSlots = [
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

pub(super) const SHIP_TO: AddressSlots = [
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

/// The canonical address fields of one group.
#[derive(Debug, Clone, Default)]
pub(super) struct Address {
    pub(super) company: Option<String>,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) address_1: Option<String>,
    pub(super) address_2: Option<String>,
    pub(super) city: Option<String>,
    pub(super) state: Option<String>,
    pub(super) zip: Option<String>,
    pub(super) country: Option<String>,
}

impl Address {
    pub(super) fn read(raw: &RawOrder, slots: &AddressSlots, p: &mut Vec<String>) -> Self {
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
