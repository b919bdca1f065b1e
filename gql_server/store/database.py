from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from gql_server.services.ports import UnitOfWork, UnitOfWorkFactory
from gql_server.store.tables import AppSecretRow
from gql_server.store.unit_of_work import SqlUnitOfWork

# How long an SQLite writer waits for another writer's transaction to end before it fails.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_engine_for(url: str | URL) -> AsyncEngine:
    """An async engine for `sqlite+aiosqlite://` or `postgresql+asyncpg://` URLs.

    SQLite gets a WAL journal (readers never block the writer), a busy timeout (concurrent
    writers queue instead of failing with "database is locked") and enforced foreign keys.
    Its transactions begin at their first write (the sqlite3 module's default), which is what
    lets a waiting writer retry cleanly instead of failing on a stale read snapshot.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed, pool_pre_ping=True)
    _ensure_sqlite_directory(parsed)
    engine = create_async_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
    return engine


def _ensure_sqlite_directory(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite_connection(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Durable across application crashes with WAL; only an OS crash may lose the last commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class Database:
    """The engine and the units of work made from it. Run `upgrade_to_head` before use."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine_for(url))

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)

    def uow_factory(self) -> UnitOfWorkFactory:
        """What the services take: each call makes a fresh unit of work (one transaction)."""

        def make() -> UnitOfWork:
            return self.unit_of_work()

        return make

    async def app_secret(self, name: str, generate: Callable[[], str]) -> str:
        """The application secret `name`; on first use, `generate()`'s value is stored and kept.
        Instances starting together agree: the first insert wins and everyone reads it back."""
        async with self.engine.begin() as connection:
            found = await connection.scalar(
                select(AppSecretRow.value).where(AppSecretRow.name == name)
            )
            if found is not None:
                return str(found)
        try:
            async with self.engine.begin() as connection:
                await connection.execute(insert(AppSecretRow).values(name=name, value=generate()))
        except IntegrityError:
            pass  # another instance stored it first
        async with self.engine.begin() as connection:
            stored = await connection.scalar(
                select(AppSecretRow.value).where(AppSecretRow.name == name)
            )
        return str(stored)

    async def ping(self) -> bool:
        """True when the database answers a trivial query (for health checks)."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
