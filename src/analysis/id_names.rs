//! What the names along an id's access path say about it: which field identifies a user
//! (`id`, `email`, `uid`), which value is a user (`user`, `currentUser`, `me`), which is an
//! anonymous id. Shared by the rules that read access paths.

use crate::analysis::RuleSettings;
use crate::analysis::access::AccessPath;

/// Field names that hold a key of the object they are read from, beside `…id` / `…_id`.
const KEY_FIELDS: &[&str] = &[
    "uuid", "uid", "guid", "pk", "email", "username", "login", "sub", "handle",
];

/// Names of values that stand for the signed-in person, beside the configured user names.
const PERSON_NAMES: &[&str] = &["me", "u", "profile", "viewer", "person", "principal"];

/// `getId` → `Id`: a getter is named after the field it reads.
pub fn without_get(name: &str) -> &str {
    match name.strip_prefix("get") {
        Some(rest) if rest.starts_with(|c: char| c.is_uppercase() || c == '_') => {
            rest.trim_start_matches('_')
        }
        _ => name,
    }
}

/// Lowercased without `_`, `-`, and a leading `get`: `get_user_id` → `userid`.
pub fn normalise(name: &str) -> String {
    without_get(name)
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `id`, `_id`, `userId`, `account_id`, `uuid`, `email`, `getId`: a field that is a key.
pub fn is_key_field(name: &str) -> bool {
    let name = without_get(name);
    let lower = name.to_lowercase();
    lower == "id"
        || lower.ends_with("_id")
        || name.ends_with("Id")
        || name.ends_with("ID")
        || KEY_FIELDS.contains(&lower.trim_start_matches('_'))
}

/// A name for the signed-in person: `user`, `currentUser`, `me`, `account`.
pub fn is_person(settings: &RuleSettings, name: &str) -> bool {
    let lower = name.to_lowercase();
    (settings.is_user_name(name) || PERSON_NAMES.contains(&lower.as_str()))
        && !settings.is_anonymous_name(name)
}

/// `userId` → (`user`, `Id`), `user_email` → (`user`, `email`): a variable named after the
/// object and the key it holds. `None` when no such split exists.
pub fn split_holder(name: &str) -> Option<(&str, &str)> {
    let boundaries: Vec<(usize, char)> = name
        .char_indices()
        .skip(1)
        .filter(|(i, c)| {
            c.is_uppercase() && !name[..*i].ends_with(|p: char| p.is_uppercase()) || *c == '_'
        })
        .collect();
    // The shortest key at the end: `currentUserID` is the `ID` of `currentUser`.
    for &(i, c) in boundaries.iter().rev() {
        let field = if c == '_' { &name[i + 1..] } else { &name[i..] };
        if !field.is_empty() && is_key_field(field) {
            return Some((name[..i].trim_end_matches('_'), field));
        }
    }
    None
}

/// Whether the names along a path say it is an anonymous id: the last name that is either a
/// user's or an anonymous one decides (`user.anon_id` is anonymous, `visitor.user.id` is not).
pub fn classify(settings: &RuleSettings, names: &[&str]) -> Option<Kind> {
    for name in names.iter().rev() {
        let anonymous = settings.is_anonymous_name(name);
        let user = is_person(settings, name) || settings.is_user_name(name);
        match (anonymous, user) {
            (true, false) => return Some(Kind::Anonymous),
            (false, true) => return Some(Kind::User),
            (true, true) => return None,
            (false, false) => {}
        }
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    Anonymous,
}

/// The key of a user an id path reads, normalised (`user.userId` and `user.id` are both
/// `id`), with the name as written; `None` when the path is not a person's key.
pub fn user_key(
    settings: &RuleSettings,
    path: &AccessPath,
    params: &[String],
) -> Option<(String, String)> {
    let names = path.names(params);
    let (holder, field) = match names.as_slice() {
        [] => return None,
        [single] => match split_holder(single) {
            Some((holder, field)) => (Some(holder), field),
            None => (None, *single),
        },
        [.., holder, field] => (Some(*holder), *field),
    };
    if !is_key_field(field) || names.iter().any(|n| settings.is_anonymous_name(n)) {
        return None;
    }
    let mut key = normalise(field);
    match holder {
        Some(holder) if is_person(settings, holder) => {}
        // A bare `email` or `username` names a person by itself.
        None if matches!(key.as_str(), "email" | "username") => {}
        _ => return None,
    }
    // `user.userId`, `account.account_id`: the holder's name repeated is no different key.
    for pattern in ["user", "account", "member", "customer"] {
        if let Some(rest) = key.strip_prefix(pattern)
            && !rest.is_empty()
        {
            key = rest.to_owned();
        }
    }
    Some((key, path.display(params)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_fields() {
        for key in [
            "id", "_id", "userId", "user_id", "uuid", "email", "getId", "ID",
        ] {
            assert!(is_key_field(key), "{key}");
        }
        for other in ["valid", "paid", "name", "length", "android", "hex"] {
            assert!(!is_key_field(other), "{other}");
        }
    }

    #[test]
    fn holders_split_from_keys() {
        assert_eq!(split_holder("userId"), Some(("user", "Id")));
        assert_eq!(split_holder("user_email"), Some(("user", "email")));
        assert_eq!(split_holder("currentUserID"), Some(("currentUser", "ID")));
        assert_eq!(split_holder("email"), None);
        assert_eq!(split_holder("paid"), None);
    }

    #[test]
    fn the_last_telling_name_decides() {
        let settings = RuleSettings::default();
        assert_eq!(classify(&settings, &["user", "id"]), Some(Kind::User));
        assert_eq!(classify(&settings, &["user", "getId"]), Some(Kind::User));
        assert_eq!(
            classify(&settings, &["currentUser", "uid"]),
            Some(Kind::User)
        );
        assert_eq!(
            classify(&settings, &["user", "anon_id"]),
            Some(Kind::Anonymous)
        );
        assert_eq!(classify(&settings, &["req", "id"]), None);
    }
}
