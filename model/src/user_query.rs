//! The state of the list page (view, filter, sort, page) as it lives in the URL, so that a
//! reload or a shared link shows the same page.

use serde::{Deserialize, Serialize};

use crate::domain::user_filter::{Field, Glob, GroupReach, Op, OrderBy, Scalar, TextField, UserFilter};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserView {
    #[default]
    All,
    InAnyGroup,
    InNoGroup,
}

impl UserView {
    pub const ALL: [Self; 3] = [Self::All, Self::InAnyGroup, Self::InNoGroup];

    pub fn slug(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::InAnyGroup => "grouped",
            Self::InNoGroup => "ungrouped",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All users",
            Self::InAnyGroup => "In any group",
            Self::InNoGroup => "In no group",
        }
    }

    fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortField {
    #[default]
    Email,
    FirstName,
    LastName,
    Created,
    LastLogin,
    LastUpdated,
}

impl SortField {
    pub const ALL: [Self; 6] =
        [Self::Email, Self::FirstName, Self::LastName, Self::Created, Self::LastLogin, Self::LastUpdated];

    /// The names Losant's API uses for the same sorts.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::FirstName => "firstName",
            Self::LastName => "lastName",
            Self::Created => "creationDate",
            Self::LastLogin => "lastLogin",
            Self::LastUpdated => "lastUpdated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "Email",
            Self::FirstName => "First name",
            Self::LastName => "Last name",
            Self::Created => "Created",
            Self::LastLogin => "Last login",
            Self::LastUpdated => "Last updated",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.slug() == s)
    }

    pub fn order_by(self) -> OrderBy {
        match self {
            Self::Email => OrderBy::Email,
            Self::FirstName => OrderBy::FirstName,
            Self::LastName => OrderBy::LastName,
            Self::Created => OrderBy::Created,
            Self::LastLogin => OrderBy::LastLogin,
            Self::LastUpdated => OrderBy::Updated,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    pub fn slug(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    pub fn flip(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
}

/// Which users the list keeps by whether an administrator disabled them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserState {
    #[default]
    Any,
    Active,
    Disabled,
}

impl UserState {
    pub const CHOICES: [Self; 3] = [Self::Any, Self::Active, Self::Disabled];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Any => "",
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::CHOICES.into_iter().find(|state| state.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "Active or disabled",
            Self::Active => "Active",
            Self::Disabled => "Disabled",
        }
    }

    fn filter(self, now_ms: i64) -> Option<UserFilter> {
        match self {
            Self::Any => None,
            Self::Active => Some(UserFilter::Disabled { disabled: false, at: now_ms }),
            Self::Disabled => Some(UserFilter::Disabled { disabled: true, at: now_ms }),
        }
    }
}

/// Which users the list keeps by their last sign-in: dormant accounts are found with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LastSignIn {
    #[default]
    Any,
    Never,
    /// Not signed in for this many days: signed in before, or never and added before.
    NotForDays(u32),
}

impl LastSignIn {
    /// What the list page offers; the URL takes any number of days.
    pub const CHOICES: [Self; 5] =
        [Self::Any, Self::Never, Self::NotForDays(30), Self::NotForDays(90), Self::NotForDays(365)];
    /// A hundred years: further back no one signed in.
    const MAX_DAYS: u32 = 36_500;

    pub fn slug(self) -> String {
        match self {
            Self::Any => String::new(),
            Self::Never => "never".into(),
            Self::NotForDays(days) => days.to_string(),
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        match s {
            "never" => Some(Self::Never),
            days => days.parse().ok().filter(|d| (1..=Self::MAX_DAYS).contains(d)).map(Self::NotForDays),
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::Any => "Signed in any time".into(),
            Self::Never => "Never signed in".into(),
            Self::NotForDays(days) => format!("Not signed in for {days} days"),
        }
    }

    /// The condition, as of `now_ms`: never signed in is a null last sign-in.
    fn filter(self, now_ms: i64) -> Option<UserFilter> {
        let never = UserFilter::Cond { field: Field::LastLogin, op: Op::Eq, value: Scalar::Null, ci: false };
        match self {
            Self::Any => None,
            Self::Never => Some(never),
            Self::NotForDays(days) => {
                let cutoff = now_ms - i64::from(days) * 24 * 60 * 60 * 1000;
                let before = |field| UserFilter::Cond { field, op: Op::Lt, value: Scalar::Number(cutoff), ci: false };
                // Someone added yesterday has not come back yet; they are not dormant.
                let never_since_created = UserFilter::All(vec![never, before(Field::Created)]);
                Some(UserFilter::Any(vec![before(Field::LastLogin), never_since_created]))
            }
        }
    }
}

/// Where a page starts: keyset pagination, so the cost of a page does not grow with its depth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageAt {
    #[default]
    First,
    /// The rows after the user with this id, in the current order.
    After(String),
    /// The rows before the user with this id.
    Before(String),
    Last,
}

