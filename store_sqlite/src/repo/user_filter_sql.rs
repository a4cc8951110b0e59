//! A `UserFilter` as SQL: the one place conditions on experience users become a `WHERE`
//! clause. The users table is `u` in every query that calls this.

use sqlx::QueryBuilder;

use crate::engine::{by_engine, Db};

use crate::domain::user_filter::{Field, Glob, GlobShape, GroupReach, Op, Scalar, TextField, UserFilter};

/// Shortest `*text*` the trigram index answers; shorter ones are matched by `LIKE`.
const TRIGRAM: usize = 3;

/// Where a substring search finds its candidates on SQLite: the application's scope in the
/// trigram index (migration 9, which holds emails' local parts and names), and its email
/// domains (migration 17).
pub struct TextIndex {
    pub application_id: String,
    pub scope: String,
    /// The candidates of the filter's own substring search, read once when they are few: its
    /// queries then look up these rows instead of asking the indexes again.
    pub found: Option<Candidates>,
}

/// The rowids of the users `*text*` in `fields` may match, as a JSON array.
pub struct Candidates {
    pub fields: Vec<TextField>,
    pub text: String,
    pub rowids: String,
}

/// `trigrams`: given when substring searches are to be narrowed with the trigram index (see
/// `substring_search`).
pub fn push_filter(qb: &mut QueryBuilder<'_, Db>, filter: &UserFilter, trigrams: Option<&TextIndex>) {
    match filter {
        UserFilter::All(parts) | UserFilter::Any(parts) | UserFilter::None(parts) => {
            if parts.is_empty() {
                qb.push(if matches!(filter, UserFilter::Any(_)) { "FALSE" } else { "TRUE" });
                return;
            }
            let joiner = if matches!(filter, UserFilter::All(_)) { " AND " } else { " OR " };
            qb.push(if matches!(filter, UserFilter::None(_)) { "NOT (" } else { "(" });
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    qb.push(joiner);
                }
                push_filter(qb, part, trigrams);
            }
            qb.push(")");
        }
        UserFilter::Glob { fields, glob } => push_glob(qb, fields, glob, trigrams),
        UserFilter::Grouped(yes) => {
            qb.push("u.in_group = ").push_bind(i64::from(*yes));
        }
        // Disabled users are few: their partial index (migration 12) finds them; the active
        // ones are nearly everyone, so `likely` keeps SQLite on the sort index.
        UserFilter::Disabled { disabled: true, at } => {
            qb.push("u.disabled_until > ").push_bind(*at);
        }
        UserFilter::Disabled { disabled: false, at } => {
            qb.push(by_engine!(sqlite => "likely(", postgres => "("));
            qb.push("u.disabled_until IS NULL OR u.disabled_until <= ").push_bind(*at).push(")");
        }
        UserFilter::InGroup { id, reach } => {
            qb.push("EXISTS (SELECT 1 FROM experience_group_members m WHERE m.user_id = u.id AND m.group_id ");
            match reach {
                GroupReach::Only => {
                    qb.push("= ");
                    push_text(qb, id);
                }
                GroupReach::WithAncestors => {
                    qb.push("IN (WITH RECURSIVE up(id) AS (SELECT ");
                    push_text(qb, id).push(
                        " UNION SELECT g.parent_id FROM experience_groups g JOIN up ON g.id = up.id \
                         WHERE g.parent_id IS NOT NULL) SELECT id FROM up)",
                    );
                }
                GroupReach::WithDescendants => {
                    qb.push("IN (WITH RECURSIVE down(id) AS (SELECT ");
                    push_text(qb, id).push(
                        " UNION SELECT g.id FROM experience_groups g JOIN down ON g.parent_id = down.id) \
                         SELECT id FROM down)",
                    );
                }
            }
            qb.push(")");
        }
        UserFilter::Tagged { key, value } => {
            qb.push("EXISTS (SELECT 1 FROM experience_user_tags t WHERE t.user_id = u.id AND ");
            push_tag_match(qb, "t", key, value.as_deref());
            qb.push(")");
        }
        UserFilter::Cond { field: Field::Tag(key), op, value, ci } => {
            let (negate, op) = existence(*op, value);
            qb.push(if negate { "NOT EXISTS" } else { "EXISTS" })
                .push(" (SELECT 1 FROM experience_user_tags t WHERE t.user_id = u.id AND t.key = ");
            push_text(qb, key);
            if *value != Scalar::Null {
                qb.push(" AND ");
                push_compare(qb, "t.value", op, value, *ci);
            }
            qb.push(")");
        }
        UserFilter::Cond { field: Field::GroupId, op, value, ci } => {
            let (negate, op) = existence(*op, value);
            qb.push(if negate { "NOT EXISTS" } else { "EXISTS" })
                .push(" (SELECT 1 FROM experience_group_members m WHERE m.user_id = u.id");
            if *value != Scalar::Null {
                qb.push(" AND ");
                push_compare(qb, "m.group_id", op, value, *ci);
            }
            qb.push(")");
        }
        // Emails are compared by their lowercased form, in every operator.
        UserFilter::Cond { field: Field::Email, op, value, .. } => {
            let value = lowercased(value);
            match (op, &value) {
                (Op::StartsWith, Scalar::Text(prefix)) => push_prefix_range(qb, "u.email_normalized", prefix),
                (Op::Contains, Scalar::Text(text)) => {
                    qb.push("(");
                    if let Some(index) = trigrams {
                        push_substring_candidates(qb, index, &[TextField::Email], text);
                    }
                    push_compare(qb, "u.email_normalized", *op, &value, false);
                    qb.push(")");
                }
                _ => push_compare(qb, "u.email_normalized", *op, &value, false),
            }
        }
        UserFilter::Cond { field: field @ (Field::FirstName | Field::LastName), op, value, ci } => {
            qb.push("(");
            let name = if *field == Field::FirstName { TextField::FirstName } else { TextField::LastName };
            if let (Op::Contains, Scalar::Text(text)) = (op, value) {
                if let Some(index) = trigrams {
                    push_substring_candidates(qb, index, &[name], text);
                }
            }
            match op {
                // Functions of the name see its letters as stored, on both engines.
                Op::StartsWith | Op::EndsWith | Op::Contains => push_compare(qb, column(field), *op, value, *ci),
                _ => push_compare(qb, text_column(name), *op, &name_key_value(value), *ci),
            }
            qb.push(")");
        }
        // Never signed in is stored as 0 and behaves as null: only `null` itself matches it,
        // and no comparison with a date does (`$lt`, `$ne`, `$nin` included).
        UserFilter::Cond { field: Field::LastLogin, op, value: Scalar::Null, ci } => {
            // Never having signed in is common (users added who have not come yet): told
            // nothing, SQLite reads every such user from the last-login index and sorts them
            // for one page (a fifth of 10^6: 280 ms); `likely` has it walk the sort index.
            qb.push(by_engine!(sqlite => "likely(", postgres => "("));
            push_compare(qb, "u.last_login_at", *op, &Scalar::Number(0), *ci);
            qb.push(")");
        }
        UserFilter::Cond { field: Field::LastLogin, op, value, ci } => {
            qb.push("(u.last_login_at > 0 AND ");
            push_compare(qb, "u.last_login_at", *op, value, *ci);
            qb.push(")");
        }
        UserFilter::Cond { field, op, value, ci } => push_compare(qb, column(field), *op, value, *ci),
    }
}

