"""Losant's official Python client (losant-rest, from PyPI), unchanged, against our /api/v1."""

import json

import pytest
import requests
from losant_rest import Client, LosantError

from conftest import new_application

PASSWORD = "a-good-password"
SORTS = ["firstName", "lastName", "email", "id", "creationDate", "lastLogin", "lastUpdated"]
PEOPLE = [
    ("ann@farm.io", "Ann", "Lee", {"floor": "1", "role": "vet"}),
    ("bob@farm.io", "Bob", "Okafor", {"floor": "2"}),
    ("cara@mill.io", "Cara", "Novak", {}),
    ("dev@farm.io", "Dev", "Silva", {"floor": "2", "role": "<b>boss</b> 🐄"}),
    ("eli@mill.io", "Eli", "Tanaka", {}),
    ("ALMA@farm.io", "Alma", "Weber", {"role": "vet"}),
]


def error(call):
    with pytest.raises(LosantError) as raised:
        call()
    return raised.value


def users_of(client, app_id, **params):
    return client.experience_users.get(applicationId=app_id, **params)


def emails(answer):
    return [u["email"] for u in answer["items"]]


@pytest.fixture()
def farm(app):
    """Groups Root ← Barn ← Stall, users in them, for the list tests."""
    client, app_id = app["client"], app["id"]
    root = client.experience_groups.post(applicationId=app_id, experienceGroup={"name": "Root"})
    barn = client.experience_groups.post(applicationId=app_id, experienceGroup={"name": "Barn", "parentId": root["id"]})
    stall = client.experience_groups.post(applicationId=app_id, experienceGroup={"name": "Stall", "parentId": barn["id"]})
    groups = {"ann@farm.io": [stall["id"]], "bob@farm.io": [barn["id"]], "dev@farm.io": [root["id"], stall["id"]]}
    users = {}
    for email, first, last, tags in PEOPLE:
        user = client.experience_users.post(applicationId=app_id, experienceUser={
            "email": email, "password": PASSWORD, "firstName": first, "lastName": last,
            "userTags": tags, "experienceGroupIds": groups.get(email, []),
        })
        assert user["email"] == email and user["userTags"] == tags
        users[email] = user
    return dict(app, groups={"root": root, "barn": barn, "stall": stall}, users=users)


def test_create_then_every_sort_both_ways(farm):
    client, app_id = farm["client"], farm["id"]
    everyone = users_of(client, app_id, perPage=100)["items"]
    assert len(everyone) == len(PEOPLE)
    key = {
        "firstName": lambda u: u["firstName"].lower(), "lastName": lambda u: u["lastName"].lower(),
        "email": lambda u: u["email"].lower(), "id": lambda u: "", "creationDate": lambda u: u["creationDate"],
        "lastLogin": lambda u: u.get("lastLogin", ""), "lastUpdated": lambda u: u["lastUpdated"],
    }
    for field in SORTS:
        expected = [u["id"] for u in sorted(everyone, key=lambda u: (key[field](u), u["id"]))]
        for direction, order in (("asc", expected), ("desc", expected[::-1])):
            answer = users_of(client, app_id, sortField=field, sortDirection=direction)
            assert [u["id"] for u in answer["items"]] == order, (field, direction)
            assert answer["sortField"] == field and answer["sortDirection"] == direction
            assert answer["count"] == answer["totalCount"] == len(PEOPLE)
            assert answer["perPage"] == 100 and answer["page"] == 0


def test_filters_with_globs_groups_and_pages(farm):
    client, app_id, g = farm["client"], farm["id"], farm["groups"]
    assert sorted(emails(users_of(client, app_id, filterField="email", filter="*@mill.io"))) == ["cara@mill.io", "eli@mill.io"]
    assert emails(users_of(client, app_id, filterField="email", filter="bob@farm.io")) == ["bob@farm.io"]
    assert emails(users_of(client, app_id, filterField="email", filter="bob")) == [], "no * means exact"
    assert sorted(emails(users_of(client, app_id, filterField="firstName", filter="A*"))) == ["ALMA@farm.io", "ann@farm.io"]
    assert emails(users_of(client, app_id, filterField="lastName", filter="*nak*")) == ["eli@mill.io"]

    any_group = users_of(client, app_id, experienceGroupId="any", sortField="email")
    assert emails(any_group) == ["ann@farm.io", "bob@farm.io", "dev@farm.io"]
    assert sorted(emails(users_of(client, app_id, experienceGroupId="none"))) == ["ALMA@farm.io", "cara@mill.io", "eli@mill.io"]
    assert sorted(emails(users_of(client, app_id, experienceGroupId=g["stall"]["id"]))) == ["ann@farm.io", "dev@farm.io"]
    with_ancestors = users_of(client, app_id, experienceGroupId=g["stall"]["id"], includeAncestorGroups=True)
    assert sorted(emails(with_ancestors)) == ["ann@farm.io", "bob@farm.io", "dev@farm.io"]
    assert with_ancestors["experienceGroupId"] == g["stall"]["id"]

    seen = []
    for page in range(3):
        answer = users_of(client, app_id, perPage=2, page=page, sortField="email")
        assert answer["count"] == 2 and answer["totalCount"] == 6 and answer["page"] == page
        seen += emails(answer)
    assert seen == sorted((p[0] for p in PEOPLE), key=str.lower)
    assert users_of(client, app_id, perPage=2, page=3)["items"] == []


