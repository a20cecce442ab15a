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

    pub fn matches_logout(&self, name: &str) -> bool {
        matches_any(
            name,
            self.logout_patterns.as_deref(),
            DEFAULT_LOGOUT_PATTERNS,
        )
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
