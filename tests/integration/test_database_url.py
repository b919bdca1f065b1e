"""Issue 20, K: a bad DATABASE_URL made `python -m gql_server` exit with a raw traceback that
did not name it. Now: one line naming DATABASE_URL, the password and query values hidden."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.processes import ROOT
from tests.support.server import free_port

SECRET = "s3cret-pw"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url at all", "could not be parsed"),
        (f"mysql://app:{SECRET}@db.example/app", "unsupported driver 'mysql'"),
        (
            f"postgresql+asyncpg://app:{SECRET}@no-such-host.invalid/app?sslpassword={SECRET}",
            "could not be reached",
        ),
    ],
)
def test_a_bad_database_url_exits_with_one_line_naming_it(url: str, says: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "MASTER_KEY": "sk-url-test"}
    done = subprocess.run(
        [sys.executable, "-m", "gql_server", "--host", "127.0.0.1", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("routing-groups: DATABASE_URL"), lines[0]
    assert says in lines[0]
    assert SECRET not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
