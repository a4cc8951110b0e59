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

fn scalar(field: &Field, value: &Value) -> Result<Scalar, String> {
    match value {
        Value::Null => Ok(Scalar::Null),
        Value::String(s) if is_time(field) => {
            parse_rfc3339(s).map(Scalar::Number).ok_or_else(|| format!("query: {s:?} is not an RFC 3339 date"))
        }
        Value::String(s) => Ok(Scalar::Text(s.clone())),
        Value::Number(n) => n.as_i64().map(Scalar::Number).ok_or_else(|| format!("query: {n} is not a whole number")),
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
        Some(Value::Bool(b)) => *b,
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
}
