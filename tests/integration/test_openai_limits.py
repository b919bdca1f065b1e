"""Per-key and per-team limits, set with generateKey/createTeam and enforced on `/v1`."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from tests.integration.access_helpers import create_group
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer

HELLO: Any = [{"role": "user", "content": "Hello"}]


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
