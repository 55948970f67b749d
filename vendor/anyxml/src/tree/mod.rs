//! Provide APIs and data structures that represents and manipulates XML document tree.
//!
//! # Basic usage
//! Using [`TreeBuildHandler`], it is easy to construct a document tree from an XML resource.
//!
//! By configuring the fields of [`TreeBuildHandler`], it is possible to control whether
//! comments are included, whether CDATA sections are included, and whether entity references
//! are replaced with the entities they refer to, and so on.
//!
//! The document tree API does not allow disabling namespace support.  \
//! If the namespace is disabled via parser options, trees cannot be constructed correctly.
//!
//! ## Example
//! ```rust
//! use anyxml::{
//!     XML_XML_NAMESPACE, sax::XMLReader, tree::TreeBuildHandler
//! };
//!
//! const XML: &str = r#"<?xml version="1.0"?>
//! <root>
//!     <greeting xml:lang='en'>Hello</greeting>
//!     <greeting xml:lang='ja'>こんにちは</greeting>
//!     <greeting xml:lang='ch'>你好</greeting>
//! </root>"#;
//!
//! # fn main() -> Result<(), anyxml::error::XMLError> {
//! let mut reader = XMLReader::builder()
//!     .set_handler(TreeBuildHandler::default())
//!     .build();
//! reader.parse_str(XML, None).unwrap();
//!
//! let doc = reader.handler.document;
//! // search nodes by XPath and downcast to `Element` node.
//! let ja = doc.xpath("//greeting[lang('ja')]")?
//!     .as_nodeset()?[0]
//!     .as_element()
//!     .unwrap();
//! // node type specific operations
//! let name = ja.local_name();
//! assert_eq!(name.as_ref(), "greeting");
//! let lang = ja.get_attribute("lang", Some(XML_XML_NAMESPACE));
//! assert_eq!(lang.as_deref(), Some("ja"));
//! let text = ja.text_content();
//! assert_eq!(text, "こんにちは");
//! # Ok(())
//! # }
//! ```

pub mod attlist_decl;
pub mod attribute;
pub mod cdata_section;
pub mod comment;
pub mod convert;
pub mod document;
pub mod document_fragment;
pub mod document_type;
pub mod element;
pub mod element_decl;
pub mod entity_decl;
pub mod entity_reference;
pub mod namespace;
pub mod node;
pub mod notation_decl;
pub mod processing_instruction;
pub mod text;

use std::sync::Arc;

pub use attlist_decl::AttlistDecl;
pub use attribute::Attribute;
pub use cdata_section::CDATASection;
pub use comment::Comment;
pub use document::Document;
pub use document_fragment::DocumentFragment;
pub use document_type::DocumentType;
pub use element::Element;
pub use element_decl::ElementDecl;
pub use entity_decl::EntityDecl;
pub use entity_reference::EntityReference;
pub use namespace::Namespace;
pub use node::Node;
pub use notation_decl::NotationDecl;
pub use processing_instruction::ProcessingInstruction;
pub use text::Text;

use crate::{
    error::XMLError,
    sax::{
        AttributeType, Attributes, ContentSpec, DefaultDecl, DefaultSAXHandler,
        EXTERNAL_DTD_SUBSET_ENTITY_NAME, EntityResolver, ErrorHandler, InputSource, Locator,
        SAXHandler, error::SAXParseError,
    },
    tree::{
        convert::NodeKind,
        node::{InternalNodeSpec, NodeSpec},
    },
    uri::URIStr,
    xpath::XPathObject,
};

