from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from gql_server.store import Database, downgrade_to_base, upgrade_to_head
from gql_server.store.tables import Base

TABLES = {
    "LiteLLM_RoutingGroupTable",
    "app_secrets",
    "api_keys",
    "deployments",
    "routing_group_revisions",
    "simulations",
    "teams",
    "request_log",
    "request_log_attempts",
}


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _model_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_server_default": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_creates_exactly_the_models_tables(database_url: str) -> None:
    await downgrade_to_base(database_url)
    await upgrade_to_head(database_url)
    await upgrade_to_head(database_url)  # a second start-up finds nothing to do

    db = Database.from_url(database_url)
    try:
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_table_names) == TABLES | {"alembic_version"}
            # The hand-written migration and the SQLAlchemy models describe the same schema.
            assert await connection.run_sync(_model_differences) == []
    finally:
        await db.dispose()


async def test_downgrade_removes_every_table(database_url: str) -> None:
    await upgrade_to_head(database_url)
    await downgrade_to_base(database_url)

    db = Database.from_url(database_url)
    try:
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_table_names) == {"alembic_version"}
    finally:
        await db.dispose()
    await upgrade_to_head(database_url)
