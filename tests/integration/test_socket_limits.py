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
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from tests.support.server import MASTER_KEY, RunningServer, running_server
from tests.support.settings import demo_settings
from tests.support.ws_client import PROTOCOL


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[RunningServer]:
    settings = demo_settings(
        tmp_path, ws_connection_init_timeout_seconds=0.5, max_unauthenticated_sockets=3
    )
    with running_server(settings) as running:
        yield running


async def _open(server: RunningServer) -> ClientConnection:
    return await connect(server.ws_url, subprotocols=[PROTOCOL])


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
    async def crowd() -> tuple[tuple[int, str | None, str], bool]:
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
            answer = refused.value.response
            body = answer.body.decode() if answer.body else ""
            return (answer.status_code, answer.headers.get("Retry-After"), body), acked
        finally:
            for ws in waiting:
                await ws.close()

    (status, retry_after, body), acked = asyncio.run(crowd())
    # Too many, not forbidden: try again once the waiting sockets have signed in or timed out.
    assert status == 429
    assert retry_after is not None and int(retry_after) >= 1
    assert "TOO_MANY_SOCKETS" in body
    assert acked


# Issue 20, item F: 200 anonymous sockets opened in 0.2 s locked every user, master key
# included, out of websockets. Now one address holds at most its share of the waiting places,
# and a client that signs in at the upgrade never waits for one.


@pytest.fixture
def per_client_server(tmp_path: Path) -> Iterator[RunningServer]:
    limits = {"max_unauthenticated_sockets": 4, "max_unauthenticated_sockets_per_client": 2}
    with running_server(demo_settings(tmp_path, **limits)) as running:
        yield running


async def _open_as(server: RunningServer, **headers: str) -> ClientConnection:
    return await connect(server.ws_url, subprotocols=[PROTOCOL], additional_headers=headers)


async def _acked(ws: ClientConnection, payload: dict[str, str] | None = None) -> bool:
    await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
    return bool(json.loads(await ws.recv())["type"] == "connection_ack")


async def _refused(server: RunningServer, **headers: str) -> int:
    with pytest.raises(InvalidStatus) as refused:
        await _open_as(server, **headers)
    return refused.value.response.status_code


def test_one_address_holds_at_most_its_share_of_waiting_sockets(
    per_client_server: RunningServer,
) -> None:
    async def crowd() -> tuple[int, bool]:
        waiting = [await _open_as(per_client_server) for _ in range(2)]
        try:
            status = await _refused(per_client_server)
            # The master key on the upgrade is not waiting for anything: always let in.
            signed = await _open_as(per_client_server, Authorization=f"Bearer {MASTER_KEY}")
            acked = await _acked(signed)
            await signed.close()
            return status, acked
        finally:
            for ws in waiting:
                await ws.close()

    status, acked = asyncio.run(crowd())
    assert status == 429
    assert acked


def test_forwarded_for_counts_only_behind_a_trusted_proxy(tmp_path: Path) -> None:
    limits = {
        "max_unauthenticated_sockets": 10,
        "max_unauthenticated_sockets_per_client": 1,
        "trusted_proxies": "127.0.0.1",
    }

    async def behind_proxy(server: RunningServer) -> tuple[int, bool]:
        first = await _open_as(server, **{"X-Forwarded-For": "203.0.113.7"})
        try:
            status = await _refused(server, **{"X-Forwarded-For": "203.0.113.7"})
            # A spoofed left-most hop changes nothing: the proxy appended the real one.
            spoofed = await _refused(server, **{"X-Forwarded-For": "1.2.3.4, 203.0.113.7"})
            assert spoofed == 429
            other = await _open_as(server, **{"X-Forwarded-For": "203.0.113.8"})
            await other.close()
            return status, True
        finally:
            await first.close()

    with running_server(demo_settings(tmp_path, **limits)) as server:
        assert asyncio.run(behind_proxy(server)) == (429, True)


def test_forwarded_for_is_ignored_from_an_untrusted_peer(tmp_path: Path) -> None:
    limits = {"max_unauthenticated_sockets": 10, "max_unauthenticated_sockets_per_client": 1}

    async def direct(server: RunningServer) -> int:
        first = await _open_as(server, **{"X-Forwarded-For": "203.0.113.7"})
        try:
            return await _refused(server, **{"X-Forwarded-For": "203.0.113.8"})
        finally:
            await first.close()

    with running_server(demo_settings(tmp_path, **limits)) as server:
        assert asyncio.run(direct(server)) == 429


def test_a_full_global_cap_never_refuses_a_client_signed_in_at_the_upgrade(
    tmp_path: Path,
) -> None:
    limits = {"max_unauthenticated_sockets": 2, "max_unauthenticated_sockets_per_client": 5}

    async def full(server: RunningServer) -> tuple[int, list[bool]]:
        waiting = [await _open_as(server) for _ in range(2)]
        try:
            status = await _refused(server)  # every waiting place is taken
            key = f"Bearer {MASTER_KEY}"
            signed = [await _open_as(server, Authorization=key) for _ in range(5)]
            acks = [await _acked(ws) for ws in signed]
            for ws in signed:
                await ws.close()
            return status, acks
        finally:
            for ws in waiting:
                await ws.close()

    with running_server(demo_settings(tmp_path, **limits)) as server:
        status, acks = asyncio.run(full(server))
    assert status == 429
    assert acks == [True] * 5


# Issue 19, item 6: `Authorization` on the websocket upgrade signs in (it got 4403).


def test_a_key_on_the_upgrade_signs_the_socket_in(per_client_server: RunningServer) -> None:
    async def signed_in() -> dict[str, object]:
        ws = await _open_as(per_client_server, Authorization=f"Bearer {MASTER_KEY}")
        async with ws:
            assert await _acked(ws)
            query = {"query": 'subscription { liveTraffic(routingGroupId: "nope") { __typename } }'}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": query}))
            return dict(json.loads(await ws.recv()))

    answer = asyncio.run(signed_in())
    assert answer["type"] == "next"
    assert answer["payload"] == {"data": {"liveTraffic": {"__typename": "NotFoundError"}}}


def test_a_bad_key_on_the_upgrade_is_refused_at_the_handshake(
    per_client_server: RunningServer,
) -> None:
    status = asyncio.run(_refused(per_client_server, Authorization="Bearer sk-not-a-key"))
    assert status == 403


# Issue 20, item K: the origin check refused `http://localhost:PORT` serving on 127.0.0.1.


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_page_on_this_machine_and_port_may_open_a_socket(
    per_client_server: RunningServer, host: str
) -> None:
    port = per_client_server.ws_url.rsplit(":", 1)[1].split("/")[0]

    async def from_page() -> bool:
        ws = await connect(
            per_client_server.ws_url,
            subprotocols=[PROTOCOL],
            origin=Origin(f"http://{host}:{port}"),
        )
        async with ws:
            return await _acked(ws, {"authorization": f"Bearer {MASTER_KEY}"})

    assert asyncio.run(from_page())


@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost:1"])
def test_a_page_elsewhere_may_not(per_client_server: RunningServer, origin: str) -> None:
    async def from_elsewhere() -> int:
        with pytest.raises(InvalidStatus) as refused:
            await connect(
                per_client_server.ws_url,
                subprotocols=[PROTOCOL],
                origin=Origin(origin),
            )
        return refused.value.response.status_code

    assert asyncio.run(from_elsewhere()) == 403
