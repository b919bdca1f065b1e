from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from gql_server.core.domain.models import RoutingGroup, Strategy
from gql_server.services.ports import DuplicateKey
from gql_server.store import Database

MakeGroup = Callable[..., RoutingGroup]


def _next_version(group: RoutingGroup, **changes: object) -> RoutingGroup:
    return group.model_copy(
        update={
            "version": group.version + 1,
            "updated_at": datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
            "updated_by": "editor",
            **changes,
        }
    )


async def _save(database: Database, *groups: RoutingGroup) -> None:
    async with database.uow_factory()() as uow:
        for group in groups:
            await uow.groups.add(group)
        await uow.commit()


async def test_added_group_reads_back_whole(database: Database, make_group: MakeGroup) -> None:
    group = make_group()
    await _save(database, group)

    async with database.uow_factory()() as uow:
        assert await uow.groups.get(group.group_id) == group
        assert await uow.groups.get_by_name(group.name) == group
        assert await uow.groups.get("missing") is None
        assert await uow.groups.get_by_name("missing") is None


async def test_list_pages_by_name_and_counts(database: Database, make_group: MakeGroup) -> None:
    groups = [make_group(name) for name in ("delta", "alpha", "charlie", "bravo")]
    await _save(database, *groups)

    async with database.uow_factory()() as uow:
        first_page = await uow.groups.list(offset=0, limit=3)
        second_page = await uow.groups.list(offset=3, limit=3)
        assert [g.name for g in first_page] == ["alpha", "bravo", "charlie"]
        assert [g.name for g in second_page] == ["delta"]
        assert await uow.groups.count() == 4
        assert [g.name for g in await uow.groups.list_all()] == [
            "alpha",
            "bravo",
            "charlie",
            "delta",
        ]


async def test_update_with_current_version_is_stored(
    database: Database, make_group: MakeGroup
) -> None:
    group = make_group()
    await _save(database, group)
    changed = _next_version(
        group,
        name="renamed",
        strategy=Strategy.WEIGHTED,
        assigned_team_ids=(),
        is_active=False,
    )

    async with database.uow_factory()() as uow:
        assert await uow.groups.update(changed, expected_version=1) is True
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.groups.get(group.group_id) == changed


async def test_update_with_stale_version_changes_nothing(
    database: Database, make_group: MakeGroup
) -> None:
    group = make_group()
    await _save(database, group)
    second = _next_version(group, description="second")
    async with database.uow_factory()() as uow:
        assert await uow.groups.update(second, expected_version=1)
        await uow.commit()

    stale = _next_version(group, description="stale")
    async with database.uow_factory()() as uow:
        assert await uow.groups.update(stale, expected_version=1) is False
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.groups.get(group.group_id) == second


async def test_update_of_a_missing_group_reports_no_write(
    database: Database, make_group: MakeGroup
) -> None:
    async with database.uow_factory()() as uow:
        assert await uow.groups.update(_next_version(make_group()), expected_version=1) is False


async def test_concurrent_updates_with_one_expected_version_have_one_winner(
    database: Database, make_group: MakeGroup
) -> None:
    group = make_group()
    await _save(database, group)

    async def attempt(writer: int) -> bool:
        async with database.uow_factory()() as uow:
            won = await uow.groups.update(
                _next_version(group, description=f"writer {writer}"), expected_version=1
            )
            await uow.commit()
            return won

    outcomes = await asyncio.gather(*(attempt(writer) for writer in range(20)))

    assert outcomes.count(True) == 1
    winner = outcomes.index(True)
    async with database.uow_factory()() as uow:
        stored = await uow.groups.get(group.group_id)
    assert stored is not None
    assert (stored.version, stored.description) == (2, f"writer {winner}")


async def test_duplicate_name_on_add_is_reported_by_its_public_name(
    database: Database, make_group: MakeGroup
) -> None:
    await _save(database, make_group("taken"))

    with pytest.raises(DuplicateKey) as raised:
        await _save(database, make_group("taken"))
    assert raised.value.field == "routingGroupName"


async def test_duplicate_name_on_update_is_reported_by_its_public_name(
    database: Database, make_group: MakeGroup
) -> None:
    taken, other = make_group("taken"), make_group("other")
    await _save(database, taken, other)

    with pytest.raises(DuplicateKey) as raised:
        async with database.uow_factory()() as uow:
            await uow.groups.update(_next_version(other, name="taken"), expected_version=1)
    assert raised.value.field == "routingGroupName"


async def test_update_requires_the_next_version(database: Database, make_group: MakeGroup) -> None:
    group = make_group()
    async with database.uow_factory()() as uow:
        with pytest.raises(ValueError, match="expected_version"):
            await uow.groups.update(group, expected_version=1)


async def test_delete_removes_the_group_once(database: Database, make_group: MakeGroup) -> None:
    group = make_group()
    await _save(database, group)

    async with database.uow_factory()() as uow:
        assert await uow.groups.delete(group.group_id) is True
        assert await uow.groups.delete(group.group_id) is False
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.groups.get(group.group_id) is None
        assert await uow.groups.count() == 0