def test_advanced_query(farm):
    client, app_id = farm["client"], farm["id"]
    vets = users_of(client, app_id, query={"userTags.role": "vet"})
    assert sorted(emails(vets)) == ["ALMA@farm.io", "ann@farm.io"]
    either = users_of(client, app_id, query={"$or": [{"email": {"$endsWith": "@mill.io"}}, {"userTags.floor": {"$in": ["2"]}}]})
    assert sorted(emails(either)) == ["bob@farm.io", "cara@mill.io", "dev@farm.io", "eli@mill.io"]
    ci = users_of(client, app_id, query={"firstName": {"$startsWith": "al", "$ci": True}})
    assert emails(ci) == ["ALMA@farm.io"]
    stall = farm["groups"]["stall"]["id"]
    grouped = users_of(client, app_id, query={"$and": [{"experienceGroupId": stall}, {"userTags.role": {"$ne": "vet"}}]})
    assert emails(grouped) == ["dev@farm.io"]
    bad = error(lambda: users_of(client, app_id, query={"password": "x"}))
    assert bad.status == 400 and "unknown field" in bad.data["message"]


def test_get_patch_and_delete_users(farm):
    client, app_id, users, g = farm["client"], farm["id"], farm["users"], farm["groups"]
    ann = users["ann@farm.io"]
    got = client.experience_user.get(applicationId=app_id, experienceUserId=ann["id"])
    assert got["experienceGroups"] == [{"id": g["stall"]["id"], "name": "Stall", "parentId": g["barn"]["id"]}]

    # Sign in as Ann through the experience API, then invalidate with tokenCutoff.
    auth = requests.post(f"{farm['base']}/api/experience/{app_id}/auth", json={"email": "ann@farm.io", "password": PASSWORD})
    token = auth.json()["token"]
    me = lambda: requests.get(f"{farm['base']}/api/experience/{app_id}/me", headers={"Authorization": f"Bearer {token}"})
    assert me().status_code == 200
    cutoff = client.experience_user.patch(applicationId=app_id, experienceUserId=ann["id"], experienceUser={"tokenCutoff": "2099-01-01T00:00:00.000Z"})
    assert cutoff["tokenCutoff"] == "2099-01-01T00:00:00.000Z"
    assert me().status_code == 401

    patched = client.experience_user.patch(applicationId=app_id, experienceUserId=ann["id"], experienceUser={
        "password": "a-newer-password", "userTags": {"shift": "night"}, "experienceGroupIds": [g["root"]["id"]],
    })
    assert patched["userTags"] == {"shift": "night"}
    assert [grp["id"] for grp in patched["experienceGroups"]] == [g["root"]["id"]]
    assert patched["passwordLastUpdated"] > ann["passwordLastUpdated"]
    # The cutoff lies in the future, so even a fresh sign-in's token is refused until then.
    fresh = requests.post(f"{farm['base']}/api/experience/{app_id}/auth", json={"email": "ann@farm.io", "password": "a-newer-password"})
    assert fresh.status_code == 200
    assert requests.get(f"{farm['base']}/api/experience/{app_id}/me", headers={"Authorization": f"Bearer {fresh.json()['token']}"}).status_code == 401

    assert client.experience_user.delete(applicationId=app_id, experienceUserId=ann["id"]) == {"success": True}
    gone = error(lambda: client.experience_user.get(applicationId=app_id, experienceUserId=ann["id"]))
    assert gone.status == 404 and gone.data["type"] == "NotFound"
    assert users_of(client, app_id)["totalCount"] == len(PEOPLE) - 1


