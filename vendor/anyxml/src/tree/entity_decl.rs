use std::{cell::RefCell, rc::Rc};

use crate::{
    XMLVersion,
    save::write_quoted,
    tree::{
        Document, NodeType, XMLTreeError,
        node::{InternalNodeSpec, Node, NodeCore, NodeSpec},
    },
    uri::URIStr,
};

/// Entity declaration node spec.
pub struct EntityDeclSpec {
    first_child: Option<Rc<RefCell<NodeCore<dyn NodeSpec>>>>,
    last_child: Option<Rc<RefCell<NodeCore<dyn NodeSpec>>>>,

    name: Rc<str>,
    system_id: Option<Rc<URIStr>>,
    public_id: Option<Rc<str>>,
    notation_name: Option<Rc<str>>,
    value: Option<Rc<str>>,
}

impl NodeSpec for EntityDeclSpec {
    fn node_type(&self) -> NodeType {
        NodeType::EntityDecl
    }

    fn first_child(&self) -> Option<Rc<RefCell<NodeCore<dyn NodeSpec>>>> {
        self.first_child.clone()
    }

    fn last_child(&self) -> Option<Rc<RefCell<NodeCore<dyn NodeSpec>>>> {
        self.last_child.clone()
    }
}

impl InternalNodeSpec for EntityDeclSpec {
    fn set_first_child(&mut self, new: Rc<RefCell<NodeCore<dyn NodeSpec>>>) {
        self.first_child = Some(new);
    }
    fn unset_first_child(&mut self) {
        self.first_child = None;
    }

    fn set_last_child(&mut self, new: Rc<RefCell<NodeCore<dyn NodeSpec>>>) {
        self.last_child = Some(new);
    }
    fn unset_last_child(&mut self) {
        self.last_child = None;
    }

    fn pre_child_insertion(
        &self,
        inserted_child: Node<dyn NodeSpec>,
        _preceding_node: Option<Node<dyn NodeSpec>>,
    ) -> Result<(), super::XMLTreeError> {
        match inserted_child.node_type() {
            NodeType::CDATASection
            | NodeType::Comment
            | NodeType::Element
            | NodeType::EntityReference
            | NodeType::ProcessingInstruction
            | NodeType::Text => Ok(()),
            _ => Err(XMLTreeError::UnacceptableHierarchy),
        }
    }
}

/// Entity declaration node.
pub type EntityDecl = Node<EntityDeclSpec>;

impl EntityDecl {
    pub(crate) fn new_internal_entity_decl(
        name: Rc<str>,
        value: Rc<str>,
        owner_document: Document,
    ) -> Result<Self, XMLTreeError> {
        if !XMLVersion::XML10.validate_name(&name) {
            return Err(XMLTreeError::InvalidName);
        }
        Ok(Node::create_node(
            EntityDeclSpec {
                first_child: None,
                last_child: None,
                name,
                system_id: None,
                public_id: None,
                notation_name: None,
                value: Some(value),
            },
            owner_document,
        ))
    }

    pub(crate) fn new_external_entity_decl(
        name: Rc<str>,
        system_id: Rc<URIStr>,
        public_id: Option<Rc<str>>,
        owner_document: Document,
    ) -> Result<Self, XMLTreeError> {
        if !XMLVersion::XML10.validate_name(&name) {
            return Err(XMLTreeError::InvalidName);
        }
        Ok(Node::create_node(
            EntityDeclSpec {
                first_child: None,
                last_child: None,
                name,
                system_id: Some(system_id),
                public_id,
                notation_name: None,
                value: None,
            },
            owner_document,
        ))
    }

