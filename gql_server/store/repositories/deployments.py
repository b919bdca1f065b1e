from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.core.domain.models import Deployment
from gql_server.store.errors import duplicate_key_as_domain_error
from gql_server.store.mapping import deployment_from_row, deployment_values
from gql_server.store.repositories._rows import fetch_all, fetch_one
from gql_server.store.tables import DeploymentRow


class SqlDeploymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self) -> list[Deployment]:
        query = select(DeploymentRow).order_by(DeploymentRow.created_at, DeploymentRow.model_id)
        return [deployment_from_row(row) for row in await fetch_all(self._session, query)]

    async def get_many(self, model_ids: builtins.list[str]) -> dict[str, Deployment]:
        if not model_ids:
            return {}
        query = select(DeploymentRow).where(DeploymentRow.model_id.in_(set(model_ids)))
        rows = await fetch_all(self._session, query)
        return {row.model_id: deployment_from_row(row) for row in rows}

    async def get(self, model_id: str) -> Deployment | None:
        query = select(DeploymentRow).where(DeploymentRow.model_id == model_id)
        row = await fetch_one(self._session, query)
        return deployment_from_row(row) if row else None

    async def add(self, deployment: Deployment) -> None:
        now = datetime.now(UTC)
        values = deployment_values(deployment) | {"created_at": now, "updated_at": now}
        async with duplicate_key_as_domain_error():
            await self._session.execute(insert(DeploymentRow).values(values))

    async def upsert(self, deployment: Deployment) -> None:
        """Insert, or replace every field but `created_at` of the row with this model_id."""
        now = datetime.now(UTC)
        values = deployment_values(deployment) | {"created_at": now, "updated_at": now}
        changed = {k: v for k, v in values.items() if k not in ("model_id", "created_at")}
        await self._session.execute(self._upsert_statement(values, changed))

    def _upsert_statement(self, values: dict[str, Any], changed: dict[str, Any]) -> Any:
        dialect = self._session.get_bind().dialect.name
        if dialect == "postgresql":
            pg = postgresql.insert(DeploymentRow).values(values)
            return pg.on_conflict_do_update(index_elements=["model_id"], set_=changed)
        if dialect == "sqlite":
            lite = sqlite.insert(DeploymentRow).values(values)
            return lite.on_conflict_do_update(index_elements=["model_id"], set_=changed)
        raise NotImplementedError(f"upsert is not written for {dialect}")
