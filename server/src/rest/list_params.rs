//! The query parameters of Losant's collection routes, and the collection envelope.

use app::error::AppError;
use serde::Serialize;
use std::collections::HashMap;

pub const DEFAULT_PER_PAGE: i64 = 100;
pub const MAX_PER_PAGE: i64 = 1000;

pub struct ListParams {
    pub sort_field: String,
    pub descending: bool,
    pub page: i64,
    pub per_page: i64,
    pub filter_field: Option<String>,
    pub filter: Option<String>,
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::field(field, message)
}

/// Reads the common parameters; `sort_fields` and `filter_fields` are what this route accepts.
pub fn parse(
    q: &HashMap<String, String>,
    sort_fields: &[&str],
    default_sort: &str,
    filter_fields: &[&str],
) -> Result<ListParams, AppError> {
    let sort_field = q.get("sortField").cloned().unwrap_or_else(|| default_sort.to_owned());
    if !sort_fields.contains(&sort_field.as_str()) {
        return Err(invalid("sortField", format!("sortField must be one of {}", sort_fields.join(", "))));
    }
    let descending = match q.get("sortDirection").map(|d| d.to_ascii_lowercase()) {
        None => false,
        Some(d) if d == "asc" => false,
        Some(d) if d == "desc" => true,
        Some(_) => return Err(invalid("sortDirection", "sortDirection must be asc or desc".into())),
    };
    let number = |name: &str, default: i64, min: i64, max: i64| -> Result<i64, AppError> {
        match q.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| invalid(name, format!("{name} must be a whole number from {min} to {max}"))),
        }
    };
    let page = number("page", 0, 0, i64::from(u32::MAX))?;
    let per_page = number("perPage", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)?;
    let filter = q.get("filter").filter(|f| !f.is_empty()).cloned();
    let filter_field = q.get("filterField").filter(|f| !f.is_empty()).cloned();
    if let Some(field) = &filter_field {
        if !filter_fields.contains(&field.as_str()) {
            return Err(invalid("filterField", format!("filterField must be one of {}", filter_fields.join(", "))));
        }
    }
    Ok(ListParams { sort_field, descending, page, per_page, filter_field, filter })
}

/// `true`, `1` (and Python's `True`) switch a flag on.
/// A boolean query parameter: absent is false; anything but true/false (or 1/0) is refused.
pub fn flag(q: &HashMap<String, String>, name: &str) -> Result<bool, AppError> {
    match q.get(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(AppError::field(name, format!("{name} must be true or false"))),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection<T> {
    pub items: Vec<T>,
    pub count: usize,
    pub total_count: i64,
    pub per_page: i64,
    pub page: i64,
    pub sort_field: String,
    pub sort_direction: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_field: Option<String>,
    pub application_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experience_group_id: Option<String>,
}

impl<T> Collection<T> {
    pub fn new(items: Vec<T>, total_count: i64, params: ListParams, application_id: &str) -> Self {
        Self {
            count: items.len(),
            items,
            total_count,
            per_page: params.per_page,
            page: params.page,
            sort_field: params.sort_field,
            sort_direction: if params.descending { "desc" } else { "asc" },
            filter: params.filter,
            filter_field: params.filter_field,
            application_id: application_id.to_owned(),
            experience_group_id: None,
        }
    }
}
