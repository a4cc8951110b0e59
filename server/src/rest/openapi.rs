//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. Bodies and answers
//! refer to Losant's own JSON schemas (copied in `server/schemas/`, MIT), the same files the
//! client test suite validates every answer against.

use axum::Json;
use serde_json::{json, Map, Value};

/// One operation: method, path (OpenAPI style), summary, request schema, success status and schema.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<&'static str>,
    pub status: u16,
    pub response: &'static str,
    pub list: bool,
    /// A second success: its status and schema.
    pub alt: Option<(u16, &'static str)>,
}

const APP: &str = "/applications/{applicationId}";
const USERS: &str = "/applications/{applicationId}/experience/users";
const USER: &str = "/applications/{applicationId}/experience/users/{experienceUserId}";
const BULK: &str = "/applications/{applicationId}/experience/users/bulk";
const BULK_JOB: &str = "/applications/{applicationId}/experience/users/bulk/{jobId}";
const AUDIT: &str = "/applications/{applicationId}/audit-log";
const GROUPS: &str = "/applications/{applicationId}/experience/groups";
const GROUP: &str = "/applications/{applicationId}/experience/groups/{experienceGroupId}";

pub const OPERATIONS: &[Operation] = &[
    Operation {
        method: "get",
        path: APP,
        summary: "The application, with expUserTokenCutoff and the experience-user count",
        request: None,
        status: 200,
        response: "application",
        list: false,
        alt: None,
    },
    Operation {
        method: "patch",
        path: APP,
        summary: "Rename; set expUserTokenCutoff (invalidates every experience token issued before it)",
        request: Some("applicationPatch"),
        status: 200,
        response: "application",
        list: false,
        alt: None,
    },
    Operation {
        method: "get",
        path: USERS,
        summary: "Experience users: sort, filter (globs), group filter, advanced query, pages from 0",
        request: None,
        status: 200,
        response: "experienceUsers",
        list: true,
        alt: None,
    },
    Operation {
        method: "post",
        path: USERS,
        summary: "Create an experience user",
        request: Some("experienceUserPost"),
        status: 201,
        response: "experienceUser",
        list: false,
        alt: None,
    },
    Operation {
        method: "get",
        path: USER,
        summary: "One experience user",
        request: None,
        status: 200,
        response: "experienceUser",
        list: false,
        alt: None,
    },
    Operation {
        method: "patch",
        path: USER,
        summary: "Change an experience user (tokenCutoff, password, userTags, experienceGroupIds, …)",
        request: Some("experienceUserPatch"),
        status: 200,
        response: "experienceUser",
        list: false,
        alt: None,
    },
    Operation {
        method: "delete",
        path: USER,
        summary: "Delete an experience user, their memberships and tags; their tokens fail at once",
        request: None,
        status: 200,
        response: "success",
        list: false,
        alt: None,
    },
    Operation {
        method: "post",
        path: BULK,
        summary: "Ours: a bulk action (add to / remove from group, set / remove tag, disable, enable, \
                  invalidate tokens, delete) over users chosen by id or advanced query; dryRun answers the \
                  preview (200), else the job starts (202); one bulk job at a time per application (409)",
        request: Some("experienceUserBulkPost"),
        status: 202,
        response: "jobStarted",
        list: false,
        alt: Some((200, "experienceUserBulkPreview")),
    },
    Operation {
        method: "get",
        path: BULK_JOB,
        summary: "Ours: a bulk job, its progress and report",
        request: None,
        status: 200,
        response: "experienceUserBulkJob",
        list: false,
        alt: None,
    },
    Operation {
        method: "get",
        path: AUDIT,
        summary: "Ours: the application's history (who changed what, when, from where), newest first; \
                  filter by actor, action, userId or userEmail, from/to (RFC 3339); page with the answer's next as cursor",
        request: None,
        status: 200,
        response: "auditLog",
        list: false,
        alt: None,
    },
    Operation {
        method: "get",
        path: GROUPS,
        summary: "Experience groups",
        request: None,
        status: 200,
        response: "experienceGroups",
        list: true,
        alt: None,
    },
    Operation {
        method: "post",
        path: GROUPS,
        summary: "Create an experience group",
        request: Some("experienceGroupPost"),
        status: 201,
        response: "experienceGroup",
        list: false,
        alt: None,
    },
    Operation {
        method: "get",
        path: GROUP,
        summary: "One experience group",
        request: None,
        status: 200,
        response: "experienceGroup",
        list: false,
        alt: None,
    },
    Operation {
        method: "patch",
        path: GROUP,
        summary: "Change a group (parentId refuses cycles; deviceIds, deviceTags, experienceUserIds)",
        request: Some("experienceGroupPatch"),
        status: 200,
        response: "experienceGroup",
        list: false,
        alt: None,
    },
    Operation {
        method: "delete",
        path: GROUP,
        summary: "Delete a group; its subgroups move up to its parent",
        request: None,
        status: 200,
        response: "success",
        list: false,
        alt: None,
    },
];

