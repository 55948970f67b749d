use std::{fmt::Write as _, fs::File, sync::Arc};

use crate::{
    error::XMLError,
    sax::{
        AttributeType, ContentSpec, DOCUMENT_ENTITY_NAME, DefaultDecl, Locator,
        attributes::Attributes, error::SAXParseError, source::InputSource,
    },
    uri::URIStr,
};

/// SAX Handler.
///
/// The default implementation of all methods does nothing.
pub trait SAXHandler: EntityResolver + ErrorHandler {
    /// Text content that appears between elements.
    ///
    /// The text may be chunked, and consecutive text content may be passed across multiple events.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn characters(&mut self, data: &str) {
        let _ = data;
    }

    /// XML declaration or Text declaration.
    ///
    /// If `encoding` and `standalone` are [`None`], they are not included in the declaration.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn declaration(&mut self, version: &str, encoding: Option<&str>, standalone: Option<bool>) {
        let _ = (version, encoding, standalone);
    }

    /// Whitespace appearing between element contents.
    ///
    /// Elements declared in the DTD to have element contents may contain whitespace as
    /// children. This method can receive such whitespace.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn ignorable_whitespace(&mut self, data: &str) {
        let _ = data;
    }

    /// Processing instruction.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn processing_instruction(&mut self, target: &str, data: Option<&str>) {
        let _ = (target, data);
    }

    /// Comment.
    ///
    /// Comment delimiters ("<!--" and "-->") are not included.
    ///
    /// The text may be chunked, and consecutive text content may be passed across multiple events.
    ///
    /// # Reference
    /// [`LexicalHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/LexicalHandler.html)
    fn comment(&mut self, data: &str) {
        let _ = data;
    }

    /// Locator receive event.
    ///
    /// The locator is updated by the parser. The locator allows the handler to determine
    /// at which position within which entity the received event occurred.
    ///
    /// This method is called before any other method after parsing begins.  \
    /// However, if acquiring the document entity is left to the parser,
    /// [`EntityResolver::resolve_entity`] may be called first.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn set_document_locator(&mut self, locator: Arc<Locator>) {
        let _ = locator;
    }

    /// Entity reference that could not be resolved or was not resolved.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn skipped_entity(&mut self, name: &str) {
        let _ = name;
    }

    /// Parse start event.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn start_document(&mut self) {}
    /// Parse end event.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn end_document(&mut self) {}

    /// Element start event.
    ///
    /// If namespace support is disabled, `namespace_name` and `local_name` will always be [`None`].  \
    /// If namespace support is enabled, `local_name` will always be [`Some`]. `namespace_name`
    /// depends on whether the element is qualified.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn start_element(
        &mut self,
        namespace_name: Option<&str>,
        local_name: Option<&str>,
        qname: &str,
        atts: &Attributes,
    ) {
        let _ = (namespace_name, local_name, qname, atts);
    }
    /// Element end event.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn end_element(&mut self, namespace_name: Option<&str>, local_name: Option<&str>, qname: &str) {
        let _ = (namespace_name, local_name, qname);
    }

    /// Namespace scope start event.
    ///
    /// Whenever a namespace is declared, this method is called immediately before the
    /// [`SAXHandler::start_element`] event for the element in which the declaration appears.
    ///
    /// The order in which events are reported between namespaces declared on the same element
    /// is undefined.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn start_prefix_mapping(&mut self, prefix: Option<&str>, namespace_name: &str) {
        let _ = (prefix, namespace_name);
    }
    /// Namespace scope end event.
    ///
    /// For each namespace, this is called immediately after the [`SAXHandler::end_element`]
    /// event of the element in which that namespace was declared.
    ///
    /// The order in which events related to namespace declarations defined with the same
    /// element are reported does not correspond to the order of declaration or the order
    /// in which [`SAXHandler::start_prefix_mapping`] is called; instead, they are called
    /// in an arbitrary order.
    ///
    /// # Reference
    /// [`ContentHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ContentHandler.html)
    fn end_prefix_mapping(&mut self, prefix: Option<&str>) {
        let _ = prefix;
    }

    /// Attribute list declaration in DTD.
    ///
    /// # Reference
    /// [`DeclHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/DeclHandler.html)
    fn attribute_decl(
        &mut self,
        element_name: &str,
        attribute_name: &str,
        attribute_type: &AttributeType,
        default_decl: &DefaultDecl,
    ) {
        let _ = (element_name, attribute_name, attribute_type, default_decl);
    }

    /// Element declaration in DTD.
    ///
    /// # Reference
    /// [`DeclHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/DeclHandler.html)
    fn element_decl(&mut self, name: &str, contentspec: &ContentSpec) {
        let _ = (name, contentspec);
    }

    /// Internal entity declaration in DTD.
    ///
    /// # Reference
    /// [`DeclHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/DeclHandler.html)
    fn internal_entity_decl(&mut self, name: &str, value: &str) {
        let _ = (name, value);
    }

    /// External entity declaration in DTD.
    ///
    /// # Reference
    /// [`DeclHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/DeclHandler.html)
    fn external_entity_decl(&mut self, name: &str, public_id: Option<&str>, system_id: &URIStr) {
        let _ = (name, public_id, system_id);
    }

    /// Unparsed external entity declaration in DTD.
    ///
    /// # Reference
    /// [`DTDHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/DTDHandler.html)
    fn unparsed_entity_decl(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        system_id: &URIStr,
        notation_name: &str,
    ) {
        let _ = (name, public_id, system_id, notation_name);
    }

    /// Notation declaration in DTD.
    ///
    /// # Reference
    /// [`DTDHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/DTDHandler.html)
    fn notation_decl(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        let _ = (name, public_id, system_id);
    }

    /// CDATA section start event.
    ///
    /// # Reference
    /// [`LexicalHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/LexicalHandler.html)
    fn start_cdata(&mut self) {}
    /// CDATA section end event.
    ///
    /// # Reference
    /// [`LexicalHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/LexicalHandler.html)
    fn end_cdata(&mut self) {}

    /// DTD start event.
    ///
    /// This always occurs in documents that include a DTD, regardless of whether the DTD
    /// validation option is disabled.
    ///
    /// # Reference
    /// [`LexicalHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/LexicalHandler.html)
    fn start_dtd(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        let _ = (name, public_id, system_id);
    }
    /// DTD end event.
    ///
    /// # Reference
    /// [`LexicalHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/LexicalHandler.html)
    fn end_dtd(&mut self) {}

    /// Parsed entity start event.
    ///
    /// # Reference
    /// [`LexicalHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/LexicalHandler.html)
    fn start_entity(&mut self, name: &str) {
        let _ = name;
    }
    /// Parsed entity end event.
    ///
    /// # Reference
    /// [`LexicalHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/LexicalHandler.html)
    fn end_entity(&mut self) {}
}

