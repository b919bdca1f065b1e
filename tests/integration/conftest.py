"""Database fixtures for integration tests.

`database_url` runs each test on SQLite (a fresh file) and on PostgreSQL (marked `postgres`:
TEST_POSTGRES_URL must be set, see tests/conftest.py): a uniquely named database created for
this test session on that server and dropped at the end. A silently skipped PostgreSQL leg
would hide the very bugs it is there to catch.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import pytest
from sqlalchemy.engine import URL, make_url

from gql_server.core.domain.models import (
    CooldownConfig,
    Deployment,
    GroupDeployment,
    GroupSettings,
    RetryConfig,
    RoutingGroup,
    Strategy,
)
from gql_server.store import Database, upgrade_to_head
from gql_server.store.tables import Base
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer, running_server
from tests.support.settings import demo_settings

POSTGRES_ENV = "TEST_POSTGRES_URL"


def _backends() -> list[Any]:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _run_admin_statement(server: URL, statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(server), timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        pytest.fail(f"{POSTGRES_ENV} is not set", pytrace=False)
    server = make_url(raw)
    name = f"rg_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_run_admin_statement(server, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        pytest.fail(
            f"{POSTGRES_ENV}={server.render_as_string()} is set but the server cannot create a "
            f"test database: {error!r}",
            pytrace=False,
        )
    yield server.set(database=name).render_as_string(hide_password=False)
    asyncio.run(_run_admin_statement(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        # A directory that does not exist yet: the store must create it.
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'routing-groups.db'}"
    url = request.getfixturevalue("postgres_database_url")
    assert isinstance(url, str)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty database."""
    await upgrade_to_head(database_url)
    db = Database.from_url(database_url)
    # The PostgreSQL database lives for the whole session: start each test from empty tables.
    async with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
    yield db
    await db.dispose()


@pytest.fixture
def make_deployment() -> Callable[..., Deployment]:
    def make(model_id: str = "nebius-llama", **changes: Any) -> Deployment:
        fields: dict[str, Any] = {
            "model_id": model_id,
            "model_name": model_id,
            "litellm_model": "nebius/meta-llama/Llama-3.3-70B-Instruct",
            "provider": "nebius",
            "display_name": "Nebius Llama 70B",
            "api_base": "https://api.studio.nebius.ai/v1",
            "api_key": "os.environ/NEBIUS_API_KEY",
            "rpm": 600,
            "tpm": 100_000,
            "input_cost_per_token": 1.3e-07,
            "output_cost_per_token": 4e-07,
            "extra_params": {"mock_response": "hello", "api_version": "2024-06-01"},
        }
        return Deployment(**(fields | changes))

    return make


@pytest.fixture
def make_group() -> Callable[..., RoutingGroup]:
    def make(name: str = "tiered-llama", **changes: Any) -> RoutingGroup:
        created = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)
        fields: dict[str, Any] = {
            "group_id": str(uuid.uuid4()),
            "name": name,
            "description": "Nebius first, then Fireworks, then Azure",
            "strategy": Strategy.PRIORITY_FAILOVER,
            "deployments": (
                GroupDeployment(model_id="nebius-llama", priority=1, display_name="cheap"),
                GroupDeployment(model_id="fireworks-llama", priority=2),
                GroupDeployment(model_id="azure-gpt", priority=3),
            ),
            "retry": RetryConfig(num_retries=2),
            "cooldown": CooldownConfig(allowed_fails=1, cooldown_time_seconds=30.0),
            "settings": GroupSettings(max_fallbacks=3, timeout_seconds=12.5),
            "assigned_team_ids": ("team-search",),
            "assigned_key_ids": ("key-1", "key-2"),
            "is_active": True,
            "version": 1,
            "created_at": created,
            "created_by": "admin",
            "updated_at": created,
            "updated_by": "admin",
        }
        return RoutingGroup(**(fields | changes))

    return make


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    """The real app on a free port, on a fresh SQLite file, with the demo deployments."""
    with running_server(demo_settings(tmp_path)) as running:
        yield running


@pytest.fixture
def admin(server: RunningServer) -> Iterator[GraphQLClient]:
    client = GraphQLClient(server.base_url, server.master_key)
    yield client
    client.close()
