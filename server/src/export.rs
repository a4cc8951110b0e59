//! The users list as a file: `GET /applications/{id}/experience/users/export?format=csv|json`
//! with the list's own query parameters (view, `q`, sort, dir, group, subgroups, tag, login):
//! every page of it, in its order, streamed as the store reads it; `hashes=1` adds each user's
//! password hash (argon2id PHC string). `server export` writes the same bytes to standard output.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};

use app::error::AppError;
use app::experience::users::ListQuery;
use app::server::records::{ExportBatch, ExportedUser};
use app::server::sessions::CurrentAdmin;
use app::server::{audit, clock::rfc3339, user_export, AppState, Store};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Serialize;

use tokio::sync::mpsc;

use crate::middleware::refuse;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Self; 2] = [Self::Csv, Self::Json];

    pub fn parse(name: &str) -> Result<Self, AppError> {
        Self::ALL.into_iter().find(|f| f.name() == name).ok_or_else(|| AppError::field("format", "Choose csv or json"))
    }

    /// The name a request, the command line and a file use.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
}

pub async fn users(
    State(state): State<AppState>,
    admin: Option<Extension<CurrentAdmin>>,
    Path(application_id): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    if admin.is_none() {
        return refuse(AppError::Unauthorized);
    }
    let format = match Format::parse(params.get("format").map_or("csv", String::as_str)) {
        Ok(format) => format,
        Err(error) => return refuse(error),
    };
    let query = ListQuery::from_params(|name| params.get(name).cloned());
    let with_hashes = params.get("hashes").is_some_and(|v| v == "1");
    let mut chunks = stream(state.store.clone(), application_id.clone(), query, format, with_hashes);
    // The first chunk (the head and the first batch) or the error that came before it.
    let first = match chunks.recv().await {
        Some(Ok(first)) => first,
        Some(Err(error)) => return refuse(error),
        None => return refuse(AppError::Internal),
    };
    let name = format!("users-{application_id}.{}", format.name());
    let body = Body::new(Chunks { first: Some(first), rest: chunks });
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// The export as bytes, a chunk per batch, from a task of its own; an error ends it. Chunks
/// wait for the reader (two at most are held), so memory stays flat.
pub fn stream(
    store: Store,
    application_id: String,
    query: ListQuery,
    format: Format,
    with_hashes: bool,
) -> mpsc::Receiver<Result<Bytes, AppError>> {
    let (chunks, receiver) = mpsc::channel(2);
    // The export is its caller's, on its own task too (the history names who took hashes).
    tokio::spawn(audit::acting_as(audit::current_actor(), async move {
        let (batches, mut batches_in) = mpsc::channel::<ExportBatch>(2);
        let reading = user_export::run(&store, &application_id, &query, with_hashes, batches);
        let writing = async {
            let mut first = true;
            while let Some(batch) = batches_in.recv().await {
                let bytes = format_batch(format, &batch, first, with_hashes);
                first = false;
                if chunks.send(Ok(bytes)).await.is_err() {
                    return; // the reader has gone; dropping `batches_in` stops the store too
                }
            }
        };
        let (read, ()) = tokio::join!(reading, writing);
        let last = match read {
            Ok(()) if format == Format::Json => Ok(Bytes::from_static(b"\n]\n")),
            Ok(()) => return,
            Err(error) => {
                tracing::error!(%error, "export failed");
                Err(error)
            }
        };
        let _ = chunks.send(last).await;
    }));
    receiver
}

const FIXED_COLUMNS: [&str; 9] = [
    "id",
    "email",
    "firstName",
    "lastName",
    "creationDate",
    "lastUpdated",
    "lastLogin",
    "passwordLastUpdated",
    "groups",
];

fn format_batch(format: Format, batch: &ExportBatch, first: bool, with_hashes: bool) -> Bytes {
    match format {
        Format::Csv => csv_batch(batch, first, with_hashes),
        Format::Json => json_batch(batch, first),
    }
}

fn csv_batch(batch: &ExportBatch, first: bool, with_hashes: bool) -> Bytes {
    let mut out = csv::Writer::from_writer(Vec::new());
    if first {
        let hash_column = with_hashes.then(|| "passwordHash".to_owned());
        let tag_columns = batch.tag_keys.iter().map(|key| format!("tag:{key}"));
        let head: Vec<String> =
            FIXED_COLUMNS.iter().map(|c| (*c).to_owned()).chain(hash_column).chain(tag_columns).collect();
        out.write_record(&head).expect("writing to memory");
    }
    for exported in &batch.users {
        let u = &exported.user;
        let mut record: Vec<String> = vec![
            u.id.clone(),
            cell(&u.email),
            cell(&u.first_name),
            cell(&u.last_name),
            rfc3339(u.created_at),
            rfc3339(u.updated_at),
            u.last_login().map(rfc3339).unwrap_or_default(),
            rfc3339(u.password_updated_at),
            cell(&exported.groups.join(";")),
        ];
        if with_hashes {
            record.push(exported.password_hash.clone().unwrap_or_default());
        }
        record.extend(
            batch.tag_keys.iter().map(|key| {
                exported.tags.iter().find(|(k, _)| k == key).map(|(_, value)| cell(value)).unwrap_or_default()
            }),
        );
        out.write_record(&record).expect("writing to memory");
    }
    Bytes::from(out.into_inner().expect("writing to memory"))
}

/// What a cell may not start with unescaped: a spreadsheet's formula starts (`=`, `+`, `-`,
/// `@`, tab, carriage return), and `'`, so that the import can drop every escape it finds.
pub const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// A text as a CSV cell a spreadsheet shows as text: one starting like a formula gets a
/// leading `'` (OWASP's advice against CSV injection).
fn cell(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonUser<'a> {
    id: &'a str,
    email: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    creation_date: String,
    last_updated: String,
    last_login: Option<String>,
    password_last_updated: String,
    groups: &'a [String],
    tags: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_hash: Option<&'a str>,
}

impl<'a> From<&'a ExportedUser> for JsonUser<'a> {
    fn from(exported: &'a ExportedUser) -> Self {
        let u = &exported.user;
        Self {
            id: &u.id,
            email: &u.email,
            first_name: &u.first_name,
            last_name: &u.last_name,
            creation_date: rfc3339(u.created_at),
            last_updated: rfc3339(u.updated_at),
            last_login: u.last_login().map(rfc3339),
            password_last_updated: rfc3339(u.password_updated_at),
            groups: &exported.groups,
            tags: exported.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
            password_hash: exported.password_hash.as_deref(),
        }
    }
}

/// A JSON array, one user a line: `[` with the first batch, `]` after the last.
fn json_batch(batch: &ExportBatch, first: bool) -> Bytes {
    let mut out = Vec::new();
    for (i, exported) in batch.users.iter().enumerate() {
        out.extend_from_slice(if first && i == 0 { b"[\n" } else { b",\n" });
        serde_json::to_writer(&mut out, &JsonUser::from(exported)).expect("writing to memory");
    }
    if first && batch.users.is_empty() {
        out.extend_from_slice(b"[");
    }
    Bytes::from(out)
}

/// The chunks of `stream` as a response body.
struct Chunks {
    first: Option<Bytes>,
    rest: mpsc::Receiver<Result<Bytes, AppError>>,
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = AppError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(http_body::Frame::data(first))));
        }
        self.rest.poll_recv(cx).map(|chunk| chunk.map(|chunk| chunk.map(http_body::Frame::data)))
    }
}
