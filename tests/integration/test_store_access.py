from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from gql_server.services.ports import ApiKeyRecord, DuplicateKey, Team
from gql_server.store import Database

CREATED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _team(team_id: str, alias: str) -> Team:
    return Team(team_id=team_id, team_alias=alias, created_at=CREATED)


def _key(key_id: str, team_id: str | None = None, minutes: int = 0) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=key_id,
        key_hash=f"sha256:{key_id}",
        key_prefix="sk-rg-ab",
        key_alias=f"alias {key_id}",
        team_id=team_id,
        created_at=CREATED + timedelta(minutes=minutes),
        revoked_at=None,
    )


async def _save(database: Database, *items: Team | ApiKeyRecord) -> None:
    async with database.uow_factory()() as uow:
        for item in items:
            if isinstance(item, Team):
                await uow.teams.add(item)
            else:
                await uow.keys.add(item)
        await uow.commit()


async def test_teams_are_listed_by_alias(database: Database) -> None:
    search, billing = _team("t1", "search"), _team("t2", "billing")
    await _save(database, search, billing)

    async with database.uow_factory()() as uow:
        assert await uow.teams.list() == [billing, search]
        assert await uow.teams.get("t1") == search
        assert await uow.teams.get("t3") is None


async def test_duplicate_team_alias_is_reported_by_its_public_name(database: Database) -> None:
    await _save(database, _team("t1", "search"))

    with pytest.raises(DuplicateKey) as raised:
        await _save(database, _team("t2", "search"))
    assert raised.value.field == "teamAlias"


async def test_keys_are_found_by_id_and_by_hash(database: Database) -> None:
    team = _team("t1", "search")
    first, second = _key("k1", team_id="t1"), _key("k2", minutes=1)
    await _save(database, team, first, second)

    async with database.uow_factory()() as uow:
        assert await uow.keys.list() == [first, second]
        assert await uow.keys.get("k1") == first
        assert await uow.keys.get_by_hash("sha256:k2") == second
        assert await uow.keys.get_by_hash("sha256:nope") is None


async def test_revoking_keeps_the_first_revocation_time(database: Database) -> None:
    await _save(database, _key("k1"))
    first_time = CREATED + timedelta(days=1)

    async with database.uow_factory()() as uow:
        assert await uow.keys.revoke("k1", first_time) is True
        assert await uow.keys.revoke("k1", first_time + timedelta(days=1)) is True
        assert await uow.keys.revoke("missing", first_time) is False
        await uow.commit()

    async with database.uow_factory()() as uow:
        revoked = await uow.keys.get("k1")
    assert revoked is not None
    assert revoked.revoked
    assert revoked.revoked_at == first_time


async def test_deleting_a_key(database: Database) -> None:
    await _save(database, _key("k1"))

    async with database.uow_factory()() as uow:
        assert await uow.keys.delete("k1") is True
        assert await uow.keys.delete("k1") is False
        await uow.commit()
    async with database.uow_factory()() as uow:
        assert await uow.keys.list() == []


async def test_deleting_a_team_deletes_its_keys_only(database: Database) -> None:
    await _save(database, _team("t1", "search"), _key("team-key", team_id="t1"), _key("solo"))

    async with database.uow_factory()() as uow:
        assert await uow.teams.delete("t1") is True
        assert await uow.teams.delete("t1") is False
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.teams.list() == []
        assert [key.key_id for key in await uow.keys.list()] == ["solo"]


async def test_a_key_cannot_name_a_team_that_does_not_exist(database: Database) -> None:
    # Foreign keys are enforced on SQLite too (PRAGMA foreign_keys=ON on every connection).
    with pytest.raises(IntegrityError):
        await _save(database, _key("k1", team_id="no-such-team"))
