"""The app's runtime (services, registry, database) without HTTP, for schema-level tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import Any

import strawberry

from gql_server.app import create_app
from gql_server.auth import Principal, master_principal
from gql_server.runtime import Runtime
from gql_server.settings import Settings
from schema.build import build_schema
from schema.context import Context

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "examples" / "demo-config.yaml"


@contextlib.asynccontextmanager
async def app_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app.state.runtime


class SchemaClient:
    """Runs operations through `schema.execute` / `schema.subscribe` as a given caller."""

    def __init__(self, runtime: Runtime, who: Principal | None = None) -> None:
        self.runtime = runtime
        self.schema: strawberry.Schema = build_schema()
        self.who = who or master_principal()

    def as_(self, who: Principal) -> SchemaClient:
        return SchemaClient(self.runtime, who)

    def context(self) -> Context:
        return Context(services=self.runtime.services, principal=self.who)

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        result = await self.schema.execute(
            query, variable_values=variables, context_value=self.context()
        )
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    async def subscribe(self, query: str, **variables: Any) -> AsyncGenerator[dict[str, Any], None]:
        gen = await self.schema.subscribe(
            query, variable_values=variables, context_value=self.context()
        )
        assert not hasattr(gen, "errors"), gen
        async for result in gen:
            assert result.errors is None, result.errors
            assert result.data is not None
            yield result.data
