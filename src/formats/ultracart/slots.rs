//! The elements the mapping uses: the `order` and `item` children, by name. Any other element
//! is never captured, so never checked.

/// Declares an enum of element names with `tag()` and `from_tag()`.
macro_rules! slots {
    ($(#[$meta:meta])* $ty:ident { $($variant:ident = $tag:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum $ty { $($variant,)* }

        impl $ty {
            /// How many there are.
            pub(super) const COUNT: usize = [$($tag,)*].len();

            /// The element name.
            pub(super) fn tag(self) -> &'static str {
                match self { $($ty::$variant => $tag,)* }
            }

            /// The slot for an element name.
            pub(super) fn from_tag(tag: &str) -> Option<Self> {
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
