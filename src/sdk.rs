//! What idlint knows about the analytics SDKs (DOMAIN.md §2), as data: one table per SDK, in
//! every language. A frontend finds out which SDK a receiver is (imports, constructors, types)
//! and maps its call syntax to these tables; `frontend::calls` turns the answer into IR.
//!
//! Idioms of a language that are not about an SDK (fresh-id functions, value-keeping methods,
//! iterating callbacks) stay in that frontend's `sdk.rs`.

use crate::ir::{EventKind, Side};

/// The SDKs idlint recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SdkId {
    /// `mixpanel-browser`, and the global `mixpanel` of the HTML snippet.
    Browser,
    /// Node `mixpanel`.
    Node,
    /// `mixpanel-react-native`.
    ReactNative,
    /// Python `mixpanel`.
    Python,
    /// Rust `mixpanel-rs`.
    RustServer,
    /// Rust `tauri-plugin-mixpanel`.
    Tauri,
    /// Swift `mixpanel-swift`.
    Swift,
    /// The classic Objective-C iOS SDK (`Mixpanel/Mixpanel.h`).
    ObjectiveC,
    /// `mixpanel-android`, from Java and Kotlin.
    Android,
}

/// Where a method finds a value among its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The method has none (it acts on the current user).
    None,
    /// The n-th positional argument, or the argument passed by this name (Python keywords,
    /// Swift argument labels).
    Arg(usize, &'static str),
    /// The `distinct_id` key of the properties argument (the method's `properties` slot).
    InProperties,
    /// The n-th positional argument (or the one of this name), unless the properties carry a
    /// `distinct_id`, which overrides it: Python's `track` sends its properties over the
    /// event's own (`all_properties.update(properties)`).
    ArgOrInProperties(usize, &'static str),
}

/// One method of a tracker, or of its people object.
#[derive(Debug)]
pub struct Method {
    pub name: &'static str,
    pub kind: EventKind,
    /// The id the call concerns: alias's new id, identify's id, a server call's user.
    pub id: Slot,
    /// Alias's original id.
    pub original: Slot,
    /// The properties object (its keys decide Simplified ID Merge, its `distinct_id` a user).
    pub properties: Slot,
    /// When the event acts on another side than the SDK's: identify and reset always act on
    /// the device's user, whatever crate offers them.
    pub side: Option<Side>,
    /// An original passed as `null` means the current id (Android's `alias(new, null)`), as
    /// an original not passed at all does.
    pub null_original_is_current: bool,
    /// Alias then identifies its original id itself, unless the argument with this label is
    /// `false` (mixpanel-swift's `createAlias(_:distinctId:andIdentify: = true)`).
    pub identifies_original: Option<&'static str>,
}

/// How a tracker's people (profile) methods are recognised.
#[derive(Debug)]
pub enum People {
    /// These methods of the object that `Sdk::people_accessors` return.
    Methods(&'static [&'static str]),
    /// Any method of that object.
    Any,
}

#[derive(Debug)]
pub struct Sdk {
    pub id: SdkId,
    /// The package, module or crate, as imported.
    pub packages: &'static [&'static str],
    pub side: Side,
    /// The SDK's tracker classes or types (`Mixpanel`).
    pub tracker_types: &'static [&'static str],
    /// Static methods of a tracker type that make a tracker (`Mixpanel.init(..)`, `Mixpanel::new`).
    pub constructors: &'static [&'static str],
    /// Methods of a tracker that configure it; their configuration decides persistence.
    pub init_methods: &'static [&'static str],
    /// Members of a tracker that give its people object (`mixpanel.people`, `getPeople()`).
    pub people_accessors: &'static [&'static str],
    pub people: People,
    /// Where a people method takes the user's id.
    pub people_id: Slot,
    /// Methods (and, where the language reads them as such, properties) that return the
    /// current distinct id.
    pub current_id: &'static [&'static str],
    pub methods: &'static [Method],
    /// Methods of the people object that are identity events of their own (Android's older
    /// `getPeople().identify(id)`): they are looked up before `people`.
    pub people_events: &'static [Method],
    /// The SDK queues profile writes made before `identify` and sends them under the id
    /// identified later (the mobile SDKs): such a write concerns no one yet.
    pub queues_profile_writes: bool,
}

