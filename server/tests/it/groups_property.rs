//! Property tests of the group tree: for random trees, memberships and device ties (by id
//! and by tag), a user's effective devices equal a plain reference walk up the tree; and a
//! move that would close a loop is always refused while every other move goes through.

use app::server::groups_service::{self, GroupInput, CYCLE};
use app::server::passwords::PasswordHasher;
use app::server::{repo, Store};
use proptest::prelude::*;
use sqlx::AnyPool;
use std::collections::{BTreeSet, HashMap};

const APP: &str = "0000000000000000000000a1";
const T: i64 = 1_800_000_000_000;

fn gid(i: usize) -> String {
    format!("{i:024x}")
}
fn did(i: usize) -> String {
    format!("d{i:023x}")
}
fn uid(i: usize) -> String {
    format!("e{i:023x}")
}

#[derive(Debug, Clone)]
struct World {
    /// parents[i] = Some(p) with p < i: a forest by construction.
    parents: Vec<Option<usize>>,
    /// Each device's tags among a small set, and the groups it is tied to by id.
    device_tags: Vec<Vec<(String, String)>>,
    device_ties: Vec<Vec<usize>>,
    /// Tag ties: (group, key, value or any).
    tag_ties: Vec<(usize, String, Option<String>)>,
    /// Each user's groups.
    members: Vec<Vec<usize>>,
}

fn world() -> impl Strategy<Value = World> {
    (1usize..14).prop_flat_map(|groups| {
        let parents = (0..groups)
            .map(|i| if i == 0 { Just(None).boxed() } else { proptest::option::of(0..i).boxed() })
            .collect::<Vec<_>>();
        let tag = (prop::sample::select(vec!["zone", "kind"]), prop::sample::select(vec!["a", "b"]))
            .prop_map(|(k, v)| (k.to_owned(), v.to_owned()));
        let devices = 0usize..10;
        (parents, devices).prop_flat_map(move |(parents, devices)| {
            let n = parents.len();
            (
                Just(parents),
                prop::collection::vec(prop::collection::vec(tag.clone(), 0..3), devices),
                prop::collection::vec(prop::collection::vec(0..n, 0..3), devices),
                prop::collection::vec(
                    (
                        0..n,
                        prop::sample::select(vec!["zone", "kind"]),
                        proptest::option::of(prop::sample::select(vec!["a", "b"])),
                    )
                        .prop_map(|(g, k, v)| (g, k.to_owned(), v.map(str::to_owned))),
                    0..4,
                ),
                prop::collection::vec(prop::collection::vec(0..n, 0..3), 1..5),
            )
                .prop_map(|(parents, device_tags, device_ties, tag_ties, members)| World {
                    parents,
                    device_tags,
                    device_ties,
                    tag_ties,
                    members,
                })
        })
    })
}

/// A fresh database with the application, on the suite's engine.
async fn database() -> (Store, AnyPool, tempfile::TempDir) {
    let (store, db, dir) = crate::common::fresh_store(PasswordHasher::with_queue(1, 0)).await;
    sqlx::query("INSERT INTO applications (id, name, created_at, updated_at) VALUES ($1, 'P', $2, $3)")
        .bind(APP)
        .bind(T)
        .bind(T)
        .execute(&db)
        .await
        .unwrap();
    (store, db, dir)
}

