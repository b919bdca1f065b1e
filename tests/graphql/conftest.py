from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from gql_server.settings import Settings
from tests.support.stack import DEMO_CONFIG, SchemaClient, app_runtime


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'graphql.db'}",
        master_key=SecretStr("sk-test-master-key"),
        config_path=DEMO_CONFIG,
        seed_groups=False,
        ui_dist=tmp_path / "no-ui",
    )


@pytest.fixture
async def gql(settings: Settings) -> AsyncIterator[SchemaClient]:
    async with app_runtime(settings) as runtime:
        yield SchemaClient(runtime)
