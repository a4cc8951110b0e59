//! The experience-user list engine, for every door: a `UserFilter` (compiled in
//! `user_filter_sql`) in any order, one page read by keyset (the admin list: the same cost at
//! any depth) or by position (Losant's `page`: the skipped rows are read from the sort index
//! alone), and counts, exact or capped.

use sqlx::QueryBuilder;

use crate::engine::{by_engine, Db, DbConn};
use crate::records::{Order, Page, Start, UserRecord};

use super::user_filter_sql::{push_filter, push_tag_match, text_column, TextIndex};
use crate::domain::user_filter::{OrderBy, TextField, UserFilter};

/// The key a row is found by again: SQLite's rowid (the table's own order, cheapest to look
/// up); PostgreSQL's primary key, which every sort index ends with.
const ROW_KEY: &str = by_engine!(sqlite => "u.rowid", postgres => "u.id");

/// Reads the tag index first: SQLite keeps a `CROSS JOIN`'s order as written; PostgreSQL's
/// planner chooses (and sees the tag index's selectivity itself).
const TAG_FIRST_JOIN: &str = by_engine!(sqlite => "CROSS JOIN", postgres => "JOIN");

const COLUMNS: &str = "u.id, u.email, u.first_name, u.last_name, u.version, u.created_at, u.updated_at, \
                       u.password_updated_at, u.last_login_at, u.token_cutoff, u.disabled_until";

/// The column behind each order; the users migrations have an index on
/// (application_id, column, id) for each, and per view with in_group after the application.
/// Users who never signed in come last either way: last login descending reads the stored 0 of
/// "never" last, ascending reads `login_rank`, where "never" is the largest value.
pub fn sort_column(by: OrderBy, descending: bool) -> &'static str {
    match by {
        OrderBy::Email => "u.email_normalized",
        OrderBy::FirstName => text_column(TextField::FirstName),
        OrderBy::LastName => text_column(TextField::LastName),
        OrderBy::Created => "u.created_at",
        OrderBy::LastLogin if descending => "u.last_login_at",
        OrderBy::LastLogin => "u.login_rank",
        OrderBy::Updated => "u.updated_at",
        OrderBy::Id => "u.id",
    }
}

/// Below this many users holding a filtered tag, a page is read from the tag index and sorted
/// (a few thousand rows cost a millisecond or two); above it, the sort index is walked and each
/// user's tags probed, which needs about `page size / share of users tagged` probes. The
/// walk grows as the tag gets rarer and the sort grows as it gets commoner: this picks the
/// cheaper of the two (make bench-groups measures a tag on 10 %, 1 % and 0.1 % of 10^6 users).
const FEW_TAGGED: i64 = 2_000;

/// Up to this many users holding a filtered tag, PostgreSQL walks the sort index against a hash
/// table of the tag's users, built once, instead of probing the tag index per row: a probe costs
/// it about 3 µs, so a tag on 1 % of 10^6 users took ~12 ms a page by probes and takes ~6 by
/// hash. Above it, building the table costs more than the few probes a common tag needs.
/// SQLite's probes are cheap enough (a tag on 1 %: 8 ms a page) that it has no such middle.
const HASHED_TAGGED: i64 = by_engine!(sqlite => FEW_TAGGED, postgres => 15_000);

/// Above this many users matching a substring search, the sort index is walked and each row
/// checked (a page needs about `page size / share matching` rows, and a capped count stops
/// early); below it, the trigram index lists the candidates, which is what a rare text needs.
/// Asking the index costs little either way: it stops at the limit.
const FEW_MATCHING: i64 = 2_000;

/// How a query reaches the users: through the users table, or from the rows of one tag.
struct Plan<'a> {
    application_id: &'a str,
    filter: &'a UserFilter,
    /// The filter's tag, when it is read apart from the rest of the filter.
    tag: Option<TagRead<'a>>,
    /// Where substring searches find their candidates, when they are narrowed so.
    trigrams: Option<TextIndex>,
    /// The trigram-index query of the filter's substring search, if it has one.
    search: Option<TrigramSearch>,
}