/// Entity resolver.
///
/// This trait provides methods necessary for retrieving external entities. While it is
/// possible to prevent any entity retrieval by implementing methods that always returns
/// an error, if document entity retrieval is left to the parser, the document parsing will
/// fail.
pub trait EntityResolver {
    /// This method provides an alternative external DTD subset when no external DTD subset
    /// is specified in the document type declaration.
    ///
    /// `name` is the document element name specified in the document type declaration.
    ///
    /// # Reference
    /// [`EntityResolver2` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/EntityResolver2.html)
    fn get_external_subset(
        &mut self,
        name: &str,
        base_uri: Option<&URIStr>,
    ) -> Result<InputSource<'static>, XMLError> {
        let _ = (name, base_uri);
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("An external subset '{}' is not found.", name),
        )
        .into())
    }

    /// By default, it attempts to retrieve local files using `base_uri` and `system_id`.
    ///
    /// When handling untrusted XML documents, it is recommended to implement custom logic
    /// to prevent unexpected access to local resources.
    ///
    /// `name` is the requested entity name. Special entity names such as "\[document\]" for
    /// document entities and "\[dtd\]" for external DTD subsets are used.
    ///
    /// # Reference
    /// [`EntityResolver2` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ext/EntityResolver2.html)
    fn resolve_entity(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        base_uri: &URIStr,
        system_id: &URIStr,
    ) -> Result<InputSource<'static>, XMLError> {
        let (_, _) = (name, public_id);
        let path = base_uri.resolve(system_id);
        let file = File::open(path.path())?;
        let mut reader = InputSource::from_reader(file, None)?;
        reader.set_system_id(path);
        Ok(reader)
    }
}

