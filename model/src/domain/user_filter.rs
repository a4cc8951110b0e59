//! Which experience users a list holds: the one filter model every door lowers to (the list
//! page's view, search box, group and tag; the REST API's filter, group parameters and
//! advanced query), compiled to SQL in one place (`server::repo::user_list`).

/// A condition on users. `All(vec![])` matches everyone.
#[derive(Debug, Clone, PartialEq)]
pub enum UserFilter {
    All(Vec<UserFilter>),
    Any(Vec<UserFilter>),
    /// None of these holds (`$nor`).
    None(Vec<UserFilter>),
    Cond {
        field: Field,
        op: Op,
        value: Scalar,
        /// Compare text case-insensitively (`$ci`).
        ci: bool,
    },
    /// A `*` glob on text fields, case-insensitive; any of `fields` may match.
    Glob {
        fields: Vec<TextField>,
        glob: Glob,
    },
    /// In at least one group (`true`) or in none: the list's views.
    Grouped(bool),
    /// Disabled (`true`) or not (`false`) at the instant `at` (ms).
    Disabled {
        disabled: bool,
        at: i64,
    },
    /// A member of this group, or also of the groups around it as `reach` says.
    InGroup {
        id: String,
        reach: GroupReach,
    },
    /// Has this tag key, with this value when one is given.
    Tagged {
        key: String,
        value: Option<String>,
    },
}

/// What a list is sorted by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    Email,
    FirstName,
    LastName,
    Created,
    LastLogin,
    Updated,
    /// Losant sorts by id too; ours are random, so it is a stable arbitrary order.
    Id,
}

/// Which groups besides the named one count for `InGroup`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupReach {
    Only,
    /// Or a group above it (Losant's `includeAncestorGroups`: users who reach its devices).
    WithAncestors,
    /// Or a group below it (the list page's "with subgroups").
    WithDescendants,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Email,
    FirstName,
    LastName,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Id,
    Email,
    FirstName,
    LastName,
    Created,
    Updated,
    /// Never signed in behaves as null: only `null` matches it.
    LastLogin,
    PasswordUpdated,
    Tag(String),
    GroupId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Gte,
    Lte,
    StartsWith,
    EndsWith,
    Contains,
    In,
    Nin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Text(String),
    Number(i64),
    Null,
    List(Vec<Scalar>),
}

/// A `*` glob, lowercased: `*` matches any run of characters, everything else itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob(String);

/// What a glob asks for, in the shapes an index can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobShape<'a> {
    /// No `*`: the whole value.
    Exact(&'a str),
    /// `text*`: a prefix.
    Prefix(&'a str),
    /// `*text*`: anywhere.
    Contains(&'a str),
    /// Anything else (`*text`, `a*b`, …).
    Pattern,
}

impl Glob {
    /// `contains_when_plain`: a glob without `*` matches anywhere (a search box) instead of
    /// the whole value (Losant's `filter`).
    pub fn new(text: &str, contains_when_plain: bool) -> Self {
        let text = text.trim().to_lowercase();
        if contains_when_plain && !text.contains('*') && !text.is_empty() {
            Self(format!("*{text}*"))
        } else {
            Self(text)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn shape(&self) -> GlobShape<'_> {
        let text = self.0.as_str();
        let inner = |s: &str| !s.contains('*');
        match (text.strip_prefix('*'), text.strip_suffix('*')) {
            _ if inner(text) => GlobShape::Exact(text),
            (Some(rest), Some(_)) if rest.len() > 1 && inner(&rest[..rest.len() - 1]) => {
                GlobShape::Contains(&rest[..rest.len() - 1])
            }
            (None, Some(prefix)) if inner(prefix) => GlobShape::Prefix(prefix),
            _ => GlobShape::Pattern,
        }
    }

    /// The glob as a SQL `LIKE` pattern with `\` as the escape character.
    pub fn to_like(&self) -> String {
        let mut like = String::with_capacity(self.0.len() + 2);
        for c in self.0.chars() {
            match c {
                '*' => like.push('%'),
                '%' | '_' | '\\' => {
                    like.push('\\');
                    like.push(c);
                }
                c => like.push(c),
            }
        }
        like
    }
}

impl UserFilter {
    /// Every condition, with the empty ones left out.
    pub fn all(parts: impl IntoIterator<Item = UserFilter>) -> Self {
        let mut parts: Vec<UserFilter> = parts.into_iter().filter(|p| !p.is_everyone()).collect();
        if parts.len() == 1 {
            parts.remove(0)
        } else {
            Self::All(parts)
        }
    }

    pub fn is_everyone(&self) -> bool {
        matches!(self, Self::All(parts) if parts.is_empty())
    }

    /// The top-level conditions that must all hold.
    pub fn conjuncts(&self) -> &[UserFilter] {
        match self {
            Self::All(parts) => parts,
            other => std::slice::from_ref(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_name_their_shape() {
        assert_eq!(Glob::new("Ann", false).shape(), GlobShape::Exact("ann"));
        assert_eq!(Glob::new("ann", true).shape(), GlobShape::Contains("ann"));
        assert_eq!(Glob::new("user12*", false).shape(), GlobShape::Prefix("user12"));
        assert_eq!(Glob::new("*12345*", false).shape(), GlobShape::Contains("12345"));
        assert_eq!(Glob::new("*@farm.io", false).shape(), GlobShape::Pattern);
        assert_eq!(Glob::new("a*b", false).shape(), GlobShape::Pattern);
        assert_eq!(Glob::new("**", false).shape(), GlobShape::Pattern);
        assert_eq!(Glob::new("*", false).shape(), GlobShape::Pattern);
    }

    #[test]
    fn like_patterns_escape_what_like_would_read() {
        assert_eq!(Glob::new("50%_off\\*", false).to_like(), "50\\%\\_off\\\\%");
        assert_eq!(Glob::new("ann", true).to_like(), "%ann%");
    }

    #[test]
    fn all_drops_empty_parts_and_unwraps_one() {
        let tag = UserFilter::Tagged { key: "k".into(), value: None };
        assert_eq!(UserFilter::all([UserFilter::All(vec![]), tag.clone()]), tag);
        assert!(UserFilter::all([]).is_everyone());
    }
}
