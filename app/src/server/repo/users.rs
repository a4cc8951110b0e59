//! Experience users. List queries are keyset-paginated over the per-sort indexes of the
//! `experience_users` migration, so a page costs the same at any depth.

use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use std::collections::HashMap;

use crate::experience::users::{
    glob_to_like, ListQuery, PageAt, SortDir, SortField, UserDetail, UserRow, UserView, ViewCounts, MATCH_COUNT_CAP,
};

pub struct NewUser<'a> {
    pub id: &'a str,
    pub application_id: &'a str,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub now: i64,
}

pub async fn insert(conn: &mut SqliteConnection, user: &NewUser<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO experience_users
             (id, application_id, email, email_normalized, password_hash, first_name, last_name,
              created_at, updated_at, password_updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        user.id,
        user.application_id,
        user.email,
        user.email_normalized,
        user.password_hash,
        user.first_name,
        user.last_name,
        user.now,
        user.now,
        user.now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The application's user count and limit, or `None` if it does not exist.
pub async fn count_and_limit(
    conn: &mut SqliteConnection,
    application_id: &str,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query!("SELECT user_count, user_limit FROM applications WHERE id = ?", application_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| (r.user_count, r.user_limit)))
}

pub async fn counts(conn: &mut SqliteConnection, application_id: &str) -> Result<Option<ViewCounts>, sqlx::Error> {
    let row = sqlx::query!("SELECT user_count, grouped_user_count FROM applications WHERE id = ?", application_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| ViewCounts {
        all: r.user_count,
        in_any_group: r.grouped_user_count,
        in_no_group: r.user_count - r.grouped_user_count,
    }))
}

pub async fn email_taken(
    conn: &mut SqliteConnection,
    application_id: &str,
    email_normalized: &str,
    except_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let except = except_id.unwrap_or("");
    let found = sqlx::query_scalar!(
        r#"SELECT 1 AS "one!: i64" FROM experience_users
           WHERE application_id = ? AND email_normalized = ? AND id <> ?"#,
        application_id,
        email_normalized,
        except
    )
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

pub async fn get(
    conn: &mut SqliteConnection,
    application_id: &str,
    id: &str,
) -> Result<Option<UserDetail>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", email, first_name, last_name, version, created_at, updated_at,
                  password_updated_at, last_login_at, token_cutoff
           FROM experience_users WHERE application_id = ? AND id = ?"#,
        application_id,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| UserDetail {
        id: r.id,
        email: r.email,
        first_name: r.first_name,
        last_name: r.last_name,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
        password_updated_at: r.password_updated_at,
        last_login_at: (r.last_login_at > 0).then_some(r.last_login_at),
        token_cutoff: r.token_cutoff,
    }))
}

/// The id and password hash behind an email, for signing in.
pub async fn find_for_sign_in(
    conn: &mut SqliteConnection,
    application_id: &str,
    email_normalized: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", password_hash FROM experience_users
           WHERE application_id = ? AND email_normalized = ?"#,
        application_id,
        email_normalized
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.id, r.password_hash)))
}

/// Signing in is not an edit: neither `updated_at` nor `version` moves.
pub async fn record_login(conn: &mut SqliteConnection, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE experience_users SET last_login_at = ? WHERE id = ?", now, id).execute(conn).await?;
    Ok(())
}