/// Error handler.
///
/// By default, each method does nothing and discards the error.
pub trait ErrorHandler {
    /// # Reference
    /// [`ErrorHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ErrorHandler.html)
    fn error(&mut self, error: SAXParseError) {
        let _ = error;
    }

    /// # Reference
    /// [`ErrorHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ErrorHandler.html)
    fn fatal_error(&mut self, error: SAXParseError) {
        let _ = error;
    }

    /// # Reference
    /// [`ErrorHandler` interface in Java SAX API](https://docs.oracle.com/javase/jp/21/docs/api/java.xml/org/xml/sax/ErrorHandler.html)
    fn warning(&mut self, error: SAXParseError) {
        let _ = error;
    }
}

impl<H: EntityResolver + ?Sized> EntityResolver for &mut H {
    fn resolve_entity(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        base_uri: &URIStr,
        system_id: &URIStr,
    ) -> Result<InputSource<'static>, XMLError> {
        (**self).resolve_entity(name, public_id, base_uri, system_id)
    }

    fn get_external_subset(
        &mut self,
        name: &str,
        base_uri: Option<&URIStr>,
    ) -> Result<InputSource<'static>, XMLError> {
        (**self).get_external_subset(name, base_uri)
    }
}
impl<H: ErrorHandler + ?Sized> ErrorHandler for &mut H {
    fn error(&mut self, error: SAXParseError) {
        (**self).error(error);
    }

    fn fatal_error(&mut self, error: SAXParseError) {
        (**self).fatal_error(error);
    }

    fn warning(&mut self, error: SAXParseError) {
        (**self).warning(error);
    }
}
impl<H: SAXHandler + ?Sized> SAXHandler for &mut H {
    fn attribute_decl(
        &mut self,
        element_name: &str,
        attribute_name: &str,
        attribute_type: &AttributeType,
        default_decl: &DefaultDecl,
    ) {
        (**self).attribute_decl(element_name, attribute_name, attribute_type, default_decl);
    }

    fn characters(&mut self, data: &str) {
        (**self).characters(data);
    }

    fn comment(&mut self, data: &str) {
        (**self).comment(data);
    }

    fn declaration(&mut self, version: &str, encoding: Option<&str>, standalone: Option<bool>) {
        (**self).declaration(version, encoding, standalone);
    }

    fn element_decl(&mut self, name: &str, contentspec: &ContentSpec) {
        (**self).element_decl(name, contentspec);
    }

    fn end_cdata(&mut self) {
        (**self).end_cdata();
    }

    fn end_document(&mut self) {
        (**self).end_document();
    }

    fn end_dtd(&mut self) {
        (**self).end_dtd();
    }

    fn end_element(&mut self, namespace_name: Option<&str>, local_name: Option<&str>, qname: &str) {
        (**self).end_element(namespace_name, local_name, qname);
    }

    fn end_entity(&mut self) {
        (**self).end_entity();
    }

    fn end_prefix_mapping(&mut self, prefix: Option<&str>) {
        (**self).end_prefix_mapping(prefix);
    }

    fn external_entity_decl(&mut self, name: &str, public_id: Option<&str>, system_id: &URIStr) {
        (**self).external_entity_decl(name, public_id, system_id);
    }

    fn ignorable_whitespace(&mut self, data: &str) {
        (**self).ignorable_whitespace(data);
    }