/// Node types.
///
/// For abstract node types, it indicates that conversion to the node type specified by
/// [`Node::node_type`] will always succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    Element = 1,
    Attribute = 2,
    Text = 3,
    CDATASection = 4,
    EntityReference = 5,
    EntityDecl = 6,
    ProcessingInstruction = 7,
    Comment = 8,
    Document = 9,
    DocumentType = 10,
    DocumentFragment = 11,
    NotationDecl = 12,

    ElementDecl = 128,
    AttlistDecl = 129,
    Namespace = 130,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum XMLTreeError {
    EmptyPrefix,
    InvalidName,
    InvalidPITarget,
    UnacceptableCharacter,
    UnacceptablePrefix,
    UnresolvablePrefix,
    AlreadyBoundPrefix,
    UnacceptableNamespaceBinding,
    UnacceptableNamespaceName,
    MultipleDocumentElement,
    DuplicateAttribute,
    UnspecifiedAttribute,
    MultipleDocumentType,
    DuplicateElementDecl,
    DuplicateNotationDecl,
    CyclicReference,
    UnacceptableHierarchy,
    UnacceptableHorizontality,
    BaseURINotAbsolute,
    IncompatibleConversion,
    Unsupported,
}

impl std::fmt::Display for XMLTreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for XMLTreeError {}

/// SAX handler that helps build the tree.
///
/// Due to API limitations, when using this handler, it is necessary to enable
/// [`ParserOption::Namespaces`](crate::sax::ParserOption::Namespaces) option of the parser.
pub struct TreeBuildHandler<H: SAXHandler = DefaultSAXHandler> {
    node: Node<dyn InternalNodeSpec>,
    /// The root node of the parsed document tree.
    /// Before parsing begins or when `fatal_error` is true, it does not indicate meaningful data.
    ///
    /// This field is automatically initialized by the SAX callbacks after parsing begins,
    /// so the application does not need to explicitly initialize this field.
    pub document: Document,
    /// The child SAX handler.
    ///
    /// All events received by the handler are also reported to the corresponding callback
    /// of the `handler`.  \
    /// If nothing is specified, [`DefaultSAXHandler`] is used.
    pub handler: H,
    /// A flag indicating that a fatal error has occurred.  \
    /// When this flag is true, `document` is considered to contain no meaningful data.
    pub fatal_error: bool,
    in_cdata: bool,
    /// If `true`, suppresses the generation of [`EntityReference`] nodes for successfully expanded
    /// entity references. In other words, for [`EntityReference`] nodes with children when this
    /// setting is `false`, replaces those children with [`EntityReference`] nodes.  \
    /// Entity references that failed to expand or were ignored due to parser settings are still
    /// represented as [`EntityReference`] nodes.
    ///
    /// If `false`, an [`EntityReference`] node is always generated at the location where the entity
    /// reference appears.
    ///
    /// The default value is `true`.
    pub expand_entity_reference: bool,
    /// If `true`, `CDATASection` nodes are treated as `Text` nodes, and any adjacent Text
    /// nodes are merged. In other words, by expanding the contents of the CDATA section using
    /// appropriate escaping, the CDATA section is treated as if it did not exist in the document.
    ///
    /// The default value is `false`.
    pub coalescing: bool,
    /// If true, the `Comment` node is not created.
    ///
    /// The default value is `false`.
    pub ignoring_comments: bool,
    locator: Arc<Locator>,
}

impl<H: SAXHandler> TreeBuildHandler<H> {
    /// Create [`TreeBuildHandler`] with the child handler.
    pub fn with_handler(handler: H) -> Self {
        let document = Document::new();
        Self {
            node: document.clone().into(),
            document,
            handler,
            fatal_error: false,
            in_cdata: false,
            expand_entity_reference: true,
            coalescing: false,
            ignoring_comments: false,
            locator: Arc::new(Locator::default()),
        }
    }
}

impl Default for TreeBuildHandler {
    fn default() -> Self {
        let document = Document::new();
        Self {
            node: document.clone().into(),
            document,
            handler: DefaultSAXHandler,
            fatal_error: false,
            in_cdata: false,
            expand_entity_reference: true,
            coalescing: false,
            ignoring_comments: false,
            locator: Arc::new(Locator::default()),
        }
    }
}

