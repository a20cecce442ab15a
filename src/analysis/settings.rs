//! What the rules read from the configuration of a file, as plain values: the engine and the
//! rules never see the configuration itself, which knows about files, levels and the rules.

/// Default name patterns: a function or id matches when its name, lowercased without `_`, `-`
/// and spaces, contains one of them.
pub const DEFAULT_SIGNUP_PATTERNS: &[&str] = &["signup", "register", "createaccount", "onboard"];
pub const DEFAULT_LOGIN_PATTERNS: &[&str] =
    &["login", "signin", "logon", "authenticate", "restoresession"];
pub const DEFAULT_LOGOUT_PATTERNS: &[&str] = &["logout", "signout", "logoff"];
pub const DEFAULT_ANONYMOUS_NAMES: &[&str] =
    &["anon", "device", "visitor", "cookie", "distinct", "guest"];
pub const DEFAULT_USER_NAMES: &[&str] = &["user", "account", "email", "member", "customer"];

/// The settings of one file; `None` patterns are the defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    pub signup_patterns: Option<Vec<String>>,
    pub login_patterns: Option<Vec<String>>,
    pub logout_patterns: Option<Vec<String>>,
    pub anonymous_names: Option<Vec<String>>,
    pub user_names: Option<Vec<String>>,
    /// Constant distinct ids that `track` may send on purpose (`"system"`): events of no user.
    pub allowed_constant_ids: Vec<String>,
    /// Names of functions the application runs again and again for the same user, beyond the
    /// frameworks' own (`crate::frameworks`): a handler of its own event bus, a polling loop.
    pub repeating_functions: Vec<String>,
}

impl RuleSettings {
    pub fn matches_signup(&self, name: &str) -> bool {
        matches_any(
            name,
            self.signup_patterns.as_deref(),
            DEFAULT_SIGNUP_PATTERNS,
        )
    }

    pub fn matches_login(&self, name: &str) -> bool {
        matches_any(name, self.login_patterns.as_deref(), DEFAULT_LOGIN_PATTERNS)
    }

    /// Whether a function's name says it logs the user out: a pattern is made of whole words
    /// of the name (`logout`, `logOut`, `log_out`, `signOutUser`, `handleLogout`), the action of
    /// the name rather than a word in a noun (`LogoutIcon`), a question (`isLogoutAction`) or a
    /// tracking helper (`trackLogoutClicked`).
    pub fn matches_logout(&self, name: &str) -> bool {
        names_action(name, &self.logout_patterns())
    }

    /// The logout patterns in force, lowercased, for scanning text without allocating per word.
    pub fn logout_patterns(&self) -> Vec<String> {
        match &self.logout_patterns {
            Some(patterns) => patterns.iter().map(|p| p.to_lowercase()).collect(),
            None => DEFAULT_LOGOUT_PATTERNS
                .iter()
                .map(|p| p.to_string())
                .collect(),
        }
    }

    pub fn is_anonymous_name(&self, name: &str) -> bool {
        matches_any(
            name,
            self.anonymous_names.as_deref(),
            DEFAULT_ANONYMOUS_NAMES,
        )
    }

    pub fn is_user_name(&self, name: &str) -> bool {
        matches_any(name, self.user_names.as_deref(), DEFAULT_USER_NAMES)
    }

    /// Why a function of this name runs again and again for the same user, if it does: a
    /// framework's lifecycle method or a name the configuration lists.
    pub fn repeats(&self, name: &str) -> Option<&'static str> {
        crate::frameworks::repeating_method(name).or_else(|| {
            self.repeating_functions
                .iter()
                .any(|n| n == name)
                .then_some("the configuration lists it in `repeating-functions`")
        })
    }
}

