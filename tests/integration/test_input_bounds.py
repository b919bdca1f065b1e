"""Issue 13, items 3, 11, 12, 16: bounded inputs, a read path that survives bad rows, uniform
not-found, scoped deployments, and blind updates that never conflict."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gql_server.store.database import Database
from tests.integration.access_helpers import create_group, create_team, generate_key
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, GET, LIST, TEST, UPDATE, failover_input
from tests.support.server import RunningServer, running_server
from tests.support.settings import DATABASE_FILE, demo_settings, sqlite_url


def _field_errors(result: dict[str, Any]) -> dict[str, str]:
    assert result["__typename"] == "ValidationError", result
    return {e["field"]: e["message"] for e in result["fieldErrors"]}


def test_literal_infinity_and_huge_numbers_are_rejected(admin: GraphQLClient) -> None:
    gid = admin(CREATE, {"input": failover_input()})["createRoutingGroup"]["routingGroupId"]
    # Literals, not variables: graphql-core turns `1e999` into infinity without complaint.
    result = admin(
        f'mutation {{ updateRoutingGroup(id: "{gid}", input: {{'
        "cooldownConfig: {cooldownTimeSeconds: 1e999, allowedFails: 2147483647}, "
        "retryConfig: {numRetries: 2147483647}, "
        "settings: {timeoutSeconds: 1e-300, maxFallbacks: 1000}}) "
        "{ __typename ... on ValidationError { fieldErrors { field message } } } }"
    )["updateRoutingGroup"]
    errors = _field_errors(result)
    assert errors["cooldownConfig.cooldownTimeSeconds"] == "must be a finite number"
    assert "between 0 and 10" in errors["retryConfig.numRetries"]
    assert set(errors) >= {
        "cooldownConfig.allowedFails",
        "settings.timeoutSeconds",
        "settings.maxFallbacks",
    }
    assert admin(GET, {"id": gid})["routingGroup"]["version"] == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rpm", "-1"),
        ("tpm", "2147483647"),
        ("inputCostPerToken", "1e999"),
        ("outputCostPerToken", "-0.5"),
    ],
)
def test_deployment_numbers_are_finite_and_bounded(
    admin: GraphQLClient, field: str, value: str
) -> None:
    result = admin(
        f'mutation {{ createDeployment(input: {{modelId: "d-{field}", modelName: "openai/x", '
        f"{field}: {value}}}) "
        "{ __typename ... on ValidationError { fieldErrors { field } } } }"
    )["createDeployment"]
    assert [e["field"] for e in result["fieldErrors"]] == [field]


def test_a_stored_infinity_does_not_null_the_list(
    server: RunningServer, admin: GraphQLClient, tmp_path: Path
) -> None:
    """Rows written before the bounds existed: one bad group must not blank every caller's list."""
    gid = admin(CREATE, {"input": failover_input()})["createRoutingGroup"]["routingGroupId"]
    database = Database.from_url(sqlite_url(tmp_path / DATABASE_FILE))

    async def poison() -> None:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.text('UPDATE "LiteLLM_RoutingGroupTable" SET cooldown_config = :c'),
                {"c": '{"allowed_fails": 3, "cooldown_time_seconds": Infinity}'},
            )
        await database.dispose()

    asyncio.run(poison())
    listed = admin(LIST)["routingGroups"]
    assert listed["items"][0]["routingGroupId"] == gid
    assert listed["items"][0]["cooldownConfig"]["cooldownTimeSeconds"] == 86400


def test_another_teams_group_is_not_found_exactly_like_a_missing_one(
    server: RunningServer, admin: GraphQLClient
) -> None:
    red, blue = create_team(admin, "red"), create_team(admin, "blue")
    _, red_key = generate_key(admin, "red-key", red)
    blue_group = create_group(admin, "blue-group", assignedTeamIds=[blue])
    red_client = GraphQLClient(server.base_url, red_key)
    hidden = red_client(TEST, {"id": blue_group})["testRoutingGroup"]
    missing = red_client(TEST, {"id": "no-such-id"})["testRoutingGroup"]
    assert hidden["__typename"] == missing["__typename"] == "NotFoundError"
    assert hidden["message"].replace(blue_group, "ID") == missing["message"].replace(
        "no-such-id", "ID"
    )


def test_a_team_key_sees_only_its_groups_deployments_without_api_base(
    server: RunningServer, admin: GraphQLClient
) -> None:
    red = create_team(admin, "red")
    _, red_key = generate_key(admin, "red-key", red)
    create_group(
        admin,
        "red-group",
        assignedTeamIds=[red],
        deployments=[{"modelId": "nebius-llama-3.3-70b", "priority": 1}],
    )
    query = "{ deployments { modelId apiBase } }"
    seen = GraphQLClient(server.base_url, red_key)(query)["deployments"]
    assert seen == [{"modelId": "nebius-llama-3.3-70b", "apiBase": None}]
    everything = admin(query)["deployments"]
    assert len(everything) > 1
    assert any(d["apiBase"] for d in everything)


@pytest.fixture
def any_backend_server(
    database: Database, database_url: str, tmp_path: Path
) -> Iterator[RunningServer]:
    with running_server(demo_settings(tmp_path, database_url=database_url)) as running:
        yield running


def test_twenty_concurrent_blind_updates_all_succeed(any_backend_server: RunningServer) -> None:
    server = any_backend_server
    admin = GraphQLClient(server.base_url, server.master_key)
    gid = admin(CREATE, {"input": failover_input()})["createRoutingGroup"]["routingGroupId"]

    async def update(i: int, client: httpx.AsyncClient, version: int | None) -> str:
        variables = {"id": gid, "input": {"description": f"d{i}"}, "v": version}
        response = await client.post("/graphql", json={"query": UPDATE, "variables": variables})
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["updateRoutingGroup"]["__typename"])

    async def race(version: int | None) -> list[str]:
        headers = {"Authorization": f"Bearer {server.master_key}"}
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) as c:
            return await asyncio.gather(*(update(i, c, version) for i in range(20)))

    assert asyncio.run(race(None)) == ["RoutingGroup"] * 20
    assert admin(GET, {"id": gid})["routingGroup"]["version"] == 21
    # With expectedVersion, a stale version still conflicts: one winner.
    outcomes = asyncio.run(race(21))
    assert outcomes.count("RoutingGroup") == 1
    assert outcomes.count("ConflictError") == 19
    admin.close()
