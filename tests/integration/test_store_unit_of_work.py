from __future__ import annotations

from collections.abc import Callable

import pytest

from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.services.ports import DuplicateKey
from gql_server.store import Database


class Boom(Exception):
    pass


async def test_a_failed_unit_of_work_leaves_nothing_written(
    database: Database,
    make_group: Callable[..., RoutingGroup],
    make_deployment: Callable[..., Deployment],
) -> None:
    with pytest.raises(Boom):
        async with database.uow_factory()() as uow:
            await uow.deployments.add(make_deployment("a"))
            await uow.groups.add(make_group())
            raise Boom

    async with database.uow_factory()() as uow:
        assert await uow.deployments.list() == []
        assert await uow.groups.count() == 0


async def test_work_without_commit_is_rolled_back(
    database: Database, make_deployment: Callable[..., Deployment]
) -> None:
    async with database.uow_factory()() as uow:
        await uow.deployments.add(make_deployment("a"))

    async with database.uow_factory()() as uow:
        assert await uow.deployments.get("a") is None


async def test_a_duplicate_rolls_back_the_whole_unit(
    database: Database,
    make_group: Callable[..., RoutingGroup],
    make_deployment: Callable[..., Deployment],
) -> None:
    async with database.uow_factory()() as uow:
        await uow.groups.add(make_group("taken"))
        await uow.commit()

    with pytest.raises(DuplicateKey):
        async with database.uow_factory()() as uow:
            await uow.deployments.add(make_deployment("written first"))
            await uow.groups.add(make_group("taken"))
            await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.deployments.list() == []


async def test_uncommitted_work_is_invisible_to_other_units(
    database: Database, make_deployment: Callable[..., Deployment]
) -> None:
    async with database.uow_factory()() as writer:
        await writer.deployments.add(make_deployment("a"))
        async with database.uow_factory()() as reader:
            assert await reader.deployments.get("a") is None
        await writer.commit()

    async with database.uow_factory()() as reader:
        assert await reader.deployments.get("a") is not None
