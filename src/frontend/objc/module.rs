//! The file level: classes are declared first — interfaces, class extensions, categories and
//! implementations add to one `ClassInfo` per class name, so a method sees properties declared
//! after it, in an extension or in the interface — then methods and C functions are lowered.
//!
//! Objective-C classes share one namespace: a class implemented in another file is messaged by
//! its name, so methods are found by their class's name (`Callee::Method` with a receiver
//! type) and C functions by their name. A header's properties reach the other files through
//! the module: each member is written with its declared type (`frontend::declare_members`),
//! and a file that uses a member it does not declare names it by its member path.

use tree_sitter::Node;

use super::lowerer::{
    ClassInfo, Lowerer, Scope, children, declared_name, fields, is_tracker_type, method_return,
    method_selector, type_name,
};
use crate::frontend::Options;
use crate::frontend::scope::Tracker;
use crate::frontend::{DeclaredMember, FileContext, declare_members};
use crate::ir::{FileId, Module};

pub(super) fn lower_module(
    file: FileId,
    text: &str,
    root: Node,
    context: &FileContext,
    options: &Options,
) -> Module {
    let mut lowerer = Lowerer {
        file,
        source: text,
        options,
        module_path: context.module_path.clone(),
        functions: Vec::new(),
        supertypes: Vec::new(),
        classes: Default::default(),
        protocols: Default::default(),
        file_scope: Scope::default(),
    };
    let items = top_level_items(root);
    for item in &items {
        lowerer.declare(*item);
    }
    for item in &items {
        lowerer.lower_item(*item);
    }
    let mut trackers: Vec<String> = lowerer
        .file_scope
        .trackers
        .iter()
        .filter(|(_, t)| **t == Tracker::Known(()))
        .map(|(name, _)| name.clone())
        .collect();
    trackers.sort();
    // A header's `@property (nonatomic) Mixpanel *mixpanel;` types the `.m` that implements it.
    let mut supertypes = std::mem::take(&mut lowerer.supertypes);
    let members = lowerer.classes.iter().flat_map(|(owner, info)| {
        let names: std::collections::BTreeSet<&String> =
            (info.types.keys()).chain(info.trackers.iter()).collect();
        names.into_iter().map(move |name| DeclaredMember {
            owner,
            name,
            declared: info.types.get(name).map(String::as_str),
            tracker: info.trackers.contains(name),
        })
    });
    declare_members(members, &mut supertypes, &mut trackers);
    Module {
        file,
        language: context.language,
        path: context.module_path.clone(),
        imports: Vec::new(),
        functions: lowerer.functions,
        supertypes,
        trackers,
    }
}

/// The file's declarations, also those inside `#if`/`#ifdef` blocks and `extern "C" { }`
/// (every branch of a conditional is read: idlint does not know the build's macros).
fn top_level_items(root: Node) -> Vec<Node> {
    let mut items = Vec::new();
    let mut stack: Vec<Node> = children(root).into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        match node.kind() {
            "preproc_if"
            | "preproc_ifdef"
            | "preproc_else"
            | "preproc_elif"
            | "preproc_elifdef"
            | "linkage_specification"
            | "declaration_list" => {
                stack.extend(children(node).into_iter().rev());
            }
            _ => items.push(node),
        }
    }
    items
}

/// The name a class, category or protocol node declares: its identifier that is neither the
/// superclass nor the category.
pub(super) fn declared_class<'a>(lowerer: &Lowerer<'a>, node: Node) -> Option<&'a str> {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .enumerate()
        .find(|(i, c)| c.kind() == "identifier" && node.field_name_for_child(*i as u32).is_none())
        .map(|(_, c)| c);
    found.map(|c| lowerer.text(c))
}

/// Whether a declaration is `static` (invisible outside its file).
fn is_static(lowerer: &Lowerer, node: Node) -> bool {
    children(node)
        .into_iter()
        .any(|c| c.kind() == "storage_class_specifier" && lowerer.text(c) == "static")
}

