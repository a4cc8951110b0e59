//! Which groups users belong to: directly, through the groups above, and for many at once.

use sqlx::QueryBuilder;

use crate::engine::{by_engine, Db, DbConn};
use crate::records::Membership;
use std::collections::HashMap;

pub async fn groups_of(conn: &mut DbConn, user_id: &str) -> Result<Vec<Membership>, sqlx::Error> {
    sqlx::query_as!(
        Membership,
        r#"SELECT g.id AS "id!", g.name, g.parent_id
           FROM experience_group_members m JOIN experience_groups g ON g.id = m.group_id
           WHERE m.user_id = $1 ORDER BY g.name, g.id"#,
        user_id
    )
    .fetch_all(conn)
    .await
}

/// Sets the user's groups to exactly `group_ids`, writing only the differences so the
/// membership triggers see real changes only.
pub async fn replace_groups(conn: &mut DbConn, user_id: &str, group_ids: &[String]) -> Result<(), sqlx::Error> {
    let current: Vec<String> =
        sqlx::query_scalar!("SELECT group_id FROM experience_group_members WHERE user_id = $1", user_id)
            .fetch_all(&mut *conn)
            .await?;
    for gone in current.iter().filter(|id| !group_ids.contains(id)) {
        sqlx::query!("DELETE FROM experience_group_members WHERE group_id = $1 AND user_id = $2", gone, user_id)
            .execute(&mut *conn)
            .await?;
    }
    for new in group_ids.iter().filter(|id| !current.contains(id)) {
        sqlx::query!(
            "INSERT INTO experience_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            new,
            user_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds memberships `(group id, user id)` (an import's new users), `INSERT_BATCH` to a statement.
pub async fn insert_many(conn: &mut DbConn, memberships: &[(&str, &str)]) -> Result<(), sqlx::Error> {
    for batch in memberships.chunks(super::users::INSERT_BATCH) {
        let mut insert = QueryBuilder::<Db>::new("INSERT INTO experience_group_members (group_id, user_id) ");
        insert.push_values(batch, |mut row, (group_id, user_id)| {
            row.push_bind(*group_id).push_bind(*user_id);
        });
        insert.push(" ON CONFLICT DO NOTHING");
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Tags and groups of many users in two queries (for list pages), keyed by user id; users
/// without any are absent. The ids travel as one JSON array bind.
pub async fn tags_and_groups_of(
    conn: &mut DbConn,
    user_ids: &[String],
) -> Result<(HashMap<String, Vec<(String, String)>>, HashMap<String, Vec<Membership>>), sqlx::Error> {
    let ids = serde_json::to_string(user_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    // The one difference: how each engine unpacks a JSON array of strings into rows.
    macro_rules! tags_of_ids {
        ($ids:tt) => {
            sqlx::query!(
                r#"SELECT user_id AS "user_id!", key, value FROM experience_user_tags WHERE user_id IN "#
                    + $ids
                    + " ORDER BY user_id, key",
                ids
            )
        };
    }
    macro_rules! groups_of_ids {
        ($ids:tt) => {
            sqlx::query!(
                r#"SELECT m.user_id AS "user_id!", g.id AS "id!", g.name, g.parent_id
                   FROM experience_group_members m JOIN experience_groups g ON g.id = m.group_id
                   WHERE m.user_id IN "#
                    + $ids
                    + " ORDER BY g.name, g.id",
                ids
            )
        };
    }
    let tag_rows = by_engine!(
        sqlite => tags_of_ids!("(SELECT value FROM json_each($1))"),
        postgres => tags_of_ids!("(SELECT json_array_elements_text($1::text::json))"),
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tags: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for r in tag_rows {
        tags.entry(r.user_id).or_default().push((r.key, r.value));
    }
    let group_rows = by_engine!(
        sqlite => groups_of_ids!("(SELECT value FROM json_each($1))"),
        postgres => groups_of_ids!("(SELECT json_array_elements_text($1::text::json))"),
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
    conn: &mut DbConn,
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
    qb.push(") ORDER BY lower(g.name)");
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (user_id, name) in qb.build_query_as::<(String, String)>().fetch_all(conn).await? {
        map.entry(user_id).or_default().push(name);
    }
    Ok(map)
}

/// The groups above the user's groups that the user is not in directly: inherited access.
pub async fn inherited_groups(conn: &mut DbConn, user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH RECURSIVE up(id) AS (
               SELECT g.parent_id FROM experience_group_members m JOIN experience_groups g ON g.id = m.group_id
               WHERE m.user_id = $1 AND g.parent_id IS NOT NULL
               UNION
               SELECT g.parent_id FROM experience_groups g JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL
           )
           SELECT g.id AS "id!", g.name FROM up JOIN experience_groups g ON g.id = up.id
           WHERE g.id NOT IN (SELECT group_id FROM experience_group_members WHERE user_id = $1)
           ORDER BY g.name, g.id"#,
        user_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}
