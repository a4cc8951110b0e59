//! Experience groups: a tree per application, with members, devices (by id and by tag) and tags.

use sqlx::QueryBuilder;

use crate::engine::{Db, DbConn};
use crate::records::{DeviceTagTie, Group, GroupList};

pub async fn get(conn: &mut DbConn, application_id: &str, id: &str) -> Result<Option<Group>, sqlx::Error> {
    sqlx::query_as!(
        Group,
        r#"SELECT id AS "id!", name, description, parent_id, created_at, updated_at
           FROM experience_groups WHERE application_id = $1 AND id = $2"#,
        application_id,
        id
    )
    .fetch_optional(conn)
    .await
}

/// One page of the application's groups and how many match in all.
pub async fn list(
    conn: &mut DbConn,
    application_id: &str,
    query: &GroupList<'_>,
) -> Result<(Vec<Group>, i64), sqlx::Error> {
    let filter = |qb: &mut QueryBuilder<'_, Db>| {
        qb.push(" WHERE application_id = ").push_bind(application_id.to_owned());
        if let Some(like) = query.name_like {
            qb.push(" AND name LIKE ").push_bind(like.to_owned()).push(" ESCAPE '\\'");
        }
    };
    let mut count = QueryBuilder::new("SELECT COUNT(*) FROM experience_groups");
    filter(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

    let dir = if query.descending { "DESC" } else { "ASC" };
    let mut page =
        QueryBuilder::new("SELECT id, name, description, parent_id, created_at, updated_at FROM experience_groups");
    filter(&mut page);
    page.push(format_args!(" ORDER BY {} {dir}, id {dir} LIMIT ", query.sort_column))
        .push_bind(query.limit)
        .push(" OFFSET ")
        .push_bind(query.offset);
    let rows = page.build_query_as::<Group>().fetch_all(conn).await?;
    Ok((rows, total))
}

pub async fn insert(conn: &mut DbConn, application_id: &str, group: &Group) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO experience_groups (id, application_id, name, description, parent_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        group.id,
        application_id,
        group.name,
        group.description,
        group.parent_id,
        group.created_at,
        group.updated_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut DbConn, application_id: &str, group: &Group) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE experience_groups SET name = $1, description = $2, parent_id = $3, updated_at = $4
         WHERE application_id = $5 AND id = $6",
        group.name,
        group.description,
        group.parent_id,
        group.updated_at,
        application_id,
        group.id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// True when making `parent_id` the parent of `group_id` would close a loop: the parent is
/// the group itself or one of its descendants (the group is among the parent's ancestors).
pub async fn would_cycle(conn: &mut DbConn, group_id: &str, parent_id: &str) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        r#"WITH RECURSIVE up(id) AS (
               SELECT $1
               UNION
               SELECT g.parent_id FROM experience_groups g JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL
           )
           SELECT CAST(1 AS BIGINT) AS "one!: i64" FROM up WHERE id = $2 LIMIT 1"#,
        parent_id,
        group_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Deletes a group: its children move up to its parent, its memberships and ties go.
pub async fn delete(conn: &mut DbConn, application_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        "UPDATE experience_groups
            SET parent_id = (SELECT parent_id FROM experience_groups WHERE id = $1), updated_at = $2
          WHERE parent_id = $3 AND application_id = $4",
        id,
        now,
        id,
        application_id
    )
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query!("DELETE FROM experience_groups WHERE application_id = $1 AND id = $2", application_id, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Which of `ids` name rows of `table` in this application (`table` is a constant of ours).
pub async fn existing_ids(
    conn: &mut DbConn,
    table: &'static str,
    application_id: &str,
    ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::new(format!("SELECT id FROM {table} WHERE application_id = "));
    qb.push_bind(application_id.to_owned()).push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id.clone());
    }
    qb.push(")");
    qb.build_query_scalar().fetch_all(conn).await
}

pub async fn member_ids(conn: &mut DbConn, group_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT user_id FROM experience_group_members WHERE group_id = $1 ORDER BY user_id", group_id)
        .fetch_all(conn)
        .await
}

pub async fn device_ids(conn: &mut DbConn, group_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT device_id FROM experience_group_devices WHERE group_id = $1 ORDER BY device_id",
        group_id
    )
    .fetch_all(conn)
    .await
}

pub async fn device_tags(conn: &mut DbConn, group_id: &str) -> Result<Vec<DeviceTagTie>, sqlx::Error> {
    sqlx::query_as!(
        DeviceTagTie,
        "SELECT key, value FROM experience_group_device_tags WHERE group_id = $1 ORDER BY key, value",
        group_id
    )
    .fetch_all(conn)
    .await
}

pub async fn group_tags(conn: &mut DbConn, group_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, value FROM experience_group_tags WHERE group_id = $1 ORDER BY key", group_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
}

