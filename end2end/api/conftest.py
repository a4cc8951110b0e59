"""A real server on a free port with a fresh database, an application, and a Losant client
holding an API token made by the server's own `api-token create` command. Every JSON answer
the client receives is validated against Losant's schemas (server/schemas/)."""

import json
import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import requests
from jsonschema import Draft4Validator, FormatChecker
from losant_rest import Client, LosantError

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "server" / "schemas"
SERVER = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "server"
ADMIN = ("admin@example.com", "api-suite-password")

# Which schema each answer must satisfy, by method and path (after /api/v1).
ANSWERS = [
    ("GET", r"/applications/\w+$", "application"),
    ("PATCH", r"/applications/\w+$", "application"),
    ("GET", r"/applications/\w+/experience/users$", "experienceUsers"),
    ("POST", r"/applications/\w+/experience/users$", "experienceUser"),
    ("GET", r"/applications/\w+/experience/users/\w+$", "experienceUser"),
    ("PATCH", r"/applications/\w+/experience/users/\w+$", "experienceUser"),
    ("DELETE", r"/applications/\w+/experience/users/\w+$", "success"),
    ("GET", r"/applications/\w+/experience/groups$", "experienceGroups"),
    ("POST", r"/applications/\w+/experience/groups$", "experienceGroup"),
    ("GET", r"/applications/\w+/experience/groups/\w+$", "experienceGroup"),
    ("PATCH", r"/applications/\w+/experience/groups/\w+$", "experienceGroup"),
    ("DELETE", r"/applications/\w+/experience/groups/\w+$", "success"),
]


def validator(name):
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    return Draft4Validator(schema, format_checker=FormatChecker())


VALIDATORS = {name: validator(name) for name in {n for _, _, n in ANSWERS} | {"error"}}
VALIDATED = {"answers": 0}


class ValidatingClient(Client):
    """The official client, unchanged, with every answer checked on its way back."""

    def request(self, method, path, params=None, headers=None, body=None):
        try:
            result = Client.request(self, method, path, params, headers, body)
        except LosantError as error:
            assert isinstance(error.data, dict), f"{method} {path}: error answer is not JSON: {error.data!r}"
            VALIDATORS["error"].validate(error.data)
            assert set(error.data) == {"type", "message"}, error.data
            VALIDATED["answers"] += 1
            raise
        name = next((n for m, p, n in ANSWERS if m == method and re.search(p, path)), None)
        assert name, f"no schema for {method} {path}"
        VALIDATORS[name].validate(result)
        VALIDATED["answers"] += 1
        return result


@pytest.fixture(scope="session")
def server():
    data = tempfile.mkdtemp(prefix="eu-api-")
    env = dict(
        os.environ,
        LEPTOS_SITE_ADDR="127.0.0.1:0",
        # E2E_DATABASE_URL: the suite's PostgreSQL run (scripts/test) names a fresh database.
        DATABASE_URL=os.environ.get("E2E_DATABASE_URL") or f"sqlite://{data}/api.db",
        ADMIN_EMAIL=ADMIN[0],
        ADMIN_PASSWORD=ADMIN[1],
        RUST_LOG="warn",
    )
    process = subprocess.Popen([str(SERVER)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    base = None
    for line in process.stdout:
        if line.startswith("Serving on "):
            base = line.split()[2]
            break
    assert base, "the server did not start"
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    yield {"base": base, "env": env}
    process.terminate()
    process.wait(timeout=10)


def admin_session(base):
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    answer = session.post(f"{base}/api/login", data={"email": ADMIN[0], "password": ADMIN[1]}, allow_redirects=False)
    assert answer.status_code < 400, answer.text
    return session


def new_application(server, name):
    """An application and an API token for it, made with the operator's command."""
    session = admin_session(server["base"])
    answer = session.post(f"{server['base']}/api/applications/create", data={"name": name}, allow_redirects=False)
    assert answer.status_code == 200, answer.text
    app_id = answer.json()
    secret = subprocess.run(
        [str(SERVER), "api-token", "create", "--application", app_id, "--name", f"{name} suite"],
        cwd=ROOT, env=server["env"], capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert secret.startswith("euapi_"), secret
    return app_id, secret


@pytest.fixture()
def app(server):
    app_id, secret = new_application(server, "Suite")
    client = ValidatingClient(auth_token=secret, url=f"{server['base']}/api/v1")
    return {"id": app_id, "client": client, "base": server["base"], "server": server}


def pytest_sessionfinish(session, exitstatus):
    print(f"\nvalidated {VALIDATED['answers']} JSON answers against Losant's schemas")
