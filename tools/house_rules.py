"""The house rules on code size, checked by `make lint`.

  python tools/house_rules.py [FOLDER ...]     (default: gql_server schema)

Under each folder given, recursively:
- no Python module over MAX_LINES lines;
- no folder holding more than MAX_MODULES Python modules side by side (`__init__.py` counts).

Exits 1 naming every file or folder over its limit. Folders in EXEMPT_FOLDERS are not counted
(each says why); there is no per-module exemption.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

MAX_LINES = 450
MAX_MODULES = 12
DEFAULT_ROOTS = ("gql_server", "schema")
# Alembic revisions: one module per schema change, in alembic's own folder; they only add up.
EXEMPT_FOLDERS = frozenset({Path("gql_server/store/migrations/versions")})
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", ".venv"})


def _folders(root: Path) -> Iterable[Path]:
    yield root
    for child in sorted(root.iterdir()):
        if child.is_dir() and child.name not in SKIPPED_DIRS and not child.name.startswith("."):
            yield from _folders(child)


def violations(roots: Sequence[Path]) -> list[str]:
    """One line per broken rule, naming the file or folder (as reached from `roots`)."""
    found: list[str] = []
    for root in roots:
        if not root.is_dir():
            found.append(f"{root}: not a folder")
            continue
        for folder in _folders(root):
            modules = sorted(folder.glob("*.py"))
            if len(modules) > MAX_MODULES and folder not in EXEMPT_FOLDERS:
                found.append(
                    f"{folder}/: {len(modules)} modules, over the limit of {MAX_MODULES} "
                    "modules per folder (split it into subpackages by concern)"
                )
            for module in modules:
                with module.open("rb") as source:
                    lines = sum(1 for _ in source)
                if lines > MAX_LINES:
                    found.append(
                        f"{module}: {lines} lines, over the limit of {MAX_LINES} lines per "
                        "module (split it by concern)"
                    )
    return found


def main(argv: Sequence[str]) -> int:
    """Run from the repository's root (as `make lint` does): EXEMPT_FOLDERS are relative to it."""
    roots = [Path(arg) for arg in argv] or [Path(name) for name in DEFAULT_ROOTS]
    found = violations(roots)
    for line in found:
        print(f"house rules: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
