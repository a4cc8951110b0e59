//! Losant's advanced query (`advancedQuery.json`) for experience users, parsed into the one
//! user filter model. Anything it does not know is refused, never ignored.

use app::domain::user_filter::{Field, Op, Scalar, UserFilter as Filter};
use app::server::clock::parse_rfc3339;
use serde_json::Value;

const MAX_DEPTH: usize = 8;
const MAX_LIST: usize = 100;

pub fn parse(query: &Value) -> Result<Filter, String> {
    node(query, 0)
}

fn node(value: &Value, depth: usize) -> Result<Filter, String> {
    if depth > MAX_DEPTH {
        return Err(format!("query: nested deeper than {MAX_DEPTH} levels"));
    }
    let Value::Object(map) = value else {
        return Err("query: each part must be a JSON object".into());
    };
    let mut parts = Vec::new();
    for (key, inner) in map {
        let combine = |f: fn(Vec<Filter>) -> Filter| -> Result<Filter, String> {
            let Value::Array(items) = inner else {
                return Err(format!("query: {key} takes an array"));
            };
            if items.len() > MAX_LIST {
                return Err(format!("query: {key} takes at most {MAX_LIST} items"));
            }
            Ok(f(items.iter().map(|i| node(i, depth + 1)).collect::<Result<_, _>>()?))
        };
        parts.push(match key.as_str() {
            "$and" => combine(Filter::All)?,
            "$or" => combine(Filter::Any)?,
            "$nor" => combine(Filter::None)?,
            field => condition(field, inner)?,
        });
    }
    Ok(if parts.len() == 1 { parts.remove(0) } else { Filter::All(parts) })
}

fn field(name: &str) -> Result<Field, String> {
    Ok(match name {
        "id" => Field::Id,
        "email" => Field::Email,
        "firstName" => Field::FirstName,
        "lastName" => Field::LastName,
        "creationDate" => Field::Created,
        "lastUpdated" => Field::Updated,
        "lastLogin" => Field::LastLogin,
        "passwordLastUpdated" => Field::PasswordUpdated,
        "experienceGroupId" => Field::GroupId,
        other => match other.strip_prefix("userTags.") {
            Some(key) if app::domain::TagKey::parse(key).is_ok() => Field::Tag(key.to_owned()),
            _ => return Err(format!("query: unknown field {other:?}")),
        },
    })
}

fn is_time(field: &Field) -> bool {
    matches!(field, Field::Created | Field::Updated | Field::LastLogin | Field::PasswordUpdated)
}

/// A value as the field's column holds it: dates as milliseconds, and for the text fields
/// numbers and booleans as their text (`{"email": 0}` asks for the text "0"), so that every
/// comparison is between values of one type, which both engines read the same.
fn scalar(field: &Field, value: &Value) -> Result<Scalar, String> {
    match value {
        Value::Null => Ok(Scalar::Null),
        Value::String(s) if is_time(field) => {
            parse_rfc3339(s).map(Scalar::Number).ok_or_else(|| format!("query: {s:?} is not an RFC 3339 date"))
        }
        Value::Number(n) if is_time(field) => {
            n.as_i64().map(Scalar::Number).ok_or_else(|| format!("query: {n} is not a whole number"))
        }
        Value::Bool(_) if is_time(field) => Err("query: dates are RFC 3339 strings or milliseconds".into()),
        Value::String(s) => Ok(Scalar::Text(s.clone())),
        Value::Number(n) => Ok(Scalar::Text(n.to_string())),
        Value::Bool(b) => Ok(Scalar::Text(b.to_string())),
        _ => Err("query: values are strings, numbers, booleans or null".into()),
    }
}