impl<H: SAXHandler> EntityResolver for TreeBuildHandler<H> {
    fn get_external_subset(
        &mut self,
        name: &str,
        base_uri: Option<&URIStr>,
    ) -> Result<InputSource<'static>, XMLError> {
        self.handler.get_external_subset(name, base_uri)
    }

    fn resolve_entity(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        base_uri: &URIStr,
        system_id: &URIStr,
    ) -> Result<InputSource<'static>, XMLError> {
        self.handler
            .resolve_entity(name, public_id, base_uri, system_id)
    }
}

impl<H: SAXHandler> ErrorHandler for TreeBuildHandler<H> {
    fn error(&mut self, error: SAXParseError) {
        self.handler.error(error);
    }

    fn fatal_error(&mut self, error: SAXParseError) {
        self.fatal_error = true;
        self.handler.fatal_error(error);
    }

    fn warning(&mut self, error: SAXParseError) {
        self.handler.warning(error);
    }
}

impl<H: SAXHandler> SAXHandler for TreeBuildHandler<H> {
    fn attribute_decl(
        &mut self,
        element_name: &str,
        attribute_name: &str,
        attribute_type: &AttributeType,
        default_decl: &DefaultDecl,
    ) {
        let mut node = self
            .document
            .create_attlist_decl(
                element_name,
                attribute_name,
                attribute_type.clone(),
                default_decl.clone(),
            )
            .unwrap();
        node.set_line(self.locator.line());
        node.set_column(self.locator.column());
        self.node.append_child(node).unwrap();
        self.handler
            .attribute_decl(element_name, attribute_name, attribute_type, default_decl);
    }

    fn characters(&mut self, data: &str) {
        match self.node.last_child().map(|ch| ch.downcast()) {
            Some(NodeKind::CDATASection(mut cdata)) => {
                if self.in_cdata {
                    cdata.set_line(self.locator.line());
                    cdata.set_column(self.locator.column());
                    cdata.push_str(data);
                } else {
                    let mut node = self.document.create_text(data).unwrap();
                    node.set_line(self.locator.line());
                    node.set_column(self.locator.column());
                    self.node.append_child(node).unwrap();
                }
            }
            Some(NodeKind::Text(mut text)) => {
                text.set_line(self.locator.line());
                text.set_column(self.locator.column());
                text.push_str(data)
            }
            _ => {
                let mut node = self.document.create_text(data).unwrap();
                node.set_line(self.locator.line());
                node.set_column(self.locator.column());
                self.node.append_child(node).unwrap()
            }
        }
        self.handler.characters(data);
    }

    fn comment(&mut self, data: &str) {
        if !self.ignoring_comments {
            let mut node = self.document.create_comment(data).unwrap();
            node.set_line(self.locator.line());
            node.set_column(self.locator.column());
            self.node.append_child(node).unwrap();
            self.handler.comment(data);
        }
    }

    fn declaration(&mut self, version: &str, encoding: Option<&str>, standalone: Option<bool>) {
        self.document.set_version(Some(version));
        self.document.set_encoding(encoding);
        self.document.set_standalone(standalone);
        self.handler.declaration(version, encoding, standalone);
    }

    fn element_decl(&mut self, name: &str, contentspec: &ContentSpec) {
        let mut node = self
            .document
            .create_element_decl(name, contentspec.clone())
            .unwrap();
        node.set_line(self.locator.line());
        node.set_line(self.locator.column());
        self.node.append_child(node).unwrap();
        self.handler.element_decl(name, contentspec);
    }

    fn external_entity_decl(&mut self, name: &str, public_id: Option<&str>, system_id: &URIStr) {
        let mut node = self
            .document
            .create_external_entity_decl(name, system_id, public_id.map(|id| id.into()))
            .unwrap();
        node.set_line(self.locator.line());
        node.set_column(self.locator.column());
        self.node.append_child(node).unwrap();
        self.handler
            .external_entity_decl(name, public_id, system_id);
    }