/// What a call of an SDK method means.
#[derive(Clone, Copy, Debug)]
pub struct SdkMethod {
    pub sdk: &'static Sdk,
    pub kind: EventKind,
    pub id: Slot,
    pub original: Slot,
    pub properties: Slot,
    pub side: Side,
    pub on_people: bool,
    pub null_original_is_current: bool,
    pub identifies_original: Option<&'static str>,
}

impl SdkMethod {
    /// How the method is named in messages: `alias`, `people.set`.
    pub fn display_name(&self, method: &str) -> String {
        if self.on_people {
            format!("people.{method}")
        } else {
            method.to_owned()
        }
    }
}

impl SdkId {
    pub fn sdk(self) -> &'static Sdk {
        SDKS.iter()
            .find(|sdk| sdk.id == self)
            .expect("every SdkId has a table in SDKS")
    }

    pub fn side(self) -> Side {
        self.sdk().side
    }
}

impl Sdk {
    /// The SDK imported as `package` by a file of a language whose SDKs are `candidates`.
    pub fn of_package(candidates: &[SdkId], package: &str) -> Option<SdkId> {
        candidates
            .iter()
            .copied()
            .find(|id| id.sdk().packages.contains(&package))
    }

    /// `method` called on a tracker of this SDK, or on its people object when `on_people`.
    pub fn method(&'static self, method: &str, on_people: bool) -> Option<SdkMethod> {
        let found = |kind, id, original, properties, side: Option<Side>| SdkMethod {
            sdk: self,
            kind,
            id,
            original,
            properties,
            side: side.unwrap_or(self.side),
            on_people,
            null_original_is_current: false,
            identifies_original: None,
        };
        let listed = |m: &Method| SdkMethod {
            null_original_is_current: m.null_original_is_current,
            identifies_original: m.identifies_original,
            ..found(m.kind, m.id, m.original, m.properties, m.side)
        };
        if on_people && let Some(event) = self.people_events.iter().find(|m| m.name == method) {
            return Some(listed(event));
        }
        if on_people {
            let known = match self.people {
                People::Any => true,
                People::Methods(methods) => methods.contains(&method),
            };
            // A queued write is sent once the user is identified: to the rules it is a call
            // that concerns no one, like a `track` of the device's user.
            let kind = if self.queues_profile_writes {
                EventKind::Track
            } else {
                EventKind::People
            };
            return known.then(|| found(kind, self.people_id, Slot::None, Slot::None, None));
        }
        self.methods.iter().find(|m| m.name == method).map(listed)
    }

    pub fn is_current_id(&self, method: &str) -> bool {
        self.current_id.contains(&method)
    }

    pub fn is_init(&self, method: &str) -> bool {
        self.init_methods.contains(&method)
    }

    pub fn is_people_accessor(&self, member: &str) -> bool {
        self.people_accessors.contains(&member)
    }
}

/// The key of the distinct id inside a properties object.
pub const DISTINCT_ID_KEY: &str = "distinct_id";

/// The SDKs of JavaScript and TypeScript files.
pub const JAVASCRIPT_SDKS: &[SdkId] = &[SdkId::Browser, SdkId::Node, SdkId::ReactNative];

const fn method(name: &'static str, kind: EventKind, id: Slot) -> Method {
    Method {
        name,
        kind,
        id,
        original: Slot::None,
        properties: Slot::None,
        side: None,
        null_original_is_current: false,
        identifies_original: None,
    }
}

const fn alias(id: Slot, original: Slot) -> Method {
    alias_named("alias", id, original)
}

