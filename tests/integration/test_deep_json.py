"""Issue 20, K: 50,000-deep JSON in `variables` got a plain-text 500 (a RecursionError in the
JSON parser). Now every body the server cannot parse is a JSON 400 in its API's error shape,
and a websocket message nested that deep closes the socket with 4400 like any invalid JSON."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.server import RunningServer
from tests.support.ws_client import PROTOCOL

DEPTH = 50_000
DEEP = "[" * DEPTH + "]" * DEPTH


def _post(server: RunningServer, path: str, body: str, accept: str) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {server.master_key}",
        "Content-Type": "application/json",
        "Accept": accept,
    }
    return httpx.post(f"{server.base_url}{path}", content=body, headers=headers, timeout=60)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/json", "application/json"),
        ("application/graphql-response+json", "application/graphql-response+json"),
    ],
)
@pytest.mark.parametrize("member", ["variables", "extensions"])
def test_deep_json_in_a_graphql_body_is_a_json_400(
    server: RunningServer, accept: str, media_type: str, member: str
) -> None:
    body = f'{{"query": "{{ __typename }}", "{member}": {{"a": {DEEP}}}}}'
    answer = _post(server, "/graphql", body, accept)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.json() == {
        "errors": [{"message": "Unable to parse request body as JSON: JSON nested too deeply"}]
    }


def test_any_unparseable_graphql_body_is_a_json_400(server: RunningServer) -> None:
    answer = _post(server, "/graphql", '{"query": ', "application/json")
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["message"].startswith("Unable to parse request body as JSON")


def test_deep_json_in_a_v1_body_is_an_openai_400(server: RunningServer) -> None:
    body = f'{{"model": "failover", "messages": {DEEP}}}'
    answer = _post(server, "/v1/chat/completions", body, "application/json")
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"] == "the request body is not valid JSON: depth limit exceeded"


def test_deep_json_over_the_websocket_closes_it_as_invalid_json(server: RunningServer) -> None:
    async def send_deep() -> ConnectionClosed:
        async with connect(server.ws_url, subprotocols=[PROTOCOL], max_size=None) as socket:
            init = {"authorization": f"Bearer {server.master_key}"}
            await socket.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            payload = '{"query": "{ __typename }", "variables": {"a": ' + DEEP + "}}"
            await socket.send('{"id": "1", "type": "subscribe", "payload": ' + payload + "}")
            try:
                await socket.recv()
            except ConnectionClosed as closed:
                return closed
            raise AssertionError("the socket stayed open")

    closed = asyncio.run(send_deep())
    assert closed.rcvd is not None
    assert (closed.rcvd.code, closed.rcvd.reason) == (4400, "WebSocket message must be valid JSON")
