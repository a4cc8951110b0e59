//! Which groups users belong to: directly, through the groups above, and for many at once.

use sqlx::{QueryBuilder, SqliteConnection};
use std::collections::HashMap;

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

/// Group names of each of the given users, alphabetically.
pub async fn group_names<'a>(
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
    for (user_id, name) in qb.build_query_as::<(String, String)>().fetch_all(conn).await? {
        map.entry(user_id).or_default().push(name);
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