/// `{alias}.key = key [AND {alias}.value = value]`: a tag as the list and the tag index read it.
pub fn push_tag_match(qb: &mut QueryBuilder<'_, Db>, alias: &str, key: &str, value: Option<&str>) {
    qb.push(format_args!("{alias}.key = "));
    push_text(qb, key);
    if let Some(value) = value {
        qb.push(format_args!(" AND {alias}.value = "));
        push_text(qb, value);
    }
}

fn column(field: &Field) -> &'static str {
    match field {
        Field::Id => "u.id",
        Field::Email => "u.email_normalized",
        Field::FirstName => "u.first_name",
        Field::LastName => "u.last_name",
        Field::Created => "u.created_at",
        Field::Updated => "u.updated_at",
        Field::LastLogin => "u.last_login_at",
        Field::PasswordUpdated => "u.password_updated_at",
        Field::Tag(_) | Field::GroupId => unreachable!("tags and groups are matched through their tables"),
    }
}

/// The column a text field is compared and sorted by. Names ignore ASCII case: SQLite
/// declares them `COLLATE NOCASE`; PostgreSQL keeps their `lower()` in key columns, compared
/// with values folded the same way (`name_key_value`, `like_pattern`).
pub fn text_column(field: TextField) -> &'static str {
    match field {
        TextField::Email => "u.email_normalized",
        TextField::FirstName => by_engine!(sqlite => "u.first_name", postgres => "u.first_name_key"),
        TextField::LastName => by_engine!(sqlite => "u.last_name", postgres => "u.last_name_key"),
    }
}

