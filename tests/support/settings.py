"""The settings the tests' servers run on, written once.

`demo_settings(tmp_path)` is the app as the tests start it: a fresh SQLite file
(`tmp_path / DATABASE_FILE`), the test master key, the demo config's deployments, no groups
seeded from it and no built UI. Any `Settings` field can be overridden by keyword
(`database_url=...` for PostgreSQL, `config_path=None` for no deployments, limits).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from gql_server.settings import Settings
from tests.support.server import MASTER_KEY
from tests.support.stack import DEMO_CONFIG

DATABASE_FILE = "server.db"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def demo_settings(tmp_path: Path, **overrides: Any) -> Settings:
    fields: dict[str, Any] = {
        "database_url": sqlite_url(tmp_path / DATABASE_FILE),
        "master_key": SecretStr(MASTER_KEY),
        "config_path": DEMO_CONFIG,
        "seed_groups": False,
        "ui_dist": tmp_path / "no-ui",
    }
    return Settings(**(fields | overrides))