/// The schema files the document embeds, by component name.
pub const SCHEMAS: &[(&str, &str)] = &[
    ("application", include_str!("../../schemas/application.json")),
    ("applicationPatch", include_str!("../../schemas/applicationPatch.json")),
    ("experienceUser", include_str!("../../schemas/experienceUser.json")),
    ("experienceUsers", include_str!("../../schemas/experienceUsers.json")),
    ("experienceUserPost", include_str!("../../schemas/experienceUserPost.json")),
    ("experienceUserPatch", include_str!("../../schemas/experienceUserPatch.json")),
    ("experienceGroup", include_str!("../../schemas/experienceGroup.json")),
    ("experienceGroups", include_str!("../../schemas/experienceGroups.json")),
    ("experienceGroupPost", include_str!("../../schemas/experienceGroupPost.json")),
    ("experienceGroupPatch", include_str!("../../schemas/experienceGroupPatch.json")),
    ("experienceUserBulkPost", include_str!("../../schemas/experienceUserBulkPost.json")),
    ("experienceUserBulkPreview", include_str!("../../schemas/experienceUserBulkPreview.json")),
    ("experienceUserBulkJob", include_str!("../../schemas/experienceUserBulkJob.json")),
    ("auditLog", include_str!("../../schemas/auditLog.json")),
    ("jobStarted", include_str!("../../schemas/jobStarted.json")),
    ("success", include_str!("../../schemas/success.json")),
    ("error", include_str!("../../schemas/error.json")),
];

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn path_param(name: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Fa-f\\d]{24}$" } })
}

fn query_param(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": description })
}

fn list_params(path: &str) -> Vec<Value> {
    let users = path == USERS;
    let sort: &[&str] = if users {
        &["firstName", "lastName", "email", "id", "creationDate", "lastLogin", "lastUpdated"]
    } else {
        &["name", "id", "creationDate", "lastUpdated"]
    };
    let filter_fields: &[&str] = if users { &["firstName", "lastName", "email"] } else { &["name"] };
    let mut params = vec![
        query_param("sortField", json!({ "type": "string", "enum": sort }), "Field to sort by"),
        query_param("sortDirection", json!({ "type": "string", "enum": ["asc", "desc"] }), "Sort direction"),
        query_param("page", json!({ "type": "integer", "minimum": 0, "default": 0 }), "Page, from 0"),
        query_param(
            "perPage",
            json!({ "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 }),
            "Items per page",
        ),
        query_param("filterField", json!({ "type": "string", "enum": filter_fields }), "Field the filter applies to"),
        query_param("filter", json!({ "type": "string" }), "Glob: * matches anything; otherwise an exact match"),
    ];
    if users {
        params.push(query_param("experienceGroupId", json!({ "type": "string" }), "A group id, `any` or `none`"));
        params.push(query_param(
            "includeAncestorGroups",
            json!({ "type": "boolean" }),
            "With a group id: members of its ancestors too",
        ));
        params.push(query_param("query", json!({ "type": "string" }), "Advanced query as JSON (advancedQuery.json)"));
    }
    params
}

fn audit_params() -> Vec<Value> {
    let date = json!({ "type": "string", "format": "date-time" });
    vec![
        query_param("actor", json!({ "type": "string" }), "Who: an administrator's email, or API token <name>"),
        query_param("action", json!({ "type": "string" }), "What: user.create, user.update, user.delete, …"),
        query_param("userId", json!({ "type": "string" }), "Entries about this experience user"),
        query_param(
            "userEmail",
            json!({ "type": "string" }),
            "Entries about the experience user with this email now (under any earlier email too), or, if none has it, those that named it",
        ),
        query_param("from", date.clone(), "From this instant, included"),
        query_param("to", date, "Up to this instant, excluded"),
        query_param("cursor", json!({ "type": "string" }), "The previous page's next"),
        query_param(
            "perPage",
            json!({ "type": "integer", "minimum": 1, "maximum": 500, "default": 50 }),
            "Entries per page",
        ),
    ]
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let mut parameters = vec![path_param("applicationId")];
        if op.path == USER {
            parameters.push(path_param("experienceUserId"));
        }
        if op.path == GROUP {
            parameters.push(path_param("experienceGroupId"));
        }
        if op.path == BULK_JOB {
            parameters.push(path_param("jobId"));
        }
        if op.list {
            parameters.extend(list_params(op.path));
        }
        if op.path == AUDIT {
            parameters.extend(audit_params());
        }
        let error = json!({ "content": { "application/json": { "schema": schema_ref("error") } } });
        let mut responses = Map::new();
        responses.insert(
            op.status.to_string(),
            json!({ "description": "Success", "content": { "application/json": { "schema": schema_ref(op.response) } } }),
        );
        if let Some((status, schema)) = op.alt {
            responses.insert(
                status.to_string(),
                json!({ "description": "Success", "content": { "application/json": { "schema": schema_ref(schema) } } }),
            );
        }
        for (status, what) in [
            ("400", "Invalid query or body"),
            ("401", "Missing, invalid, expired or revoked token"),
            ("403", "The token is for another application"),
            ("404", "Not found"),
        ] {
            let mut answer = error.clone();
            answer["description"] = json!(what);
            responses.insert(status.into(), answer);
        }
        if op.request.is_some() {
            let mut answer = error.clone();
            answer["description"] = json!("Conflict: a taken email, a user limit, a concurrent change");
            responses.insert("409".into(), answer);
            let mut answer = error.clone();
            answer["description"] = json!("Body too large");
            responses.insert("413".into(), answer);
        }
        let mut operation = json!({ "summary": op.summary, "parameters": parameters, "responses": responses });
        if let Some(request) = op.request {
            operation["requestBody"] =
                json!({ "required": true, "content": { "application/json": { "schema": schema_ref(request) } } });
        }
        paths
            .entry(op.path)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("a path item is an object")
            .insert(op.method.into(), operation);
    }
    let schemas: Map<String, Value> = SCHEMAS
        .iter()
        .map(|(name, text)| {
            let mut schema: Value = serde_json::from_str(text).expect("the embedded schemas are JSON");
            if let Some(object) = schema.as_object_mut() {
                object.remove("$schema");
            }
            ((*name).to_owned(), schema)
        })
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Experience Users admin REST API (Losant-compatible)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Point Losant's clients at http://HOST/api/v1. Every operation needs an application API token: Authorization: Bearer <token>."
        },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } }
        }
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}
