"""`make lint` runs tools/house_rules.py: no module over 450 lines, no folder over 12 modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "house_rules.py"


def _check(*folders: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, folders)],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _package(folder: Path, modules: int, lines: int = 1) -> Path:
    folder.mkdir(parents=True)
    for i in range(modules):
        (folder / f"m{i}.py").write_text("x = 1\n" * lines)
    return folder


def test_a_module_over_450_lines_fails_naming_it_and_the_limit(tmp_path: Path) -> None:
    package = _package(tmp_path / "pkg", modules=2)
    (package / "long.py").write_text("x = 1\n" * 451)
    (package / "at_limit.py").write_text("x = 1\n" * 450)
    result = _check(package)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"house rules: {package / 'long.py'}: 451 lines, over the limit of 450 lines per module "
        "(split it by concern)"
    ]


def test_a_folder_over_12_modules_fails_naming_it_and_the_limit(tmp_path: Path) -> None:
    crowded = _package(tmp_path / "pkg" / "crowded", modules=13)
    _package(tmp_path / "pkg" / "full", modules=12)
    result = _check(tmp_path / "pkg")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"house rules: {crowded}/: 13 modules, over the limit of 12 modules per folder "
        "(split it into subpackages by concern)"
    ]


def test_folders_within_the_limits_pass(tmp_path: Path) -> None:
    package = _package(tmp_path / "pkg", modules=12, lines=450)
    _package(package / "sub", modules=3)
    result = _check(package)
    assert (result.returncode, result.stderr) == (0, "")


def test_the_server_and_schema_keep_the_rules() -> None:
    result = _check()
    assert (result.returncode, result.stderr) == (0, "")
