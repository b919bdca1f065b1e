"""Issue 13, items 1, 2, 10: what one request may cost the server, and how its errors read.

Through the real server (uvicorn on a free port)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, failover_input
from tests.support.polling import eventually
from tests.support.server import RunningServer
from tests.support.ws_client import PROTOCOL

MIB = 1024 * 1024


def _post(server: RunningServer, body: bytes, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/graphql",
        content=body,
        headers={
            "Authorization": f"Bearer {server.master_key}",
            "Content-Type": "application/json",
            **headers,
        },
        timeout=60,
    )


def _comment_document(size: int) -> bytes:
    # Comments are not tokens: the token limit never saw these.
    return json.dumps({"query": "#" + "x" * size + "\n{ me { identity } }"}).encode()


def test_a_body_over_the_graphql_limit_gets_413_in_graphql_shape(server: RunningServer) -> None:
    response = _post(server, _comment_document(2 * MIB))
    assert response.status_code == 413
    assert "too large" in response.json()["errors"][0]["message"]


def test_a_streamed_body_over_the_limit_gets_413_too(server: RunningServer) -> None:
    def chunks() -> Any:
        body = _comment_document(2 * MIB)
        for i in range(0, len(body), 64 * 1024):
            yield body[i : i + 64 * 1024]

    # A generator body is sent chunked: no Content-Length to refuse it by.
    response = httpx.post(
        f"{server.base_url}/graphql",
        content=chunks(),
        headers={"Authorization": f"Bearer {server.master_key}"},
        timeout=60,
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_v1_body_over_its_limit_gets_413_in_openai_shape(server: RunningServer) -> None:
    big = json.dumps({"model": "x", "messages": [{"role": "user", "content": "x" * 11 * MIB}]})
    response = httpx.post(
        f"{server.base_url}/v1/chat/completions",
        content=big.encode(),
        headers={"Authorization": f"Bearer {server.master_key}"},
        timeout=60,
    )
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_a_body_under_the_limit_is_served(server: RunningServer) -> None:
    response = _post(
        server, json.dumps({"query": "#" + "x" * 1000 + "\n{ me { identity } }"}).encode()
    )
    assert response.status_code == 200
    assert response.json()["data"]["me"]["identity"]


def test_a_websocket_message_over_the_limit_closes_the_socket(server: RunningServer) -> None:
    async def attempt() -> int | None:
        async with connect(
            server.ws_url,
            subprotocols=[PROTOCOL],
            max_size=None,
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"x": "y" * 2 * MIB}}))
            try:
                await ws.recv()
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
        return None

    assert asyncio.run(attempt()) == 1009


def test_the_alias_bomb_is_refused_before_anything_runs(
    server: RunningServer, admin: GraphQLClient
) -> None:
    gid = admin(CREATE, {"input": failover_input()})["createRoutingGroup"]["routingGroupId"]
    bomb = " ".join(f'a{i}: testRoutingGroup(id: "{gid}") {{ __typename }}' for i in range(400))
    body = admin.raw(f"mutation {{ {bomb} }}").json()
    assert body["data"] is None
    messages = " | ".join(e["message"] for e in body["errors"])
    assert "root fields" in messages and "cost" in messages
    four = " ".join(f'a{i}: testRoutingGroup(id: "{gid}") {{ __typename }}' for i in range(4))
    assert "cost 4 exceeds" in admin.raw(f"mutation {{ {four} }}").json()["errors"][0]["message"]
    three = " ".join(f'a{i}: testRoutingGroup(id: "{gid}") {{ __typename }}' for i in range(3))
    ran = admin(f"mutation {{ {three} }}")
    assert {v["__typename"] for v in ran.values()} == {"RoutingGroupTestResult"}


def test_many_aliases_of_a_cheap_field_are_bounded_too(admin: GraphQLClient) -> None:
    many = " ".join(f"m{i}: me {{ identity }}" for i in range(50))
    body = admin.raw(f"{{ {many} }}").json()
    assert body["data"] is None
    assert any("aliases" in e["message"] for e in body["errors"])


BAD_REQUESTS: list[tuple[str, dict[str, Any], str]] = [
    (
        "query($s: RoutingStrategy!) { routingGroups(page: 1) { total } "
        "r: routingGroups(page: 1) { items { routingStrategy } } }",
        {"s": "NOPE"},
        "never used",
    ),
    (
        'mutation($s: RoutingStrategy!) { updateRoutingGroup(id: "x", '
        "input: {routingStrategy: $s}) { __typename } }",
        {"s": "NOPE"},
        "RoutingStrategy",
    ),
    ("query($p: Int!) { routingGroups(page: $p) { total } }", {}, "non-null type 'Int!'"),
    ("query($p: Int!) { routingGroups(page: $p) { total } }", {"p": 2**31}, "32-bit"),
    (
        'mutation($t: Float!) { updateRoutingGroup(id: "x", '
        "input: {settings: {timeoutSeconds: $t}}) { __typename } }",
        {"t": float("nan")},
        "nan",
    ),
    ("query($n: String!) { routingGroup(name: $n) { version } }", {"n": "\ud800"}, "surrogate"),
]


@pytest.mark.parametrize(("query", "variables", "expected"), BAD_REQUESTS)
def test_request_errors_are_explained_not_masked(
    server: RunningServer,
    query: str,
    variables: dict[str, Any],
    expected: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = json.dumps({"query": query, "variables": variables}).encode()
    with caplog.at_level(logging.INFO):
        plain = _post(server, body)
        spec = _post(server, body, Accept="application/graphql-response+json")
    assert plain.status_code == 200
    message = plain.json()["errors"][0]["message"]
    assert expected in message and "Internal server error" not in message
    assert spec.status_code == 400
    assert spec.headers["content-type"].startswith("application/graphql-response+json")
    assert "data" not in spec.json()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]


def test_a_subscription_over_http_gets_a_clear_error(admin: GraphQLClient) -> None:
    body = admin.raw(
        'subscription { simulateTraffic(id: "x", input: {numRequests: 1, concurrency: 1}) '
        "{ __typename } }"
    ).json()
    assert "websocket" in body["errors"][0]["message"]


def test_persisted_queries_are_declined_so_apollo_falls_back(server: RunningServer) -> None:
    apq = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
    body = _post(server, json.dumps(apq).encode()).json()
    assert body["errors"][0]["message"] == "PersistedQueryNotSupported"
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


def test_a_domain_error_inside_a_query_is_not_logged_as_an_error(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    _, key = _team_key(server)
    with caplog.at_level(logging.INFO):
        body = GraphQLClient(server.base_url, key).raw("{ runningSimulations }").json()
    assert "master key" in body["errors"][0]["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def _team_key(server: RunningServer) -> tuple[str, str]:
    from tests.integration.access_helpers import generate_key

    admin = GraphQLClient(server.base_url, server.master_key)
    try:
        return generate_key(admin, "someone")
    finally:
        admin.close()


def test_a_request_is_cancelled_when_its_client_leaves(
    server: RunningServer, admin: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.fakes.openai_server import FakeOpenAIServer
    from tests.support.operations import TEST

    with FakeOpenAIServer() as provider:
        provider.answer("slow", delay_s=600)
        created = admin(
            "mutation($i: DeploymentInput!) { createDeployment(input: $i) { __typename } }",
            {
                "i": {
                    "modelId": "slow",
                    "modelName": "openai/slow",
                    "apiBase": provider.base_url,
                    "apiKey": "sk-slow",
                }
            },
        )
        assert created["createDeployment"]["__typename"] == "Deployment"
        group = admin(
            CREATE,
            {
                "input": failover_input(
                    "slow-group", deployments=[{"modelId": "slow", "priority": 1}]
                )
            },
        )["createRoutingGroup"]["routingGroupId"]
        with caplog.at_level(logging.INFO, logger="gql_server"):
            with pytest.raises(httpx.ReadTimeout):
                httpx.post(
                    f"{server.base_url}/graphql",
                    json={"query": TEST, "variables": {"id": group, "mock": False}},
                    headers={"Authorization": f"Bearer {server.master_key}"},
                    timeout=httpx.Timeout(60, read=3),
                )
            assert provider.requests, "the request never reached the provider"
            # the server stops the request once its client has left
            eventually(lambda: _cancelled(caplog), timeout=30, every=0.1)


def _cancelled(caplog: pytest.LogCaptureFixture) -> bool:
    return any("client disconnected" in r.getMessage() for r in caplog.records)


def test_a_lone_surrogate_over_the_websocket_is_a_request_error(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.operations import SIMULATE
    from tests.support.ws_client import GraphQLWebSocket

    async def subscribe() -> dict[str, Any]:
        socket = await GraphQLWebSocket.open(server.ws_url, server.master_key)
        try:
            assert await socket.acknowledged()
            variables = {"id": "\ud800", "input": {"numRequests": 1, "concurrency": 1}}
            await socket.subscribe(SIMULATE, variables)
            async for message in socket.messages():
                return message
            raise AssertionError("no message")
        finally:
            await socket.close()

    with caplog.at_level(logging.INFO):
        message = asyncio.run(subscribe())
    assert message["type"] == "error"
    assert "surrogate" in message["payload"][0]["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