    fn ignorable_whitespace(&mut self, data: &str) {
        match self.node.last_child().map(|ch| ch.downcast()) {
            Some(NodeKind::CDATASection(mut cdata)) => {
                if self.in_cdata {
                    cdata.set_line(self.locator.line());
                    cdata.set_column(self.locator.column());
                    cdata.push_str(data);
                } else {
                    let mut node = self.document.create_text(data).unwrap();
                    node.set_line(self.locator.line());
                    node.set_column(self.locator.column());
                    self.node.append_child(node).unwrap();
                }
            }
            Some(NodeKind::Text(mut text)) => {
                text.set_line(self.locator.line());
                text.set_column(self.locator.column());
                text.push_str(data)
            }
            _ => {
                let mut node = self.document.create_text(data).unwrap();
                node.set_line(self.locator.line());
                node.set_column(self.locator.column());
                self.node.append_child(node).unwrap()
            }
        }
        self.handler.ignorable_whitespace(data);
    }

    fn internal_entity_decl(&mut self, name: &str, value: &str) {
        let mut node = self
            .document
            .create_internal_entity_decl(name, value)
            .unwrap();
        node.set_line(self.locator.line());
        node.set_column(self.locator.column());
        self.node.append_child(node).unwrap();
        self.handler.internal_entity_decl(name, value);
    }

    fn notation_decl(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        let mut node = self
            .document
            .create_notation_decl(
                name,
                system_id.map(|id| id.into()),
                public_id.map(|id| id.into()),
            )
            .unwrap();
        node.set_line(self.locator.line());
        node.set_column(self.locator.column());
        self.node.append_child(node).unwrap();
        self.handler.notation_decl(name, public_id, system_id);
    }

    fn processing_instruction(&mut self, target: &str, data: Option<&str>) {
        let mut node = self
            .document
            .create_processing_instruction(target, data.map(|data| data.into()))
            .unwrap();
        node.set_line(self.locator.line());
        node.set_column(self.locator.column());
        self.node.append_child(node).unwrap();
        self.handler.processing_instruction(target, data);
    }

    fn set_document_locator(&mut self, locator: Arc<Locator>) {
        self.document = Document::new();
        self.fatal_error = false;
        self.node = self.document.clone().into();
        self.document
            .set_document_base_uri(locator.system_id().as_ref())
            .ok();
        self.locator = locator.clone();
        self.handler.set_document_locator(locator);
    }

    fn skipped_entity(&mut self, name: &str) {
        if name != EXTERNAL_DTD_SUBSET_ENTITY_NAME {
            // we should create an empty entity reference,
            // so we should use `EntityReference::new`, not but `self.document.create_entity_reference`.
            let mut node = EntityReference::new(name.into(), self.document.clone());
            node.set_line(self.locator.line());
            node.set_column(self.locator.column());
            self.node.append_child(node).ok();
        }
        self.handler.skipped_entity(name);
    }

    fn start_cdata(&mut self) {
        if !self.coalescing {
            self.in_cdata = true;
            let mut node = self.document.create_cdata_section("").unwrap();
            node.set_line(self.locator.line());
            node.set_column(self.locator.column());
            self.node.append_child(node).unwrap();
            self.handler.start_cdata();
        }
    }
    fn end_cdata(&mut self) {
        if !self.coalescing {
            self.in_cdata = false;
            self.handler.end_cdata();
        }
    }

    fn start_document(&mut self) {
        self.handler.start_document();
    }
    fn end_document(&mut self) {
        self.handler.end_document();
    }

    fn start_dtd(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        let mut doctype = self
            .document
            .create_document_type(
                name,
                system_id.map(|id| id.into()),
                public_id.map(|id| id.into()),
            )
            .unwrap();
        doctype.set_line(self.locator.line());
        doctype.set_column(self.locator.column());
        self.node.append_child(doctype.clone()).unwrap();
        self.node = doctype.into();
        self.handler.start_dtd(name, public_id, system_id);
    }
    fn end_dtd(&mut self) {
        if let Some(parent) = self.node.parent_node() {
            self.node = parent;
        }
        self.handler.end_dtd();
    }

