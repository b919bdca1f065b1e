"""The UI's statistics fixtures are what the server code writes today (else: `make fixtures`).

frontend/src/features/simulation/utils/__fixtures__/*.json hold request traces and the server's
own summary and timeline of them; the UI's live counters are tested against them. When the
server's statistics change, these tests fail until the fixtures are regenerated.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "frontend" / "src" / "features" / "simulation" / "utils" / "__fixtures__"


@pytest.mark.parametrize(
    ("script", "output"),
    [
        ("make_server_summary.py", "server-summary.json"),
        ("make_server_timeline.py", "server-timeline.json"),
    ],
)
def test_fixture_is_what_the_server_code_writes(tmp_path: Path, script: str, output: str) -> None:
    shutil.copy(FIXTURES / script, tmp_path / script)
    subprocess.run(
        [sys.executable, str(tmp_path / script)],
        cwd=tmp_path,
        env={
            "PYTHONPATH": str(ROOT),
            "PATH": "/usr/bin:/bin",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        },
        check=True,
        timeout=120,
    )
    fresh = (tmp_path / output).read_text()
    committed = (FIXTURES / output).read_text()
    assert fresh == committed, f"{output} is stale: run `make fixtures` and commit the result"
