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


# Issue 20, J: a key cannot hold a simulation slot for hours; the master key sees and stops any.
NEBIUS = "nebius-llama-3.3-70b"
SUMMARY_REASON = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationSummary { totalRequests cancelled stoppedReason simulatedDurationMs }
    ... on ValidationError { fieldErrors { field message } }
  }
}"""
ACTIVE = """{ activeSimulations { simulationId routingGroupId startedBy startedAt
                                completed total simulatedMs mock } }"""


async def test_a_keys_run_may_not_ask_for_more_than_an_hour_or_100_incidents(
    gql: SchemaClient,
) -> None:
    team, gid = await _team_client(gql)
    day = {"traffic": {"ratePerSecond": 0.05, "durationSeconds": 7200}}
    (long_run,) = await _events(team, gid, day)
    assert long_run["__typename"] == "ValidationError"
    assert [e["field"] for e in long_run["fieldErrors"]] == ["traffic.durationSeconds"]

    incident = {"modelId": NEBIUS, "startSeconds": 1, "endSeconds": 2}
    many = {**SIM, "incidents": [incident] * 101}
    (crowded,) = await _events(team, gid, many)
    assert crowded["__typename"] == "ValidationError"
    assert [e["field"] for e in crowded["fieldErrors"]] == ["incidents"]

    # The master key keeps the 24 h and validation's own bounds.
    master = [e async for e in gql.subscribe(SUMMARY_REASON, id=gid, input={**SIM, **day})]
    assert master[-1]["simulateTraffic"]["__typename"] == "SimulationSummary"


async def test_a_keys_closed_loop_stops_itself_at_an_hour_of_simulated_time(
    gql: SchemaClient,
) -> None:
    team, gid = await _team_client(gql)
    # Ten requests of ten minutes each, one at a time: 100 simulated minutes.
    slow = {"numRequests": 10, "concurrency": 1, "latency": [{"modelId": NEBIUS, "meanMs": 6e5}]}
    events = [
        e["simulateTraffic"] async for e in team.subscribe(SUMMARY_REASON, id=gid, input=slow)
    ]
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary"
    assert "3,600 simulated seconds" in summary["stoppedReason"]
    assert summary["simulatedDurationMs"] <= 3600 * 1000 + 1
    assert summary["totalRequests"] < 10


async def test_the_master_key_sees_every_running_simulation_and_stops_any(
    gql: SchemaClient,
) -> None:
    team, gid = await _team_client(gql)
    long = {"numRequests": 100000, "concurrency": 1, "latency": [{"modelId": NEBIUS, "meanMs": 1}]}
    stream = team.subscribe(SIMULATE, id=gid, input=long)
    first = (await anext(stream))["simulateTraffic"]
    assert first["__typename"] == "SimulationProgress"

    (running,) = (await gql.execute(ACTIVE))["activeSimulations"]
    assert running["simulationId"] == first["simulationId"]
    assert (running["routingGroupId"], running["startedBy"]) == (gid, "key:team-a")
    assert 0 < running["completed"] <= running["total"] == 100000
    assert running["mock"] is True

    denied = await team.schema.execute(ACTIVE, context_value=team.context())
    assert denied.errors and "master key" in denied.errors[0].message

    stop = "mutation($sid: ID!) { stopSimulation(simulationId: $sid) }"
    assert (await gql.execute(stop, sid=running["simulationId"]))["stopSimulation"] is True
    rest = [e["simulateTraffic"] async for e in stream]
    assert rest[-1]["__typename"] == "SimulationSummary" and rest[-1]["cancelled"] is True
    assert (await gql.execute(ACTIVE))["activeSimulations"] == []