    fn start_element(
        &mut self,
        namespace_name: Option<&str>,
        local_name: Option<&str>,
        qname: &str,
        atts: &Attributes,
    ) {
        if let Ok(mut elem) = self
            .document
            .create_element(qname, namespace_name.map(|uri| uri.into()))
        {
            elem.set_line(self.locator.line());
            elem.set_column(self.locator.column());

            for att in atts {
                if att.is_nsdecl() {
                    if att.qname == "xmlns" {
                        elem.declare_namespace(None, &att.value).ok();
                    } else {
                        elem.declare_namespace(att.local_name.as_deref(), &att.value)
                            .ok();
                    }
                } else {
                    // TODO:
                    // In the current implementation, only attribute values after entity expansion can
                    // be retrieved, so entity references disappear when the document is written back.

                    elem.set_attribute(&att.qname, att.namespace_name.as_deref(), Some(&att.value))
                        .ok();

                    let local_name = att.local_name.as_deref().unwrap_or(&att.qname);
                    if let Some(mut attribute) =
                        elem.get_attribute_node(local_name, att.namespace_name.as_deref())
                    {
                        if att.is_specified() {
                            attribute.set_specified();
                        } else {
                            attribute.unset_specified();
                        }

                        if let Some(attlist) = self
                            .document
                            .document_type()
                            .and_then(|doctype| doctype.get_attlist_decl(&elem.name(), &att.qname))
                        {
                            attribute.set_attribute_type(attlist.attr_type().clone());
                        }
                    }
                }
            }
            self.node.append_child(elem.clone()).unwrap();
            self.node = elem.into();
        }
        self.handler
            .start_element(namespace_name, local_name, qname, atts);
    }
    fn end_element(&mut self, namespace_name: Option<&str>, local_name: Option<&str>, qname: &str) {
        if let Some(parent) = self.node.parent_node() {
            self.node = parent;
        }
        self.handler.end_element(namespace_name, local_name, qname);
    }

    fn start_entity(&mut self, name: &str) {
        if !self.expand_entity_reference && name != EXTERNAL_DTD_SUBSET_ENTITY_NAME {
            // we should create an empty entity reference,
            // so we should use `EntityReference::new`, not but `self.document.create_entity_reference`.
            let mut ent = EntityReference::new(name.into(), self.document.clone());
            ent.set_line(self.locator.line());
            ent.set_column(self.locator.column());
            self.node.append_child(ent.clone()).unwrap();
            self.node = ent.into();
        }
        self.handler.start_entity(name);
    }
    fn end_entity(&mut self) {
        if !self.expand_entity_reference
            && matches!(self.node.node_type(), NodeType::EntityReference)
            && let Some(parent) = self.node.parent_node()
        {
            self.node = parent;
        }
        self.handler.end_entity();
    }

    fn start_prefix_mapping(&mut self, prefix: Option<&str>, uri: &str) {
        self.handler.start_prefix_mapping(prefix, uri);
    }
    fn end_prefix_mapping(&mut self, prefix: Option<&str>) {
        self.handler.end_prefix_mapping(prefix);
    }

    fn unparsed_entity_decl(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        system_id: &URIStr,
        notation_name: &str,
    ) {
        let mut node = self
            .document
            .create_unparsed_entity_decl(
                name,
                system_id,
                public_id.map(|id| id.into()),
                notation_name,
            )
            .unwrap();
        node.set_line(self.locator.line());
        node.set_column(self.locator.column());
        self.node.append_child(node).unwrap();
        self.handler
            .unparsed_entity_decl(name, public_id, system_id, notation_name);
    }
}

