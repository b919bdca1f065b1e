"""Alembic environment.

Called two ways: by `gql_server.store.migrate` with an open connection in
`config.attributes["connection"]` (server start-up, inside a running event loop), or by the
`alembic` command line, which reads the URL from `DATABASE_URL` or `sqlalchemy.url`.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from gql_server.store.database import create_engine_for
from gql_server.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: later revisions rebuild tables in batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_command_line(url: str) -> None:
    engine = create_engine_for(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _url_from_command_line() -> str:
    url = os.environ.get("DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set DATABASE_URL (e.g. sqlite+aiosqlite:///data/routing-groups.db)")
    return url


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")

shared_connection = context.config.attributes.get("connection")
if isinstance(shared_connection, Connection):
    _run(shared_connection)
else:
    asyncio.run(_run_from_command_line(_url_from_command_line()))
