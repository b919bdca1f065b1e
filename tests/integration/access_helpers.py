"""Setting up teams, keys and groups over GraphQL for the access-control tests."""

from __future__ import annotations

from typing import Any

from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, failover_input


def create_team(admin: GraphQLClient, alias: str, **limits: int) -> str:
    """A team; `limits` as AccessLimitsInput (rpmLimit=10, ...)."""
    data = admin(
        "mutation($a: String!, $l: AccessLimitsInput) { createTeam(input: {teamAlias: $a, "
        "limits: $l}) { __typename ... on Team { teamId } } }",
        {"a": alias, "l": limits or None},
    )
    return str(data["createTeam"]["teamId"])


def generate_key(
    admin: GraphQLClient, alias: str, team_id: str | None = None, **limits: int
) -> tuple[str, str]:
    """(key id, the key itself); `limits` as AccessLimitsInput (rpmLimit=10, ...)."""
    data = admin(
        "mutation($a: String, $t: ID, $l: AccessLimitsInput) { generateKey(input: {keyAlias: $a,"
        " teamId: $t, limits: $l}) { __typename ... on GeneratedKey { keyId key } } }",
        {"a": alias, "t": team_id, "l": limits or None},
    )
    made = data["generateKey"]
    return str(made["keyId"]), str(made["key"])


def add_provider_deployment(
    admin: GraphQLClient,
    model_id: str,
    model: str,
    base: str,
    api_key: str,
    *,
    priced: bool = False,
) -> None:
    """A deployment `model_id` of `openai/<model>` on an OpenAI-compatible provider at `base`."""
    fields: dict[str, Any] = {
        "modelId": model_id,
        "modelName": f"openai/{model}",
        "apiBase": base,
        "apiKey": api_key,
    }
    if priced:
        fields.update(inputCostPerToken=1e-6, outputCostPerToken=2e-6)
    result = admin(
        "mutation($i: DeploymentInput!) { createDeployment(input: $i) { __typename } }",
        {"i": fields},
    )
    assert result["createDeployment"]["__typename"] == "Deployment"


def revoke_key(admin: GraphQLClient, key_id: str) -> None:
    data = admin(
        "mutation($k: ID!) { revokeKey(keyId: $k) { __typename ... on ApiKey { revoked } } }",
        {"k": key_id},
    )
    assert data["revokeKey"]["revoked"] is True


def create_group(admin: GraphQLClient, name: str, **overrides: Any) -> str:
    result = admin(CREATE, {"input": failover_input(name, **overrides)})["createRoutingGroup"]
    assert result["__typename"] == "RoutingGroup", result
    return str(result["routingGroupId"])