fn compare_document_order(
    left: Node<dyn NodeSpec>,
    right: Node<dyn NodeSpec>,
) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;

    if left.is_same_node(right.clone()) {
        return Equal;
    }
    if !left.is_same_owner_document(&right) {
        let ldoc = left.owner_document();
        let rdoc = right.owner_document();
        return if ldoc.document_base_uri() != rdoc.document_base_uri() {
            ldoc.document_base_uri().cmp(&rdoc.document_base_uri())
        } else {
            ldoc.core.as_ptr().addr().cmp(&rdoc.core.as_ptr().addr())
        };
    }

    let mut ldepth = 0;
    let mut lp = left.clone();
    while let Some(par) = lp.parent_node() {
        ldepth += 1;
        lp = par.into();
    }
    let mut rdepth = 0;
    let mut rp = right.clone();
    while let Some(par) = rp.parent_node() {
        rdepth += 1;
        rp = par.into();
    }

    // they are not on the same document tree
    if !lp.is_same_node(&rp) {
        return if lp.node_type() != rp.node_type() {
            (lp.node_type() as isize).cmp(&(rp.node_type() as isize))
        } else {
            lp.core.as_ptr().addr().cmp(&rp.core.as_ptr().addr())
        };
    }

    let mut lp = left.clone();
    let mut rp = right.clone();
    while ldepth > rdepth {
        ldepth -= 1;
        lp = lp.parent_node().unwrap().into();
    }
    if lp.is_same_node(rp.clone()) {
        return Greater;
    }
    while ldepth < rdepth {
        rdepth -= 1;
        rp = rp.parent_node().unwrap().into();
    }
    if lp.is_same_node(rp.clone()) {
        return Less;
    }

    while let Some(lpar) = lp.parent_node()
        && let Some(rpar) = rp.parent_node()
        && !lpar.is_same_node(rpar.clone())
    {
        lp = lpar.into();
        rp = rpar.into();
    }

    match (lp.node_type(), rp.node_type()) {
        // Attribute and Namespace precede descendant nodes of the parent element,
        // so if the other is neither an Attribute nor a Namespace, it must precede it.
        // Additionally, the Namespace precedes the Attribute.
        //
        // Reference:
        // https://www.w3.org/TR/1999/REC-xpath-19991116/#dt-document-order
        (NodeType::Namespace, NodeType::Namespace) => {
            let lp = lp.as_namespace().unwrap();
            let rp = rp.as_namespace().unwrap();
            let elem = lp.parent_node().unwrap().as_element().unwrap();
            let (mut li, mut ri) = (usize::MAX, usize::MAX);
            for (i, namespace) in elem.namespaces().enumerate() {
                if namespace.is_same_node(&lp) {
                    li = i;
                } else if namespace.is_same_node(&rp) {
                    ri = i;
                }
                if li < usize::MAX && ri < usize::MAX {
                    break;
                }
            }
            // If they all belong to the same element, determine them in that order.
            // If only one belongs to the parent element, the other is treated as
            // a declaration derived from an ancestor element.
            // (And such ancestor-derived declarations are treated as preceding.)
            if li < usize::MAX && ri < usize::MAX {
                return li.cmp(&ri);
            } else if li < usize::MAX {
                return Greater;
            } else if ri < usize::MAX {
                return Less;
            }

            let mut parent = elem.parent_node();
            while let Some(now) = parent {
                if let Some(element) = now.as_element() {
                    let (mut li, mut ri) = (usize::MAX, usize::MAX);
                    for (i, namespace) in element.namespaces().enumerate() {
                        if namespace.prefix().as_deref() == lp.prefix().as_deref() {
                            li = i;
                        }
                        if namespace.prefix().as_deref() == rp.prefix().as_deref() {
                            ri = i;
                        }
                        if li < usize::MAX && ri < usize::MAX {
                            break;
                        }
                    }

                    if li < usize::MAX && ri < usize::MAX {
                        return li.cmp(&ri);
                    } else if li < usize::MAX {
                        return Greater;
                    } else if ri < usize::MAX {
                        return Less;
                    }
                }
                parent = now.parent_node();
            }
            // Since prefixes are unique within elements,
            // they can be safely used for comparison.
            return lp
                .prefix()
                .unwrap_or_default()
                .cmp(&rp.prefix().unwrap_or_default());
        }
        (NodeType::Namespace, _) => return Less,
        (_, NodeType::Namespace) => return Greater,
        (NodeType::Attribute, NodeType::Attribute) => {
            let elem = lp.parent_node().unwrap().as_element().unwrap();
            for att in elem.attributes() {
                if lp.is_same_node(att.clone()) {
                    return Less;
                } else if rp.is_same_node(att.clone()) {
                    return Greater;
                }
            }
            unreachable!()
        }
        (NodeType::Attribute, _) => return Less,
        (_, NodeType::Attribute) => return Greater,
        // DocumentType always precedes Element.
        (NodeType::DocumentType, NodeType::Element) => return Less,
        (NodeType::Element, NodeType::DocumentType) => return Greater,
        _ => {}
    }

    while let Some(rprev) = rp.previous_sibling() {
        if lp.is_same_node(rprev.clone()) {
            return Less;
        }
        rp = rprev;
    }
    Greater
}

