"""When the database goes away, callers get a generic error; operators get the details."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from pathlib import Path

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy import make_url

from gql_server.settings import Settings
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, LIST, failover_input
from tests.support.server import MASTER_KEY, running_server
from tests.support.stack import DEMO_CONFIG

POSTGRES = os.environ.get("TEST_POSTGRES_URL")


async def _admin(statement: str) -> None:
    assert POSTGRES is not None
    url = make_url(POSTGRES)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.mark.postgres
def test_database_down_gives_a_generic_error_and_a_server_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert POSTGRES is not None
    name = f"rg_down_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    settings = Settings(
        database_url=url,
        master_key=SecretStr(MASTER_KEY),
        config_path=DEMO_CONFIG,
        seed_groups=False,
        ui_dist=tmp_path / "no-ui",
    )
    try:
        with running_server(settings) as server:
            gql = GraphQLClient(server.base_url, server.master_key)
            assert gql(CREATE, {"input": failover_input()})["createRoutingGroup"]["version"] == 1
            asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
            caplog.clear()
            with caplog.at_level(logging.ERROR):
                response = gql.raw(LIST)
            body = response.json()
            assert response.status_code == 200
            message = body["errors"][0]["message"]
            assert message == "Internal server error; it has been logged."
            text = response.text.lower()
            for leak in ("select", "asyncpg", "traceback", "sqlalchemy", name):
                assert leak not in text, leak
            assert any(r.exc_info for r in caplog.records), "the real error is logged"
            gql.close()
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