/// Devices tied directly (by id or tag) and in all, counting ties of the group's descendants.
/// A tag tie reaches only the devices of the group's own application.
pub async fn device_counts(conn: &mut DbConn, group_id: &str) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH RECURSIVE down(id) AS (
               SELECT $1
               UNION
               SELECT g.id FROM experience_groups g JOIN down ON g.parent_id = down.id
           ),
           tied(group_id, device_id) AS (
               SELECT gd.group_id, gd.device_id FROM experience_group_devices gd JOIN down ON gd.group_id = down.id
               UNION
               SELECT t.group_id, dt.device_id FROM experience_group_device_tags t
               JOIN down ON t.group_id = down.id
               JOIN device_tags dt ON dt.key = t.key AND (t.value IS NULL OR dt.value = t.value)
               JOIN devices d ON d.id = dt.device_id
                             AND d.application_id = (SELECT application_id FROM experience_groups WHERE id = $1)
           )
           SELECT (SELECT COUNT(DISTINCT device_id) FROM tied WHERE group_id = $1) AS "direct!: i64",
                  (SELECT COUNT(DISTINCT device_id) FROM tied) AS "total!: i64""#,
        group_id
    )
    .fetch_one(conn)
    .await?;
    Ok((row.direct, row.total))
}

pub async fn replace_members(conn: &mut DbConn, group_id: &str, user_ids: &[String]) -> Result<(), sqlx::Error> {
    // Only the changes are written, so the in_group triggers fire for real changes only.
    let current = member_ids(&mut *conn, group_id).await?;
    for gone in current.iter().filter(|id| !user_ids.contains(id)) {
        sqlx::query!("DELETE FROM experience_group_members WHERE group_id = $1 AND user_id = $2", group_id, gone)
            .execute(&mut *conn)
            .await?;
    }
    for new in user_ids.iter().filter(|id| !current.contains(id)) {
        sqlx::query!(
            "INSERT INTO experience_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            group_id,
            new
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn replace_devices(conn: &mut DbConn, group_id: &str, device_ids: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM experience_group_devices WHERE group_id = $1", group_id).execute(&mut *conn).await?;
    for id in device_ids {
        sqlx::query!(
            "INSERT INTO experience_group_devices (group_id, device_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            group_id,
            id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn replace_device_tags(conn: &mut DbConn, group_id: &str, ties: &[DeviceTagTie]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM experience_group_device_tags WHERE group_id = $1", group_id).execute(&mut *conn).await?;
    for tie in ties {
        sqlx::query!(
            "INSERT INTO experience_group_device_tags (group_id, key, value) VALUES ($1, $2, $3)",
            group_id,
            tie.key,
            tie.value
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn replace_group_tags(
    conn: &mut DbConn,
    group_id: &str,
    tags: &[(String, String)],
) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM experience_group_tags WHERE group_id = $1", group_id).execute(&mut *conn).await?;
    for (key, value) in tags {
        sqlx::query!(
            "INSERT INTO experience_group_tags (group_id, key, value) VALUES ($1, $2, $3)",
            group_id,
            key,
            value
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every group of the application with its direct member and device counts.
pub async fn nodes(conn: &mut DbConn, application_id: &str) -> Result<Vec<model::groups::GroupNode>, sqlx::Error> {
    sqlx::query_as!(
        model::groups::GroupNode,
        r#"SELECT g.id AS "id!", g.name, g.description, g.parent_id,
                  (SELECT COUNT(*) FROM experience_group_members m WHERE m.group_id = g.id) AS "member_count!: i64",
                  (SELECT COUNT(*) FROM experience_group_devices d WHERE d.group_id = g.id) AS "device_count!: i64"
           FROM experience_groups g WHERE g.application_id = $1 ORDER BY lower(g.name), g.id"#,
        application_id
    )
    .fetch_all(conn)
    .await
}

/// A group with its first `members` members (by email) and first `devices` devices (by name).
pub async fn detail(
    conn: &mut DbConn,
    application_id: &str,
    id: &str,
    members: i64,
    devices: i64,
) -> Result<Option<model::groups::GroupDetail>, sqlx::Error> {
    let node = sqlx::query_as!(
        model::groups::GroupNode,
        r#"SELECT g.id AS "id!", g.name, g.description, g.parent_id,
                  (SELECT COUNT(*) FROM experience_group_members m WHERE m.group_id = g.id) AS "member_count!: i64",
                  (SELECT COUNT(*) FROM experience_group_devices d WHERE d.group_id = g.id) AS "device_count!: i64"
           FROM experience_groups g WHERE g.application_id = $1 AND g.id = $2"#,
        application_id,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(node) = node else { return Ok(None) };
    let member_rows = sqlx::query!(
        r#"SELECT u.id AS "id!", u.email FROM experience_group_members m JOIN experience_users u ON u.id = m.user_id
           WHERE m.group_id = $1 ORDER BY u.email_normalized LIMIT $2"#,
        id,
        members
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.email))
    .collect();
    let device_rows = sqlx::query!(
        r#"SELECT d.id AS "id!", d.name FROM devices d
           WHERE d.application_id = $1 AND (
               d.id IN (SELECT device_id FROM experience_group_devices WHERE group_id = $2)
               OR EXISTS (SELECT 1 FROM experience_group_device_tags t JOIN device_tags dt
                          ON dt.key = t.key AND (t.value IS NULL OR dt.value = t.value)
                          WHERE t.group_id = $2 AND dt.device_id = d.id))
           ORDER BY d.name, d.id LIMIT $3"#,
        application_id,
        id,
        devices
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    let device_tags = device_tags(conn, id).await?.into_iter().map(|t| (t.key, t.value)).collect();
    Ok(Some(model::groups::GroupDetail { node, members: member_rows, devices: device_rows, device_tags }))
}
