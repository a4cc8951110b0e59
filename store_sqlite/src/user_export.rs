//! Every user a list query selects, in its order, for an export: read in batches from one
//! snapshot (a user deleted or added meanwhile neither stops nor repeats the walk) and handed
//! to the door as they come, so memory holds one batch however many users there are.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::{db, repo, Store};
use crate::audit::{self, Change};
use crate::clock::now_ms;
use crate::error::AppError;
use crate::records::{ExportBatch, ExportedUser, Order, Start};
use model::groups::group_paths;
use model::user_query::{ListQuery, SortDir};

/// Users read at a time: big enough that a batch's few statements cost little per user.
pub const BATCH: i64 = 500;

/// Sends the users `query` selects to `sink`, a batch at a time (the first one even if no user
/// matches: it names the tag columns), with their password hashes if `with_hashes`. Stops
/// early, without error, when the receiver is gone.
pub async fn run(
    state: &Store,
    application_id: &str,
    query: &ListQuery,
    with_hashes: bool,
    sink: mpsc::Sender<ExportBatch>,
) -> Result<(), AppError> {
    let mut tx = db::begin_snapshot(&state.pool).await?;
    repo::applications::get(&mut tx, application_id)
        .await?
        .ok_or_else(|| AppError::NotFound("This application".into()))?;
    if with_hashes {
        // Who took the hashes is recorded before any leaves: in a write of its own, beside the
        // read snapshot.
        let selection = query.to_query_string();
        let changes = [Change::new("users", None, Some(if selection.is_empty() { "all".into() } else { selection }))];
        let entry = audit::entry(application_id, "users.export_with_hashes", None, "export", &changes, now_ms());
        repo::audit::insert(&mut *state.pool.acquire().await?, &entry).await?;
    }
    let tag_keys: Arc<[String]> = repo::user_tags::keys_in_use(&mut tx, application_id).await?.into();
    let paths = group_paths(&repo::groups::nodes(&mut tx, application_id).await?);
    let filter = query.user_filter(crate::clock::now_ms());
    let order = Order { by: query.sort.order_by(), descending: query.dir == SortDir::Desc };
    let mut start = Start::First;
    loop {
        let page = repo::user_list::page(&mut tx, application_id, &filter, order, &start, BATCH).await?;
        let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
        let (mut tags, mut groups) = repo::memberships::tags_and_groups_of(&mut tx, &ids).await?;
        let mut hashes =
            if with_hashes { repo::users::password_hashes_of(&mut tx, &ids).await? } else { HashMap::new() };
        let users = page
            .rows
            .into_iter()
            .map(|user| {
                let memberships = groups.remove(&user.id).unwrap_or_default();
                ExportedUser {
                    tags: tags.remove(&user.id).unwrap_or_default(),
                    groups: memberships.iter().filter_map(|m| paths.get(&m.id).cloned()).collect(),
                    password_hash: hashes.remove(&user.id),
                    user,
                }
            })
            .collect();
        let batch = ExportBatch { tag_keys: tag_keys.clone(), users };
        if sink.send(batch).await.is_err() || !page.more_after {
            break;
        }
        let Some(last) = ids.last() else { break };
        start = Start::After(last.clone());
    }
    // Read only: nothing to keep.
    tx.rollback().await?;
    Ok(())
}