/// Rejects the user's tokens issued up to `at`; touches nothing else. False if no such user.
pub async fn set_token_cutoff(
    conn: &mut SqliteConnection,
    application_id: &str,
    id: &str,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE experience_users SET token_cutoff = ? WHERE application_id = ? AND id = ?",
        at,
        application_id,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A group a user belongs to directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

pub async fn groups_of(conn: &mut SqliteConnection, user_id: &str) -> Result<Vec<Membership>, sqlx::Error> {
    sqlx::query_as!(
        Membership,
        r#"SELECT g.id AS "id!", g.name, g.parent_id
           FROM experience_group_members m JOIN experience_groups g ON g.id = m.group_id
           WHERE m.user_id = ? ORDER BY g.name, g.id"#,
        user_id
    )
    .fetch_all(conn)
    .await
}

/// Sets the user's tags to exactly `tags`.
pub async fn replace_tags(
    conn: &mut SqliteConnection,
    user_id: &str,
    tags: &[(String, String)],
) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM experience_user_tags WHERE user_id = ?", user_id).execute(&mut *conn).await?;
    for (key, value) in tags {
        sqlx::query!("INSERT INTO experience_user_tags (user_id, key, value) VALUES (?, ?, ?)", user_id, key, value)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Sets the user's groups to exactly `group_ids`, writing only the differences so the
/// membership triggers see real changes only.
pub async fn replace_groups(
    conn: &mut SqliteConnection,
    user_id: &str,
    group_ids: &[String],
) -> Result<(), sqlx::Error> {
    let current: Vec<String> =
        sqlx::query_scalar!("SELECT group_id FROM experience_group_members WHERE user_id = ?", user_id)
            .fetch_all(&mut *conn)
            .await?;
    for gone in current.iter().filter(|id| !group_ids.contains(id)) {
        sqlx::query!("DELETE FROM experience_group_members WHERE group_id = ? AND user_id = ?", gone, user_id)
            .execute(&mut *conn)
            .await?;
    }
    for new in group_ids.iter().filter(|id| !current.contains(id)) {
        sqlx::query!("INSERT OR IGNORE INTO experience_group_members (group_id, user_id) VALUES (?, ?)", new, user_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn tags_of(conn: &mut SqliteConnection, user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, value FROM experience_user_tags WHERE user_id = ? ORDER BY key", user_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
}

/// Tags and groups of many users in two queries (for list pages), keyed by user id; users
/// without any are absent. The ids travel as one JSON array bind.
pub async fn tags_and_groups_of(
    conn: &mut SqliteConnection,
    user_ids: &[String],
) -> Result<(HashMap<String, Vec<(String, String)>>, HashMap<String, Vec<Membership>>), sqlx::Error> {
    let ids = serde_json::to_string(user_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let tag_rows = sqlx::query!(
        r#"SELECT user_id AS "user_id!", key, value FROM experience_user_tags
           WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id, key"#,
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tags: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for r in tag_rows {
        tags.entry(r.user_id).or_default().push((r.key, r.value));
    }
    let group_rows = sqlx::query!(
        r#"SELECT m.user_id AS "user_id!", g.id AS "id!", g.name, g.parent_id
           FROM experience_group_members m JOIN experience_groups g ON g.id = m.group_id
           WHERE m.user_id IN (SELECT value FROM json_each(?)) ORDER BY g.name, g.id"#,
        ids
    )
    .fetch_all(conn)
    .await?;
    let mut groups: HashMap<String, Vec<Membership>> = HashMap::new();
    for r in group_rows {
        groups.entry(r.user_id).or_default().push(Membership { id: r.id, name: r.name, parent_id: r.parent_id });
    }
    Ok((tags, groups))
}

pub struct UserChanges<'a> {
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    /// `Some` only when the password changes.
    pub password_hash: Option<&'a str>,
    /// `Some` to reject the user's tokens issued up to that instant.
    pub token_cutoff: Option<i64>,
}

/// Saves `changes` if the stored version is still `version`; false otherwise (someone else
/// saved first, or the user is gone).
pub async fn update(
    conn: &mut SqliteConnection,
    application_id: &str,
    id: &str,
    version: i64,
    changes: &UserChanges<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE experience_users
            SET email = ?, email_normalized = ?, first_name = ?, last_name = ?,
                password_hash = COALESCE(?, password_hash),
                password_updated_at = CASE WHEN ? IS NULL THEN password_updated_at ELSE ? END,
                token_cutoff = COALESCE(?, token_cutoff),
                updated_at = ?, version = version + 1
          WHERE application_id = ? AND id = ? AND version = ?",
        changes.email,
        changes.email_normalized,
        changes.first_name,
        changes.last_name,
        changes.password_hash,
        changes.password_hash,
        now,
        changes.token_cutoff,
        now,
        application_id,
        id,
        version
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the user; memberships and tags go with it (foreign keys cascade).
pub async fn delete(conn: &mut SqliteConnection, application_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM experience_users WHERE application_id = ? AND id = ?", application_id, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The column behind each sort; also what the indexes of the users migration are built on.
pub fn sort_column(field: SortField) -> &'static str {
    match field {
        SortField::Email => "email_normalized",
        SortField::FirstName => "first_name",
        SortField::LastName => "last_name",
        SortField::Created => "created_at",
        SortField::LastLogin => "last_login_at",
        SortField::LastUpdated => "updated_at",
    }
}

/// The WHERE clause every list query shares: application, view and text filter.
fn push_scope(qb: &mut QueryBuilder<'_, Sqlite>, application_id: &str, query: &ListQuery) {
    qb.push(" WHERE application_id = ").push_bind(application_id.to_owned());
    match query.view {
        UserView::All => {}
        UserView::InAnyGroup => {
            qb.push(" AND in_group = 1");
        }
        UserView::InNoGroup => {
            qb.push(" AND in_group = 0");
        }
    }
    if !query.group.is_empty() {
        qb.push(" AND EXISTS (SELECT 1 FROM experience_group_members m WHERE m.user_id = experience_users.id AND m.group_id ");
        if query.subgroups {
            qb.push("IN (WITH RECURSIVE down(id) AS (SELECT ").push_bind(query.group.clone()).push(
                " UNION SELECT g.id FROM experience_groups g JOIN down ON g.parent_id = down.id) SELECT id FROM down))",
            );
        } else {
            qb.push("= ").push_bind(query.group.clone()).push(")");
        }
    }
    if let Some((key, value)) = query.tag_filter() {
        qb.push(" AND EXISTS (SELECT 1 FROM experience_user_tags t WHERE t.user_id = experience_users.id AND t.key = ")
            .push_bind(key.to_owned());
        if let Some(value) = value {
            qb.push(" AND t.value = ").push_bind(value.to_owned());
        }
        qb.push(")");
    }
    if !query.filter.trim().is_empty() {
        let like = glob_to_like(&query.filter, true);
        qb.push(" AND (email_normalized LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
        qb.push(" OR first_name LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
        qb.push(" OR last_name LIKE ").push_bind(like).push(" ESCAPE '\\')");
    }
}

/// Below this many users holding a filtered tag, a page is read from the tag index and sorted
/// (a few thousand rows cost a millisecond or two); above it, the sort index is walked and each
/// user's tags probed, which needs about `page size / share of users tagged` probes. The
/// walk grows as the tag gets rarer and the sort grows as it gets commoner: this picks the
/// cheaper of the two (make bench-groups measures a tag on 10 %, 1 % and 0.1 % of 10^6 users).
const FEW_TAGGED: i64 = 2_000;

/// Are at most `FEW_TAGGED` users (of any application) tagged as the query's tag filter says?
async fn few_tagged(conn: &mut SqliteConnection, query: &ListQuery) -> Result<bool, sqlx::Error> {
    let Some((key, value)) = query.tag_filter() else { return Ok(false) };
    let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM experience_user_tags WHERE key = ");
    qb.push_bind(key.to_owned());
    if let Some(value) = value {
        qb.push(" AND value = ").push_bind(value.to_owned());
    }
    qb.push(" LIMIT ").push_bind(FEW_TAGGED + 1).push(")");
    Ok(qb.build_query_scalar::<i64>().fetch_one(conn).await? <= FEW_TAGGED)
}

/// `{select} FROM` the users in the query's scope. With `from_tags` and a tag filter, the rows
/// come from the tag index (the tag applied in the join) instead of each user's tags being probed.
fn scoped<'a>(select: &str, application_id: &str, query: &ListQuery, from_tags: bool) -> QueryBuilder<'a, Sqlite> {
    match query.tag_filter().filter(|_| from_tags) {
        Some((key, value)) => {
            let mut qb = QueryBuilder::new(format!(
                "{select} FROM experience_user_tags t CROSS JOIN experience_users ON experience_users.id = t.user_id AND t.key = "
            ));
            qb.push_bind(key.to_owned());
            if let Some(value) = value {
                qb.push(" AND t.value = ").push_bind(value.to_owned());
            }
            push_scope(&mut qb, application_id, &ListQuery { tag: String::new(), ..query.clone() });
            qb
        }
        None => {
            let mut qb = QueryBuilder::new(format!("{select} FROM experience_users"));
            push_scope(&mut qb, application_id, query);
            qb
        }
    }
}

/// The sort value and id of the row a cursor names: cursors are plain ids, so they need no
/// encoding, and the comparison binds real values so SQLite walks the sort index from there.
#[derive(Clone)]
enum Cursor {
    Text(String, String),
    Int(i64, String),
}

async fn resolve_cursor(
    conn: &mut SqliteConnection,
    application_id: &str,
    field: SortField,
    id: &str,
) -> Result<Option<Cursor>, sqlx::Error> {
    let column = sort_column(field);
    let sql = format!("SELECT {column} AS v FROM experience_users WHERE application_id = ? AND id = ?");
    let row = sqlx::query(&sql).bind(application_id).bind(id).fetch_optional(conn).await?;
    Ok(row.map(|r| match field {
        SortField::Email | SortField::FirstName | SortField::LastName => Cursor::Text(r.get("v"), id.to_owned()),
        _ => Cursor::Int(r.get("v"), id.to_owned()),
    }))
}

fn push_keyset(qb: &mut QueryBuilder<'_, Sqlite>, column: &str, op: &str, cursor: &Cursor) {
    qb.push(format!(" AND ({column}, id) {op} ("));
    match cursor.clone() {
        Cursor::Text(v, id) => qb.push_bind(v).push(", ").push_bind(id),
        Cursor::Int(v, id) => qb.push_bind(v).push(", ").push_bind(id),
    };
    qb.push(")");
}

/// One page of the list, and whether pages exist before and after it.
pub async fn list(
    conn: &mut SqliteConnection,
    application_id: &str,
    query: &ListQuery,
) -> Result<(Vec<UserRow>, Option<PageAt>, Option<PageAt>), sqlx::Error> {
    let column = sort_column(query.sort);
    let asc = query.dir == SortDir::Asc;
    let cursor = match &query.at {
        PageAt::After(id) | PageAt::Before(id) => resolve_cursor(conn, application_id, query.sort, id).await?,
        _ => None,
    };
    // A cursor whose row has gone (deleted meanwhile) starts the list over.
    let at = if cursor.is_none() && matches!(query.at, PageAt::After(_) | PageAt::Before(_)) {
        PageAt::First
    } else {
        query.at.clone()
    };
    // Reading backwards (Before, Last) walks the index the other way, then flips the rows.
    let backwards = matches!(at, PageAt::Before(_) | PageAt::Last);
    let walk_asc = asc != backwards;
    let (op, order) = if walk_asc { (">", "ASC") } else { ("<", "DESC") };
    let size = query.size.clamp(1, 100) as i64;

    let from_tags = few_tagged(conn, query).await?;
    let mut qb = scoped(
        "SELECT id, email, first_name, last_name, last_login_at, created_at, token_cutoff",
        application_id,
        query,
        from_tags,
    );
    if let Some(cursor) = &cursor {
        push_keyset(&mut qb, column, op, cursor);
    }
    qb.push(format!(" ORDER BY {column} {order}, id {order} LIMIT ")).push_bind(size + 1);
    let fetched = qb.build().fetch_all(&mut *conn).await?;

    let more_beyond = fetched.len() as i64 > size;
    let mut rows: Vec<UserRow> = fetched
        .into_iter()
        .take(size as usize)
        .map(|r| UserRow {
            id: r.get("id"),
            email: r.get("email"),
            first_name: r.get("first_name"),
            last_name: r.get("last_name"),
            last_login_at: Some(r.get::<i64, _>("last_login_at")).filter(|t| *t > 0),
            created_at: r.get("created_at"),
            token_cutoff: r.get("token_cutoff"),
            groups: Vec::new(),
        })
        .collect();
    if backwards {
        rows.reverse();
    }

    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok((rows, None, None));
    };
    let (first_id, last_id) = (first.id.clone(), last.id.clone());
    let (prev, next) = match at {
        PageAt::First => (false, more_beyond),
        PageAt::Last => (more_beyond, false),
        PageAt::After(_) => {
            (exists_beyond(conn, application_id, query, from_tags, &first_id, false).await?, more_beyond)
        }
        PageAt::Before(_) => {
            (more_beyond, exists_beyond(conn, application_id, query, from_tags, &last_id, true).await?)
        }
    };

    let groups = group_names(conn, rows.iter().map(|r| r.id.as_str())).await?;
    for row in &mut rows {
        row.groups = groups.get(&row.id).cloned().unwrap_or_default();
    }
    Ok((rows, prev.then_some(PageAt::Before(first_id)), next.then_some(PageAt::After(last_id))))
}

/// Is there a row after (`forward`) or before the row `id` in the list's order?
async fn exists_beyond(
    conn: &mut SqliteConnection,
    application_id: &str,
    query: &ListQuery,
    from_tags: bool,
    id: &str,
    forward: bool,
) -> Result<bool, sqlx::Error> {
    let column = sort_column(query.sort);
    let asc = query.dir == SortDir::Asc;
    let op = if asc == forward { ">" } else { "<" };
    let Some(cursor) = resolve_cursor(conn, application_id, query.sort, id).await? else {
        return Ok(false);
    };
    let mut qb = scoped("SELECT 1", application_id, query, from_tags);
    push_keyset(&mut qb, column, op, &cursor);
    qb.push(" LIMIT 1");
    Ok(qb.build().fetch_optional(conn).await?.is_some())
}

/// How many users of the view match the text filter (the view's count when there is none).
pub async fn count_matching(
    conn: &mut SqliteConnection,
    application_id: &str,
    query: &ListQuery,
    counts: &ViewCounts,
) -> Result<i64, sqlx::Error> {
    if query.filter.trim().is_empty() && query.group.is_empty() && query.tag_filter().is_none() {
        return Ok(match query.view {
            UserView::All => counts.all,
            UserView::InAnyGroup => counts.in_any_group,
            UserView::InNoGroup => counts.in_no_group,
        });
    }
    // Counting stops past the cap, so a filter matching most of 10^6 users costs no more
    // than one matching few. A tag filter walks the tag index (its rows, not the users').
    let cap = MATCH_COUNT_CAP + 1;
    let mut qb = scoped("SELECT COUNT(*) FROM (SELECT 1", application_id, query, true);
    qb.push(" LIMIT ").push_bind(cap).push(")");
    qb.build_query_scalar::<i64>().fetch_one(conn).await
}

/// Group names of each of the given users, alphabetically.
async fn group_names<'a>(
    conn: &mut SqliteConnection,
    user_ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, Vec<String>>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT m.user_id, g.name FROM experience_group_members m
         JOIN experience_groups g ON g.id = m.group_id WHERE m.user_id IN (",
    );
    let mut any = false;
    {
        let mut list = qb.separated(", ");
        for id in user_ids {
            list.push_bind(id.to_owned());
            any = true;
        }
    }
    if !any {
        return Ok(HashMap::new());
    }
    qb.push(") ORDER BY g.name COLLATE NOCASE");
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for row in qb.build().fetch_all(conn).await? {
        map.entry(row.get("user_id")).or_default().push(row.get("name"));
    }
    Ok(map)
}

/// The groups above the user's groups that the user is not in directly: inherited access.
pub async fn inherited_groups(
    conn: &mut SqliteConnection,
    user_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH RECURSIVE up(id) AS (
               SELECT g.parent_id FROM experience_group_members m JOIN experience_groups g ON g.id = m.group_id
               WHERE m.user_id = ?1 AND g.parent_id IS NOT NULL
               UNION
               SELECT g.parent_id FROM experience_groups g JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL
           )
           SELECT g.id AS "id!", g.name FROM up JOIN experience_groups g ON g.id = up.id
           WHERE g.id NOT IN (SELECT group_id FROM experience_group_members WHERE user_id = ?1)
           ORDER BY g.name, g.id"#,
        user_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// Up to 10 tag keys of the application starting with `prefix`, most used first.
pub async fn suggest_tag_keys(
    conn: &mut SqliteConnection,
    application_id: &str,
    prefix: &str,
) -> Result<Vec<String>, sqlx::Error> {
    // Keys are ASCII letters, digits, `_` and `-`, all below DEL: [prefix, prefix + DEL) is
    // exactly the keys with that prefix, one range of the primary key.
    let upper = format!("{prefix}\u{7f}");
    sqlx::query_scalar!(
        "SELECT key FROM tag_key_counts WHERE application_id = ? AND key >= ? AND key < ?
         ORDER BY users DESC, key LIMIT 10",
        application_id,
        prefix,
        upper
    )
    .fetch_all(conn)
    .await
}
