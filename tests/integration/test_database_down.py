"""When the database goes away, callers get a generic error; operators get the details."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import make_url

from gql_server.settings import Settings
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, LIST, failover_input
from tests.support.server import MASTER_KEY, RunningServer, running_server
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


@contextmanager
def _server_on_its_own_database(tmp_path: Path) -> Iterator[tuple[RunningServer, str]]:
    """A server on a PostgreSQL database of its own, dropped after (its name is yielded too)."""
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
            yield server, name
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.postgres
def test_database_down_gives_a_generic_error_and_a_server_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with _server_on_its_own_database(tmp_path) as (server, name):
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


GENERATE = 'mutation { generateKey(input: {keyAlias: "late"}) { ... on GeneratedKey { key } } }'


@pytest.mark.postgres
def test_a_key_not_yet_cached_gets_503_while_the_database_is_down(tmp_path: Path) -> None:
    """Issue 20, K: a key nobody had used yet got a plain 500 while PostgreSQL was down. It
    cannot be checked, not refused: 503, OpenAI-shaped on /v1, a GraphQL error on /graphql."""
    with _server_on_its_own_database(tmp_path) as (server, name):
        master = GraphQLClient(server.base_url, server.master_key)
        master(CREATE, {"input": failover_input()})
        key = master(GENERATE)["generateKey"]["key"]  # never used: not in the key cache
        master.close()
        asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as http:
            v1 = http.post(
                "/v1/chat/completions",
                json={"model": "failover", "messages": [{"role": "user", "content": "hi"}]},
            )
            assert v1.status_code == 503, v1.text
            error = v1.json()["error"]
            assert error["type"] == "api_error" and error["code"] == "service_unavailable"
            assert "database is unreachable" in error["message"]
            assert v1.headers["retry-after"] == "1"
            models = http.get("/v1/models")
            assert models.status_code == 503, models.text
            graphql = http.post("/graphql", json={"query": LIST})
            assert graphql.status_code == 503, graphql.text
            [problem] = graphql.json()["errors"]
            assert problem["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert "database is unreachable" in problem["message"]
            for leak in ("asyncpg", "traceback", "sqlalchemy", name, key):
                assert leak not in v1.text + graphql.text, leak
