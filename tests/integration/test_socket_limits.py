"""Issue 13, item 7 (websocket part): sockets that never sign in are not held.

2,000 sockets that never sent `connection_init` were each held 60 s: now a socket must sign in
within `ws_connection_init_timeout_seconds` (closed 4408 otherwise) and at most
`max_unauthenticated_sockets` may be waiting at once (more are refused at the handshake)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from gql_server.settings import Settings
from tests.support.server import MASTER_KEY, RunningServer, running_server
from tests.support.stack import DEMO_CONFIG

PROTOCOL = "graphql-transport-ws"


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[RunningServer]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'server.db'}",
        master_key=SecretStr(MASTER_KEY),
        config_path=DEMO_CONFIG,
        seed_groups=False,
        ui_dist=tmp_path / "no-ui",
        ws_connection_init_timeout_seconds=0.5,
        max_unauthenticated_sockets=3,
    )
    with running_server(settings) as running:
        yield running


async def _open(server: RunningServer) -> ClientConnection:
    return await connect(server.ws_url, subprotocols=[PROTOCOL])  # type: ignore[list-item]


def test_a_socket_that_never_signs_in_is_closed(strict_server: RunningServer) -> None:
    async def silent() -> int | None:
        async with await _open(strict_server) as ws:
            try:
                await asyncio.wait_for(ws.recv(), timeout=30)
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
        return None

    assert asyncio.run(silent()) == 4408


def test_unauthenticated_sockets_are_capped(strict_server: RunningServer) -> None:
    async def crowd() -> tuple[int, bool]:
        waiting = [await _open(strict_server) for _ in range(3)]
        try:
            with pytest.raises(InvalidStatus) as refused:
                await _open(strict_server)
            # Signing in frees a place.
            init = {"type": "connection_init", "payload": {"authorization": f"Bearer {MASTER_KEY}"}}
            await waiting[0].send(json.dumps(init))
            acked = json.loads(await waiting[0].recv())["type"] == "connection_ack"
            extra = await _open(strict_server)
            await extra.close()
            return refused.value.response.status_code, acked
        finally:
            for ws in waiting:
                await ws.close()

    status, acked = asyncio.run(crowd())
    assert status == 403
    assert acked
