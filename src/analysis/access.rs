//! Access paths as the code names them: `user.id`, `user.getId()`, `session.user`, the result
//! of `JSON.stringify(u)`. The keys of [`super::prepare`] resolve names to compare ids; the
//! rules that read *names* need what the code wrote instead, so this module keeps the names,
//! sees through `let` bindings and the frontends' call temporaries (`$3`), and describes the
//! calls whose results become ids.

use std::collections::HashMap;

use crate::ir::{Call, Callee, Function, Value};

/// One step below a value: a field (`.id`, `["id"]`) or a getter (a method called without
/// arguments, `.getId()`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    Field(String),
    Getter(String),
}

impl Segment {
    pub fn name(&self) -> &str {
        match self {
            Segment::Field(name) | Segment::Getter(name) => name,
        }
    }
}

/// Where an access path starts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Base {
    /// The function's parameter `n`.
    Param(u16),
    /// A local, a module constant or a global, by name.
    Name(String),
    /// The result of a call that is not a getter: the callee as written (`["JSON",
    /// "stringify"]`, `["get_user"]`) and its first argument.
    Call {
        callee: Vec<String>,
        first_arg: Option<Box<AccessPath>>,
    },
    /// An object literal or a dict, with its keys.
    Object(Vec<String>),
    /// A literal, a fresh or current id, or nothing known.
    Other,
}

#[derive(Clone, Debug)]
pub struct AccessPath {
    pub base: Base,
    pub segments: Vec<Segment>,
    /// How the code names the start of the path, when a local stands for a part of a value
    /// without a name of its own: `{ user }` destructured from a parameter is `user`, not
    /// `$param0.user`. The name and how many segments it stands for; messages only (two paths
    /// are the same whatever they are shown as).
    pub shown_as: Option<(String, usize)>,
}

impl PartialEq for AccessPath {
    fn eq(&self, other: &AccessPath) -> bool {
        self.base == other.base && self.segments == other.segments
    }
}

impl Eq for AccessPath {}

impl std::hash::Hash for AccessPath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.base.hash(state);
        self.segments.hash(state);
    }
}

impl AccessPath {
    pub fn other() -> AccessPath {
        AccessPath::of(Base::Other)
    }

    pub fn of(base: Base) -> AccessPath {
        AccessPath {
            base,
            segments: Vec::new(),
            shown_as: None,
        }
    }

    /// `self` followed by `more` (a callee's path below one of its parameters, in a caller).
    pub fn join(&self, more: &[Segment]) -> AccessPath {
        let mut joined = self.clone();
        joined.segments.extend(more.iter().cloned());
        joined
    }

    /// The segments below `prefix`, when `self` starts with it.
    pub fn below(&self, prefix: &AccessPath) -> Option<&[Segment]> {
        (self.base == prefix.base && self.segments.starts_with(&prefix.segments))
            .then(|| &self.segments[prefix.segments.len()..])
    }

    /// The names along the path, root first: a parameter by its name in `params`, a call by
    /// its callee's last name (`getUser()` → `getUser`).
    pub fn names<'a>(&'a self, params: &'a [String]) -> Vec<&'a str> {
        let root = match &self.base {
            Base::Param(i) => params.get(*i as usize).map(String::as_str),
            Base::Name(name) => Some(name.as_str()),
            Base::Call { callee, .. } => callee.last().map(String::as_str),
            Base::Object(_) | Base::Other => None,
        };
        root.into_iter()
            .filter(|name| !is_temporary(name))
            .chain(self.segments.iter().map(Segment::name))
            .collect()
    }

    /// `user.getId()`, `JSON.stringify(u)`: for messages, as the code names it.
    pub fn display(&self, params: &[String]) -> String {
        let (mut text, shown) = match &self.shown_as {
            Some((name, shown)) if *shown <= self.segments.len() => (name.clone(), *shown),
            _ => (self.display_base(params), 0),
        };
        for segment in &self.segments[shown..] {
            match segment {
                Segment::Field(name) => text.push_str(&format!(".{name}")),
                Segment::Getter(name) => text.push_str(&format!(".{name}()")),
            }
        }
        text
    }

    fn display_base(&self, params: &[String]) -> String {
        match &self.base {
            Base::Param(i) => params.get(*i as usize).cloned().unwrap_or_default(),
            Base::Name(name) => name.clone(),
            Base::Call { callee, first_arg } => format!(
                "{}({})",
                callee.join("."),
                first_arg
                    .as_ref()
                    .map_or(String::new(), |a| a.display(params))
            ),
            Base::Object(keys) => format!("{{ {} }}", keys.join(", ")),
            Base::Other => "…".to_owned(),
        }
    }

