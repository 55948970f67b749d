//! The streaming XML scanner: one pass with quick-xml's event reader over a reader of the
//! file (never the file whole), the well-formedness checks quick-xml does not make, and the
//! collection of each `order`'s used elements into a [`RawOrder`], handed on as its end tag is
//! read. The bytes come through [`Utf8Check`](crate::validate::Utf8Check): a file that is not
//! UTF-8 is refused at its first bad byte, and that reason comes first whatever else is wrong
//! with the file (the rest is read to find it).

use super::position::{Loc, Tracked};
use super::raw::{Field, RawItem, RawOrder};
use super::slots::{ItemSlot, OrderSlot};
use crate::formats::DecodeError;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};
use std::io::BufRead;
use std::ops::ControlFlow;

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

/// A well-formedness error at `loc`.
fn xml_error(loc: Loc, message: impl Into<String>) -> DecodeError {
    DecodeError::Xml {
        line: loc.line,
        column: loc.column,
        message: message.into(),
    }
}

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
pub(super) struct Scanner<R> {
    reader: Reader<Tracked<R>>,
    /// Where the first byte that is not UTF-8 is, once the reader met it.
    bad_utf8: crate::validate::Utf8Found,
    part: Part,
    seen_doctype: bool,
    /// The open elements, root first: where each start tag is, and where its name starts in
    /// `names` (the open elements' names, one after the other).
    open: Vec<(Loc, usize)>,
    names: String,
    order: Option<RawOrder>,
    item: Option<RawItem>,
    capture: Option<Capture>,
    /// The callback asked to stop reading.
    stopped: bool,
}

impl<R: BufRead> Scanner<R> {
    /// A scanner of the UTF-8 text `source` reads, passed through a
    /// [`Utf8Check`](crate::validate::Utf8Check) whose findings are `bad_utf8`.
    pub(super) fn new(source: R, bad_utf8: crate::validate::Utf8Found) -> Self {
        let mut reader = Reader::from_reader(Tracked::new(source));
        let config = reader.config_mut();
        config.enable_all_checks(true);
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Scanner {
            reader,
            bad_utf8,
            part: Part::Prolog,
            seen_doctype: false,
            open: Vec::new(),
            names: String::new(),
            order: None,
            item: None,
            capture: None,
            stopped: false,
        }
    }

    /// Reads to the end, calling `emit` with each order as its end tag is read, or until `emit`
    /// says `Break`.
    pub(super) fn run(
        mut self,
        emit: impl FnMut(RawOrder) -> ControlFlow<()>,
    ) -> Result<(), DecodeError> {
        match self.events(emit) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.utf8_first(e)),
        }
    }

    /// `e`, unless the file holds a byte that is not UTF-8: then that, where it is.
    fn utf8_first(&mut self, e: DecodeError) -> DecodeError {
        self.reader.get_mut().skip_rest();
        let found = self.bad_utf8.lock().ok().and_then(|f| *f);
        match found {
            Some((line, column, byte)) => DecodeError::Xml {
                line,
                column,
                message: crate::validate::not_utf8(byte),
            },
            None => e,
        }
    }

    fn locate(&mut self, pos: usize) -> Loc {
        self.reader.get_mut().locate(pos as u64)
    }

    fn events(
        &mut self,
        mut emit: impl FnMut(RawOrder) -> ControlFlow<()>,
    ) -> Result<(), DecodeError> {
        let mut buf = Vec::new();
        while !self.stopped {
            buf.clear();
            let pos = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match self.reader.read_event_into(&mut buf) {
                Ok(event) => event,
                Err(e) => return Err(self.reader_error(&e)),
            };
            // Every event's start is located, so that the bytes kept for it stay one event's.
            self.locate(pos);
            match event {
                Event::Start(e) => self.start(&e, pos, false, &mut emit)?,
                Event::Empty(e) => self.start(&e, pos, true, &mut emit)?,
                Event::End(_) => {
                    let depth = self.open.len();
                    if let Some((_, at)) = self.open.pop() {
                        self.names.truncate(at);
                    }
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
                #[cfg(debug_assertions)]
                Event::PI(pi) => {
                    crate::faults::processing_instruction(pi.target());
                }
                #[cfg(not(debug_assertions))]
                Event::PI(_) => {}
                Event::Comment(_) => {}
                Event::Eof => return self.eof(),
            }
        }
        Ok(())
    }

    fn error_at(&mut self, pos: usize, message: impl Into<String>) -> DecodeError {
        xml_error(self.locate(pos), message)
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
        emit: &mut impl FnMut(RawOrder) -> ControlFlow<()>,
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
        let limit = crate::validate::MAX_NESTING_DEPTH;
        if depth > limit as usize {
            let what = format!("element <{name}>");
            return Err(self.error_at(pos, crate::validate::too_deep(limit, &what)));
        }
        self.open_child(name, depth, pos);
        if empty {
            self.close(depth, emit);
        } else {
            let loc = self.locate(pos);
            self.open.push((loc, self.names.len()));
            self.names.push_str(name);
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
                self.order = Some(RawOrder::new(self.locate(pos)));
                None
            }
            ORDER_CHILD_DEPTH if self.order.is_some() && name == ITEM => {
                self.item = Some(RawItem::new(self.locate(pos)));
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
                loc: self.locate(pos),
                text: String::new(),
                has_children: false,
            });
        }
    }

    /// An element at `depth` has closed.
    fn close(&mut self, depth: usize, emit: &mut impl FnMut(RawOrder) -> ControlFlow<()>) {
        if let Some(capture) = self.capture.take_if(|c| c.depth == depth) {
            self.store(capture);
        } else if depth == ORDER_CHILD_DEPTH && self.item.is_some() {
            if let (Some(item), Some(order)) = (self.item.take(), self.order.as_mut()) {
                order.items.push(item);
            }
        } else if depth == ORDER_DEPTH {
            if let Some(order) = self.order.take() {
                self.stopped = emit(order).is_break();
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
        let end = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
        match (self.part, self.open.last().copied()) {
            (Part::Epilog, _) => Ok(()),
            (Part::Root, Some((opened, at))) => {
                let name = self.names.get(at..).unwrap_or_default().to_string();
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
