"""Ship and roll back: `rollbackRoutingGroup` writes a new version equal to an old one, and
every history entry says what it changed."""

from __future__ import annotations

from typing import Any

from tests.support.operations import CREATE, ERRORS, GET, GROUP_FIELDS, UPDATE, failover_input
from tests.support.stack import SchemaClient

ROLLBACK = f"""
mutation($id: ID!, $to: Int!, $v: Int) {{
  rollbackRoutingGroup(id: $id, toVersion: $to, expectedVersion: $v) {{
    __typename ... on RoutingGroup {{ {GROUP_FIELDS} }} {ERRORS}
  }}
}}"""

HISTORY = """
query($id: ID!) { routingGroupRevisions(routingGroupId: $id) {
  version action diff { path before after } } }"""


async def _group_v3(gql: SchemaClient) -> dict[str, Any]:
    """v1: failover, 0 retries; v2: round robin; v3: round robin, 2 retries."""
    group: dict[str, Any] = (await gql.execute(CREATE, input=failover_input()))[
        "createRoutingGroup"
    ]
    gid = group["routingGroupId"]
    await gql.execute(UPDATE, id=gid, input={"routingStrategy": "SIMPLE_SHUFFLE"}, v=1)
    third = await gql.execute(UPDATE, id=gid, input={"retryConfig": {"numRetries": 2}}, v=2)
    assert third["updateRoutingGroup"]["version"] == 3
    return group


async def test_rollback_makes_a_new_version_equal_to_the_old_one(gql: SchemaClient) -> None:
    first = await _group_v3(gql)
    gid = first["routingGroupId"]

    back = (await gql.execute(ROLLBACK, id=gid, to=1, v=3))["rollbackRoutingGroup"]

    assert back["__typename"] == "RoutingGroup"
    assert back["version"] == 4
    settings = {k: v for k, v in back.items() if k not in {"version", "updatedBy"}}
    assert settings == {k: v for k, v in first.items() if k not in {"version", "updatedBy"}}
    current = (await gql.execute(GET, id=gid))["routingGroup"]
    assert current["routingStrategy"] == "PRIORITY_FAILOVER"
    assert current["retryConfig"]["numRetries"] == first["retryConfig"]["numRetries"]
    history = (await gql.execute(HISTORY, id=gid))["routingGroupRevisions"]
    assert [(r["version"], r["action"]) for r in history] == [
        (4, "rollback"),
        (3, "update"),
        (2, "update"),
        (1, "create"),
    ]


async def test_history_shows_what_each_version_changed(gql: SchemaClient) -> None:
    gid = (await _group_v3(gql))["routingGroupId"]
    await gql.execute(ROLLBACK, id=gid, to=1, v=3)

    diffs = {
        r["version"]: r["diff"]
        for r in (await gql.execute(HISTORY, id=gid))["routingGroupRevisions"]
    }

    assert diffs[2] == [
        {"path": "strategy", "before": "PRIORITY_FAILOVER", "after": "SIMPLE_SHUFFLE"}
    ]
    assert diffs[3] == [{"path": "retry.num_retries", "before": 0, "after": 2}]
    assert {d["path"] for d in diffs[4]} == {"strategy", "retry.num_retries"}
    assert {d["path"] for d in diffs[1]} >= {"name", "strategy", "deployments"}
    assert all(d["before"] is None for d in diffs[1])


async def test_rollback_with_a_stale_version_is_a_conflict(gql: SchemaClient) -> None:
    gid = (await _group_v3(gql))["routingGroupId"]

    stale = (await gql.execute(ROLLBACK, id=gid, to=1, v=2))["rollbackRoutingGroup"]

    assert stale["__typename"] == "ConflictError"
    assert stale["currentVersion"] == 3
    assert (await gql.execute(GET, id=gid))["routingGroup"]["version"] == 3


async def test_rollback_to_a_version_that_never_was_says_so(gql: SchemaClient) -> None:
    gid = (await _group_v3(gql))["routingGroupId"]

    missing = (await gql.execute(ROLLBACK, id=gid, to=9, v=3))["rollbackRoutingGroup"]
    unknown = (await gql.execute(ROLLBACK, id="nope", to=1))["rollbackRoutingGroup"]

    assert missing["__typename"] == "ValidationError"
    assert missing["fieldErrors"] == [
        {"field": "toVersion", "message": "this group has no version 9"}
    ]
    assert unknown["__typename"] == "NotFoundError"
    assert (await gql.execute(GET, id=gid))["routingGroup"]["version"] == 3