    pub(crate) fn new_unparsed_entity_decl(
        name: Rc<str>,
        system_id: Rc<URIStr>,
        public_id: Option<Rc<str>>,
        notation_name: Rc<str>,
        owner_document: Document,
    ) -> Result<Self, XMLTreeError> {
        if !XMLVersion::XML10.validate_name(&name)
            || !XMLVersion::XML10.validate_name(&notation_name)
        {
            return Err(XMLTreeError::InvalidName);
        }
        Ok(Node::create_node(
            EntityDeclSpec {
                first_child: None,
                last_child: None,
                name,
                system_id: Some(system_id),
                public_id,
                notation_name: Some(notation_name),
                value: None,
            },
            owner_document,
        ))
    }

    /// Entity name.
    pub fn name(&self) -> Rc<str> {
        self.core.borrow().spec.name.clone()
    }

    /// System identifier of this entity.
    ///
    /// Return [`Some`] only if this declaration is an external entity declaration.
    pub fn system_id(&self) -> Option<Rc<URIStr>> {
        self.core.borrow().spec.system_id.clone()
    }

    /// Public identifier of this entity.
    ///
    /// Return [`Some`] only if this declaration is an external entity declaration.
    pub fn public_id(&self) -> Option<Rc<str>> {
        self.core.borrow().spec.public_id.clone()
    }

    /// Notation name of this entity.
    ///
    /// Return [`Some`] only if this declaration is an external unparsed entity declaration.
    pub fn notation_name(&self) -> Option<Rc<str>> {
        self.core.borrow().spec.notation_name.clone()
    }

    /// Entity literal value.
    ///
    /// Return [`Some`] only if this declaration is an internal entity declaration.
    pub fn value(&self) -> Option<Rc<str>> {
        self.core.borrow().spec.value.clone()
    }

    /// Create new node and copy internal data to the new node other than pointers to neighbor nodes.
    ///
    /// While [`Clone::clone`] merely copies the pointer, this method copies the internal data
    /// to new memory, creating a completely different node. Comparing the source node and
    /// the new node using [`Node::is_same_node`] will always return `false`.
    pub fn deep_copy(&self) -> Self {
        Node::create_node(
            EntityDeclSpec {
                first_child: None,
                last_child: None,
                name: self.name(),
                system_id: self.system_id(),
                public_id: self.public_id(),
                notation_name: self.notation_name(),
                value: self.value(),
            },
            self.owner_document(),
        )
    }

    /// Perform a deep copy on all descendant nodes and construct a tree with the same structure.
    ///
    /// The link to the parent is not preserved.
    pub fn deep_copy_subtree(&self) -> Result<Self, XMLTreeError> {
        let mut ret = self.deep_copy();
        let mut children = self.first_child();
        while let Some(child) = children {
            children = child.next_sibling();
            ret.append_child(child.deep_copy_subtree()?)?;
        }
        Ok(ret)
    }
}

impl std::fmt::Display for EntityDecl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.name();
        if let Some(name) = name.strip_prefix('%') {
            write!(f, "<!ENTITY % {} ", name)?;
        } else {
            write!(f, "<!ENTITY {} ", name)?;
        }

        if let Some(value) = self.value() {
            write_quoted(f, &value, false)?;
        } else {
            if let Some(public_id) = self.public_id() {
                write!(f, "PUBLIC ")?;
                write_quoted(f, &public_id, false)?;
                if let Some(system_id) = self.system_id() {
                    write!(f, " ")?;
                    if let Some(system_id) = system_id.as_unescaped_str() {
                        write_quoted(f, &system_id, false)?;
                    } else {
                        write_quoted(f, system_id.as_escaped_str(), false)?;
                    }
                } else {
                    unreachable!()
                }
            } else if let Some(system_id) = self.system_id() {
                write!(f, "SYSTEM ")?;
                if let Some(system_id) = system_id.as_unescaped_str() {
                    write_quoted(f, &system_id, false)?;
                } else {
                    write_quoted(f, system_id.as_escaped_str(), false)?;
                }
            } else {
                unreachable!()
            }

            if let Some(notation_name) = self.notation_name() {
                write!(f, " NDATA {}", notation_name)?;
            }
        }
        write!(f, ">")
    }
}
