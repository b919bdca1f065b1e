"""benchmarks.longtask: the bench's UI figure fails over the 200 ms budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.longtask import main


def _write(tmp_path: Path, max_ms: float, count: int) -> str:
    file = tmp_path / "longtask.json"
    file.write_text(
        json.dumps(
            {
                "requests": 100_000,
                "longTasks": count,
                "longTasksOverBudget": int(max_ms > 200),
                "maxLongTaskMs": max_ms,
            }
        )
    )
    return str(file)


def test_within_budget_passes_and_prints_max_and_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_write(tmp_path, 142.0, 10)) == 0
    out = capsys.readouterr().out
    assert "100,000-request" in out
    assert "10 / 0" in out
    assert "142 ms (within budget)" in out


def test_over_budget_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_write(tmp_path, 323.0, 7)) == 1
    assert "323 ms (OVER budget)" in capsys.readouterr().out


def test_missing_measurement_fails(tmp_path: Path) -> None:
    assert main(str(tmp_path / "absent.json")) == 1