impl Lowerer<'_> {
    fn declare(&mut self, node: Node) {
        match node.kind() {
            "class_interface" | "class_implementation" => self.declare_class(node),
            "protocol_declaration" => {
                if let Some(name) = declared_class(self, node) {
                    self.protocols.insert(name.to_owned());
                }
            }
            "declaration" => self.declare_global(node),
            _ => {}
        }
    }

    /// An interface, extension, category or implementation: its superclass, properties,
    /// instance variables and methods' return types.
    fn declare_class(&mut self, node: Node) {
        let Some(name) = declared_class(self, node).map(str::to_owned) else {
            return;
        };
        if let Some(superclass) = node.child_by_field_name("superclass") {
            let superclass = self.text(superclass).to_owned();
            if !self
                .supertypes
                .contains(&(name.clone(), superclass.clone()))
            {
                self.supertypes.push((name.clone(), superclass));
            }
        }
        let mut info = self.classes.remove(&name).unwrap_or_default();
        for member in children(node) {
            match member.kind() {
                "property_declaration" => self.declare_members(member, &mut info, true),
                "instance_variables" => {
                    for ivar in children(member) {
                        self.declare_members(ivar, &mut info, false);
                    }
                }
                "method_declaration" => self.declare_return(member, &name, &mut info),
                "implementation_definition" => {
                    for definition in children(member) {
                        if definition.kind() == "method_definition" {
                            self.declare_return(definition, &name, &mut info);
                            self.declare_init_assignments(definition, &mut info);
                        }
                    }
                }
                _ => {}
            }
        }
        self.classes.insert(name, info);
    }

    /// `@property (nonatomic, strong) Mixpanel *mixpanel;` and `{ Mixpanel *_tracker; }`.
    fn declare_members(&self, node: Node, info: &mut ClassInfo, property: bool) {
        let Some(declaration) = children(node)
            .into_iter()
            .find(|c| c.kind() == "struct_declaration")
        else {
            return;
        };
        let declared_type = children(declaration)
            .into_iter()
            .find(|c| c.kind() != "struct_declarator")
            .and_then(|t| type_name(self.text(t)));
        for declarator in children(declaration)
            .into_iter()
            .filter(|c| c.kind() == "struct_declarator")
        {
            let Some(name) = declared_name(declarator).map(|n| self.text(n).to_owned()) else {
                continue;
            };
            // A property is also its backing instance variable `_name`.
            let mut names = vec![name.clone()];
            if property {
                info.properties.insert(name.clone());
                names.push(format!("_{name}"));
            } else {
                info.ivars.insert(name.clone());
            }
            for name in names {
                if let Some(type_name) = &declared_type {
                    if is_tracker_type(type_name) {
                        info.trackers.insert(name.clone());
                    }
                    info.types.insert(name, type_name.clone());
                }
            }
        }
    }

    fn declare_return(&self, node: Node, owner: &str, info: &mut ClassInfo) {
        let (selector, _) = method_selector(self, node);
        if let Some(returned) = method_return(self, node, owner) {
            info.returns.insert(selector, returned);
        }
    }

    /// `_mixpanel = [Mixpanel sharedInstanceWithToken:..]` or `self.mixpanel = ..` in an
    /// `init…` method makes the property a tracker (the method's own statements only).
    fn declare_init_assignments(&self, node: Node, info: &mut ClassInfo) {
        let (selector, _) = method_selector(self, node);
        if !selector.starts_with("init") {
            return;
        }
        let Some(body) = children(node)
            .into_iter()
            .find(|c| c.kind() == "compound_statement")
        else {
            return;
        };
        let mut stack = children(body);
        while let Some(statement) = stack.pop() {
            match statement.kind() {
                "if_statement" | "compound_statement" | "expression_statement" => {
                    stack.extend(children(statement));
                }
                "assignment_expression" => {
                    let (Some(left), Some(right)) = (
                        statement.child_by_field_name("left"),
                        statement.child_by_field_name("right"),
                    ) else {
                        continue;
                    };
                    let target = self.text(left).trim_start_matches("self.");
                    let target = target.trim_start_matches("self->");
                    if self.is_tracker_constructor(right) {
                        info.trackers.insert(target.to_owned());
                        info.trackers.insert(format!("_{target}"));
                        if let Some(property) = target.strip_prefix('_') {
                            info.trackers.insert(property.to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// File-level variables: `static Mixpanel *tracker;`, `Mixpanel *mp = [Mixpanel ..];`.
    fn declare_global(&mut self, node: Node) {
        let declared_type = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)));
        for declarator in fields(node, "declarator") {
            let Some(name) = declared_name(declarator).map(|n| self.text(n).to_owned()) else {
                continue;
            };
            let value = declarator.child_by_field_name("value");
            let constructed = value.is_some_and(|v| self.is_tracker_constructor(v));
            if constructed || declared_type.as_deref().is_some_and(is_tracker_type) {
                self.file_scope
                    .trackers
                    .insert(name.clone(), Tracker::Known(()));
            }
            if let Some(type_name) = &declared_type {
                self.file_scope.types.insert(name, type_name.clone());
            }
        }
    }

    /// Methods of implementations (a category's belong to its class) and C functions.
    fn lower_item(&mut self, node: Node) {
        match node.kind() {
            "class_implementation" => {
                let Some(owner) = declared_class(self, node).map(str::to_owned) else {
                    return;
                };
                for definition in children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "implementation_definition")
                    .flat_map(children)
                    .filter(|c| c.kind() == "method_definition")
                {
                    self.method(definition, &owner);
                }
            }
            "function_definition" => {
                self.c_function(node, !is_static(self, node));
            }
            // A function declared in an `@interface` block is still a C function.
            "class_interface" => {
                for function in children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "function_definition")
                {
                    self.c_function(function, !is_static(self, function));
                }
            }
            _ => {}
        }
    }
}
