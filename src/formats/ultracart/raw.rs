//! One order as read, before any mapping: the trimmed text and position of each used element,
//! and what was wrong with their structure (duplicates, child elements).

use super::position::Loc;
use super::slots::{ItemSlot, OrderSlot};

/// One element's trimmed text and where it starts.
#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) tag: &'static str,
    pub(super) text: String,
    pub(super) loc: Loc,
}

impl Field {
    /// The text, `None` when empty.
    pub(super) fn value(&self) -> Option<&str> {
        Some(self.text.as_str()).filter(|t| !t.is_empty())
    }

    /// A rejection reason for this element's value.
    pub(super) fn bad(&self, what: &str) -> String {
        format!(
            "<{}> '{}' {} (at {})",
            self.tag,
            self.text.escape_default(),
            what,
            self.loc
        )
    }
}

/// The used fields of one element (order or item), by slot index, plus what was wrong with
/// their structure (duplicates, child elements).
#[derive(Debug, Clone)]
pub(super) struct Fields {
    values: Vec<Option<Field>>,
    pub(super) problems: Vec<String>,
}

impl Fields {
    fn new(count: usize) -> Self {
        Fields {
            values: vec![None; count],
            problems: Vec::new(),
        }
    }

    /// Stores a field; a second occurrence is a problem and the first one stays, and so is a
    /// control character in its text.
    pub(super) fn put(&mut self, index: usize, field: Field, has_children: bool) {
        if let Some(c) = crate::formats::text::forbidden(&field.text) {
            self.problems.push(format!(
                "<{}> {} (at {})",
                field.tag,
                crate::formats::text::forbidden_reason(c),
                field.loc
            ));
        }
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
pub(super) struct RawOrder {
    pub(super) loc: Loc,
    pub(super) fields: Fields,
    pub(super) items: Vec<RawItem>,
}

impl RawOrder {
    pub(super) fn new(loc: Loc) -> Self {
        RawOrder {
            loc,
            fields: Fields::new(OrderSlot::COUNT),
            items: Vec::new(),
        }
    }

    pub(super) fn field(&self, slot: OrderSlot) -> Option<&Field> {
        self.fields.field(slot as usize)
    }

    pub(super) fn value(&self, slot: OrderSlot) -> Option<&str> {
        self.fields.value(slot as usize)
    }
}

/// One `item` as read.
#[derive(Debug, Clone)]
pub(super) struct RawItem {
    pub(super) loc: Loc,
    pub(super) fields: Fields,
}

impl RawItem {
    pub(super) fn new(loc: Loc) -> Self {
        RawItem {
            loc,
            fields: Fields::new(ItemSlot::COUNT),
        }
    }

    pub(super) fn field(&self, slot: ItemSlot) -> Option<&Field> {
        self.fields.field(slot as usize)
    }

    pub(super) fn value(&self, slot: ItemSlot) -> Option<&str> {
        self.fields.value(slot as usize)
    }
}
