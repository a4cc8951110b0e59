//! The state of the list page (view, filter, sort, page) as it lives in the URL, so that a
//! reload or a shared link shows the same page.

use serde::{Deserialize, Serialize};

use crate::domain::user_filter::{Glob, GroupReach, OrderBy, TextField, UserFilter};

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

    /// The users this list shows, in the filter model every door shares.
    pub fn user_filter(&self) -> UserFilter {
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
        UserFilter::all(parts)
    }

    /// True when only the view narrows the list, so its count is the view's.
    pub fn is_whole_view(&self) -> bool {
        self.filter.trim().is_empty() && self.group.is_empty() && self.tag_filter().is_none()
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
        let UserFilter::All(parts) = query.user_filter() else { panic!("several conditions") };
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
        assert!(ListQuery::default().user_filter().is_everyone());
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
        )
            .prop_map(|(view, filter, sort, desc, size, at, group, sub, tag)| ListQuery {
                view,
                filter,
                sort,
                dir: if desc { SortDir::Desc } else { SortDir::Asc },
                size,
                at,
                subgroups: sub && !group.is_empty(),
                group,
                tag,
            })
    }

    proptest! {
        #[test]
        fn the_url_round_trips(q in any_query()) {
            prop_assert_eq!(parse(&q.to_query_string()), q);
        }
    }
}