struct TagRead<'a> {
    key: &'a str,
    value: Option<&'a str>,
    /// The rest of the filter.
    rest: Vec<UserFilter>,
    /// Read the tag's rows first and the users from them; else hash the tag's users.
    first: bool,
}

struct TrigramSearch {
    query: String,
    /// The searched text, when emails are among its fields: the email domains count too.
    in_domains: Option<String>,
    /// The search is the whole filter, ignores case, is ASCII and, in emails, has no '@': the
    /// indexes alone answer how many users match. (Trigrams fold case beyond ASCII where `LIKE`
    /// does not, and a text across an email's '@' is checked on the rows.)
    counts_alone: bool,
}

impl<'a> Plan<'a> {
    /// Reads from the tag index when the filter names a tag held by few users, or, `counting`,
    /// whenever it names one (the tag's rows are fewer than the users'); hashes the tag's users
    /// when they are not many (`HASHED_TAGGED`).
    async fn new(
        conn: &mut DbConn,
        application_id: &'a str,
        filter: &'a UserFilter,
        counting: bool,
    ) -> Result<Plan<'a>, sqlx::Error> {
        let conjuncts = filter.conjuncts();
        let tagged = conjuncts.iter().enumerate().find_map(|(i, part)| match part {
            UserFilter::Tagged { key, value } => Some((i, key.as_str(), value.as_deref())),
            _ => None,
        });
        let mut tag = None;
        if let Some((i, key, value)) = tagged {
            let held_by = if counting { 0 } else { tagged_users(conn, key, value, HASHED_TAGGED + 1).await? };
            if held_by <= HASHED_TAGGED {
                let rest = conjuncts.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| p.clone()).collect();
                tag = Some(TagRead { key, value, rest, first: held_by <= FEW_TAGGED });
            }
        }
        // PostgreSQL needs no plan for a substring search: its trigram indexes (pg_trgm) answer
        // the `LIKE '%text%'` of the filter itself, and its planner weighs them against the
        // sort order.
        let (search, trigrams) = by_engine!(
            sqlite => plan_trigram_search(conn, application_id, filter, counting).await?,
            postgres => (None, None),
        );
        Ok(Plan { application_id, filter, tag, trigrams, search })
    }

    /// Pushes `SELECT {select} FROM … WHERE` the filter holds, the users table as `u`.
    fn push_select(&self, qb: &mut QueryBuilder<'_, Db>, select: &str) {
        match &self.tag {
            Some(TagRead { key, value, rest, first: true }) => {
                qb.push(format_args!(
                    "SELECT {select} FROM experience_user_tags t {TAG_FIRST_JOIN} experience_users u ON u.id = t.user_id AND "
                ));
                push_tag_match(qb, "t", key, *value);
                qb.push(" WHERE u.application_id = ").push_bind(self.application_id.to_owned()).push(" AND ");
                push_filter(qb, &UserFilter::All(rest.clone()), self.trigrams.as_ref());
            }
            Some(TagRead { key, value, rest, first: false }) => {
                // `IS TRUE` keeps PostgreSQL from turning the `IN` into a join, which it would
                // run as a probe per row: as a condition it is one hashed subplan.
                qb.push(format_args!("SELECT {select} FROM experience_users u WHERE u.application_id = "));
                qb.push_bind(self.application_id.to_owned())
                    .push(" AND (u.id IN (SELECT t.user_id FROM experience_user_tags t WHERE ");
                push_tag_match(qb, "t", key, *value);
                qb.push(")) IS TRUE AND ");
                push_filter(qb, &UserFilter::All(rest.clone()), self.trigrams.as_ref());
            }
            None => {
                qb.push(format_args!("SELECT {select} FROM experience_users u WHERE u.application_id = "));
                qb.push_bind(self.application_id.to_owned()).push(" AND ");
                push_filter(qb, self.filter, self.trigrams.as_ref());
            }
        }
    }
}

