"""Issue 20, A: a key's simulation draft names only deployments the key may use.

A team key's draft naming another team's deployment used to run on it (with `mock: false`, on
that team's provider account, with its stored key). Now such an id is refused exactly as an id
that does not exist is: same field, same message, nothing run."""

from __future__ import annotations

from typing import Any

from gql_server.auth import Principal
from tests.support.operations import CREATE, SIMULATE, failover_input
from tests.support.stack import SchemaClient

FOREIGN = "openai-gpt-4o-mini"  # in the registry, not in the user-story group
SIM = {"numRequests": 3, "concurrency": 1, "seed": 1}


async def _team_client(gql: SchemaClient) -> tuple[SchemaClient, str]:
    made = await gql.execute(
        'mutation { createTeam(input: {teamAlias: "team-a"}) { ... on Team { teamId } } }'
    )
    team_id = str(made["createTeam"]["teamId"])
    created = await gql.execute(CREATE, input=failover_input(assignedTeamIds=[team_id]))
    gid = str(created["createRoutingGroup"]["routingGroupId"])
    who = Principal(identity="key:team-a", is_admin=False, key_id="key-a", team_id=team_id)
    return gql.as_(who), gid


async def _events(client: SchemaClient, gid: str, sim: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["simulateTraffic"] async for e in client.subscribe(SIMULATE, id=gid, input=sim)]


async def test_a_keys_draft_cannot_name_a_deployment_outside_its_group(
    gql: SchemaClient,
) -> None:
    team, gid = await _team_client(gql)
    foreign = {**SIM, "draft": {"deployments": [{"modelId": FOREIGN, "priority": 1}]}}
    unknown = {**SIM, "draft": {"deployments": [{"modelId": "no-such-model", "priority": 1}]}}

    (refused,) = await _events(team, gid, foreign)
    (missing,) = await _events(team, gid, unknown)

    assert refused["__typename"] == missing["__typename"] == "ValidationError"
    # No enumeration: a deployment that exists reads exactly like one that does not.
    assert refused["message"].replace(FOREIGN, "X") == missing["message"].replace(
        "no-such-model", "X"
    )
    assert [(e["field"], e["message"].replace(FOREIGN, "X")) for e in refused["fieldErrors"]] == [
        (e["field"], e["message"].replace("no-such-model", "X")) for e in missing["fieldErrors"]
    ]
    assert "gpt-4o-mini" not in str(refused).replace(FOREIGN, "")
    async with gql.runtime.database.uow_factory()() as uow:
        assert await uow.simulations.for_group(gid) == []


async def test_a_keys_draft_may_reorder_its_own_deployments(gql: SchemaClient) -> None:
    team, gid = await _team_client(gql)
    own = {**SIM, "draft": {"deployments": [{"modelId": "azure-gpt-4o", "priority": 1}]}}
    events = await _events(team, gid, own)
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary"
    assert {d["deploymentId"] for d in summary["trafficDistribution"]} == {"azure-gpt-4o"}


async def test_the_master_keys_draft_may_name_any_deployment(gql: SchemaClient) -> None:
    _, gid = await _team_client(gql)
    foreign = {**SIM, "draft": {"deployments": [{"modelId": FOREIGN, "priority": 1}]}}
    summary = (await _events(gql, gid, foreign))[-1]
    assert summary["__typename"] == "SimulationSummary"
    assert {d["deploymentId"] for d in summary["trafficDistribution"]} == {FOREIGN}
