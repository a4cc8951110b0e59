//! Experience-user searches for the REST API: any combination of conditions (the text filter,
//! group filters, Losant's advanced query), sorted, one page at an offset.

use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::users::sort_column;
use crate::experience::users::{SortField, UserDetail};

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    All(Vec<Filter>),
    Any(Vec<Filter>),
    None(Vec<Filter>),
    Cond {
        field: Field,
        op: Op,
        value: Scalar,
        ci: bool,
    },
    /// `LIKE` pattern (escaped with `\`) on email, first or last name: the list's `filter`.
    Like {
        field: Field,
        pattern: String,
    },
    /// In at least one group (`true`) or in none.
    Grouped(bool),
    /// Member of this group (or, with ancestors, of it or any group above it).
    InGroup {
        id: String,
        with_ancestors: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Id,
    Email,
    FirstName,
    LastName,
    Created,
    Updated,
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

impl Field {
    fn column(&self) -> Option<&'static str> {
        Some(match self {
            Field::Id => "u.id",
            Field::Email => "u.email_normalized",
            Field::FirstName => "u.first_name",
            Field::LastName => "u.last_name",
            Field::Created => "u.created_at",
            Field::Updated => "u.updated_at",
            Field::LastLogin => "u.last_login_at",
            Field::PasswordUpdated => "u.password_updated_at",
            Field::Tag(_) | Field::GroupId => return None,
        })
    }
}

fn push_scalar(qb: &mut QueryBuilder<'_, Sqlite>, value: &Scalar, lower: bool) {
    match value {
        Scalar::Text(t) if lower => qb.push_bind(t.to_lowercase()),
        Scalar::Text(t) => qb.push_bind(t.clone()),
        Scalar::Number(n) => qb.push_bind(*n),
        Scalar::Null | Scalar::List(_) => qb.push("NULL"),
    };
}

/// `expr <op> value` for one column-like SQL expression. `ci` compares case-insensitively.
fn push_compare(qb: &mut QueryBuilder<'_, Sqlite>, expr: &str, op: Op, value: &Scalar, ci: bool) {
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
            qb.push(format_args!("substr({e}, -length("));
            push_scalar(qb, value, ci);
            qb.push(")) = ");
            push_scalar(qb, value, ci);
        }
        (Op::Contains, _) => {
            qb.push(format_args!("instr({e}, "));
            push_scalar(qb, value, ci);
            qb.push(") > 0");
        }
        (Op::In | Op::Nin, Scalar::List(items)) => {
            if items.is_empty() {
                qb.push(if op == Op::In { "0" } else { "1" });
                return;
            }
            qb.push(format_args!("{e} {} (", if op == Op::In { "IN" } else { "NOT IN" }));
            let mut list = qb.separated(", ");
            for item in items {
                match item {
                    Scalar::Text(t) if ci => list.push_bind(t.to_lowercase()),
                    Scalar::Text(t) => list.push_bind(t.clone()),
                    Scalar::Number(n) => list.push_bind(*n),
                    _ => list.push("NULL"),
                };
            }
            qb.push(")");
        }
        (Op::In | Op::Nin, _) => {
            qb.push("0");
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

fn push_filter(qb: &mut QueryBuilder<'_, Sqlite>, filter: &Filter) {
    match filter {
        Filter::All(parts) | Filter::Any(parts) | Filter::None(parts) => {
            if parts.is_empty() {
                qb.push(if matches!(filter, Filter::Any(_)) { "0" } else { "1" });
                return;
            }
            let joiner = if matches!(filter, Filter::All(_)) { " AND " } else { " OR " };
            qb.push(if matches!(filter, Filter::None(_)) { "NOT (" } else { "(" });
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    qb.push(joiner);
                }
                push_filter(qb, part);
            }
            qb.push(")");
        }
        Filter::Like { field, pattern } => {
            let column = field.column().unwrap_or("u.email_normalized");
            qb.push(format_args!("{column} LIKE ")).push_bind(pattern.clone()).push(" ESCAPE '\\'");
        }
        Filter::Grouped(yes) => {
            qb.push("u.in_group = ").push_bind(i64::from(*yes));
        }
        Filter::InGroup { id, with_ancestors } => {
            qb.push("EXISTS (SELECT 1 FROM experience_group_members m WHERE m.user_id = u.id AND m.group_id ");
            if *with_ancestors {
                qb.push("IN (WITH RECURSIVE up(id) AS (SELECT ")
                    .push_bind(id.clone())
                    .push(" UNION SELECT g.parent_id FROM experience_groups g JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL) SELECT id FROM up))");
            } else {
                qb.push("= ").push_bind(id.clone()).push(")");
            }
        }
        Filter::Cond { field: Field::Tag(key), op, value, ci } => {
            let (negate, op) = existence(*op, value);
            qb.push(if negate { "NOT EXISTS" } else { "EXISTS" })
                .push(" (SELECT 1 FROM experience_user_tags t WHERE t.user_id = u.id AND t.key = ")
                .push_bind(key.clone());
            if *value != Scalar::Null {
                qb.push(" AND ");
                push_compare(qb, "t.value", op, value, *ci);
            }
            qb.push(")");
        }
        Filter::Cond { field: Field::GroupId, op, value, ci } => {
            let (negate, op) = existence(*op, value);
            qb.push(if negate { "NOT EXISTS" } else { "EXISTS" })
                .push(" (SELECT 1 FROM experience_group_members m WHERE m.user_id = u.id");
            if *value != Scalar::Null {
                qb.push(" AND ");
                push_compare(qb, "m.group_id", op, value, *ci);
            }
            qb.push(")");
        }
        Filter::Cond { field, op, value, ci } => {
            let column = field.column().unwrap_or("u.id");
            // Emails are kept lowercased for comparison; never-signed-in is stored as 0.
            let (value, ci) = match (field, value) {
                (Field::Email, Scalar::Text(t)) => (Scalar::Text(t.to_lowercase()), false),
                (Field::LastLogin, Scalar::Null) => (Scalar::Number(0), *ci),
                _ => (value.clone(), *ci),
            };
            push_compare(qb, column, *op, &value, ci);
        }
    }
}

