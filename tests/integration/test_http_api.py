"""The service over real HTTP, against SQLite files and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gql_server.store.database import Database
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, DELETE, GET, LIST, TEST, UPDATE, failover_input
from tests.support.server import RunningServer, running_server
from tests.support.settings import demo_settings


@pytest.fixture
def server(database: Database, database_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(demo_settings(tmp_path, database_url=database_url)) as running:
        yield running


@pytest.fixture
def gql(server: RunningServer) -> Iterator[GraphQLClient]:
    client = GraphQLClient(server.base_url, server.master_key)
    yield client
    client.close()


def test_healthz_answers_once_ready(server: RunningServer) -> None:
    response = httpx.get(f"{server.base_url}/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_graphql_needs_a_key(server: RunningServer) -> None:
    anonymous = GraphQLClient(server.base_url, None)
    assert anonymous.raw("{ deployments { modelId } }").status_code == 401
    wrong = GraphQLClient(server.base_url, "sk-not-a-key")
    assert wrong.raw("{ deployments { modelId } }").status_code == 401


def test_a_mutation_sent_by_get_is_the_wrong_method(server: RunningServer) -> None:
    """GraphQL over HTTP: 405 with `Allow: POST` (it was a 400); a query by GET still runs."""
    headers = {"Authorization": f"Bearer {server.master_key}", "Accept": "application/json"}
    mutation = 'mutation { createTeam(input: {teamAlias: "by-get"}) { __typename } }'
    answer = httpx.get(f"{server.base_url}/graphql", params={"query": mutation}, headers=headers)
    assert answer.status_code == 405, answer.text
    assert answer.headers["allow"] == "POST"
    query = httpx.get(
        f"{server.base_url}/graphql", params={"query": "{ teams { teamId } }"}, headers=headers
    )
    assert query.status_code == 200, query.text
    assert query.json()["data"]["teams"] == []


def test_create_list_get_update_stale_update_delete(gql: GraphQLClient) -> None:
    created = gql(CREATE, {"input": failover_input()})["createRoutingGroup"]
    assert created["__typename"] == "RoutingGroup"
    gid = created["routingGroupId"]
    assert gql(LIST)["routingGroups"]["total"] == 1
    assert gql(GET, {"id": gid})["routingGroup"]["routingGroupName"] == "llama-failover"
    updated = gql(UPDATE, {"id": gid, "input": {"description": "v2"}, "v": 1})
    assert updated["updateRoutingGroup"]["version"] == 2
    stale = gql(UPDATE, {"id": gid, "input": {"description": "v3"}, "v": 1})
    assert stale["updateRoutingGroup"]["__typename"] == "ConflictError"
    assert stale["updateRoutingGroup"]["currentVersion"] == 2
    assert gql(DELETE, {"id": gid})["deleteRoutingGroup"]["__typename"] == "DeleteSuccess"
    assert gql(LIST)["routingGroups"]["total"] == 0


def test_invalid_inputs_leave_the_row_count_unchanged(gql: GraphQLClient) -> None:
    gql(CREATE, {"input": failover_input("keep-me")})
    bad_inputs = [
        failover_input(""),
        failover_input("bad name!"),
        failover_input(deployments=[]),
        failover_input(settings={"maxFallbacks": 99}),
        failover_input(retryConfig={"numRetries": -2}),
        failover_input("keep-me"),  # duplicate
    ]
    for payload in bad_inputs:
        result = gql(CREATE, {"input": payload})["createRoutingGroup"]
        assert result["__typename"] in {"ValidationError", "ConflictError"}
    assert gql(LIST)["routingGroups"]["total"] == 1


def test_group_survives_a_restart(database: Database, database_url: str, tmp_path: Path) -> None:
    settings = demo_settings(tmp_path, database_url=database_url)
    with running_server(settings) as first:
        gql = GraphQLClient(first.base_url, first.master_key)
        gid = gql(CREATE, {"input": failover_input()})["createRoutingGroup"]["routingGroupId"]
        gql.close()
    with running_server(settings) as second:
        gql = GraphQLClient(second.base_url, second.master_key)
        again = gql(GET, {"id": gid})["routingGroup"]
        assert again["routingGroupName"] == "llama-failover"
        # ... and it is live again: a test request routes through it.
        tested = gql(TEST, {"id": gid, "mock": True})["testRoutingGroup"]
        assert tested["success"] is True
        assert tested["traces"][0]["deploymentId"] == "nebius-llama-3.3-70b"
        gql.close()


def test_twenty_concurrent_updates_with_one_version_have_one_winner(
    server: RunningServer, gql: GraphQLClient
) -> None:
    gid = gql(CREATE, {"input": failover_input()})["createRoutingGroup"]["routingGroupId"]

    async def update(i: int, client: httpx.AsyncClient) -> str:
        response = await client.post(
            "/graphql",
            json={
                "query": UPDATE,
                "variables": {"id": gid, "input": {"description": f"d{i}"}, "v": 1},
            },
        )
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["updateRoutingGroup"]["__typename"])

    async def race() -> list[str]:
        headers = {"Authorization": f"Bearer {server.master_key}"}
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) as c:
            return await asyncio.gather(*(update(i, c) for i in range(20)))

    outcomes = asyncio.run(race())
    assert outcomes.count("RoutingGroup") == 1
    assert outcomes.count("ConflictError") == 19
    assert gql(GET, {"id": gid})["routingGroup"]["version"] == 2


def test_the_callers_own_mistakes_are_explained(gql: GraphQLClient) -> None:
    body = gql.raw("{ routingGroups(page: 1, size: 25) { total } nonsense }").json()
    assert "nonsense" in body["errors"][0]["message"]