/// An alias method of another name (`createAlias`, `createAlias:forDistinctID:`).
const fn alias_named(name: &'static str, id: Slot, original: Slot) -> Method {
    Method {
        original,
        ..method(name, EventKind::Alias, id)
    }
}

/// `track` whose properties are the argument at `index`; `id` says where the user is.
const fn track(name: &'static str, id: Slot, properties: Slot) -> Method {
    Method {
        properties,
        ..method(name, EventKind::Track, id)
    }
}

/// A method that acts on the device's user whatever the SDK's side.
const fn on_device(method: Method) -> Method {
    Method {
        side: Some(Side::Client),
        ..method
    }
}

const fn people(name: &'static str) -> Method {
    method(name, EventKind::People, Slot::Arg(0, "distinct_id"))
}

/// The people methods of the JavaScript SDKs (both spellings: browser snake case, React Native
/// camel case).
const JS_PEOPLE: &[&str] = &[
    "set",
    "set_once",
    "setOnce",
    "increment",
    "append",
    "union",
    "remove",
    "unset",
    "track_charge",
    "trackCharge",
    "clear_charges",
    "clearCharges",
    "delete_user",
    "deleteUser",
];

const JS_CURRENT_ID: &[&str] = &["get_distinct_id", "getDistinctId"];

const IDENTIFY: Method = method("identify", EventKind::Identify, Slot::Arg(0, "distinct_id"));
const RESET: Method = method("reset", EventKind::Reset, Slot::None);