/// A value compared with a name's `text_column`.
fn name_key_value(value: &Scalar) -> Scalar {
    by_engine!(sqlite => value.clone(), postgres => ascii_lowercased(value))
}

/// A `LIKE` pattern: SQLite's `LIKE` ignores ASCII case, PostgreSQL's does not.
fn like_pattern(glob: &Glob) -> String {
    by_engine!(sqlite => glob.to_like(), postgres => glob.to_like().to_ascii_lowercase())
}

// Only PostgreSQL's branches fold values themselves.
#[allow(dead_code)]
fn ascii_lowercased(value: &Scalar) -> Scalar {
    match value {
        Scalar::Text(t) => Scalar::Text(t.to_ascii_lowercase()),
        Scalar::List(items) => Scalar::List(items.iter().map(ascii_lowercased).collect()),
        other => other.clone(),
    }
}

fn fts_column(field: TextField) -> &'static str {
    match field {
        TextField::Email => "email_local",
        TextField::FirstName => "first_name",
        TextField::LastName => "last_name",
    }
}

/// A glob in the cheapest form an index answers: a whole value or a prefix as a range of the
/// sort index, `*text*` through the trigram index (migration 9), anything else as `LIKE`.
/// Emails are stored lowercased and names compared through `text_column`, so every form
/// ignores case.
fn push_glob(qb: &mut QueryBuilder<'_, Db>, fields: &[TextField], glob: &Glob, trigrams: Option<&TextIndex>) {
    qb.push("(");
    if let (GlobShape::Contains(text), Some(index)) = (glob.shape(), trigrams) {
        push_substring_candidates(qb, index, fields, text);
    }
    qb.push("(");
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        let column = text_column(*field);
        match (glob.shape(), field) {
            (GlobShape::Exact(text), TextField::Email) => {
                qb.push(format_args!("{column} = "));
                push_text(qb, text);
            }
            (GlobShape::Exact(text), _) => {
                qb.push(format_args!("{column} = "));
                push_scalar(qb, &name_key_value(&Scalar::Text(text.to_owned())), false);
            }
            (GlobShape::Prefix(prefix), TextField::Email) => push_prefix_range(qb, column, prefix),
            _ => {
                qb.push(format_args!("{column} LIKE "));
                push_text(qb, &like_pattern(glob)).push(" ESCAPE '\\'");
            }
        }
    }
    qb.push("))");
}

/// Lowercased emails in binary order: the values starting with `prefix` are one range of the
/// email index.
fn push_prefix_range(qb: &mut QueryBuilder<'_, Db>, column: &str, prefix: &str) {
    qb.push(format_args!("({column} >= "));
    push_text(qb, prefix).push(format_args!(" AND {column} < "));
    push_text(qb, &format!("{prefix}\u{10ffff}")).push(")");
}

/// A `*text*` condition the trigram index can answer.
pub struct SubstringSearch {
    pub fields: Vec<TextField>,
    pub text: String,
    /// Matches whatever the case (globs, emails, `$ci` names), as the index does.
    pub ignores_case: bool,
}

