"""Run Alembic from code: no alembic.ini is needed at runtime."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from gql_server.store.database import create_engine_for

MIGRATIONS = Path(__file__).with_name("migrations")
# An arbitrary constant naming this application's migration lock on PostgreSQL.
_MIGRATION_LOCK = 0x526F7574_6747


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade_to_head(url: str) -> None:
    """Bring the database at `url` to the newest schema; a no-op when it is already there."""
    await _run_on(url, "upgrade", "head")


async def downgrade_to_base(url: str) -> None:
    """Drop every table the migrations created (for tests and for humans starting over)."""
    await _run_on(url, "downgrade", "base")


async def _run_on(url: str, direction: str, target: str) -> None:
    engine = create_engine_for(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_command, direction, target)
    finally:
        await engine.dispose()


def _run_command(connection: Connection, direction: str, target: str) -> None:
    if connection.dialect.name == "postgresql":
        # Instances starting together take turns; the later ones find the schema current.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = alembic_config()
    config.attributes["connection"] = connection
    if direction == "upgrade":
        command.upgrade(config, target)
    else:
        command.downgrade(config, target)