by_engine! {
    sqlite => {
        use super::user_filter_sql::{
            push_candidate_rowids, push_domain_match, substring_search, trigram_query, Candidates, SubstringSearch,
        };

        /// The FTS5 trigram index's query for the filter's substring search, if it has one, and
        /// the application's text indexes when they should narrow the rows read.
        async fn plan_trigram_search(
            conn: &mut DbConn,
            application_id: &str,
            filter: &UserFilter,
            counting: bool,
        ) -> Result<(Option<TrigramSearch>, Option<TextIndex>), sqlx::Error> {
            let Some(found) = substring_search(filter) else { return Ok((None, None)) };
            let scope = sqlx::query_scalar!("SELECT search_scope FROM applications WHERE id = $1", application_id)
                .fetch_optional(&mut *conn)
                .await?;
            let Some(scope) = scope else { return Ok((None, None)) };
            let query = trigram_query(&scope, &found.fields, &found.text);
            let in_domains = found.fields.contains(&TextField::Email).then(|| found.text.clone());
            let counts_alone = filter.conjuncts().len() == 1
                && found.ignores_case
                && found.text.is_ascii()
                && !(in_domains.is_some() && found.text.contains('@'));
            let search = TrigramSearch { query, in_domains, counts_alone };
            let index = TextIndex { application_id: application_id.to_owned(), scope, found: None };
            // A count the indexes answer alone reads no rows, so it needs no plan for them.
            if counting && counts_alone {
                return Ok((Some(search), None));
            }
            let candidates = few_candidates(conn, &index, &search, &found).await?;
            Ok((Some(search), candidates.map(|candidates| TextIndex { found: Some(candidates), ..index })))
        }

        /// The search's candidates, when there are at most `FEW_MATCHING`.
        async fn few_candidates(
            conn: &mut DbConn,
            index: &TextIndex,
            search: &TrigramSearch,
            found: &SubstringSearch,
        ) -> Result<Option<Candidates>, sqlx::Error> {
            // A common domain holds too many to list (a fiftieth of 10^6 users here).
            if let Some(text) = &search.in_domains {
                if domain_users(conn, &index.application_id, text).await? > FEW_MATCHING {
                    return Ok(None);
                }
            }
            let mut qb = QueryBuilder::new("SELECT rowid FROM (");
            push_candidate_rowids(&mut qb, index, &found.fields, &found.text);
            qb.push(") LIMIT ").push_bind(FEW_MATCHING + 1);
            let rowids: Vec<i64> = qb.build_query_scalar().fetch_all(conn).await?;
            Ok((rowids.len() as i64 <= FEW_MATCHING).then(|| Candidates {
                fields: found.fields.clone(),
                text: found.text.clone(),
                rowids: serde_json::to_string(&rowids).expect("integers serialize"),
            }))
        }

        /// How many users match a search the indexes count alone: those the trigram index finds
        /// (local parts, names), and, for emails, the users of the domains holding the text less
        /// those of them the trigram index found too.
        async fn search_count(
            conn: &mut DbConn,
            application_id: &str,
            search: &TrigramSearch,
            cap: Option<i64>,
        ) -> Result<i64, sqlx::Error> {
            let Some(text) = &search.in_domains else { return index_count(conn, &search.query, cap).await };
            let in_domains = domain_users(conn, application_id, text).await?;
            if in_domains == 0 {
                return index_count(conn, &search.query, cap).await;
            }
            let mut both = QueryBuilder::new(
                "SELECT COUNT(*) FROM experience_users_fts JOIN experience_users u ON u.rowid = experience_users_fts.rowid
                  WHERE experience_users_fts MATCH ",
            );
            both.push_bind(search.query.clone())
                .push(" AND u.application_id = ")
                .push_bind(application_id.to_owned())
                .push(" AND u.email_domain IN (SELECT domain FROM email_domain_counts WHERE application_id = ")
                .push_bind(application_id.to_owned())
                .push(" AND ");
            push_domain_match(&mut both, text);
            both.push(")");
            let both: i64 = both.build_query_scalar().fetch_one(&mut *conn).await?;
            let total = in_domains + index_count(conn, &search.query, None).await? - both;
            Ok(cap.map_or(total, |cap| total.min(cap)))
        }

        /// How many users of the application have an email domain `*text*` may match in.
        async fn domain_users(conn: &mut DbConn, application_id: &str, text: &str) -> Result<i64, sqlx::Error> {
            let mut qb = QueryBuilder::new("SELECT coalesce(sum(users), 0) FROM email_domain_counts WHERE application_id = ");
            qb.push_bind(application_id.to_owned()).push(" AND ");
            push_domain_match(&mut qb, text);
            qb.build_query_scalar().fetch_one(conn).await
        }

        /// How many users the trigram index holds for `query`, up to `cap`.
        async fn index_count(conn: &mut DbConn, query: &str, cap: Option<i64>) -> Result<i64, sqlx::Error> {
            sqlx::query_scalar!(
                r#"SELECT COUNT(*) AS "n!: i64" FROM (SELECT rowid FROM experience_users_fts
                   WHERE experience_users_fts MATCH $1 LIMIT coalesce($2, -1))"#,
                query,
                cap
            )
            .fetch_one(conn)
            .await
        }
    }
    postgres => {}
}

