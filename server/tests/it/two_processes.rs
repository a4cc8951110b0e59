//! Two real server processes on one database (a file, or PostgreSQL on the suite's
//! PostgreSQL run): a token invalidated through one is
//! refused by the other at once, and still after that process restarts; failed sign-ins on
//! both count toward one limit.

use crate::process::*;

#[test]
fn invalidation_on_one_process_holds_on_the_other_at_once_and_after_a_restart() {
    let (database, _dir) = shared_database();
    let a = start_on(&database);
    let mut b = start_on(&database);
    let client = client();

    // An administrator on A sets up an application with one user.
    let (cookie, app_id, user_id) = application_with_ann(&client, &a);

    // One user's tokens: signed in on B, invalidated on A, refused by B on the next request.
    let token = experience_token(&client, &b, &app_id);
    assert_eq!(me_status(&client, &a, &app_id, &token), 200);
    assert_eq!(me_status(&client, &b, &app_id, &token), 200);
    server_fn(&client, &a, "users/invalidate-tokens", &[("application_id", &app_id), ("user_id", &user_id)], &cookie);
    assert_eq!(me_status(&client, &b, &app_id, &token), 401);

    // Every user's tokens: the same through the application's cutoff.
    let token = experience_token(&client, &a, &app_id);
    assert_eq!(me_status(&client, &b, &app_id, &token), 200);
    server_fn(&client, &a, "users/invalidate-all-tokens", &[("application_id", &app_id)], &cookie);
    assert_eq!(me_status(&client, &b, &app_id, &token), 401);
    assert_eq!(me_status(&client, &a, &app_id, &token), 401);

    // Restarting B changes nothing: the cutoffs live in the database.
    drop(std::mem::replace(&mut b, start_on(&database)));
    assert_eq!(me_status(&client, &b, &app_id, &token), 401);
    let fresh = experience_token(&client, &b, &app_id);
    assert_eq!(me_status(&client, &a, &app_id, &fresh), 200);
}

/// Disabling a user on A: B refuses their token with `UserDisabled` on the next request, and
/// their password too; enabling on B lets them sign in on A.
#[test]
fn a_user_disabled_on_one_process_is_refused_by_the_other_at_once() {
    let (database, _dir) = shared_database();
    let a = start_on(&database);
    let b = start_on(&database);
    let client = client();
    let (cookie, app_id, user_id) = application_with_ann(&client, &a);
    let token = experience_token(&client, &b, &app_id);
    assert_eq!(me_status(&client, &b, &app_id, &token), 200);

    let form = [("application_id", app_id.as_str()), ("user_id", &user_id), ("disable", "on"), ("until", "")];
    server_fn(&client, &a, "users/set-disabled", &form, &cookie);
    let mut refused = client
        .get(format!("{}/api/experience/{app_id}/me", b.base))
        .header("authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let body: serde_json::Value = refused.body_mut().read_json().unwrap();
    assert_eq!(body["type"], "UserDisabled");
    assert_eq!(sign_in(&client, &b, &app_id, "a-good-password").status().as_u16(), 401);

    server_fn(
        &client,
        &b,
        "users/set-disabled",
        &[("application_id", &app_id), ("user_id", &user_id), ("until", "")],
        &cookie,
    );
    assert_eq!(sign_in(&client, &a, &app_id, "a-good-password").status().as_u16(), 200);
}

/// The sign-in limits live in the database too: failures on A and on B add up, and the lock
/// they cause holds on both, before any password is checked.
#[test]
fn failed_sign_ins_on_either_process_count_toward_one_limit() {
    let (database, _dir) = shared_database();
    let a = start_on(&database);
    let b = start_on(&database);
    let client = client();
    let (_, app_id, _) = application_with_ann(&client, &a);

    for attempt in 0..10 {
        let server = if attempt % 2 == 0 { &a } else { &b };
        let answer = sign_in(&client, server, &app_id, "a-wrong-password");
        assert_eq!(answer.status().as_u16(), 401, "attempt {attempt}");
    }
    for server in [&a, &b] {
        let answer = sign_in(&client, server, &app_id, "a-good-password");
        assert_eq!(answer.status().as_u16(), 429);
        let retry: u64 = answer.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
    }
}