pub struct Search<'a> {
    pub filter: &'a Filter,
    pub sort: SortField,
    /// Sorting by id is Losant's too; ours are random, so it is a stable arbitrary order.
    pub sort_by_id: bool,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

/// One page of matching users and how many match in all.
pub async fn search(
    conn: &mut SqliteConnection,
    application_id: &str,
    search: &Search<'_>,
) -> Result<(Vec<UserDetail>, i64), sqlx::Error> {
    let mut count = QueryBuilder::new("SELECT COUNT(*) FROM experience_users u WHERE u.application_id = ");
    count.push_bind(application_id.to_owned()).push(" AND ");
    push_filter(&mut count, search.filter);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

    let mut page = QueryBuilder::new(
        "SELECT u.id, u.email, u.first_name, u.last_name, u.version, u.created_at, u.updated_at,
                u.password_updated_at, u.last_login_at, u.token_cutoff
         FROM experience_users u WHERE u.application_id = ",
    );
    page.push_bind(application_id.to_owned()).push(" AND ");
    push_filter(&mut page, search.filter);
    let dir = if search.descending { "DESC" } else { "ASC" };
    if search.sort_by_id {
        page.push(format_args!(" ORDER BY u.id {dir}"));
    } else {
        page.push(format_args!(" ORDER BY u.{} {dir}, u.id {dir}", sort_column(search.sort)));
    }
    page.push(" LIMIT ").push_bind(search.limit).push(" OFFSET ").push_bind(search.offset);
    let rows = page.build().fetch_all(conn).await?;
    let users = rows
        .into_iter()
        .map(|r| {
            let last_login: i64 = r.get("last_login_at");
            UserDetail {
                id: r.get("id"),
                email: r.get("email"),
                first_name: r.get("first_name"),
                last_name: r.get("last_name"),
                version: r.get("version"),
                created_at: r.get("created_at"),
                updated_at: r.get("updated_at"),
                password_updated_at: r.get("password_updated_at"),
                last_login_at: (last_login > 0).then_some(last_login),
                token_cutoff: r.get("token_cutoff"),
            }
        })
        .collect();
    Ok((users, total))
}
