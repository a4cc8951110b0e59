//! Ours, beside Losant's API: `GET /applications/{applicationId}/audit-log`, the application's
//! history newest first, a page at a time (`cursor` from the previous page's `next`).

use std::collections::HashMap;

use app::error::AppError;
use app::server::audit::{AuditEntry, AuditFilter, MAX_PAGE_SIZE, PAGE_SIZE};
use app::server::clock::{parse_rfc3339, rfc3339};
use app::server::{audit_service, AppState};
use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::api::extract::{Path, Query};
use crate::api::ApiError;

/// `auditLog.json`
#[derive(Serialize)]
pub struct AuditLog {
    items: Vec<Entry>,
    next: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    /// RFC 3339, as Losant's dates.
    date: String,
    #[serde(flatten)]
    entry: AuditEntry,
}

fn date(q: &HashMap<String, String>, name: &str) -> Result<Option<i64>, AppError> {
    // Present but empty is refused like any other text that is not a date.
    match q.get(name) {
        None => Ok(None),
        Some(text) => parse_rfc3339(text).map(Some).ok_or_else(|| {
            AppError::field(name, format!("{name} must be an RFC 3339 date, like 2026-11-27T10:00:00.000Z"))
        }),
    }
}

pub async fn list(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<AuditLog>, ApiError> {
    let text = |name: &str| q.get(name).filter(|v| !v.is_empty()).cloned();
    let filter = AuditFilter {
        actor: text("actor"),
        action: text("action"),
        user_id: text("userId"),
        user_email: text("userEmail"),
        from: date(&q, "from")?,
        to: date(&q, "to")?,
    };
    let size = match q.get("perPage") {
        None => PAGE_SIZE,
        Some(n) => n
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| AppError::field("perPage", "perPage must be a number from 1 to 500"))?,
    };
    let mut conn = state.acquire().await?;
    let page =
        audit_service::page(&mut conn, &application_id, &filter, q.get("cursor").map(String::as_str), size).await?;
    let items = page.entries.into_iter().map(|entry| Entry { date: rfc3339(entry.at), entry }).collect();
    Ok(Json(AuditLog { items, next: page.next }))
}
