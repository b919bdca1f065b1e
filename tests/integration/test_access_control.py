"""Teams and keys: who sees, manages and simulates which groups, over HTTP and websockets."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.integration.access_helpers import create_group, create_team, generate_key, revoke_key
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, DELETE, GET, LIST, SIMULATE, failover_input
from tests.support.server import RunningServer
from tests.support.ws_client import GraphQLWebSocket


@pytest.fixture
def two_teams(admin: GraphQLClient, server: RunningServer) -> dict[str, Any]:
    red, blue = create_team(admin, "red"), create_team(admin, "blue")
    red_key_id, red_key = generate_key(admin, "red-key", red)
    _, blue_key = generate_key(admin, "blue-key", blue)
    return {
        "red": red,
        "blue": blue,
        "red_key_id": red_key_id,
        "red_group": create_group(admin, "red-group", assignedTeamIds=[red]),
        "blue_group": create_group(admin, "blue-group", assignedTeamIds=[blue]),
        "red_client": GraphQLClient(server.base_url, red_key),
        "blue_client": GraphQLClient(server.base_url, blue_key),
        "red_key": red_key,
    }


def test_a_team_key_sees_only_its_groups(two_teams: dict[str, Any]) -> None:
    red: GraphQLClient = two_teams["red_client"]
    listed = red(LIST)["routingGroups"]
    assert [g["routingGroupName"] for g in listed["items"]] == ["red-group"]
    assert listed["total"] == 1
    assert red(GET, {"id": two_teams["blue_group"]})["routingGroup"] is None
    assert red(GET, {"name": "blue-group"})["routingGroup"] is None


def test_a_team_key_cannot_manage(two_teams: dict[str, Any]) -> None:
    red: GraphQLClient = two_teams["red_client"]
    created = red(CREATE, {"input": failover_input("sneaky")})["createRoutingGroup"]
    assert created["__typename"] == "PermissionDeniedError"
    deleted = red(DELETE, {"id": two_teams["red_group"]})["deleteRoutingGroup"]
    assert deleted["__typename"] == "PermissionDeniedError"
    team = red('mutation { createTeam(input: {teamAlias: "x"}) { __typename } }')
    assert team["createTeam"]["__typename"] == "PermissionDeniedError"
    key = red("mutation { generateKey(input: {}) { __typename } }")
    assert key["generateKey"]["__typename"] == "PermissionDeniedError"


def test_a_team_key_reads_no_secret(two_teams: dict[str, Any], admin: GraphQLClient) -> None:
    red: GraphQLClient = two_teams["red_client"]
    keys = red("{ keys { keyId keyPrefix keyAlias } }")["keys"]
    assert [k["keyId"] for k in keys] == [two_teams["red_key_id"]]
    assert two_teams["red_key"] not in repr(keys)
    teams = red("{ teams { teamId teamAlias } }")["teams"]
    assert [t["teamAlias"] for t in teams] == ["red"]
    body = red.raw("{ keys { keyHash } }").json()
    assert body["errors"], "there is no field that exposes a key hash"
    everything = admin("{ keys { keyId keyPrefix } }")
    assert two_teams["red_key"] not in repr(everything)


def test_deleting_a_team_takes_it_off_every_group(
    two_teams: dict[str, Any], admin: GraphQLClient
) -> None:
    removed = admin(
        "mutation($t: ID!) { deleteTeam(teamId: $t) { __typename "
        "... on DeleteTeamSuccess { updatedRoutingGroupIds } } }",
        {"t": two_teams["red"]},
    )["deleteTeam"]
    assert removed["updatedRoutingGroupIds"] == [two_teams["red_group"]]
    group = admin(GET, {"id": two_teams["red_group"]})["routingGroup"]
    assert group["assignedTeamIds"] == []
    assert group["version"] == 2


def test_created_by_is_the_caller(admin: GraphQLClient) -> None:
    gid = create_group(admin, "mine")
    group = admin(GET, {"id": gid})["routingGroup"]
    assert group["createdBy"] == "master"
    assert group["updatedBy"] == "master"


async def _first_message(url: str, key: str | None, group_id: str) -> dict[str, Any]:
    socket = await GraphQLWebSocket.open(url, key)
    try:
        assert await socket.acknowledged()
        await socket.subscribe(
            SIMULATE, {"id": group_id, "input": {"numRequests": 5, "concurrency": 1, "seed": 1}}
        )
        async for message in socket.messages():
            return message
        raise AssertionError("no message")
    finally:
        await socket.close()


def test_a_team_key_cannot_simulate_another_teams_group(
    server: RunningServer, two_teams: dict[str, Any]
) -> None:
    message = asyncio.run(
        _first_message(server.ws_url, two_teams["red_key"], two_teams["blue_group"])
    )
    event = message["payload"]["data"]["simulateTraffic"]
    # Exactly what a group that does not exist gets: the key learns nothing about it.
    assert event["__typename"] == "NotFoundError"
    own = asyncio.run(_first_message(server.ws_url, two_teams["red_key"], two_teams["red_group"]))
    assert own["payload"]["data"]["simulateTraffic"]["__typename"] in {
        "SimulationProgress",
        "SimulationSummary",
    }


@pytest.mark.parametrize("key", [None, "sk-wrong"])
def test_a_websocket_without_a_valid_key_is_closed(server: RunningServer, key: str | None) -> None:
    async def attempt() -> int | None:
        socket = await GraphQLWebSocket.open(server.ws_url, key)
        try:
            await socket.connection.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        return None

    assert asyncio.run(attempt()) in {4401, 4403}


def test_revoking_a_key_closes_its_running_subscription(
    server: RunningServer, admin: GraphQLClient, two_teams: dict[str, Any]
) -> None:
    async def run() -> int | None:
        socket = await GraphQLWebSocket.open(server.ws_url, two_teams["red_key"])
        assert await socket.acknowledged()
        slow = {
            "numRequests": 100000,
            "concurrency": 2,
            "seed": 3,
            "latency": [{"modelId": "nebius-llama-3.3-70b", "meanMs": 20}],
        }
        await socket.subscribe(SIMULATE, {"id": two_teams["red_group"], "input": slow})
        try:
            async for message in socket.messages():
                assert message["type"] == "next"
                await asyncio.to_thread(revoke_key, admin, two_teams["red_key_id"])
                break
            async for _ in socket.messages():
                pass
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        return socket.connection.close_code

    assert asyncio.run(asyncio.wait_for(run(), timeout=60)) == 4403