    fn internal_entity_decl(&mut self, name: &str, value: &str) {
        (**self).internal_entity_decl(name, value);
    }

    fn notation_decl(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        (**self).notation_decl(name, public_id, system_id);
    }

    fn processing_instruction(&mut self, target: &str, data: Option<&str>) {
        (**self).processing_instruction(target, data);
    }

    fn set_document_locator(&mut self, locator: Arc<Locator>) {
        (**self).set_document_locator(locator);
    }

    fn skipped_entity(&mut self, name: &str) {
        (**self).skipped_entity(name);
    }

    fn start_cdata(&mut self) {
        (**self).start_cdata();
    }

    fn start_document(&mut self) {
        (**self).start_document();
    }

    fn start_dtd(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        (**self).start_dtd(name, public_id, system_id);
    }

    fn start_element(
        &mut self,
        namespace_name: Option<&str>,
        local_name: Option<&str>,
        qname: &str,
        atts: &Attributes,
    ) {
        (**self).start_element(namespace_name, local_name, qname, atts);
    }

    fn start_entity(&mut self, name: &str) {
        (**self).start_entity(name);
    }

    fn start_prefix_mapping(&mut self, prefix: Option<&str>, uri: &str) {
        (**self).start_prefix_mapping(prefix, uri);
    }

    fn unparsed_entity_decl(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        system_id: &URIStr,
        notation_name: &str,
    ) {
        (**self).unparsed_entity_decl(name, public_id, system_id, notation_name);
    }
}

impl<H: EntityResolver + ?Sized> EntityResolver for Box<H> {
    fn get_external_subset(
        &mut self,
        name: &str,
        base_uri: Option<&URIStr>,
    ) -> Result<InputSource<'static>, XMLError> {
        (**self).get_external_subset(name, base_uri)
    }
    fn resolve_entity(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        base_uri: &URIStr,
        system_id: &URIStr,
    ) -> Result<InputSource<'static>, XMLError> {
        (**self).resolve_entity(name, public_id, base_uri, system_id)
    }
}
impl<H: ErrorHandler + ?Sized> ErrorHandler for Box<H> {
    fn error(&mut self, error: SAXParseError) {
        (**self).error(error);
    }
    fn fatal_error(&mut self, error: SAXParseError) {
        (**self).fatal_error(error);
    }
    fn warning(&mut self, error: SAXParseError) {
        (**self).warning(error);
    }
}
impl<H: SAXHandler + ?Sized> SAXHandler for Box<H> {
    fn attribute_decl(
        &mut self,
        element_name: &str,
        attribute_name: &str,
        attribute_type: &AttributeType,
        default_decl: &DefaultDecl,
    ) {
        (**self).attribute_decl(element_name, attribute_name, attribute_type, default_decl);
    }
    fn characters(&mut self, data: &str) {
        (**self).characters(data);
    }
    fn comment(&mut self, data: &str) {
        (**self).comment(data);
    }
    fn declaration(&mut self, version: &str, encoding: Option<&str>, standalone: Option<bool>) {
        (**self).declaration(version, encoding, standalone);
    }
    fn element_decl(&mut self, name: &str, contentspec: &ContentSpec) {
        (**self).element_decl(name, contentspec);
    }
    fn end_cdata(&mut self) {
        (**self).end_cdata();
    }
    fn end_document(&mut self) {
        (**self).end_document();
    }
    fn end_dtd(&mut self) {
        (**self).end_dtd();
    }
    fn end_element(&mut self, namespace_name: Option<&str>, local_name: Option<&str>, qname: &str) {
        (**self).end_element(namespace_name, local_name, qname);
    }
    fn end_entity(&mut self) {
        (**self).end_entity();
    }
    fn end_prefix_mapping(&mut self, prefix: Option<&str>) {
        (**self).end_prefix_mapping(prefix);
    }
    fn external_entity_decl(&mut self, name: &str, public_id: Option<&str>, system_id: &URIStr) {
        (**self).external_entity_decl(name, public_id, system_id);
    }
    fn ignorable_whitespace(&mut self, data: &str) {
        (**self).ignorable_whitespace(data);
    }
    fn internal_entity_decl(&mut self, name: &str, value: &str) {
        (**self).internal_entity_decl(name, value);
    }
    fn notation_decl(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        (**self).notation_decl(name, public_id, system_id);
    }
    fn processing_instruction(&mut self, target: &str, data: Option<&str>) {
        (**self).processing_instruction(target, data);
    }
    fn set_document_locator(&mut self, locator: Arc<Locator>) {
        (**self).set_document_locator(locator);
    }
    fn skipped_entity(&mut self, name: &str) {
        (**self).skipped_entity(name);
    }
    fn start_cdata(&mut self) {
        (**self).start_cdata();
    }
    fn start_document(&mut self) {
        (**self).start_document();
    }
    fn start_dtd(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        (**self).start_dtd(name, public_id, system_id);
    }
    fn start_element(
        &mut self,
        namespace_name: Option<&str>,
        local_name: Option<&str>,
        qname: &str,
        atts: &Attributes,
    ) {
        (**self).start_element(namespace_name, local_name, qname, atts);
    }
    fn start_entity(&mut self, name: &str) {
        (**self).start_entity(name);
    }
    fn start_prefix_mapping(&mut self, prefix: Option<&str>, namespace_name: &str) {
        (**self).start_prefix_mapping(prefix, namespace_name);
    }
    fn unparsed_entity_decl(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        system_id: &URIStr,
        notation_name: &str,
    ) {
        (**self).unparsed_entity_decl(name, public_id, system_id, notation_name);
    }
}

