"""`DATABASE_URL` checked before the server starts: a bad one is one clear line, not a traceback.

`check_database_url` raises `DatabaseUrlError` when the URL cannot be parsed, names a driver
this server does not run on (it runs on `sqlite+aiosqlite` and `postgresql+asyncpg`), or the
database does not answer within `timeout_s`. Its message names DATABASE_URL and shows the URL
with the password and query values hidden (an unparseable URL is not shown at all).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from gql_server.store.database import create_engine_for

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
_EXAMPLES = "sqlite+aiosqlite:///./data/routing-groups.db or postgresql+asyncpg://user:pw@host/db"


class DatabaseUrlError(Exception):
    """One line for the operator; the URL in it is redacted."""


def redacted(url: URL) -> str:
    hidden = url.set(query={name: "***" for name in url.query})
    return hidden.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


async def check_database_url(raw: str, timeout_s: float = 15.0) -> None:
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(
            f"DATABASE_URL could not be parsed as a database URL (expected {_EXAMPLES})"
        ) from None
    shown = redacted(url)
    if url.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"DATABASE_URL {shown}: unsupported driver {url.drivername!r}; "
            f"use one of {', '.join(SUPPORTED_DRIVERS)} (e.g. {_EXAMPLES})"
        )
    try:
        engine = create_engine_for(url)
    except (SQLAlchemyError, OSError, ValueError) as error:
        raise DatabaseUrlError(f"DATABASE_URL {shown}: {_reason(error)}") from None
    try:
        async with asyncio.timeout(timeout_s):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except TimeoutError:
        raise DatabaseUrlError(
            f"DATABASE_URL {shown}: the database did not answer within {timeout_s:g} s"
        ) from None
    except (SQLAlchemyError, OSError, TypeError, ValueError) as error:  # TypeError: bad options
        raise DatabaseUrlError(
            f"DATABASE_URL {shown}: the database could not be reached ({_reason(error)})"
        ) from None
    finally:
        await engine.dispose()


def _reason(error: BaseException) -> str:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    first = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"{type(cause).__name__}: {first}" if first else type(cause).__name__
