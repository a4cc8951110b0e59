"""API fuzzing from our own OpenAPI document with schemathesis (pinned in requirements.txt):
every operation of /api/v1, with a valid API token, the real application id and a real user
and group, positive and negative data. Checks: no 5xx, no status or content type the document
does not list, answers that match their schema, and no accepted invalid request. Fixed seed,
so a run is repeatable; about 2,000 cases in ~15 s."""

import subprocess
import sys
from pathlib import Path

import requests

from conftest import new_application

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection"


def test_every_operation_holds_to_the_document(server, tmp_path):
    base = server["base"]
    app_id, secret = new_application(server, "Fuzzed")
    auth = {"Authorization": f"Bearer {secret}"}
    user = requests.post(f"{base}/api/v1/applications/{app_id}/experience/users", headers=auth,
                         json={"email": "fuzz@example.com", "password": "a-good-password"})
    group = requests.post(f"{base}/api/v1/applications/{app_id}/experience/groups", headers=auth, json={"name": "Fuzz"})
    assert user.status_code == 201 and group.status_code == 201, (user.text, group.text)
    # The ids the generated requests use in their paths, so they reach the handlers' logic.
    (tmp_path / "schemathesis.toml").write_text(
        "[parameters]\n"
        f'"path.applicationId" = "{app_id}"\n'
        f'"path.experienceUserId" = "{user.json()["id"]}"\n'
        f'"path.experienceGroupId" = "{group.json()["id"]}"\n'
    )
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [str(st), "run", f"{base}/api/v1/openapi.json", "--url", f"{base}/api/v1", "-H", f"Authorization: Bearer {secret}",
         "--checks", CHECKS, "--max-examples", "50", "--seed", "20261129", "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    summary = [line for line in run.stdout.splitlines() if "generated" in line]
    print(f"\nschemathesis: {summary[-1].strip() if summary else 'no summary'}")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