/// Default SAX handler.
///
/// It uses the default implementation of each trait, except for printing errors to stderr.
pub struct DefaultSAXHandler;

impl ErrorHandler for DefaultSAXHandler {
    fn error(&mut self, error: SAXParseError) {
        eprintln!("{error}")
    }

    fn fatal_error(&mut self, error: SAXParseError) {
        eprintln!("{error}")
    }

    fn warning(&mut self, error: SAXParseError) {
        eprintln!("{error}")
    }
}
impl EntityResolver for DefaultSAXHandler {}
impl SAXHandler for DefaultSAXHandler {}

/// Debug handler.
///
/// Writes each event to a buffer in a readable format.
pub struct DebugHandler<Child: SAXHandler = DefaultSAXHandler> {
    /// The buffer where generated events are written.
    pub buffer: String,
    /// Child handler.
    ///
    /// [`DebugHandler`] writes events to `buffer` and then redirects them to `child`.
    pub child: Child,
}

impl<Child: SAXHandler> EntityResolver for DebugHandler<Child> {
    fn get_external_subset(
        &mut self,
        name: &str,
        base_uri: Option<&URIStr>,
    ) -> Result<InputSource<'static>, XMLError> {
        self.buffer.push_str("getExternalSubset(");
        self.buffer.push_str(name);
        self.buffer.push_str(")\n");
        self.child.get_external_subset(name, base_uri)
    }

    fn resolve_entity(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        base_uri: &URIStr,
        system_id: &URIStr,
    ) -> Result<InputSource<'static>, XMLError> {
        if name != DOCUMENT_ENTITY_NAME {
            self.buffer.push_str("resolveEntity(");
            self.buffer.push_str(name);
            self.buffer.push_str(")\n");
        }
        self.child
            .resolve_entity(name, public_id, base_uri, system_id)
    }
}

impl<Child: SAXHandler> ErrorHandler for DebugHandler<Child> {
    fn error(&mut self, error: SAXParseError) {
        self.child.error(error);
    }

    fn fatal_error(&mut self, error: SAXParseError) {
        self.child.fatal_error(error);
    }

    fn warning(&mut self, error: SAXParseError) {
        self.child.warning(error);
    }
}