pub const PAGE_SIZES: [u32; 3] = [25, 50, 100];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub view: UserView,
    pub filter: String,
    pub sort: SortField,
    pub dir: SortDir,
    pub size: u32,
    pub at: PageAt,
    /// Only members of this group (empty: any)…
    pub group: String,
    /// …or of any group below it.
    pub subgroups: bool,
    /// Only users with this tag: `key` or `key=value` (empty: any).
    pub tag: String,
    /// Only users who never signed in, or not for some days.
    pub last_sign_in: LastSignIn,
    /// Only active users, or only disabled ones.
    pub state: UserState,
}

impl ListQuery {
    /// Reads the URL's query parameters; anything unknown falls back to the default.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let size = get("size").and_then(|s| s.parse().ok()).filter(|n| PAGE_SIZES.contains(n));
        let at = if let Some(id) = get("after") {
            PageAt::After(id)
        } else if let Some(id) = get("before") {
            PageAt::Before(id)
        } else if get("page").as_deref() == Some("last") {
            PageAt::Last
        } else {
            PageAt::First
        };
        Self {
            view: get("view").and_then(|v| UserView::from_slug(&v)).unwrap_or_default(),
            filter: get("q").unwrap_or_default(),
            sort: get("sort").and_then(|s| SortField::from_slug(&s)).unwrap_or_default(),
            dir: if get("dir").as_deref() == Some("desc") { SortDir::Desc } else { SortDir::Asc },
            size: size.unwrap_or(PAGE_SIZES[0]),
            at,
            group: get("group").unwrap_or_default(),
            subgroups: get("sub").as_deref() == Some("1"),
            tag: get("tag").unwrap_or_default(),
            last_sign_in: get("login").and_then(|s| LastSignIn::from_slug(&s)).unwrap_or_default(),
            state: get("state").and_then(|s| UserState::from_slug(&s)).unwrap_or_default(),
        }
    }

    /// `?view=…&q=…`: only what differs from the defaults.
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        if self.view != UserView::All {
            parts.push(("view".into(), self.view.slug().into()));
        }
        if !self.filter.is_empty() {
            parts.push(("q".into(), self.filter.clone()));
        }
        if self.sort != SortField::Email {
            parts.push(("sort".into(), self.sort.slug().into()));
        }
        if self.dir != SortDir::Asc {
            parts.push(("dir".into(), self.dir.slug().into()));
        }
        if self.size != PAGE_SIZES[0] {
            parts.push(("size".into(), self.size.to_string()));
        }
        if !self.group.is_empty() {
            parts.push(("group".into(), self.group.clone()));
            if self.subgroups {
                parts.push(("sub".into(), "1".into()));
            }
        }
        if !self.tag.is_empty() {
            parts.push(("tag".into(), self.tag.clone()));
        }
        if self.state != UserState::Any {
            parts.push(("state".into(), self.state.slug().into()));
        }
        if self.last_sign_in != LastSignIn::Any {
            parts.push(("login".into(), self.last_sign_in.slug()));
        }
        match &self.at {
            PageAt::First => {}
            PageAt::After(id) => parts.push(("after".into(), id.clone())),
            PageAt::Before(id) => parts.push(("before".into(), id.clone())),
            PageAt::Last => parts.push(("page".into(), "last".into())),
        }
        if parts.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = parts.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        format!("?{}", encoded.join("&"))
    }

    /// The tag filter as (key, value to match if any).
    pub fn tag_filter(&self) -> Option<(&str, Option<&str>)> {
        let tag = self.tag.trim();
        if tag.is_empty() {
            return None;
        }
        Some(match tag.split_once('=') {
            Some((key, value)) => (key.trim(), Some(value)),
            None => (tag, None),
        })
    }

    /// The users this list shows as of `now_ms`, in the filter model every door shares.
    pub fn user_filter(&self, now_ms: i64) -> UserFilter {
        let mut parts = Vec::new();
        match self.view {
            UserView::All => {}
            UserView::InAnyGroup => parts.push(UserFilter::Grouped(true)),
            UserView::InNoGroup => parts.push(UserFilter::Grouped(false)),
        }
        if !self.group.is_empty() {
            let reach = if self.subgroups { GroupReach::WithDescendants } else { GroupReach::Only };
            parts.push(UserFilter::InGroup { id: self.group.clone(), reach });
        }
        if let Some((key, value)) = self.tag_filter() {
            parts.push(UserFilter::Tagged { key: key.to_owned(), value: value.map(str::to_owned) });
        }
        if !self.filter.trim().is_empty() {
            let fields = vec![TextField::Email, TextField::FirstName, TextField::LastName];
            parts.push(UserFilter::Glob { fields, glob: Glob::new(&self.filter, true) });
        }
        parts.extend(self.last_sign_in.filter(now_ms));
        parts.extend(self.state.filter(now_ms));
        UserFilter::all(parts)
    }

    /// True when only the view narrows the list, so its count is the view's.
    pub fn is_whole_view(&self) -> bool {
        self.filter.trim().is_empty()
            && self.group.is_empty()
            && self.tag_filter().is_none()
            && self.last_sign_in == LastSignIn::Any
            && self.state == UserState::Any
    }

    /// The same list, back on its first page: any change of view, filter or sort starts over.
    pub fn restart(&self) -> Self {
        Self { at: PageAt::First, ..self.clone() }
    }
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn parse(qs: &str) -> ListQuery {
        let map: HashMap<String, String> = qs
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned()))
            .collect();
        ListQuery::from_params(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_and_garbage() {
        assert_eq!(parse(""), ListQuery { size: 25, ..Default::default() });
        let q = parse("?view=nope&sort=DROP&size=7&dir=sideways");
        assert_eq!(q, ListQuery { size: 25, ..Default::default() });
        assert_eq!(ListQuery { size: 25, ..Default::default() }.to_query_string(), "");
    }

    #[test]
    fn the_list_lowers_to_one_filter() {
        let query = ListQuery {
            view: UserView::InNoGroup,
            filter: "Ann".into(),
            group: "g1".into(),
            subgroups: true,
            tag: "floor=2".into(),
            ..Default::default()
        };
        let UserFilter::All(parts) = query.user_filter(0) else { panic!("several conditions") };
        assert_eq!(parts[0], UserFilter::Grouped(false));
        assert_eq!(parts[1], UserFilter::InGroup { id: "g1".into(), reach: GroupReach::WithDescendants });
        assert_eq!(parts[2], UserFilter::Tagged { key: "floor".into(), value: Some("2".into()) });
        assert_eq!(
            parts[3].clone(),
            UserFilter::Glob {
                fields: vec![TextField::Email, TextField::FirstName, TextField::LastName],
                glob: Glob::new("*ann*", false)
            }
        );
        assert!(ListQuery::default().user_filter(0).is_everyone());
    }

    #[test]
    fn dormant_users_signed_in_before_the_cutoff_or_never_since_added_before_it() {
        let day = 24 * 60 * 60 * 1000;
        let never = UserFilter::Cond { field: Field::LastLogin, op: Op::Eq, value: Scalar::Null, ci: false };
        let query = |login| ListQuery { last_sign_in: login, ..Default::default() };
        assert_eq!(query(LastSignIn::Never).user_filter(100 * day), never);
        let before = |field| UserFilter::Cond { field, op: Op::Lt, value: Scalar::Number(70 * day), ci: false };
        assert_eq!(
            query(LastSignIn::NotForDays(30)).user_filter(100 * day),
            UserFilter::Any(vec![
                before(Field::LastLogin),
                UserFilter::All(vec![never.clone(), before(Field::Created)])
            ])
        );
        assert!(!query(LastSignIn::Never).is_whole_view());
        assert_eq!(parse("?login=90").last_sign_in, LastSignIn::NotForDays(90));
        assert_eq!(parse("?state=disabled").state, UserState::Disabled);
        assert_eq!(
            ListQuery { state: UserState::Active, ..Default::default() }.user_filter(7),
            UserFilter::Disabled { disabled: false, at: 7 }
        );
        assert_eq!(parse("?login=never").last_sign_in, LastSignIn::Never);
        for garbage in ["0", "-5", "36501", "soon", ""] {
            assert_eq!(parse(&format!("?login={garbage}")).last_sign_in, LastSignIn::Any, "{garbage}");
        }
    }

    fn any_query() -> impl Strategy<Value = ListQuery> {
        (
            prop::sample::select(UserView::ALL.to_vec()),
            "\\PC{0,12}",
            prop::sample::select(SortField::ALL.to_vec()),
            any::<bool>(),
            prop::sample::select(PAGE_SIZES.to_vec()),
            prop_oneof![
                Just(PageAt::First),
                Just(PageAt::Last),
                "[0-9a-f]{24}".prop_map(PageAt::After),
                "[0-9a-f]{24}".prop_map(PageAt::Before),
            ],
            "([0-9a-f]{24})?",
            any::<bool>(),
            "\\PC{0,12}",
            prop_oneof![
                Just(LastSignIn::Any),
                Just(LastSignIn::Never),
                (1u32..=36_500).prop_map(LastSignIn::NotForDays)
            ],
            prop::sample::select(UserState::CHOICES.to_vec()),
        )
            .prop_map(|(view, filter, sort, desc, size, at, group, sub, tag, last_sign_in, state)| ListQuery {
                view,
                filter,
                sort,
                dir: if desc { SortDir::Desc } else { SortDir::Asc },
                size,
                at,
                subgroups: sub && !group.is_empty(),
                group,
                tag,
                last_sign_in,
                state,
            })
    }

    proptest! {
        #[test]
        fn the_url_round_trips(q in any_query()) {
            prop_assert_eq!(parse(&q.to_query_string()), q);
        }
    }
}
