"""Per-key and per-team limits, set with generateKey/createTeam and enforced on `/v1`."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import create_group
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer
from tests.support.ws_client import GraphQLWebSocket

HELLO: Any = [{"role": "user", "content": "Hello"}]
PROVIDER_KEY = "sk-provider-secret-for-simulations-0123456789"


def _team(admin: GraphQLClient, alias: str, **limits: int) -> str:
    data = admin(
        "mutation($a: String!, $l: AccessLimitsInput) { createTeam(input: {teamAlias: $a,"
        " limits: $l}) { __typename ... on Team { teamId } } }",
        {"a": alias, "l": limits},
    )
    return str(data["createTeam"]["teamId"])


def _key(
    admin: GraphQLClient, alias: str, team: str | None = None, **limits: int
) -> tuple[str, str]:
    data = admin(
        "mutation($a: String, $t: ID, $l: AccessLimitsInput) { generateKey(input: {keyAlias: $a,"
        " teamId: $t, limits: $l}) { __typename ... on GeneratedKey { keyId key } } }",
        {"a": alias, "t": team, "l": limits},
    )
    made = data["generateKey"]
    assert made["__typename"] == "GeneratedKey", made
    return str(made["keyId"]), str(made["key"])


def _client(server: RunningServer, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, max_retries=0)


def test_a_keys_rpm_limit_answers_429_with_retry_after(
    server: RunningServer, admin: GraphQLClient
) -> None:
    key_id, key = _key(admin, "limited", rpmLimit=2)
    other_id, other = _key(admin, "unlimited")
    create_group(admin, "limited-group", assignedKeyIds=[key_id, other_id])
    client = _client(server, key)
    for _ in range(2):
        client.chat.completions.create(model="limited-group", messages=HELLO)
    with pytest.raises(openai.RateLimitError) as limited:
        client.chat.completions.create(model="limited-group", messages=HELLO)
    retry_after = int(limited.value.response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert limited.value.response.json()["error"]["type"] == "rate_limit_error"
    for _ in range(3):  # another key is not limited by this one's budget
        _client(server, other).chat.completions.create(model="limited-group", messages=HELLO)


def test_a_teams_limits_bind_every_key_of_the_team(
    server: RunningServer, admin: GraphQLClient
) -> None:
    team = _team(admin, "small-team", rpmLimit=1)
    _, first = _key(admin, "first", team)
    _, second = _key(admin, "second", team)
    create_group(admin, "team-group", assignedTeamIds=[team])
    _client(server, first).chat.completions.create(model="team-group", messages=HELLO)
    with pytest.raises(openai.RateLimitError):
        _client(server, second).chat.completions.create(model="team-group", messages=HELLO)


def test_a_tpm_limit_counts_the_tokens_answered(
    server: RunningServer, admin: GraphQLClient
) -> None:
    key_id, key = _key(admin, "tokens", tpmLimit=20)
    create_group(admin, "tpm-group", assignedKeyIds=[key_id])
    client = _client(server, key)
    answered = client.chat.completions.create(model="tpm-group", messages=HELLO)
    assert answered.usage is not None and answered.usage.total_tokens >= 20
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="tpm-group", messages=HELLO)


def test_limits_are_validated(admin: GraphQLClient) -> None:
    data = admin(
        "mutation { generateKey(input: {limits: {rpmLimit: 0}}) {"
        " __typename ... on ValidationError { fieldErrors { field } } } }"
    )
    assert data["generateKey"]["__typename"] == "ValidationError"


SIMULATE_WITH_ERRORS = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationProgress { requests { attempts { deploymentId errorMessage } } }
    ... on SimulationSummary { totalRequests }
    ... on LimitExceededError { message limit }
  }
}"""


async def _simulate(server: RunningServer, key: str, gid: str, sim: dict[str, Any]) -> list[Any]:
    socket = await GraphQLWebSocket.open(server.ws_url, key)
    assert await socket.acknowledged()
    op = await socket.subscribe(SIMULATE_WITH_ERRORS, {"id": gid, "input": sim})
    events: list[Any] = []
    async for message in socket.messages():
        assert message["id"] == op
        if message["type"] == "complete":
            break
        assert message["type"] == "next", message
        events.append(message["payload"]["data"]["simulateTraffic"])
    await socket.close()
    return events


def test_real_mode_simulations_by_a_team_key_are_capped_and_scrubbed(
    server: RunningServer, admin: GraphQLClient
) -> None:
    with FakeOpenAIServer() as provider:
        provider.answer("leaky-model", echo_key=True)
        result = admin(
            "mutation($i: DeploymentInput!) { createDeployment(input: $i) { __typename } }",
            {
                "i": {
                    "modelId": "leaky-dep",
                    "modelName": "openai/leaky-model",
                    "apiBase": provider.base_url,
                    "apiKey": PROVIDER_KEY,
                }
            },
        )
        assert result["createDeployment"]["__typename"] == "Deployment"
        team = _team(admin, "sim-team", maxRealRequests=4)
        _, key = _key(admin, "sim-key", team)
        gid = create_group(
            admin,
            "leaky-sim",
            deployments=[{"modelId": "leaky-dep", "priority": 1}],
            assignedTeamIds=[team],
        )
        big = {"numRequests": 300, "concurrency": 1, "seed": 1, "mock": False}
        refused = asyncio.run(_simulate(server, key, gid, big))
        assert [e["__typename"] for e in refused] == ["LimitExceededError"]
        assert refused[0]["limit"] == 4
        assert provider.calls["leaky-model"] == 0

        small = {"numRequests": 3, "concurrency": 1, "seed": 1, "mock": False}
        events = asyncio.run(_simulate(server, key, gid, small))
        assert events[-1]["totalRequests"] == 3
        messages = [
            a["errorMessage"] for e in events[:-1] for r in e["requests"] for a in r["attempts"]
        ]
        assert messages and all("Incorrect API key provided" in m for m in messages)
        assert not any("provider-secret" in m for m in messages)
        assert provider.requests[0].authorization == f"Bearer {PROVIDER_KEY}"


def test_limits_are_stored_and_read_back(admin: GraphQLClient) -> None:
    team = _team(admin, "read-team", tpmLimit=1000, maxSimulations=1)
    key_id, _ = _key(admin, "read-key", team, rpmLimit=30, maxRealRequests=10)
    teams = admin(
        "{ teams { teamId limits { rpmLimit tpmLimit maxSimulations maxRealRequests } } }"
    )
    keys = admin("{ keys { keyId limits { rpmLimit tpmLimit maxSimulations maxRealRequests } } }")
    team_limits = next(t["limits"] for t in teams["teams"] if t["teamId"] == team)
    key_limits = next(k["limits"] for k in keys["keys"] if k["keyId"] == key_id)
    assert team_limits == {
        "rpmLimit": None,
        "tpmLimit": 1000,
        "maxSimulations": 1,
        "maxRealRequests": None,
    }
    assert key_limits == {
        "rpmLimit": 30,
        "tpmLimit": None,
        "maxSimulations": None,
        "maxRealRequests": 10,
    }
