from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gql_server.settings import Settings
from tests.support.settings import demo_settings
from tests.support.stack import SchemaClient, app_runtime


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return demo_settings(tmp_path)


@pytest.fixture
async def gql(settings: Settings) -> AsyncIterator[SchemaClient]:
    async with app_runtime(settings) as runtime:
        yield SchemaClient(runtime)
