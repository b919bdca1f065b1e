from __future__ import annotations

from sqlalchemy import case, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.services.ports import Revision, SimulationRecord
from gql_server.store.errors import duplicate_key_as_domain_error
from gql_server.store.mapping import record_from_row, record_values
from gql_server.store.repositories._rows import fetch_all
from gql_server.store.tables import RevisionRow, SimulationRow


class SqlRevisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, revision: Revision) -> None:
        async with duplicate_key_as_domain_error():
            await self._session.execute(insert(RevisionRow).values(record_values(revision)))

    async def for_group(self, group_id: str) -> list[Revision]:
        """Newest first. A delete carries the last version again, so it is put before the
        change that made that version even when both fall on the same clock tick."""
        delete_first = case((RevisionRow.action == "delete", 0), else_=1)
        query = (
            select(RevisionRow)
            .where(RevisionRow.routing_group_id == group_id)
            .order_by(RevisionRow.version.desc(), delete_first, RevisionRow.changed_at.desc())
        )
        return [record_from_row(Revision, row) for row in await fetch_all(self._session, query)]


class SqlSimulationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, record: SimulationRecord) -> None:
        async with duplicate_key_as_domain_error():
            await self._session.execute(insert(SimulationRow).values(record_values(record)))

    async def for_group(self, group_id: str) -> list[SimulationRecord]:
        """Newest first."""
        query = (
            select(SimulationRow)
            .where(SimulationRow.routing_group_id == group_id)
            .order_by(SimulationRow.created_at.desc(), SimulationRow.simulation_id.desc())
        )
        return [
            record_from_row(SimulationRecord, row) for row in await fetch_all(self._session, query)
        ]
