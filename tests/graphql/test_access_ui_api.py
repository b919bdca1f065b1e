"""What the Teams page and the tiered builder need from the API (#12)."""

from __future__ import annotations

from tests.support.operations import CREATE, failover_input
from tests.support.stack import SchemaClient

CREATE_TEAM = """
mutation($alias: String!) { createTeam(input: {teamAlias: $alias}) {
  __typename ... on Team { teamId teamAlias } } }
"""
UPDATE_TEAM = """
mutation($id: ID!, $alias: String!) { updateTeam(teamId: $id, input: {teamAlias: $alias}) {
  __typename
  ... on Team { teamId teamAlias }
  ... on ValidationError { fieldErrors { field message } }
  ... on ConflictError { message }
  ... on NotFoundError { message } } }
"""
GENERATE = """
mutation($team: ID!) { generateKey(input: {keyAlias: "k", teamId: $team}) {
  __typename ... on GeneratedKey { keyId } } }
"""
TEAMS_AND_KEYS = "{ teams { teamId teamAlias } keys { keyId teamId } }"


async def _team(gql: SchemaClient, alias: str) -> str:
    made = (await gql.execute(CREATE_TEAM, alias=alias))["createTeam"]
    assert made["__typename"] == "Team"
    return str(made["teamId"])


async def test_a_team_is_renamed_and_keeps_its_keys(gql: SchemaClient) -> None:
    team = await _team(gql, "search")
    key = (await gql.execute(GENERATE, team=team))["generateKey"]["keyId"]

    renamed = (await gql.execute(UPDATE_TEAM, id=team, alias="  search-prod "))["updateTeam"]

    assert renamed == {"__typename": "Team", "teamId": team, "teamAlias": "search-prod"}
    listed = await gql.execute(TEAMS_AND_KEYS)
    assert listed["teams"] == [{"teamId": team, "teamAlias": "search-prod"}]
    assert listed["keys"] == [{"keyId": key, "teamId": team}]


async def test_renaming_a_team_refuses_bad_names(gql: SchemaClient) -> None:
    team = await _team(gql, "search")
    await _team(gql, "billing")

    empty = (await gql.execute(UPDATE_TEAM, id=team, alias="  "))["updateTeam"]
    taken = (await gql.execute(UPDATE_TEAM, id=team, alias="billing"))["updateTeam"]
    missing = (await gql.execute(UPDATE_TEAM, id="nope", alias="x"))["updateTeam"]

    assert empty["__typename"] == "ValidationError"
    assert empty["fieldErrors"] == [{"field": "teamAlias", "message": "must not be empty"}]
    assert taken["__typename"] == "ConflictError"
    assert missing["__typename"] == "NotFoundError"
    names = sorted(t["teamAlias"] for t in (await gql.execute(TEAMS_AND_KEYS))["teams"])
    assert names == ["billing", "search"]


async def test_equal_priorities_are_accepted_for_priority_failover(gql: SchemaClient) -> None:
    tiered = failover_input(
        deployments=[
            {"modelId": "nebius-llama-3.3-70b", "priority": 1},
            {"modelId": "fireworks-llama-v3p3-70b", "priority": 1},
            {"modelId": "azure-gpt-4o", "priority": 2},
        ]
    )
    created = (await gql.execute(CREATE, input=tiered))["createRoutingGroup"]
    assert created["__typename"] == "RoutingGroup"
    assert [d["priority"] for d in created["deployments"]] == [1, 1, 2]
