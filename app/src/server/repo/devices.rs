//! Devices, and which of them a user reaches through their groups.

use sqlx::SqliteConnection;

/// A device a user is associated with, once per group that grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub device_id: String,
    pub device_name: String,
    pub description: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub group_id: String,
    pub group_name: String,
}

/// Every (device, granting group) pair for a user: devices tied (by id or by tag) to one of
/// the user's groups or to any ancestor of one. `UNION` (not `UNION ALL`) makes the walk up the tree stop
/// even if the data ever held a cycle.
pub async fn effective_for_user(conn: &mut SqliteConnection, user_id: &str) -> Result<Vec<Grant>, sqlx::Error> {
    sqlx::query_as!(
        Grant,
        r#"WITH RECURSIVE reach(id) AS (
               SELECT group_id FROM experience_group_members WHERE user_id = ?
               UNION
               SELECT g.parent_id FROM experience_groups g JOIN reach r ON g.id = r.id
               WHERE g.parent_id IS NOT NULL
           ),
           tied(group_id, device_id) AS (
               SELECT gd.group_id, gd.device_id FROM experience_group_devices gd JOIN reach r ON gd.group_id = r.id
               UNION
               SELECT t.group_id, dt.device_id FROM experience_group_device_tags t
               JOIN reach r ON t.group_id = r.id
               JOIN device_tags dt ON dt.key = t.key AND (t.value IS NULL OR dt.value = t.value)
           )
           SELECT d.id AS "device_id!", d.name AS "device_name!", d.description AS "description!",
                  d.created_at AS "created_at!", d.updated_at AS "updated_at!",
                  g.id AS "group_id!", g.name AS "group_name!"
           FROM tied
           JOIN experience_groups g ON g.id = tied.group_id
           JOIN devices d ON d.id = tied.device_id AND d.application_id = g.application_id
           ORDER BY d.name, d.id, g.name, g.id"#,
        user_id
    )
    .fetch_all(conn)
    .await
}

/// A device's tags, sorted.
pub async fn tags(conn: &mut SqliteConnection, device_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT key, value FROM device_tags WHERE device_id = ? ORDER BY key, value",
        device_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
}
