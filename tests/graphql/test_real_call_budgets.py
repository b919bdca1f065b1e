"""Issue 20, B and C: real provider calls are budgeted by the calls actually made.

Before: the real-mode cap read `numRequests` (0 for open-loop `traffic`: a 100/s x 5 s run made
500 provider calls), counted requests rather than calls (retries and fallbacks were free), and
`testRoutingGroup(mock: false)` ignored the key's rpm. Each test counts what the local fake
provider received."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gql_server.auth import Principal
from gql_server.core.domain.rate_limits import REAL_CALLS_PER_MINUTE, AccessLimits
from tests.fakes.openai_server import FakeOpenAIServer
from tests.support.operations import CREATE, TEST
from tests.support.stack import SchemaClient

SIMULATE = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationSummary { successfulRequests cancelled stoppedReason }
    ... on LimitExceededError { message limit }
  }
}"""
CREATE_DEPLOYMENT = """
mutation($input: DeploymentInput!) { createDeployment(input: $input) { __typename } }"""


@pytest.fixture
def provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as running:
        running.answer("broken", status=500)
        running.answer("good", text="hello from good")
        yield running


async def _real_group(gql: SchemaClient, provider: FakeOpenAIServer) -> tuple[str, str]:
    """A team's group over the fake provider: `broken` first (always 500), then `good`."""
    for model in ("broken", "good"):
        made = await gql.execute(
            CREATE_DEPLOYMENT,
            input={
                "modelId": model,
                "modelName": f"openai/{model}",
                "provider": "openai",
                "apiBase": provider.base_url,
                "apiKey": "sk-fake-provider",
            },
        )
        assert made["createDeployment"]["__typename"] == "Deployment"
    team = await gql.execute(
        'mutation { createTeam(input: {teamAlias: "spenders"}) { ... on Team { teamId } } }'
    )
    team_id = str(team["createTeam"]["teamId"])
    group: dict[str, Any] = {
        "routingGroupName": "real-failover",
        "routingStrategy": "PRIORITY_FAILOVER",
        "deployments": [
            {"modelId": "broken", "priority": 1},
            {"modelId": "good", "priority": 2},
        ],
        "retryConfig": {"numRetries": 0},
        "cooldownConfig": {"allowedFails": 1000, "cooldownTimeSeconds": 0},
        "assignedTeamIds": [team_id],
    }
    created = await gql.execute(CREATE, input=group)
    return str(created["createRoutingGroup"]["routingGroupId"]), team_id


def _key(team_id: str, key_id: str = "key-a", **limits: int) -> Principal:
    return Principal(
        identity=f"key:{key_id}",
        is_admin=False,
        key_id=key_id,
        team_id=team_id,
        key_limits=AccessLimits(**limits),
    )


async def _events(client: SchemaClient, gid: str, sim: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["simulateTraffic"] async for e in client.subscribe(SIMULATE, id=gid, input=sim)]


def _calls(provider: FakeOpenAIServer) -> int:
    return sum(provider.calls.values())


async def test_an_open_loop_real_run_beyond_the_budget_is_refused_up_front(
    gql: SchemaClient, provider: FakeOpenAIServer
) -> None:
    gid, team_id = await _real_group(gql, provider)
    team = gql.as_(_key(team_id))
    traffic = {"ratePerSecond": 100, "durationSeconds": 5}
    (refused,) = await _events(team, gid, {"mock": False, "traffic": traffic})
    assert refused["__typename"] == "LimitExceededError"
    assert refused["limit"] == 50
    assert _calls(provider) == 0


async def test_retries_and_fallbacks_of_an_open_loop_run_spend_the_budget(
    gql: SchemaClient, provider: FakeOpenAIServer
) -> None:
    gid, team_id = await _real_group(gql, provider)
    # 8 requests expected (within the budget of 10), each making two calls (broken, then good)
    team = gql.as_(_key(team_id, max_real_requests=10))
    traffic = {"ratePerSecond": 4, "durationSeconds": 2}
    events = await _events(team, gid, {"mock": False, "traffic": traffic, "seed": 1})
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary"
    # 16 before: the budget counted requests, not calls. Calls admitted when the budget ran
    # out may be cut before they leave (the run stops), so at most, not exactly, 10.
    assert 8 <= _calls(provider) <= 10
    assert summary["cancelled"] is True
    assert "budget of 10 real provider calls" in summary["stoppedReason"]


async def test_a_closed_loop_run_stops_when_its_calls_are_spent(
    gql: SchemaClient, provider: FakeOpenAIServer
) -> None:
    gid, team_id = await _real_group(gql, provider)
    team = gql.as_(_key(team_id, max_real_requests=6))
    events = await _events(team, gid, {"mock": False, "numRequests": 6, "concurrency": 2})
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary"
    assert 4 <= _calls(provider) <= 6  # 12 before: each request makes two calls
    assert summary["cancelled"] is True
    assert summary["successfulRequests"] <= 3


async def test_a_keys_real_calls_per_minute_span_its_runs(
    gql: SchemaClient, provider: FakeOpenAIServer
) -> None:
    gid, team_id = await _real_group(gql, provider)
    provider.answer("broken", text="broken is fine now")  # one call a request
    team = gql.as_(_key(team_id))
    for _ in range(2):
        events = await _events(team, gid, {"mock": False, "numRequests": 50, "concurrency": 5})
        assert events[-1]["__typename"] == "SimulationSummary"
    assert _calls(provider) == REAL_CALLS_PER_MINUTE  # 100 before
    # The master key is not budgeted.
    events = await _events(gql, gid, {"mock": False, "numRequests": 5, "concurrency": 5})
    assert events[-1]["successfulRequests"] == 5


async def test_the_tester_counts_each_real_call_against_the_keys_rpm(
    gql: SchemaClient, provider: FakeOpenAIServer
) -> None:
    gid, team_id = await _real_group(gql, provider)
    provider.answer("broken", text="broken is fine now")
    team = gql.as_(_key(team_id, rpm_limit=2))
    results = [(await team.execute(TEST, id=gid, mock=False))["testRoutingGroup"] for _ in range(5)]
    assert _calls(provider) == 2  # 5 before: the tester ignored the key's rpm
    assert [r["success"] for r in results] == [True, True, False, False, False]
    refused = results[-1]["traces"][0]
    assert refused["errorKind"] == "RATE_LIMIT"
    assert "not sent" in refused["errorMessage"]
