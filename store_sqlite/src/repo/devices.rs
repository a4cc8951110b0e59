//! Devices, and which of them a user reaches through their groups.

use crate::engine::{by_engine, DbConn};
use crate::records::Grant;

/// Every (device, granting group) pair for a user: devices tied (by id or by tag) to one of
/// the user's groups or to any ancestor of one. `UNION` (not `UNION ALL`) makes the walk up the
/// tree stop even if the data ever held a cycle. The pairs come back as one JSON array: one
/// row instead of hundreds through the driver, which costs more than the query itself.
pub async fn effective_for_user(conn: &mut DbConn, user_id: &str) -> Result<Vec<Grant>, sqlx::Error> {
    // The engines differ in the JSON aggregate, and in the join that fixes SQLite's join order
    // (from the user's groups outwards), which PostgreSQL spells as a plain join.
    macro_rules! grants {
        ($cross_join:tt, $aggregate:tt) => {
            sqlx::query_scalar!(
                r#"WITH RECURSIVE reach(id) AS (
                       SELECT group_id FROM experience_group_members WHERE user_id = $1
                       UNION
                       SELECT g.parent_id FROM experience_groups g JOIN reach r ON g.id = r.id
                       WHERE g.parent_id IS NOT NULL
                   ),
                   tied(group_id, device_id) AS (
                       SELECT gd.group_id, gd.device_id FROM reach r "#
                    + $cross_join
                    + r#" experience_group_devices gd
                       ON gd.group_id = r.id
                       UNION
                       SELECT t.group_id, dt.device_id FROM reach r "#
                    + $cross_join
                    + r#" experience_group_device_tags t
                       ON t.group_id = r.id
                       JOIN device_tags dt ON dt.key = t.key AND (t.value IS NULL OR dt.value = t.value)
                   )
                   SELECT "#
                    + $aggregate
                    + r#" AS "grants!: String"
                   FROM tied
                   JOIN experience_groups g ON g.id = tied.group_id
                   JOIN devices d ON d.id = tied.device_id AND d.application_id = g.application_id"#,
                user_id
            )
        };
    }
    let json = by_engine!(
        sqlite => grants!("CROSS JOIN", "json_group_array(json_array(d.id, d.name, d.description, d.created_at, d.updated_at, g.id, g.name))"),
        postgres => grants!("JOIN", "COALESCE(json_agg(json_build_array(d.id, d.name, d.description, d.created_at, d.updated_at, g.id, g.name)), '[]')::text"),
    )
    .fetch_one(conn)
    .await?;
    type Row = (String, String, String, i64, i64, String, String);
    let rows: Vec<Row> = serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let mut grants: Vec<Grant> = rows
        .into_iter()
        .map(|(device_id, device_name, description, created_at, updated_at, group_id, group_name)| Grant {
            device_id,
            device_name,
            description,
            created_at,
            updated_at,
            group_id,
            group_name,
        })
        .collect();
    grants.sort_by(|a, b| {
        (&a.device_name, &a.device_id, &a.group_name, &a.group_id).cmp(&(
            &b.device_name,
            &b.device_id,
            &b.group_name,
            &b.group_id,
        ))
    });
    Ok(grants)
}

/// A device's tags, sorted.
pub async fn tags(conn: &mut DbConn, device_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, value FROM device_tags WHERE device_id = $1 ORDER BY key, value", device_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
}

pub async fn list(conn: &mut DbConn, application_id: &str) -> Result<Vec<model::devices::DeviceRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT d.id AS "id!", d.name, d.description,
                  (SELECT COUNT(*) FROM experience_group_devices gd WHERE gd.device_id = d.id) AS "group_count!: i64"
           FROM devices d WHERE d.application_id = $1 ORDER BY d.name, d.id"#,
        application_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let tags = tags(&mut *conn, &r.id).await?;
        out.push(model::devices::DeviceRow {
            id: r.id,
            name: r.name,
            description: r.description,
            tags,
            group_count: r.group_count,
        });
    }
    Ok(out)
}

pub async fn get(
    conn: &mut DbConn,
    application_id: &str,
    id: &str,
) -> Result<Option<model::devices::DeviceDetail>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", name, description FROM devices WHERE application_id = $1 AND id = $2"#,
        application_id,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let tags = tags(&mut *conn, id).await?;
    let group_ids =
        sqlx::query_scalar!("SELECT group_id FROM experience_group_devices WHERE device_id = $1 ORDER BY group_id", id)
            .fetch_all(conn)
            .await?;
    Ok(Some(model::devices::DeviceDetail { id: row.id, name: row.name, description: row.description, tags, group_ids }))
}

pub async fn insert(
    conn: &mut DbConn,
    application_id: &str,
    id: &str,
    name: &str,
    description: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO devices (id, application_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        application_id,
        name,
        description,
        now,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(
    conn: &mut DbConn,
    application_id: &str,
    id: &str,
    name: &str,
    description: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE devices SET name = $1, description = $2, updated_at = $3 WHERE application_id = $4 AND id = $5",
        name,
        description,
        now,
        application_id,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut DbConn, application_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM devices WHERE application_id = $1 AND id = $2", application_id, id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn replace_tags(conn: &mut DbConn, device_id: &str, tags: &[(String, String)]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM device_tags WHERE device_id = $1", device_id).execute(&mut *conn).await?;
    for (key, value) in tags {
        sqlx::query!(
            "INSERT INTO device_tags (device_id, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            device_id,
            key,
            value
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Ties the device to exactly these groups (by id).
pub async fn replace_groups(conn: &mut DbConn, device_id: &str, group_ids: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM experience_group_devices WHERE device_id = $1", device_id).execute(&mut *conn).await?;
    for group_id in group_ids {
        sqlx::query!(
            "INSERT INTO experience_group_devices (group_id, device_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            group_id,
            device_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