fn condition(name: &str, value: &Value) -> Result<Filter, String> {
    let field = field(name)?;
    let Value::Object(ops) = value else {
        return Ok(Filter::Cond { value: scalar(&field, value)?, field, op: Op::Eq, ci: false });
    };
    let ci = match ops.get("$ci") {
        None => false,
        // Dates have no letter case.
        Some(Value::Bool(b)) => *b && !is_time(&field),
        Some(_) => return Err("query: $ci takes true or false".into()),
    };
    let mut parts = Vec::new();
    for (op, operand) in ops.iter().filter(|(k, _)| *k != "$ci") {
        let op = match op.as_str() {
            "$eq" => Op::Eq,
            "$ne" => Op::Ne,
            "$gt" => Op::Gt,
            "$lt" => Op::Lt,
            "$gte" => Op::Gte,
            "$lte" => Op::Lte,
            "$startsWith" => Op::StartsWith,
            "$endsWith" => Op::EndsWith,
            "$contains" => Op::Contains,
            "$in" => Op::In,
            "$nin" => Op::Nin,
            other => return Err(format!("query: unknown operator {other:?}")),
        };
        let value = match (op, operand) {
            (Op::In | Op::Nin, Value::Array(items)) if items.len() <= MAX_LIST => {
                Scalar::List(items.iter().map(|i| scalar(&field, i)).collect::<Result<_, _>>()?)
            }
            (Op::In | Op::Nin, _) => return Err(format!("query: $in and $nin take an array of at most {MAX_LIST}")),
            (Op::StartsWith | Op::EndsWith | Op::Contains, _) if is_time(&field) => {
                return Err(format!("query: {name} is a date: $startsWith, $endsWith and $contains take text fields"))
            }
            (Op::StartsWith | Op::EndsWith | Op::Contains, Value::String(s)) if !s.is_empty() => {
                Scalar::Text(s.clone())
            }
            (Op::StartsWith | Op::EndsWith | Op::Contains, _) => {
                return Err("query: $startsWith, $endsWith and $contains take a non-empty string".into())
            }
            (_, v) => scalar(&field, v)?,
        };
        parts.push(Filter::Cond { field: field.clone(), op, value, ci });
    }
    Ok(match parts.len() {
        0 => Filter::All(Vec::new()),
        1 => parts.remove(0),
        _ => Filter::All(parts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::user_filter::{OrderBy, TextField};
    use app::server::records::{Order, Page, Start};
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn parses_combinators_fields_and_operators() {
        let q = json!({ "$or": [{ "email": { "$endsWith": "@farm.io", "$ci": true } }, { "userTags.floor": "2" }] });
        let Filter::Any(parts) = parse(&q).unwrap() else { panic!("an $or") };
        assert_eq!(
            parts[0],
            Filter::Cond { field: Field::Email, op: Op::EndsWith, value: Scalar::Text("@farm.io".into()), ci: true }
        );
        assert_eq!(
            parts[1],
            Filter::Cond { field: Field::Tag("floor".into()), op: Op::Eq, value: Scalar::Text("2".into()), ci: false }
        );
        let dated = parse(&json!({ "creationDate": { "$gte": "2026-11-18T11:06:40.123Z" } })).unwrap();
        assert_eq!(
            dated,
            Filter::Cond { field: Field::Created, op: Op::Gte, value: Scalar::Number(1_795_000_000_123), ci: false }
        );
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        assert!(parse(&json!({ "password": "x" })).unwrap_err().contains("unknown field"));
        assert!(parse(&json!({ "email": { "$regex": ".*" } })).unwrap_err().contains("unknown operator"));
        assert!(parse(&json!({ "$and": {} })).is_err());
        assert!(parse(&json!({ "creationDate": "yesterday" })).is_err());
        assert!(parse(&json!([1])).is_err());
    }

    const FIELDS: [&str; 10] = [
        "email",
        "firstName",
        "lastName",
        "id",
        "creationDate",
        "lastUpdated",
        "lastLogin",
        "passwordLastUpdated",
        "experienceGroupId",
        "userTags.floor",
    ];
    const OPERATORS: [&str; 11] =
        ["$eq", "$ne", "$gt", "$lt", "$gte", "$lte", "$startsWith", "$endsWith", "$contains", "$in", "$nin"];
    const COMBINATORS: [&str; 3] = ["$and", "$or", "$nor"];

    /// Keys an attacker or a typo would send: every field and operator, some unknown ones,
    /// and any short text.
    fn key() -> impl Strategy<Value = String> {
        let mut known: Vec<&str> = [&COMBINATORS[..], &FIELDS, &OPERATORS].concat();
        known.extend(["userTags.a b", "$ci", "$regex", "password"]);
        prop_oneof![prop::sample::select(known).prop_map(str::to_owned), ".{0,8}"]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|n| json!(n)),
            prop::sample::select(vec!["2026-11-27T10:00:00.000Z", "1970-01-01T00:00:00Z", "ann", "%", "_", "*", "\\"])
                .prop_map(|s| json!(s)),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(key(), inner, 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Queries shaped as Losant's are (combinators over fields over operators), with any values:
    /// most of them parse, so the property below runs the parsed filters, not only refusals.
    fn query_shape() -> impl Strategy<Value = Value> {
        let field = prop::sample::select(FIELDS.to_vec());
        let op = prop::sample::select(OPERATORS.to_vec());
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(|n| json!(n)),
            prop::sample::select(vec!["2026-11-27T10:00:00.000Z", "ann", "Ann@Farm.io", "%", "_", "lee", "0"])
                .prop_map(|s| json!(s)),
            ".{1,6}".prop_map(Value::String),
        ];
        let operand = prop_oneof![leaf.clone(), prop::collection::vec(leaf.clone(), 0..4).prop_map(Value::Array)];
        let condition = (
            field,
            prop_oneof![
                leaf.clone().boxed(),
                (prop::collection::btree_map(op, operand, 1..3), any::<bool>())
                    .prop_map(|(ops, ci)| {
                        let mut map: serde_json::Map<String, Value> =
                            ops.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                        if ci {
                            map.insert("$ci".into(), json!(true));
                        }
                        Value::Object(map)
                    })
                    .boxed(),
            ],
        )
            .prop_map(|(field, value)| json!({ field: value }));
        condition.prop_recursive(3, 24, 4, |inner| {
            (prop::sample::select(COMBINATORS.to_vec()), prop::collection::vec(inner, 0..4))
                .prop_map(|(combinator, parts)| json!({ combinator: parts }))
        })
    }

    /// Small databases the parsed filters run on, shared by every case: SQLite, and
    /// PostgreSQL when the test script started one (EU_TEST_POSTGRES_URL).
    struct Databases {
        runtime: tokio::runtime::Runtime,
        sqlite: sqlx::SqlitePool,
        postgres: Option<sqlx::PgPool>,
        _dir: tempfile::TempDir,
    }

    const APP: &str = "0000000000000000000000a1";
    const ROWS: &str = "INSERT INTO applications (id, name, created_at, updated_at) VALUES ($1, 'Farm', 0, 0);
        INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, first_name,
                                      last_name, created_at, updated_at, password_updated_at, last_login_at)
        VALUES ('u1', $1, 'Ann@Farm.io', 'ann@farm.io', 'x', 'Ann', 'Lee', 1, 2, 3, 0),
               ('u2', $1, 'bob@mill.io', 'bob@mill.io', 'x', 'Bob', '', 5, 6, 7, 8)";

    fn databases() -> &'static Databases {
        static DB: std::sync::OnceLock<Databases> = std::sync::OnceLock::new();
        DB.get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let dir = tempfile::tempdir().unwrap();
            let (sqlite, postgres) = runtime.block_on(async {
                let url = format!("sqlite://{}/q.db", dir.path().display());
                let sqlite = store_sqlite::db::connect(&url).await.unwrap();
                for statement in ROWS.split(';') {
                    sqlx::query(statement).bind(APP).execute(&sqlite).await.unwrap();
                }
                let postgres = match std::env::var("EU_TEST_POSTGRES_URL") {
                    Ok(url) => {
                        let url = store_pg::db::fresh_database(&url).await.unwrap();
                        let pool = store_pg::db::connect(&url, Default::default()).await.unwrap();
                        for statement in ROWS.split(';') {
                            sqlx::query(statement).bind(APP).execute(&pool).await.unwrap();
                        }
                        Some(pool)
                    }
                    Err(_) => None,
                };
                (sqlite, postgres)
            });
            Databases { runtime, sqlite, postgres, _dir: dir }
        })
    }

    type Run = (Result<i64, sqlx::Error>, Result<Page, sqlx::Error>);

    /// The filter's count and first page of 10 on each engine's shared database.
    fn run(filter: &Filter, order: Order) -> Vec<(&'static str, Run)> {
        let db = databases();
        db.runtime.block_on(async {
            let mut conn = db.sqlite.acquire().await.unwrap();
            let total = store_sqlite::repo::user_list::count(&mut conn, APP, filter, None).await;
            let page = store_sqlite::repo::user_list::page(&mut conn, APP, filter, order, &Start::First, 10).await;
            let mut runs = vec![("SQLite", (total, page))];
            if let Some(pool) = &db.postgres {
                let mut conn = pool.acquire().await.unwrap();
                let total = store_pg::repo::user_list::count(&mut conn, APP, filter, None).await;
                let page = store_pg::repo::user_list::page(&mut conn, APP, filter, order, &Start::First, 10).await;
                runs.push(("PostgreSQL", (total, page)));
            }
            runs
        })
    }

    proptest! {
        // 512 cases in `make test`; `make fuzz` sets PROPTEST_CASES for a long run.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512)
        ))]

        /// Any JSON is either refused with a message for the `query` field or becomes a filter
        /// that runs: no panic, and no accepted query that the database then rejects (a 500).
        #[test]
        fn any_query_is_refused_or_runs(query in prop_oneof![json_value(), query_shape()]) {
            match parse(&query) {
                Err(message) => prop_assert!(message.starts_with("query:"), "{message}"),
                Ok(filter) => {
                    let runs = run(&filter, Order { by: OrderBy::Email, descending: false });
                    for (engine, (total, page)) in &runs {
                        prop_assert!(total.as_ref().is_ok_and(|n| (0..=2).contains(n)),
                            "{engine}: {query} counted {total:?}");
                        prop_assert!(page.as_ref().is_ok_and(|p| p.rows.len() as i64 == *total.as_ref().unwrap()),
                            "{engine}: {query}: {page:?}");
                    }
                    same_on_every_engine(&runs)?;
                }
            }
        }

        /// Any `filter` glob (REST) or search-box text (admin list) runs, and its page and its
        /// count agree: wildcards, LIKE's own `%` `_` `\\`, quotes and trigram-length texts included.
        #[test]
        fn any_glob_runs(text in "[*%_\\\\'\"a-zA-Z@.é ]{0,10}", contains in any::<bool>()) {
            let glob = app::domain::user_filter::Glob::new(&text, contains);
            let fields = vec![TextField::Email, TextField::FirstName, TextField::LastName];
            let filter = Filter::Glob { fields, glob: glob.clone() };
            let runs = run(&filter, Order { by: OrderBy::LastName, descending: true });
            for (engine, (total, page)) in &runs {
                prop_assert!(total.is_ok() && page.is_ok(), "{engine}: {glob:?}: {total:?} {page:?}");
                prop_assert_eq!(page.as_ref().unwrap().rows.len() as i64, *total.as_ref().unwrap(), "{:?}", glob);
            }
            same_on_every_engine(&runs)?;
        }
    }

    /// The same users, in the same order, whichever engine answers.
    fn same_on_every_engine(runs: &[(&str, Run)]) -> Result<(), TestCaseError> {
        let ids = |run: &Run| run.1.as_ref().ok().map(|p| p.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
        let (first, first_run) = &runs[0];
        for (engine, other) in &runs[1..] {
            prop_assert_eq!(ids(first_run), ids(other), "{} and {} differ", first, engine);
        }
        Ok(())
    }
}