/// The first substring search of `filter`'s top-level conditions long enough for the trigram
/// index. The list engine asks how many users it matches before choosing between the index and
/// walking the sort order (see `user_list::Plan`).
pub fn substring_search(filter: &UserFilter) -> Option<SubstringSearch> {
    filter.conjuncts().iter().find_map(|part| {
        let (fields, text, ignores_case) = match part {
            UserFilter::Glob { fields, glob } => match glob.shape() {
                GlobShape::Contains(text) => (fields.clone(), text.to_owned(), true),
                _ => return None,
            },
            UserFilter::Cond { field, op: Op::Contains, value: Scalar::Text(text), ci } => match field {
                Field::Email => (vec![TextField::Email], text.to_lowercase(), true),
                Field::FirstName => (vec![TextField::FirstName], text.clone(), *ci),
                Field::LastName => (vec![TextField::LastName], text.clone(), *ci),
                _ => return None,
            },
            _ => return None,
        };
        (text.chars().count() >= TRIGRAM).then_some(SubstringSearch { fields, text, ignores_case })
    })
}

/// The trigram index's query for `text` anywhere in `fields` of the users of the application
/// whose index scope is `scope`. The scope is one trigram of its own column, so the index
/// answers "this application" without reading the users' rows.
pub fn trigram_query(scope: &str, fields: &[TextField], text: &str) -> String {
    let columns: Vec<&str> = fields.iter().map(|f| fts_column(*f)).collect();
    format!("scope : \"{scope}\" AND {{{}}} : \"{}\"", columns.join(" "), text.replace('"', "\"\""))
}

/// `u.rowid IN (…) AND `: the indexes narrow a substring search on `fields` to its candidates,
/// when `text` is long enough for trigrams. The condition that follows keeps only true
/// matches, so a stale index (rowids moved by a VACUUM, say) can miss rows but never show a
/// wrong one.
fn push_substring_candidates(qb: &mut QueryBuilder<'_, Db>, index: &TextIndex, fields: &[TextField], text: &str) {
    if text.chars().count() < TRIGRAM {
        return;
    }
    match &index.found {
        Some(found) if found.fields == fields && found.text == text => {
            qb.push("u.rowid IN (SELECT value FROM json_each(").push_bind(found.rowids.clone()).push(")) AND ");
        }
        _ => {
            qb.push("u.rowid IN (");
            push_candidate_rowids(qb, index, fields, text);
            qb.push(") AND ");
        }
    }
}

/// `SELECT` the rowids of the users `*text*` in `fields` may match: the trigram index's, and
/// with emails among the fields, the users of the domains `text` may match in
/// (`push_domain_match`). A user may be listed twice.
pub fn push_candidate_rowids(qb: &mut QueryBuilder<'_, Db>, index: &TextIndex, fields: &[TextField], text: &str) {
    qb.push("SELECT rowid FROM experience_users_fts WHERE experience_users_fts MATCH ").push_bind(trigram_query(
        &index.scope,
        fields,
        text,
    ));
    if fields.contains(&TextField::Email) {
        qb.push(" UNION ALL SELECT user_rowid FROM email_domain_users WHERE application_id = ")
            .push_bind(index.application_id.clone())
            .push(" AND domain IN (SELECT domain FROM email_domain_counts WHERE application_id = ")
            .push_bind(index.application_id.clone())
            .push(" AND ");
        push_domain_match(qb, text);
        qb.push(")");
    }
}

/// `domain` may hold the email's part of a match of `*text*` (a domain is lowercase, and holds
/// no '@'): it contains `text`, or, if `text` has an '@' (the one between local part and domain
/// is its last), starts with what follows that '@'. The trigram index holds the local parts.
pub fn push_domain_match(qb: &mut QueryBuilder<'_, Db>, text: &str) {
    let text = text.to_lowercase();
    match text.rsplit_once('@') {
        Some((_, start)) => push_prefix_range(qb, "domain", start),
        None => {
            qb.push("instr(domain, ");
            push_text(qb, &text).push(") > 0");
        }
    }
}

