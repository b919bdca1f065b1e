from __future__ import annotations

from pathlib import Path

from gql_server.store import Database, upgrade_to_head


async def test_ping_answers_for_a_live_database(database: Database) -> None:
    assert await database.ping() is True


async def test_ping_reports_an_unreachable_server() -> None:
    # Port 9 (discard) has no PostgreSQL on this machine: the connection is refused at once.
    db = Database.from_url("postgresql+asyncpg://postgres@127.0.0.1:9/none")
    try:
        assert await db.ping() is False
    finally:
        await db.dispose()


async def test_sqlite_file_and_its_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "store.db"
    url = f"sqlite+aiosqlite:///{path}"

    await upgrade_to_head(url)
    db = Database.from_url(url)
    try:
        assert await db.ping()
        async with db.engine.connect() as connection:
            journal = await connection.exec_driver_sql("PRAGMA journal_mode")
            assert journal.scalar() == "wal"
            foreign_keys = await connection.exec_driver_sql("PRAGMA foreign_keys")
            assert foreign_keys.scalar() == 1
    finally:
        await db.dispose()
    assert path.is_file()