/// How many users (of any application) are tagged so, up to `cap`.
async fn tagged_users(conn: &mut DbConn, key: &str, value: Option<&str>, cap: i64) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM experience_user_tags t WHERE ");
    push_tag_match(&mut qb, "t", key, value);
    qb.push(" LIMIT ").push_bind(cap).push(") AS few");
    qb.build_query_scalar::<i64>().fetch_one(conn).await
}

/// The sort value and id of the row a cursor names: cursors are plain ids, so they need no
/// encoding, and the comparison binds real values so SQLite walks the sort index from there.
#[derive(Debug, Clone)]
enum Cursor {
    Id(String),
    Text(String, String),
    Int(i64, String),
}

async fn resolve_cursor(
    conn: &mut DbConn,
    application_id: &str,
    order: Order,
    id: &str,
) -> Result<Option<Cursor>, sqlx::Error> {
    let by = order.by;
    if id.contains('\0') {
        return Ok(None); // no id holds one (see `user_filter_sql::push_text`)
    }
    let column = sort_column(by, order.descending);
    let sql = format!("SELECT {column} FROM experience_users u WHERE u.application_id = $1 AND u.id = $2");
    Ok(match by {
        OrderBy::Id | OrderBy::Email | OrderBy::FirstName | OrderBy::LastName => {
            let value: Option<String> =
                sqlx::query_scalar(&sql).bind(application_id).bind(id).fetch_optional(conn).await?;
            value.map(|v| if by == OrderBy::Id { Cursor::Id(v) } else { Cursor::Text(v, id.to_owned()) })
        }
        _ => {
            let value: Option<i64> =
                sqlx::query_scalar(&sql).bind(application_id).bind(id).fetch_optional(conn).await?;
            value.map(|v| Cursor::Int(v, id.to_owned()))
        }
    })
}

fn push_keyset(qb: &mut QueryBuilder<'_, Db>, order: Order, op: &str, cursor: &Cursor) {
    let column = sort_column(order.by, order.descending);
    match cursor.clone() {
        Cursor::Id(id) => qb.push(format_args!(" AND u.id {op} ")).push_bind(id),
        Cursor::Text(v, id) => {
            qb.push(format_args!(" AND ({column}, u.id) {op} (")).push_bind(v).push(", ").push_bind(id).push(")")
        }
        Cursor::Int(v, id) => {
            qb.push(format_args!(" AND ({column}, u.id) {op} (")).push_bind(v).push(", ").push_bind(id).push(")")
        }
    };
}

