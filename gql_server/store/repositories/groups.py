from __future__ import annotations

import builtins

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.core.domain.models import RoutingGroup
from gql_server.store.errors import duplicate_key_as_domain_error
from gql_server.store.mapping import group_from_row, group_values
from gql_server.store.repositories._rows import affected_rows, fetch_all, fetch_one
from gql_server.store.tables import RoutingGroupRow

# Set once, at creation.
_IMMUTABLE = ("routing_group_id", "created_at", "created_by")


class SqlRoutingGroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self, offset: int, limit: int) -> list[RoutingGroup]:
        """One page, by name: a stable order that does not shift when a group is edited."""
        query = (
            select(RoutingGroupRow)
            .order_by(RoutingGroupRow.routing_group_name)
            .offset(offset)
            .limit(limit)
        )
        return [group_from_row(row) for row in await fetch_all(self._session, query)]

    async def list_all(self) -> builtins.list[RoutingGroup]:
        query = select(RoutingGroupRow).order_by(RoutingGroupRow.routing_group_name)
        return [group_from_row(row) for row in await fetch_all(self._session, query)]

    async def count(self) -> int:
        total = await self._session.scalar(select(func.count()).select_from(RoutingGroupRow))
        return int(total or 0)

    async def get(self, group_id: str) -> RoutingGroup | None:
        query = select(RoutingGroupRow).where(RoutingGroupRow.routing_group_id == group_id)
        row = await fetch_one(self._session, query)
        return group_from_row(row) if row else None

    async def get_by_name(self, name: str) -> RoutingGroup | None:
        query = select(RoutingGroupRow).where(RoutingGroupRow.routing_group_name == name)
        row = await fetch_one(self._session, query)
        return group_from_row(row) if row else None

    async def add(self, group: RoutingGroup) -> None:
        async with duplicate_key_as_domain_error():
            await self._session.execute(insert(RoutingGroupRow).values(group_values(group)))

    async def update(self, group: RoutingGroup, expected_version: int) -> bool:
        """One conditional UPDATE: of concurrent writers holding the same expected version,
        exactly one matches a row; the database serialises them, no lock is taken by hand."""
        if group.version != expected_version + 1:
            raise ValueError(
                f"group.version must be expected_version + 1, got {group.version} "
                f"for expected_version {expected_version}"
            )
        values = {k: v for k, v in group_values(group).items() if k not in _IMMUTABLE}
        statement = (
            update(RoutingGroupRow)
            .where(
                RoutingGroupRow.routing_group_id == group.group_id,
                RoutingGroupRow.version == expected_version,
            )
            .values(values)
            .execution_options(synchronize_session=False)
        )
        async with duplicate_key_as_domain_error():
            result = await self._session.execute(statement)
        return affected_rows(result) == 1

    async def delete(self, group_id: str) -> bool:
        statement = (
            delete(RoutingGroupRow)
            .where(RoutingGroupRow.routing_group_id == group_id)
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(statement)
        return affected_rows(result) > 0