/// `signUp_user` matches `signup`: lowercased, without `_`, `-` and spaces, containing a pattern.
fn matches_any(name: &str, configured: Option<&[String]>, defaults: &[&str]) -> bool {
    let normalised: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    match configured {
        Some(patterns) => patterns
            .iter()
            .any(|p| normalised.contains(&p.to_lowercase())),
        None => defaults.iter().any(|p| normalised.contains(p)),
    }
}

/// Words before an action that make the name something else: a predicate, a getter, a hook,
/// a tracking or logging helper, a test.
const NOT_ACTION_PREFIXES: &[&str] = &[
    "is", "has", "should", "can", "was", "did", "will", "get", "use", "with", "track", "log",
    "report", "render", "show", "mock", "test", "spy", "fake", "stub", "watch", "before", "after",
];

/// Words right after an action that make the name a thing rather than the action: a widget,
/// an address, a label, an action type, an event that happened. (Not `clicked` or `tapped`:
/// `onLogoutClicked` is the handler that logs out; a helper that only tracks the click is
/// `trackLogoutClicked`, which its prefix rules out.)
const NOT_ACTION_SUFFIXES: &[&str] = &[
    "icon", "button", "btn", "link", "url", "uri", "endpoint", "path", "route", "label", "text",
    "title", "message", "type", "action", "viewed", "modal", "dialog", "menu", "mock", "spy",
];

/// Whether one of `patterns` is made of consecutive whole words of `name` and is its action:
/// not a PascalCase name (a component or a class), not after [`NOT_ACTION_PREFIXES`], not
/// before [`NOT_ACTION_SUFFIXES`].
fn names_action(name: &str, patterns: &[String]) -> bool {
    if name.starts_with(|c: char| c.is_uppercase()) && name.contains(|c: char| c.is_lowercase()) {
        return false;
    }
    let words = name_words(name);
    (0..words.len()).any(|start| {
        let Some(end) = patterns
            .iter()
            .find_map(|p| words_spelling(&words, start, p))
        else {
            return false;
        };
        let negated = words[..start]
            .iter()
            .any(|w| NOT_ACTION_PREFIXES.contains(&w.as_str()));
        let noun = words
            .get(end)
            .is_some_and(|w| NOT_ACTION_SUFFIXES.contains(&w.as_str()));
        !negated && !noun
    })
}

/// The end of the words from `start` that spell `pattern` together, if they do.
fn words_spelling(words: &[String], start: usize, pattern: &str) -> Option<usize> {
    let mut spelled = String::new();
    for (i, word) in words.iter().enumerate().skip(start) {
        spelled.push_str(word);
        if spelled == pattern {
            return Some(i + 1);
        }
        if !pattern.starts_with(spelled.as_str()) {
            return None;
        }
    }
    None
}

/// The words of an identifier, lowercased: `handleLogOut_v2` → `handle`, `log`, `out`, `v2`;
/// `HTTPLogout` → `http`, `logout`.
pub fn name_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logout_is_named_by_whole_words_as_its_action() {
        let settings = RuleSettings::default();
        for name in [
            "logout",
            "logOut",
            "log_out",
            "signOut",
            "sign_out_user",
            "handleLogout",
            "onLogoutPress",
            "logoutUserAfterActiveSessionLoginSaga",
            "forceLogOff",
            "firebaseSignOut",
        ] {
            assert!(settings.matches_logout(name), "{name}");
        }
        for name in [
            "LogoutIcon",
            "LogoutButton",
            "isLogoutAction",
            "trackLogoutClicked",
            "useLogout",
            "logoutUrl",
            "blogOutline",
            "catalogOutput",
            "getLogoutRoute",
        ] {
            assert!(!settings.matches_logout(name), "{name}");
        }
    }

    #[test]
    fn words_split_at_case_changes_digits_and_separators() {
        assert_eq!(
            name_words("handleLogOut_v2"),
            ["handle", "log", "out", "v2"]
        );
        assert_eq!(name_words("HTTPLogout"), ["http", "logout"]);
        assert_eq!(name_words("sign-out"), ["sign", "out"]);
    }
}