/// A text operand. No stored text holds a NUL character (the domain types refuse it, and
/// PostgreSQL cannot store one), so a text with one equals nothing: it is compiled as `NULL`,
/// which compares as unknown on both engines alike.
fn push_text<'q, 'a>(qb: &'a mut QueryBuilder<'q, Db>, text: &str) -> &'a mut QueryBuilder<'q, Db> {
    if text.contains('\0') {
        qb.push("NULL")
    } else {
        qb.push_bind(text.to_owned())
    }
}

fn lowercased(value: &Scalar) -> Scalar {
    match value {
        Scalar::Text(t) => Scalar::Text(t.to_lowercase()),
        Scalar::List(items) => Scalar::List(items.iter().map(lowercased).collect()),
        other => other.clone(),
    }
}

fn push_scalar(qb: &mut QueryBuilder<'_, Db>, value: &Scalar, lower: bool) {
    match value {
        Scalar::Text(t) if lower => push_text(qb, &t.to_lowercase()),
        Scalar::Text(t) => push_text(qb, t),
        Scalar::Number(n) => qb.push_bind(*n),
        Scalar::Null | Scalar::List(_) => qb.push("NULL"),
    };
}

/// `expr <op> value` for one column-like SQL expression. `ci` compares case-insensitively.
fn push_compare(qb: &mut QueryBuilder<'_, Db>, expr: &str, op: Op, value: &Scalar, ci: bool) {
    let e = if ci { format!("lower({expr})") } else { expr.to_owned() };
    match (op, value) {
        (Op::Eq, Scalar::Null) => {
            qb.push(format_args!("{expr} IS NULL"));
        }
        (Op::Ne, Scalar::Null) => {
            qb.push(format_args!("{expr} IS NOT NULL"));
        }
        (Op::Eq | Op::Ne | Op::Gt | Op::Lt | Op::Gte | Op::Lte, _) => {
            let sql = match op {
                Op::Eq => "=",
                Op::Ne => "<>",
                Op::Gt => ">",
                Op::Lt => "<",
                Op::Gte => ">=",
                _ => "<=",
            };
            qb.push(format_args!("{e} {sql} "));
            push_scalar(qb, value, ci);
        }
        (Op::StartsWith, _) => {
            qb.push(format_args!("substr({e}, 1, length("));
            push_scalar(qb, value, ci);
            qb.push(")) = ");
            push_scalar(qb, value, ci);
        }
        (Op::EndsWith, _) => {
            // The last characters: `substr(e, -n)` on SQLite, `right(e, n)` on PostgreSQL.
            let (tail, minus) = by_engine!(sqlite => ("substr", "-"), postgres => ("right", ""));
            qb.push(format_args!("{tail}({e}, {minus}length("));
            push_scalar(qb, value, ci);
            qb.push(")) = ");
            push_scalar(qb, value, ci);
        }
        (Op::Contains, _) => {
            let find = by_engine!(sqlite => "instr", postgres => "strpos");
            qb.push(format_args!("{find}({e}, "));
            push_scalar(qb, value, ci);
            qb.push(") > 0");
        }
        (Op::In | Op::Nin, Scalar::List(items)) => {
            if items.is_empty() {
                qb.push(if op == Op::In { "FALSE" } else { "TRUE" });
                return;
            }
            qb.push(format_args!("{e} {} (", if op == Op::In { "IN" } else { "NOT IN" }));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    qb.push(", ");
                }
                push_scalar(qb, item, ci);
            }
            qb.push(")");
        }
        (Op::In | Op::Nin, _) => {
            qb.push("FALSE");
        }
    }
}

/// For tags and groups, `$ne` / `$nin` mean "no tag (membership) matches the positive
/// condition", and a null value asks whether there is any at all. Answers (negate, op).
fn existence(op: Op, value: &Scalar) -> (bool, Op) {
    match (op, value) {
        (Op::Eq, Scalar::Null) => (true, Op::Eq),
        (Op::Ne, Scalar::Null) => (false, Op::Eq),
        (Op::Ne, _) => (true, Op::Eq),
        (Op::Nin, _) => (true, Op::In),
        (op, _) => (false, op),
    }
}
