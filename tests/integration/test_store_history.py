from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from gql_server.core.domain.models import RoutingGroup
from gql_server.services.ports import Revision, SimulationRecord
from gql_server.store import Database

MakeGroup = Callable[..., RoutingGroup]
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _revision(group: RoutingGroup, version: int, action: str, seconds: int) -> Revision:
    snapshot = group.model_copy(update={"version": version}).model_dump(mode="json")
    return Revision(
        revision_id=f"{group.group_id}-{version}-{action}",
        routing_group_id=group.group_id,
        version=version,
        action=action,
        changed_by="admin",
        # Every change on the same clock tick: order must not depend on timestamps alone.
        changed_at=T0 + timedelta(seconds=seconds),
        before=None if action == "create" else snapshot,
        after=None if action == "delete" else snapshot,
    )


async def test_revisions_come_newest_first_and_survive_the_groups_deletion(
    database: Database, make_group: MakeGroup
) -> None:
    group = make_group()
    created = _revision(group, 1, "create", seconds=0)
    updated = _revision(group, 2, "update", seconds=0)
    deleted = _revision(group, 2, "delete", seconds=0)

    async with database.uow_factory()() as uow:
        await uow.groups.add(group)
        await uow.revisions.add(created)
        await uow.revisions.add(updated)
        await uow.commit()
    async with database.uow_factory()() as uow:
        assert await uow.groups.delete(group.group_id)
        await uow.revisions.add(deleted)
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.groups.get(group.group_id) is None
        assert await uow.revisions.for_group(group.group_id) == [deleted, updated, created]
        assert await uow.revisions.for_group("another group") == []


async def test_revision_snapshots_keep_none_as_absent(
    database: Database, make_group: MakeGroup
) -> None:
    group = make_group()
    created = _revision(group, 1, "create", seconds=0)
    async with database.uow_factory()() as uow:
        await uow.revisions.add(created)
        await uow.commit()

    async with database.uow_factory()() as uow:
        (stored,) = await uow.revisions.for_group(group.group_id)
    assert stored.before is None
    assert stored.after == group.model_dump(mode="json")


async def test_simulations_come_newest_first_per_group(database: Database) -> None:
    def record(simulation_id: str, group_id: str, minutes: int) -> SimulationRecord:
        return SimulationRecord(
            simulation_id=simulation_id,
            routing_group_id=group_id,
            created_at=T0 + timedelta(minutes=minutes),
            created_by="admin",
            input={"numRequests": 100, "concurrency": 10, "seed": 7},
            summary={"totalRequests": 100, "successfulRequests": 97, "p95LatencyMs": 41.5},
        )

    older, newer, elsewhere = record("s1", "g1", 0), record("s2", "g1", 5), record("s3", "g2", 1)
    async with database.uow_factory()() as uow:
        for item in (older, newer, elsewhere):
            await uow.simulations.add(item)
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.simulations.for_group("g1") == [newer, older]
        assert await uow.simulations.for_group("g2") == [elsewhere]