impl<Child: SAXHandler> SAXHandler for DebugHandler<Child> {
    fn characters(&mut self, data: &str) {
        self.buffer.push_str("characters(");
        self.buffer.push_str(data);
        self.buffer.push_str(")\n");
        self.child.characters(data);
    }

    fn declaration(&mut self, version: &str, encoding: Option<&str>, standalone: Option<bool>) {
        self.buffer.push_str("declaration(");
        self.buffer.push_str(version);
        self.buffer.push_str(", ");
        self.buffer.push_str(encoding.unwrap_or("None"));
        self.buffer.push_str(", ");
        if let Some(standalone) = standalone {
            if standalone {
                self.buffer.push_str("yes)\n");
            } else {
                self.buffer.push_str("no)\n");
            }
        } else {
            self.buffer.push_str("None)\n");
        }
        self.child.declaration(version, encoding, standalone);
    }

    fn ignorable_whitespace(&mut self, data: &str) {
        self.buffer.push_str("ignorableWhitespace(");
        self.buffer.push_str(data);
        self.buffer.push_str(")\n");
        self.child.ignorable_whitespace(data);
    }

    fn processing_instruction(&mut self, target: &str, data: Option<&str>) {
        self.buffer.push_str("processingInstruction(");
        self.buffer.push_str(target);
        if let Some(data) = data {
            self.buffer.push_str(", '");
            self.buffer.push_str(data);
            self.buffer.push_str("')\n");
        } else {
            self.buffer.push_str(", None)\n");
        }
        self.child.processing_instruction(target, data);
    }

    fn set_document_locator(&mut self, locator: Arc<Locator>) {
        self.buffer.push_str("setDocumentLocator()\n");
        self.child.set_document_locator(locator);
    }

    fn skipped_entity(&mut self, name: &str) {
        self.buffer.push_str("skippedEntity(");
        self.buffer.push_str(name);
        self.buffer.push_str(")\n");
        self.child.skipped_entity(name);
    }

    fn start_document(&mut self) {
        self.buffer.push_str("startDocument()\n");
        self.child.start_document();
    }
    fn end_document(&mut self) {
        self.buffer.push_str("endDocument()\n");
        self.child.end_document();
    }

    fn start_element(
        &mut self,
        namespace_name: Option<&str>,
        local_name: Option<&str>,
        qname: &str,
        atts: &Attributes,
    ) {
        self.buffer.push_str("startElement(");
        self.buffer.push_str(namespace_name.unwrap_or("None"));
        self.buffer.push_str(", ");
        self.buffer.push_str(local_name.unwrap_or("None"));
        self.buffer.push_str(", ");
        self.buffer.push_str(qname);
        for att in atts {
            self.buffer.push_str(", ");
            if let Some(local_name) = att.local_name.as_deref() {
                if let Some(uri) = att.namespace_name.as_deref() {
                    self.buffer.push('{');
                    self.buffer.push_str(uri);
                    self.buffer.push('}');
                }
                self.buffer.push_str(local_name);
                self.buffer.push_str("='");
                self.buffer.push_str(&att.value);
                self.buffer.push('\'');
            } else {
                self.buffer.push_str(&att.qname);
                self.buffer.push_str("='");
                self.buffer.push_str(&att.value);
                self.buffer.push('\'');
            }
        }
        self.buffer.push_str(")\n");
        self.child
            .start_element(namespace_name, local_name, qname, atts);
    }
    fn end_element(&mut self, namespace_name: Option<&str>, local_name: Option<&str>, qname: &str) {
        self.buffer.push_str("endElement(");
        self.buffer.push_str(namespace_name.unwrap_or("None"));
        self.buffer.push_str(", ");
        self.buffer.push_str(local_name.unwrap_or("None"));
        self.buffer.push_str(", ");
        self.buffer.push_str(qname);
        self.buffer.push_str(")\n");
        self.child.end_element(namespace_name, local_name, qname);
    }

