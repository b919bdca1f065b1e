from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.services.ports import ApiKeyRecord, Team
from gql_server.store.errors import (
    duplicate_key_as_domain_error,
    unreachable_as_store_unavailable,
)
from gql_server.store.mapping import record_from_row, record_values
from gql_server.store.repositories._rows import affected_rows, fetch_all, fetch_one
from gql_server.store.tables import ApiKeyRow, TeamRow
from gql_server.store.types import UtcDateTime


class SqlTeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self) -> list[Team]:
        query = select(TeamRow).order_by(TeamRow.team_alias)
        return [record_from_row(Team, row) for row in await fetch_all(self._session, query)]

    async def get(self, team_id: str) -> Team | None:
        async with unreachable_as_store_unavailable():  # signing in: 503, not 500
            row = await fetch_one(self._session, select(TeamRow).where(TeamRow.team_id == team_id))
        return record_from_row(Team, row) if row else None

    async def add(self, team: Team) -> None:
        async with duplicate_key_as_domain_error():
            await self._session.execute(insert(TeamRow).values(record_values(team)))

    async def rename(self, team_id: str, alias: str) -> bool:
        """False when there is no such team; DuplicateKey when the alias is taken."""
        statement = (
            update(TeamRow)
            .where(TeamRow.team_id == team_id)
            .values(team_alias=alias)
            .execution_options(synchronize_session=False)
        )
        async with duplicate_key_as_domain_error():
            result = await self._session.execute(statement)
        return affected_rows(result) > 0

    async def delete(self, team_id: str) -> bool:
        """Also deletes the team's keys (ON DELETE CASCADE)."""
        statement = (
            delete(TeamRow)
            .where(TeamRow.team_id == team_id)
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(statement)
        return affected_rows(result) > 0


class SqlApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self) -> list[ApiKeyRecord]:
        query = select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.key_id)
        return [record_from_row(ApiKeyRecord, row) for row in await fetch_all(self._session, query)]

    async def get(self, key_id: str) -> ApiKeyRecord | None:
        row = await fetch_one(self._session, select(ApiKeyRow).where(ApiKeyRow.key_id == key_id))
        return record_from_row(ApiKeyRecord, row) if row else None

    async def get_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        query = select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash)
        async with unreachable_as_store_unavailable():  # signing in: 503, not 500
            row = await fetch_one(self._session, query)
        return record_from_row(ApiKeyRecord, row) if row else None

    async def add(self, key: ApiKeyRecord) -> None:
        """A `team_id` naming no team raises sqlalchemy's IntegrityError (foreign key)."""
        async with duplicate_key_as_domain_error():
            await self._session.execute(insert(ApiKeyRow).values(record_values(key)))

    async def revoke(self, key_id: str, when: datetime) -> bool:
        """False when there is no such key; revoking twice keeps the first time."""
        statement = (
            update(ApiKeyRow)
            .where(ApiKeyRow.key_id == key_id)
            .values(revoked_at=func.coalesce(ApiKeyRow.revoked_at, literal(when, UtcDateTime())))
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(statement)
        return affected_rows(result) > 0

    async def delete(self, key_id: str) -> bool:
        statement = (
            delete(ApiKeyRow)
            .where(ApiKeyRow.key_id == key_id)
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(statement)
        return affected_rows(result) > 0