/// `ORDER BY` the list's `order`, walked `descending` (the other way round when reading backwards).
fn push_order(qb: &mut QueryBuilder<'_, Db>, order: Order, descending: bool) {
    let dir = if descending { "DESC" } else { "ASC" };
    match order.by {
        OrderBy::Id => qb.push(format_args!(" ORDER BY u.id {dir}")),
        by => qb.push(format_args!(" ORDER BY {} {dir}, u.id {dir}", sort_column(by, order.descending))),
    };
}

/// One page of the users `filter` selects, `size` rows from `start` in `order`.
pub async fn page(
    conn: &mut DbConn,
    application_id: &str,
    filter: &UserFilter,
    order: Order,
    start: &Start,
    size: i64,
) -> Result<Page, sqlx::Error> {
    let plan = Plan::new(conn, application_id, filter, false).await?;
    if let Start::Offset { skip, total } = start {
        return offset_page(conn, &plan, order, *skip, *total, size).await;
    }
    let cursor = match start {
        Start::After(id) | Start::Before(id) => resolve_cursor(conn, application_id, order, id).await?,
        _ => None,
    };
    // A cursor whose row has gone (deleted meanwhile) starts the list over.
    let start =
        if cursor.is_none() && matches!(start, Start::After(_) | Start::Before(_)) { &Start::First } else { start };
    // Reading backwards (Before, Last) walks the index the other way, then flips the rows.
    let backwards = matches!(start, Start::Before(_) | Start::Last);
    let walk_descending = order.descending != backwards;
    let op = if walk_descending { "<" } else { ">" };

    // The page's rows are found by their keys first and read after: the walk then needs only
    // the sort index (PostgreSQL reads no row it does not show; a tag filter's walk steps over
    // thousands).
    let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM experience_users u WHERE {ROW_KEY} IN ("));
    plan.push_select(&mut qb, ROW_KEY);
    if let Some(cursor) = &cursor {
        push_keyset(&mut qb, order, op, cursor);
    }
    push_order(&mut qb, order, walk_descending);
    qb.push(" LIMIT ").push_bind(size + 1).push(")");
    push_order(&mut qb, order, walk_descending);
    let mut rows: Vec<UserRecord> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let more_beyond = rows.len() as i64 > size;
    rows.truncate(size.max(0) as usize);
    if backwards {
        rows.reverse();
    }
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(Page { rows, more_before: false, more_after: false });
    };
    let (more_before, more_after) = match start {
        Start::First => (false, more_beyond),
        Start::Last => (more_beyond, false),
        Start::After(from) => (more_past_edge(conn, &plan, order, from, &first.id.clone(), false).await?, more_beyond),
        Start::Before(from) => (more_beyond, more_past_edge(conn, &plan, order, from, &last.id.clone(), true).await?),
        Start::Offset { .. } => unreachable!("offset pages return above"),
    };
    Ok(Page { rows, more_before, more_after })
}

