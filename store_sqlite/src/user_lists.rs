//! The lists of experience users every door shows, on the one list engine
//! (`repo::user_list`): the admin page's keyset pages with capped counts, and Losant's
//! numbered pages with exact totals.

use crate::engine::DbConn;
use crate::records::{Order, Start};

use super::repo;
use crate::domain::user_filter::UserFilter;
use crate::error::AppError;
use model::user_query::{ListQuery, PageAt, SortDir};
use model::users::{UserDetail, UserPage, UserRow, ViewCounts, MATCH_COUNT_CAP};

/// One page of the admin list with every view's count: what the list page shows.
pub async fn admin_page(conn: &mut DbConn, application_id: &str, query: &ListQuery) -> Result<UserPage, AppError> {
    let counts = repo::users::counts(conn, application_id).await?.unwrap_or_default();
    let filter = query.user_filter(crate::clock::now_ms());
    let order = Order { by: query.sort.order_by(), descending: query.dir == SortDir::Desc };
    let start = match &query.at {
        PageAt::First => Start::First,
        PageAt::Last => Start::Last,
        PageAt::After(id) => Start::After(id.clone()),
        PageAt::Before(id) => Start::Before(id.clone()),
    };
    let size = i64::from(query.size.clamp(1, 100));
    let page = repo::user_list::page(conn, application_id, &filter, order, &start, size).await?;
    let matching = if query.is_whole_view() {
        view_count(&counts, &filter).unwrap_or(counts.all)
    } else if !page.more_before && !page.more_after {
        // The page holds every match: a rare text or tag is not looked up twice.
        page.rows.len() as i64
    } else {
        repo::user_list::count(conn, application_id, &filter, Some(MATCH_COUNT_CAP + 1)).await?
    };
    let ids: Vec<&str> = page.rows.iter().map(|r| r.id.as_str()).collect();
    let mut groups = repo::memberships::group_names(conn, ids.into_iter()).await?;
    let prev = page.rows.first().filter(|_| page.more_before).map(|r| PageAt::Before(r.id.clone()));
    let next = page.rows.last().filter(|_| page.more_after).map(|r| PageAt::After(r.id.clone()));
    let rows = page
        .rows
        .into_iter()
        .map(|r| UserRow {
            groups: groups.remove(&r.id).unwrap_or_default(),
            last_login_at: r.last_login(),
            id: r.id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            created_at: r.created_at,
            token_cutoff: r.token_cutoff,
            disabled_until: r.disabled_until,
        })
        .collect();
    let tokens_invalidated_at = repo::applications::token_cutoff(conn, application_id).await?.flatten();
    Ok(UserPage { rows, counts, matching, prev, next, tokens_invalidated_at })
}

/// Page `page` (from 0) of `per_page` users and the exact number `filter` selects: Losant's
/// collection. Without a filter (or with only `any` / `none`) the total is a kept counter.
pub async fn numbered_page(
    conn: &mut DbConn,
    application_id: &str,
    filter: &UserFilter,
    order: Order,
    page: i64,
    per_page: i64,
) -> Result<(Vec<UserDetail>, i64), AppError> {
    let counts = repo::users::counts(conn, application_id).await?.unwrap_or_default();
    let total = match view_count(&counts, filter) {
        Some(total) => total,
        None => repo::user_list::count(conn, application_id, filter, None).await?,
    };
    let skip = page.saturating_mul(per_page);
    let rows = if skip >= total {
        Vec::new()
    } else {
        let start = Start::Offset { skip, total };
        repo::user_list::page(conn, application_id, filter, order, &start, per_page).await?.rows
    };
    Ok((rows.into_iter().map(UserDetail::from).collect(), total))
}

/// The kept count of a filter that selects a whole view, if it does.
fn view_count(counts: &ViewCounts, filter: &UserFilter) -> Option<i64> {
    match filter {
        f if f.is_everyone() => Some(counts.all),
        UserFilter::Grouped(true) => Some(counts.in_any_group),
        UserFilter::Grouped(false) => Some(counts.in_no_group),
        _ => None,
    }
}