pub const SDKS: &[Sdk] = &[
    Sdk {
        id: SdkId::Browser,
        packages: &["mixpanel-browser"],
        side: Side::Client,
        tracker_types: &[],
        constructors: &["init"],
        init_methods: &["init"],
        people_accessors: &["people"],
        people: People::Methods(JS_PEOPLE),
        people_id: Slot::None,
        current_id: JS_CURRENT_ID,
        methods: &[
            // `alias(alias, original?)`: the new id first.
            alias(Slot::Arg(0, "alias"), Slot::Arg(1, "original")),
            IDENTIFY,
            RESET,
            // `track(event, properties)`: a `distinct_id` in the properties overrides the user.
            track("track", Slot::InProperties, Slot::Arg(1, "properties")),
        ],
        people_events: &[],
        queues_profile_writes: false,
    },
    Sdk {
        id: SdkId::Node,
        packages: &["mixpanel"],
        side: Side::Server,
        tracker_types: &[],
        constructors: &["init"],
        init_methods: &["init"],
        people_accessors: &["people"],
        people: People::Methods(JS_PEOPLE),
        // `people.set(distinct_id, ..)`.
        people_id: Slot::Arg(0, "distinct_id"),
        current_id: JS_CURRENT_ID,
        methods: &[
            // `alias(distinct_id, alias)`: the new id second.
            alias(Slot::Arg(1, "alias"), Slot::Arg(0, "distinct_id")),
            // Not Node SDK methods, but wrappers named like a tracker offer them (Segment's
            // `analytics.identify`): they mean what they mean on the client.
            IDENTIFY,
            RESET,
            track("track", Slot::InProperties, Slot::Arg(1, "properties")),
        ],
        people_events: &[],
        queues_profile_writes: false,
    },
    Sdk {
        id: SdkId::ReactNative,
        packages: &["mixpanel-react-native"],
        side: Side::Client,
        tracker_types: &[],
        constructors: &["init"],
        init_methods: &["init"],
        people_accessors: &["people", "getPeople"],
        people: People::Methods(JS_PEOPLE),
        people_id: Slot::None,
        current_id: JS_CURRENT_ID,
        methods: &[
            // `alias(alias, distinctId)`: the new id first.
            alias(Slot::Arg(0, "alias"), Slot::Arg(1, "distinctId")),
            IDENTIFY,
            RESET,
            track("track", Slot::InProperties, Slot::Arg(1, "properties")),
        ],
        people_events: &[],
        queues_profile_writes: false,
    },
    Sdk {
        id: SdkId::Python,
        packages: &["mixpanel"],
        side: Side::Server,
        tracker_types: &["Mixpanel"],
        constructors: &[],
        init_methods: &[],
        people_accessors: &[],
        people: People::Methods(&[]),
        people_id: Slot::None,
        current_id: &[],
        methods: &[
            // `alias(alias_id, original, meta=None)`.
            alias(Slot::Arg(0, "alias_id"), Slot::Arg(1, "original")),
            // `track(distinct_id, event_name, properties=None, meta=None)`: a `distinct_id`
            // in the properties replaces the first argument.
            track(
                "track",
                Slot::ArgOrInProperties(0, "distinct_id"),
                Slot::Arg(2, "properties"),
            ),
            // `import_data(api_key, distinct_id, event_name, timestamp, properties=None, ..)`.
            track(
                "import_data",
                Slot::ArgOrInProperties(1, "distinct_id"),
                Slot::Arg(4, "properties"),
            ),
            people("people_set"),
            people("people_set_once"),
            people("people_increment"),
            people("people_append"),
            people("people_union"),
            people("people_unset"),
            people("people_remove"),
            people("people_delete"),
            people("people_track_charge"),
            people("people_clear_charges"),
            people("people_update"),
        ],
        people_events: &[],
        queues_profile_writes: false,
    },
    Sdk {
        id: SdkId::RustServer,
        packages: &["mixpanel", "mixpanel-rs", "mixpanel_rs"],
        side: Side::Server,
        tracker_types: &["Mixpanel", "MixpanelClient", "MixpanelExt"],
        constructors: &["init", "new", "builder", "with_config"],
        init_methods: &[],
        people_accessors: &["people"],
        people: People::Any,
        // `mp.people.set(distinct_id, props, modifiers)`.
        people_id: Slot::Arg(0, "distinct_id"),
        current_id: &["get_distinct_id"],
        methods: &[
            // `alias(distinct_id, alias)`: the new id second.
            alias(Slot::Arg(1, "alias"), Slot::Arg(0, "distinct_id")),
            // `track(event, Some(props))` with a `"distinct_id"` key in the props.
            track("track", Slot::InProperties, Slot::Arg(1, "properties")),
            on_device(IDENTIFY),
            on_device(RESET),
        ],
        people_events: &[],
        queues_profile_writes: false,
    },
    Sdk {
        id: SdkId::Tauri,
        packages: &["tauri-plugin-mixpanel", "tauri_plugin_mixpanel"],
        side: Side::Client,
        tracker_types: &["Mixpanel", "MixpanelClient", "MixpanelExt"],
        constructors: &["init", "new", "builder", "with_config"],
        init_methods: &[],
        people_accessors: &["people"],
        people: People::Any,
        people_id: Slot::None,
        current_id: &["get_distinct_id"],
        methods: &[
            // `alias(alias, Option<original>)`: the new id first.
            alias(Slot::Arg(0, "alias"), Slot::Arg(1, "original")),
            track("track", Slot::None, Slot::None),
            IDENTIFY,
            RESET,
        ],
        people_events: &[],
        queues_profile_writes: false,
    },
    Sdk {
        id: SdkId::Swift,
        // `import Mixpanel`.
        packages: &["Mixpanel"],
        side: Side::Client,
        // `Mixpanel` is the facade whose static methods give trackers; `MixpanelInstance` is
        // a tracker's type (`let mixpanel: MixpanelInstance`).
        tracker_types: &["Mixpanel", "MixpanelInstance"],
        constructors: &["initialize", "mainInstance", "getInstance"],
        init_methods: &[],
        people_accessors: &["people"],
        people: People::Any,
        people_id: Slot::None,
        // `distinctId` is a property.
        current_id: &["distinctId", "getDistinctId"],
        methods: &[
            // `createAlias(_ alias:, distinctId:, andIdentify: = true)`: the new id first, the
            // current id labelled; then it identifies `distinctId` (a no-op when that is the
            // current id, as it should be).
            Method {
                identifies_original: Some("andIdentify"),
                ..alias_named(
                    "createAlias",
                    Slot::Arg(0, "alias"),
                    Slot::Arg(1, "distinctId"),
                )
            },
            method("identify", EventKind::Identify, Slot::Arg(0, "distinctId")),
            RESET,
            // `track(event:properties:)`.
            track("track", Slot::None, Slot::Arg(1, "properties")),
        ],
        people_events: &[],
        queues_profile_writes: true,
    },
    Sdk {
        id: SdkId::ObjectiveC,
        // `#import <Mixpanel/Mixpanel.h>`, `@import Mixpanel;`.
        packages: &["Mixpanel"],
        side: Side::Client,
        tracker_types: &["Mixpanel"],
        // Class methods, by the first part of their selector
        // (`sharedInstanceWithToken:launchOptions:`).
        constructors: &["sharedInstance", "sharedInstanceWithToken", "initWithToken"],
        init_methods: &[],
        people_accessors: &["people"],
        people: People::Any,
        people_id: Slot::None,
        current_id: &["distinctId"],
        // Methods by their whole selector.
        methods: &[
            // `createAlias:forDistinctID:`: the new id first.
            alias_named(
                "createAlias:forDistinctID:",
                Slot::Arg(0, "alias"),
                Slot::Arg(1, "distinctID"),
            ),
            method("identify:", EventKind::Identify, Slot::Arg(0, "distinctId")),
            method(
                "identify:usePeople:",
                EventKind::Identify,
                Slot::Arg(0, "distinctId"),
            ),
            RESET,
            track("track:", Slot::None, Slot::None),
            track("track:properties:", Slot::None, Slot::Arg(1, "properties")),
        ],
        people_events: &[],
        queues_profile_writes: true,
    },
    Sdk {
        id: SdkId::Android,
        // `import com.mixpanel.android.mpmetrics.MixpanelAPI`.
        packages: &["com.mixpanel.android.mpmetrics"],
        side: Side::Client,
        tracker_types: &["MixpanelAPI"],
        // `MixpanelAPI.getInstance(context, token, trackAutomaticEvents)`.
        constructors: &["getInstance"],
        init_methods: &[],
        // `getPeople()`, and Kotlin's property syntax for it.
        people_accessors: &["getPeople", "people"],
        people: People::Any,
        people_id: Slot::None,
        current_id: &["getDistinctId", "distinctId"],
        methods: &[
            // `alias(alias, original)`: the new id first; a `null` original is the current id.
            // It does not identify afterwards.
            Method {
                null_original_is_current: true,
                ..alias(Slot::Arg(0, "alias"), Slot::Arg(1, "original"))
            },
            IDENTIFY,
            RESET,
            track("track", Slot::None, Slot::Arg(1, "properties")),
            track("trackMap", Slot::None, Slot::Arg(1, "properties")),
        ],
        // The older `getPeople().identify(id)`.
        people_events: &[IDENTIFY],
        queues_profile_writes: true,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sdk_has_one_table() {
        for id in [
            SdkId::Browser,
            SdkId::Node,
            SdkId::ReactNative,
            SdkId::Python,
            SdkId::RustServer,
            SdkId::Tauri,
            SdkId::Swift,
            SdkId::ObjectiveC,
            SdkId::Android,
        ] {
            assert_eq!(SDKS.iter().filter(|sdk| sdk.id == id).count(), 1, "{id:?}");
        }
    }

    #[test]
    fn alias_argument_order_follows_the_sdk() {
        let new_id = |id: SdkId| id.sdk().method("alias", false).map(|m| m.id);
        assert_eq!(new_id(SdkId::Browser), Some(Slot::Arg(0, "alias")));
        assert_eq!(new_id(SdkId::Node), Some(Slot::Arg(1, "alias")));
        assert_eq!(new_id(SdkId::RustServer), Some(Slot::Arg(1, "alias")));
        assert_eq!(new_id(SdkId::Python), Some(Slot::Arg(0, "alias_id")));
    }

    #[test]
    fn mobile_aliases_take_the_new_id_first() {
        let alias = |id: SdkId, name| id.sdk().method(name, false).unwrap();
        // `createAlias(newId, distinctId: mixpanel.distinctId)`: labelled current id.
        let swift = alias(SdkId::Swift, "createAlias");
        assert_eq!(swift.kind, EventKind::Alias);
        assert_eq!(
            (swift.id, swift.original),
            (Slot::Arg(0, "alias"), Slot::Arg(1, "distinctId"))
        );
        // `[mixpanel createAlias:newId forDistinctID:mixpanel.distinctId]`.
        let objc = alias(SdkId::ObjectiveC, "createAlias:forDistinctID:");
        assert_eq!(
            (objc.id, objc.original),
            (Slot::Arg(0, "alias"), Slot::Arg(1, "distinctID"))
        );
        // `alias(newId, null)`: the null original is the current id.
        let android = alias(SdkId::Android, "alias");
        assert_eq!(
            (android.id, android.original),
            (Slot::Arg(0, "alias"), Slot::Arg(1, "original"))
        );
        assert!(android.null_original_is_current);
        assert!(!alias(SdkId::Browser, "alias").null_original_is_current);
    }

    #[test]
    fn mobile_identify_takes_the_id_by_label_or_position() {
        let id = |sdk: SdkId, name| sdk.sdk().method(name, false).map(|m| (m.kind, m.id));
        let identify = |slot| Some((EventKind::Identify, slot));
        assert_eq!(
            id(SdkId::Swift, "identify"),
            identify(Slot::Arg(0, "distinctId"))
        );
        assert_eq!(
            id(SdkId::ObjectiveC, "identify:"),
            identify(Slot::Arg(0, "distinctId"))
        );
        assert_eq!(
            id(SdkId::Android, "identify"),
            identify(Slot::Arg(0, "distinct_id"))
        );
        // Android's older `getPeople().identify(id)` identifies too.
        let people = SdkId::Android.sdk().method("identify", true);
        assert_eq!(people.map(|m| m.kind), Some(EventKind::Identify));
    }

    #[test]
    fn mobile_profile_writes_concern_no_one_until_identify() {
        for sdk in [SdkId::Swift, SdkId::ObjectiveC, SdkId::Android] {
            let set = sdk.sdk().method("set", true).map(|m| (m.kind, m.id));
            assert_eq!(set, Some((EventKind::Track, Slot::None)), "{sdk:?}");
        }
        let browser = SdkId::Browser.sdk().method("set", true).map(|m| m.kind);
        assert_eq!(browser, Some(EventKind::People));
    }

    #[test]
    fn mobile_sdks_are_clients_with_current_id_readers() {
        for (sdk, reader) in [
            (SdkId::Swift, "distinctId"),
            (SdkId::ObjectiveC, "distinctId"),
            (SdkId::Android, "getDistinctId"),
        ] {
            assert_eq!(sdk.side(), Side::Client);
            assert!(sdk.sdk().is_current_id(reader), "{sdk:?}");
        }
    }

    #[test]
    fn identify_acts_on_the_device_even_in_a_server_crate() {
        let identify = SdkId::RustServer.sdk().method("identify", false);
        assert_eq!(identify.map(|m| m.side), Some(Side::Client));
    }

    #[test]
    fn people_methods_take_the_id_only_on_servers() {
        let set = |id: SdkId| id.sdk().method("set", true).map(|m| m.id);
        assert_eq!(set(SdkId::Node), Some(Slot::Arg(0, "distinct_id")));
        assert_eq!(set(SdkId::Browser), Some(Slot::None));
        assert!(SdkId::Browser.sdk().method("frobnicate", true).is_none());
        assert!(SdkId::RustServer.sdk().method("frobnicate", true).is_some());
    }
}