/// Rows `skip..skip + size` of `total`. The skipped rows are stepped over in a subquery that
/// needs only the sort index (application, column, id), and from whichever end of the order
/// is nearer: page 9,999 of 10,000 reads the last rows backwards instead of stepping over
/// 999,900. Only the page's rows are read from the table.
async fn offset_page(
    conn: &mut DbConn,
    plan: &Plan<'_>,
    order: Order,
    skip: i64,
    total: i64,
    size: i64,
) -> Result<Page, sqlx::Error> {
    let from_end = skip > total / 2;
    let (step, take, descending) = if from_end {
        let take = size.min(total - skip).max(0);
        ((total - skip - take).max(0), take, !order.descending)
    } else {
        (skip, size, order.descending)
    };
    let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM experience_users u WHERE {ROW_KEY} IN ("));
    plan.push_select(&mut qb, ROW_KEY);
    push_order(&mut qb, order, descending);
    qb.push(" LIMIT ").push_bind(take).push(" OFFSET ").push_bind(step).push(")");
    push_order(&mut qb, order, order.descending);
    let rows: Vec<UserRecord> = qb.build_query_as().fetch_all(conn).await?;
    Ok(Page { more_before: skip > 0, more_after: skip + (rows.len() as i64) < total, rows })
}

/// Is there a row after (`forward`) or before the row `id` in the list's order?
/// Are there rows past `edge`, the page's first row (its last, `forward`)? The row the page was
/// asked from lies there: while it still matches the filter, it answers without a walk (which,
/// for a rare tag or text, steps over many rows to find the next one).
async fn more_past_edge(
    conn: &mut DbConn,
    plan: &Plan<'_>,
    order: Order,
    asked_from: &str,
    edge: &str,
    forward: bool,
) -> Result<bool, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT 1 FROM experience_users u WHERE u.application_id = ");
    qb.push_bind(plan.application_id.to_owned()).push(" AND u.id = ").push_bind(asked_from.to_owned()).push(" AND ");
    push_filter(&mut qb, plan.filter, None);
    if qb.build().fetch_optional(&mut *conn).await?.is_some() {
        return Ok(true);
    }
    exists_beyond(conn, plan, order, edge, forward).await
}

async fn exists_beyond(
    conn: &mut DbConn,
    plan: &Plan<'_>,
    order: Order,
    id: &str,
    forward: bool,
) -> Result<bool, sqlx::Error> {
    let op = if order.descending != forward { ">" } else { "<" };
    let Some(cursor) = resolve_cursor(conn, plan.application_id, order, id).await? else {
        return Ok(false);
    };
    let mut qb = QueryBuilder::new("");
    plan.push_select(&mut qb, "1");
    push_keyset(&mut qb, order, op, &cursor);
    // In the sort order from the cursor: the sort index's next entry answers. Without an
    // order, PostgreSQL may scan the table in its physical order, which follows the insertion
    // order and so (emails, dates) the sort order: the first match lies half the table away.
    push_order(&mut qb, order, op == "<");
    qb.push(" LIMIT 1");
    Ok(qb.build().fetch_optional(conn).await?.is_some())
}

/// How many users `filter` selects, counting no further than `cap` when one is given (so a
/// filter matching most of 10^6 users costs no more than one matching few).
pub async fn count(
    conn: &mut DbConn,
    application_id: &str,
    filter: &UserFilter,
    cap: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let plan = Plan::new(conn, application_id, filter, true).await?;
    // A common text (one user in eight, say) has too many matches to look each up in the users
    // table (~1 µs each), but the index's posting lists count them alone.
    by_engine!(
        sqlite => {
            if let Some(search @ TrigramSearch { counts_alone: true, .. }) = &plan.search {
                return search_count(conn, application_id, search, cap).await;
            }
        },
        postgres => {},
    );
    let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (");
    plan.push_select(&mut qb, "1");
    if let Some(cap) = cap {
        qb.push(" LIMIT ").push_bind(cap);
    }
    qb.push(") AS selected");
    qb.build_query_scalar().fetch_one(conn).await
}

const BY_ID: Order = Order { by: OrderBy::Id, descending: false };

/// The ids of up to `limit` users `filter` selects, in id order after `after`: a whole
/// selection read in batches (a bulk action's users).
pub async fn ids(
    conn: &mut DbConn,
    application_id: &str,
    filter: &UserFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let plan = Plan::new(conn, application_id, filter, false).await?;
    let mut qb = QueryBuilder::new("");
    plan.push_select(&mut qb, "u.id");
    if let Some(after) = after {
        push_keyset(&mut qb, BY_ID, ">", &Cursor::Id(after.to_owned()));
    }
    push_order(&mut qb, BY_ID, false);
    qb.push(" LIMIT ").push_bind(limit);
    qb.build_query_scalar().fetch_all(conn).await
}