async fn load(pool: &AnyPool, w: &World) {
    for (i, parent) in w.parents.iter().enumerate() {
        sqlx::query("INSERT INTO experience_groups (id, application_id, name, parent_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(gid(i)).bind(APP).bind(format!("G{i}")).bind(parent.map(gid)).bind(T).bind(T)
            .execute(pool).await.unwrap();
    }
    for (d, tags) in w.device_tags.iter().enumerate() {
        sqlx::query(
            "INSERT INTO devices (id, application_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(did(d))
        .bind(APP)
        .bind(format!("D{d}"))
        .bind(T)
        .bind(T)
        .execute(pool)
        .await
        .unwrap();
        for (k, v) in tags {
            sqlx::query("INSERT INTO device_tags (device_id, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(did(d))
                .bind(k)
                .bind(v)
                .execute(pool)
                .await
                .unwrap();
        }
        for g in &w.device_ties[d] {
            sqlx::query(
                "INSERT INTO experience_group_devices (group_id, device_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(gid(*g))
            .bind(did(d))
            .execute(pool)
            .await
            .unwrap();
        }
    }
    for (g, k, v) in &w.tag_ties {
        sqlx::query("INSERT INTO experience_group_device_tags (group_id, key, value) VALUES ($1, $2, $3)")
            .bind(gid(*g))
            .bind(k)
            .bind(v)
            .execute(pool)
            .await
            .unwrap();
    }
    for (u, groups) in w.members.iter().enumerate() {
        sqlx::query("INSERT INTO experience_users (id, application_id, email, email_normalized, password_hash, first_name, last_name, created_at, updated_at, password_updated_at) VALUES ($1, $2, $3, $4, 'x', '', '', $5, $6, $7)")
            .bind(uid(u)).bind(APP).bind(format!("u{u}@p.io")).bind(format!("u{u}@p.io")).bind(T).bind(T).bind(T)
            .execute(pool).await.unwrap();
        for g in groups {
            sqlx::query(
                "INSERT INTO experience_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(gid(*g))
            .bind(uid(u))
            .execute(pool)
            .await
            .unwrap();
        }
    }
}

/// The reference: every group reachable by walking up from the user's groups, then every
/// device tied to one of them by id or by a matching tag, as (device, granting group).
fn reference(w: &World, parents: &[Option<usize>], user: usize) -> BTreeSet<(String, String)> {
    let mut reach = BTreeSet::new();
    for &g in &w.members[user] {
        let mut at = Some(g);
        while let Some(g) = at {
            if !reach.insert(g) {
                break;
            }
            at = parents[g];
        }
    }
    let mut grants = BTreeSet::new();
    for &g in &reach {
        for (d, ties) in w.device_ties.iter().enumerate() {
            if ties.contains(&g) {
                grants.insert((did(d), gid(g)));
            }
        }
        for (tg, key, value) in &w.tag_ties {
            if *tg != g {
                continue;
            }
            for (d, tags) in w.device_tags.iter().enumerate() {
                if tags.iter().any(|(k, v)| k == key && value.as_ref().is_none_or(|want| want == v)) {
                    grants.insert((did(d), gid(g)));
                }
            }
        }
    }
    grants
}

async fn effective(store: &Store, user: usize) -> BTreeSet<(String, String)> {
    let mut conn = store.acquire().await.unwrap();
    repo::devices::effective_for_user(&mut conn, &uid(user))
        .await
        .unwrap()
        .into_iter()
        .map(|g| (g.device_id, g.group_id))
        .collect()
}

fn is_ancestor_or_self(parents: &[Option<usize>], candidate: usize, of: usize) -> bool {
    let mut at = Some(of);
    while let Some(g) = at {
        if g == candidate {
            return true;
        }
        at = parents[g];
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn effective_devices_match_the_reference_and_cycles_are_refused(
        w in world(),
        moves in prop::collection::vec((0usize..14, proptest::option::of(0usize..14)), 0..12),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (state, db, _dir) = database().await;
            load(&db, &w).await;
            let mut parents = w.parents.clone();
            for user in 0..w.members.len() {
                assert_eq!(effective(&state, user).await, reference(&w, &parents, user), "user {user} in {w:?}");
            }
            let n = parents.len();
            for (group, parent) in moves {
                let (group, parent) = (group % n, parent.map(|p| p % n));
                let input = GroupInput { parent_id: Some(parent.map(gid)), ..GroupInput::default() };
                let result = groups_service::update(&state, APP, &gid(group), input).await;
                // Moving under itself or a descendant: the group is an ancestor-or-self of the new parent.
                let cycle = parent.is_some_and(|p| is_ancestor_or_self(&parents, group, p));
                if cycle {
                    let message = result.unwrap_err().field_message("parentId");
                    assert_eq!(message.as_deref(), Some(CYCLE));
                } else {
                    result.unwrap();
                    parents[group] = parent;
                }
                let stored: HashMap<String, Option<String>> = sqlx::query_as("SELECT id, parent_id FROM experience_groups")
                    .fetch_all(&db).await.unwrap().into_iter().collect();
                for (i, p) in parents.iter().enumerate() {
                    assert_eq!(stored[&gid(i)], p.map(gid), "group {i}");
                }
            }
            for user in 0..w.members.len() {
                assert_eq!(effective(&state, user).await, reference(&w, &parents, user), "after moves, user {user}");
            }
        });
    }
}