    fn start_prefix_mapping(&mut self, prefix: Option<&str>, uri: &str) {
        self.buffer.push_str("startPrefixMapping(");
        self.buffer.push_str(prefix.unwrap_or("None"));
        self.buffer.push_str(", ");
        self.buffer.push_str(uri);
        self.buffer.push_str(")\n");
        self.child.start_prefix_mapping(prefix, uri);
    }
    fn end_prefix_mapping(&mut self, prefix: Option<&str>) {
        self.buffer.push_str("endPrefixMapping(");
        self.buffer.push_str(prefix.unwrap_or("None"));
        self.buffer.push_str(")\n");
        self.child.end_prefix_mapping(prefix);
    }

    fn attribute_decl(
        &mut self,
        element_name: &str,
        attribute_name: &str,
        attribute_type: &AttributeType,
        default_decl: &DefaultDecl,
    ) {
        writeln!(
            self.buffer,
            "attributeDecl({element_name}, {attribute_name}, {attribute_type}, {default_decl})"
        )
        .ok();
        self.child
            .attribute_decl(element_name, attribute_name, attribute_type, default_decl);
    }

    fn element_decl(&mut self, name: &str, contentspec: &ContentSpec) {
        writeln!(self.buffer, "elementDecl({name}, {contentspec})").ok();
        self.child.element_decl(name, contentspec);
    }

    fn external_entity_decl(&mut self, name: &str, public_id: Option<&str>, system_id: &URIStr) {
        writeln!(
            self.buffer,
            "externalEntityDecl({name}, {}, {})",
            public_id.unwrap_or("None"),
            system_id.as_escaped_str()
        )
        .ok();
        self.child.external_entity_decl(name, public_id, system_id);
    }

    fn internal_entity_decl(&mut self, name: &str, value: &str) {
        writeln!(self.buffer, "internalEntityDecl({name}, {value})").ok();
        self.child.internal_entity_decl(name, value);
    }

    fn notation_decl(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        writeln!(
            self.buffer,
            "notationDecl({name}, {}, {})",
            public_id.unwrap_or("None"),
            system_id.map_or("None", |id| id.as_escaped_str())
        )
        .ok();
        self.child.notation_decl(name, public_id, system_id);
    }

    fn unparsed_entity_decl(
        &mut self,
        name: &str,
        public_id: Option<&str>,
        system_id: &URIStr,
        notation_name: &str,
    ) {
        writeln!(
            self.buffer,
            "unparsedEntityDecl({name}, {public_id:?}, {}, {notation_name})",
            system_id.as_escaped_str()
        )
        .ok();
        self.child
            .unparsed_entity_decl(name, public_id, system_id, notation_name);
    }

    fn comment(&mut self, data: &str) {
        self.buffer.push_str("comment(");
        self.buffer.push_str(data);
        self.buffer.push_str(")\n");
        self.child.comment(data);
    }

    fn start_cdata(&mut self) {
        writeln!(self.buffer, "startCDATA()").ok();
        self.child.start_cdata();
    }
    fn end_cdata(&mut self) {
        writeln!(self.buffer, "endCDATA()").ok();
        self.child.end_cdata();
    }

    fn start_dtd(&mut self, name: &str, public_id: Option<&str>, system_id: Option<&URIStr>) {
        writeln!(
            self.buffer,
            "startDTD({name}, {}, {})",
            public_id.unwrap_or("None"),
            system_id.map_or("None", |id| id.as_escaped_str())
        )
        .ok();
        self.child.start_dtd(name, public_id, system_id);
    }
    fn end_dtd(&mut self) {
        writeln!(self.buffer, "endDTD()").ok();
        self.child.end_dtd();
    }

    fn start_entity(&mut self, name: &str) {
        writeln!(self.buffer, "startEntity({name})").ok();
        self.child.start_entity(name);
    }
    fn end_entity(&mut self) {
        writeln!(self.buffer, "endEntity()").ok();
        self.child.end_entity();
    }
}

impl Default for DebugHandler {
    fn default() -> Self {
        Self {
            buffer: String::new(),
            child: DefaultSAXHandler,
        }
    }
}