impl<Spec: ?Sized> Node<Spec>
where
    Self: Into<Node<dyn NodeSpec>>,
{
    /// Execute the given XPath with the itself as the context node.
    pub fn xpath(&self, xpath: &str) -> Result<XPathObject, XMLError> {
        let mut exp = crate::xpath::compile(xpath)?;
        Ok(exp.evaluate(self.clone())?)
    }
}

#[cfg(test)]
mod tests {
    use crate::sax::XMLReader;

    use super::*;

    #[test]
    fn coalescing_tests() {
        const DOCUMENT: &str = r#"<doc><ch1><![CDATA[abc]]></ch1><ch2><![CDATA[abc]]>def</ch2><ch3>abc<![CDATA[def]]></ch3><ch4>abc<![CDATA[def]]>ghi</ch4></doc>"#;

        let handler = TreeBuildHandler {
            coalescing: true,
            ..Default::default()
        };
        let mut reader = XMLReader::builder().set_handler(handler).build();
        reader.parse_str(DOCUMENT, None).unwrap();
        let document = reader.handler.document;
        let ret = document.to_string();
        assert_eq!(
            ret,
            r#"<doc><ch1>abc</ch1><ch2>abcdef</ch2><ch3>abcdef</ch3><ch4>abcdefghi</ch4></doc>"#
        )
    }

    #[test]
    fn ignoring_comments_tests() {
        const DOCUMENT: &str = r#"<!--comment--><doc><!--comment--><ch1><!--comment--></ch1><!--comment--></doc><!--comment-->"#;

        let handler = TreeBuildHandler {
            ignoring_comments: true,
            ..Default::default()
        };
        let mut reader = XMLReader::builder().set_handler(handler).build();
        reader.parse_str(DOCUMENT, None).unwrap();
        let document = reader.handler.document;
        let ret = document.to_string();
        assert_eq!(ret, r#"<doc><ch1 /></doc>"#)
    }

    #[test]
    fn node_position_tests() {
        const DOCUMENT: &str = r#"<?xml version="1.0"?><root>
            <?pi data?>
            <!-- comment -->
            <child>text</child>
        </root>
        "#;

        macro_rules! test_node {
            ( $node:expr, $type:expr, $line:expr, $column:expr) => {
                assert_eq!($node.node_type(), $type);
                assert_eq!($node.line(), $line);
                assert_eq!($node.column(), $column);
            };
        }

        let mut reader = XMLReader::builder()
            .set_handler(TreeBuildHandler::default())
            .build();
        reader.parse_str(DOCUMENT, None).unwrap();
        let document = reader.handler.document;
        let root = document.document_element().unwrap();
        test_node!(root, NodeType::Element, 1, 27);

        let mut children = root.first_child().unwrap();
        test_node!(children, NodeType::Text, 2, 13);
        children = children.next_sibling().unwrap();
        test_node!(children, NodeType::ProcessingInstruction, 2, 24);
        children = children.next_sibling().unwrap();
        test_node!(children, NodeType::Text, 3, 13);
        children = children.next_sibling().unwrap();
        test_node!(children, NodeType::Comment, 3, 29);
        children = children.next_sibling().unwrap();
        test_node!(children, NodeType::Text, 4, 13);
        children = children.next_sibling().unwrap();
        test_node!(children, NodeType::Element, 4, 19);
        let gch = children.first_child().unwrap();
        test_node!(gch, NodeType::Text, 4, 24);
    }
}
