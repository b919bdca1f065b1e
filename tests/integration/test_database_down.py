"""When the database goes away, callers get a generic error; operators get the details."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
import httpx
import pytest
from sqlalchemy import make_url
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Close
from websockets.http11 import Response

from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, LIST, failover_input
from tests.support.server import RunningServer, running_server
from tests.support.settings import demo_settings
from tests.support.ws_client import PROTOCOL, GraphQLWebSocket

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
    try:
        with running_server(demo_settings(tmp_path, database_url=url)) as server:
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


@pytest.mark.postgres
def test_a_websocket_signing_in_while_the_database_is_down_is_told_to_try_again(
    tmp_path: Path,
) -> None:
    """Issue 20: a socket signing in with `connection_init` while PostgreSQL was down was closed
    4403, as if its key were refused (the UI then stops retrying). The key cannot be checked, not
    refused: close 1013 (try again later), as HTTP callers get 503; on the upgrade, 503."""
    with _server_on_its_own_database(tmp_path) as (server, name):
        master = GraphQLClient(server.base_url, server.master_key)
        key = master(GENERATE)["generateKey"]["key"]  # never used: not in the key cache
        master.close()
        asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))

        async def sign_in_with_connection_init() -> Close | None:
            socket = await GraphQLWebSocket.open(server.ws_url, key)
            with pytest.raises(ConnectionClosed) as closed:
                await socket.connection.recv()
            return closed.value.rcvd

        close = asyncio.run(sign_in_with_connection_init())
        assert close is not None
        assert close.code == 1013, close
        assert "database is unreachable" in close.reason

        async def sign_in_at_the_upgrade() -> Response:
            with pytest.raises(InvalidStatus) as refused:
                await connect(
                    server.ws_url,
                    subprotocols=[PROTOCOL],
                    additional_headers={"Authorization": f"Bearer {key}"},
                )
            return refused.value.response

        upgrade = asyncio.run(sign_in_at_the_upgrade())
        assert upgrade.status_code == 503
        assert upgrade.headers["Retry-After"] == "1"
        [problem] = json.loads(upgrade.body)["errors"]
        assert problem["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        for leak in ("asyncpg", "sqlalchemy", name, key):
            assert leak not in close.reason + upgrade.body.decode(), leak