def test_groups_tree_through_the_client(farm):
    client, app_id, g, users = farm["client"], farm["id"], farm["groups"], farm["users"]
    listed = client.experience_groups.get(applicationId=app_id, sortField="name")
    assert [x["name"] for x in listed["items"]] == ["Barn", "Root", "Stall"]
    assert listed["totalCount"] == 3
    cycle = error(lambda: client.experience_group.patch(applicationId=app_id, experienceGroupId=g["root"]["id"], experienceGroup={"parentId": g["stall"]["id"]}))
    assert cycle.status == 400 and "cannot be moved under itself" in cycle.data["message"]
    moved = client.experience_group.patch(applicationId=app_id, experienceGroupId=g["stall"]["id"], experienceGroup={
        "parentId": g["root"]["id"], "description": "Quarantine", "experienceUserIds": [users["eli@mill.io"]["id"]],
        "deviceTags": [{"key": "zone", "value": "north"}, {"key": "kind"}],
    })
    assert moved["parentId"] == g["root"]["id"] and moved["description"] == "Quarantine"
    assert moved["experienceUserIds"] == [users["eli@mill.io"]["id"]]
    assert moved["deviceTags"] == [{"key": "kind"}, {"key": "zone", "value": "north"}]
    unknown_device = error(lambda: client.experience_group.patch(applicationId=app_id, experienceGroupId=g["barn"]["id"], experienceGroup={"deviceIds": ["ffffffffffffffffffffffff"]}))
    assert unknown_device.status == 400

    # Deleting Barn moves nothing here (Stall moved away) but removes Bob's membership.
    child = client.experience_groups.post(applicationId=app_id, experienceGroup={"name": "Loft", "parentId": g["barn"]["id"]})
    assert client.experience_group.delete(applicationId=app_id, experienceGroupId=g["barn"]["id"]) == {"success": True}
    assert client.experience_group.get(applicationId=app_id, experienceGroupId=child["id"])["parentId"] == g["root"]["id"]
    bob = client.experience_user.get(applicationId=app_id, experienceUserId=users["bob@farm.io"]["id"])
    assert bob["experienceGroups"] == []


def test_errors_carry_the_right_status(app, server):
    client, app_id = app["client"], app["id"]
    unknown_field = error(lambda: client.experience_users.post(applicationId=app_id, experienceUser={"email": "a@b.co", "password": PASSWORD, "admin": True}))
    assert unknown_field.status == 400 and unknown_field.data["type"] == "Validation"
    bad_value = error(lambda: client.experience_users.post(applicationId=app_id, experienceUser={"email": "nope", "password": "short"}))
    assert bad_value.status == 400 and "Enter a valid email address" in bad_value.data["message"]
    client.experience_users.post(applicationId=app_id, experienceUser={"email": "taken@b.co", "password": PASSWORD})
    taken = error(lambda: client.experience_users.post(applicationId=app_id, experienceUser={"email": "TAKEN@b.co", "password": PASSWORD}))
    assert taken.status == 409 and taken.data["type"] == "Conflict"
    unknown = error(lambda: client.experience_user.get(applicationId=app_id, experienceUserId="ffffffffffffffffffffffff"))
    assert unknown.status == 404
    bad_sort = error(lambda: users_of(client, app_id, sortField="password"))
    assert bad_sort.status == 400

    anonymous = Client(url=f"{app['base']}/api/v1")
    missing = error(lambda: anonymous.experience_users.get(applicationId=app_id))
    assert missing.status == 401 and missing.data["type"] == "Unauthorized"
    other_id, _ = new_application(server, "Other")
    foreign = error(lambda: client.experience_users.get(applicationId=other_id))
    assert foreign.status == 403 and foreign.data["type"] == "Forbidden"


def test_application_token_cutoff(app):
    client, app_id = app["client"], app["id"]
    before = client.application.get(applicationId=app_id)
    assert before["summary"]["experienceUserCount"] == 0 and "expUserTokenCutoff" not in before
    client.experience_users.post(applicationId=app_id, experienceUser={"email": "zed@b.co", "password": PASSWORD})
    auth = requests.post(f"{app['base']}/api/experience/{app_id}/auth", json={"email": "zed@b.co", "password": PASSWORD})
    token = auth.json()["token"]
    now = client.application.patch(applicationId=app_id, application={"expUserTokenCutoff": "2099-01-01T00:00:00.000Z"})
    assert now["expUserTokenCutoff"] == "2099-01-01T00:00:00.000Z"
    assert now["summary"]["experienceUserCount"] == 1
    refused = requests.get(f"{app['base']}/api/experience/{app_id}/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