    /// Whether the path starts at a name the code never wrote (`$param0`, a call's `$3`).
    fn starts_unnamed(&self, params: &[String]) -> bool {
        match &self.base {
            Base::Param(i) => params.get(*i as usize).is_some_and(|p| is_temporary(p)),
            Base::Name(name) => is_temporary(name),
            _ => false,
        }
    }
}

/// The frontends name call results `$1`, `$2`, … and destructured parameters `$param0`.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('$')
}

/// Resolves a function's values to access paths, one statement at a time in source order:
/// a name means what it was last bound to (branches are read in sequence; the rules that use
/// this read names, they do not prove values equal).
#[derive(Default)]
pub struct Resolver {
    params: HashMap<String, u16>,
    /// The parameters' names in order, to tell the ones the code never wrote.
    names: Vec<String>,
    env: HashMap<String, AccessPath>,
}

impl Resolver {
    pub fn new(function: &Function) -> Resolver {
        Resolver {
            params: function
                .params
                .iter()
                .enumerate()
                .map(|(i, name)| (name.clone(), i as u16))
                .collect(),
            names: function.params.clone(),
            env: HashMap::new(),
        }
    }

    pub fn resolve(&self, value: &Value) -> AccessPath {
        if let Value::Object(keys) = value {
            return AccessPath::of(Base::Object(keys.clone()));
        }
        let Value::Path { root, fields } = value else {
            return AccessPath::other();
        };
        let base = match (self.env.get(root), self.params.get(root)) {
            (Some(bound), _) => bound.clone(),
            (None, Some(&index)) => AccessPath::of(Base::Param(index)),
            (None, None) => AccessPath::of(Base::Name(root.clone())),
        };
        let fields: Vec<Segment> = fields.iter().cloned().map(Segment::Field).collect();
        base.join(&fields)
    }

    /// `name = value`, from here on. A name for a part of a value the code never named (`{
    /// user }` of a destructured parameter) is how messages show that part.
    pub fn bind(&mut self, name: &str, value: &Value) {
        let mut path = self.resolve(value);
        if !is_temporary(name) && !path.segments.is_empty() && path.starts_unnamed(&self.names) {
            path.shown_as = Some((name.to_owned(), path.segments.len()));
        }
        self.env.insert(name.to_owned(), path);
    }

    /// A call's result, from here on: a getter extends its receiver's path, any other call is
    /// described by its callee and first argument.
    pub fn bind_call(&mut self, call: &Call) {
        let Some(result) = &call.result else {
            return;
        };
        let path = self.call_path(call);
        self.env.insert(result.clone(), path);
    }

    fn call_path(&self, call: &Call) -> AccessPath {
        let first_arg = call.args.first().map(|a| Box::new(self.resolve(a)));
        match &call.callee {
            Callee::Method { receiver, name, .. } => {
                let receiver = self.resolve(receiver);
                if call.args.is_empty() && receiver.base != Base::Other {
                    return receiver.join(&[Segment::Getter(name.clone())]);
                }
                let mut callee: Vec<String> =
                    receiver.names(&[]).into_iter().map(str::to_owned).collect();
                callee.push(name.clone());
                AccessPath::of(Base::Call { callee, first_arg })
            }
            Callee::Path(path) => AccessPath::of(Base::Call {
                callee: path.clone(),
                first_arg,
            }),
            Callee::Local(_) => AccessPath::other(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(root: &str, fields: &[&str]) -> Value {
        Value::Path {
            root: root.to_owned(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn names_see_through_bindings_and_getters() {
        let mut resolver = Resolver::default();
        resolver.params.insert("session".into(), 0);
        resolver.bind("u", &path("session", &["user"]));
        let call = Call {
            callee: Callee::Method {
                receiver: path("u", &[]),
                name: "getId".into(),
                receiver_type: None,
            },
            args: Vec::new(),
            result: Some("$1".into()),
            span: crate::ir::Span {
                file: crate::ir::FileId(0),
                start: 0,
                end: 0,
            },
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        };
        resolver.bind_call(&call);
        let id = resolver.resolve(&path("$1", &[]));
        let params = ["session".to_owned()];
        assert_eq!(id.names(&params), ["session", "user", "getId"]);
        assert_eq!(id.display(&params), "session.user.getId()");
    }

    #[test]
    fn a_destructured_part_is_shown_by_its_own_name() {
        let mut resolver = Resolver::default();
        resolver.params.insert("$param0".into(), 0);
        resolver.names = vec!["$param0".to_owned()];
        resolver.bind("account", &path("$param0", &["user"]));
        let id = resolver.resolve(&path("account", &["id"]));
        let params = ["$param0".to_owned()];
        assert_eq!(id.display(&params), "account.id");
        assert_eq!(id.names(&params), ["user", "id"]);
        // Shown differently, still the same path.
        assert_eq!(id, resolver.resolve(&path("$param0", &["user", "id"])));
    }
}
