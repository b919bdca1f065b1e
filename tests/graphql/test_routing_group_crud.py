"""Routing-group CRUD through `schema.execute`, as the master key."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.operations import (
    CREATE,
    DELETE,
    GET,
    LIST,
    UPDATE,
    USER_STORY,
    failover_input,
)
from tests.support.stack import SchemaClient


async def _count(gql: SchemaClient) -> int:
    data = await gql.execute(LIST, page=1, size=100)
    total: int = data["routingGroups"]["total"]
    return total


async def test_create_list_get_update_delete(gql: SchemaClient) -> None:
    created = (await gql.execute(CREATE, input=failover_input()))["createRoutingGroup"]
    assert created["__typename"] == "RoutingGroup"
    assert created["version"] == 1
    assert created["createdBy"] == "master"
    assert [d["modelId"] for d in created["deployments"]] == USER_STORY
    assert [d["provider"] for d in created["deployments"]] == ["nebius", "fireworks_ai", "azure"]
    group_id = created["routingGroupId"]

    listed = (await gql.execute(LIST))["routingGroups"]
    assert listed["total"] == 1
    assert listed["items"][0]["routingGroupName"] == "llama-failover"

    by_name = (await gql.execute(GET, name="llama-failover"))["routingGroup"]
    assert by_name["routingGroupId"] == group_id

    updated = (
        await gql.execute(UPDATE, id=group_id, input={"routingStrategy": "SIMPLE_SHUFFLE"}, v=1)
    )["updateRoutingGroup"]
    assert updated["__typename"] == "RoutingGroup"
    assert updated["routingStrategy"] == "SIMPLE_SHUFFLE"
    assert updated["version"] == 2
    assert updated["description"] == created["description"], "a patch keeps unnamed fields"

    stale = (await gql.execute(UPDATE, id=group_id, input={"description": "x"}, v=1))[
        "updateRoutingGroup"
    ]
    assert stale["__typename"] == "ConflictError"
    assert stale["currentVersion"] == 2
    assert (await gql.execute(GET, id=group_id))["routingGroup"]["description"] != "x"

    deleted = (await gql.execute(DELETE, id=group_id))["deleteRoutingGroup"]
    assert deleted == {"__typename": "DeleteSuccess", "routingGroupId": group_id}
    assert (await gql.execute(GET, id=group_id))["routingGroup"] is None
    again = (await gql.execute(DELETE, id=group_id))["deleteRoutingGroup"]
    assert again["__typename"] == "NotFoundError"


def _with(**changes: Any) -> dict[str, Any]:
    return failover_input(**changes)


INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("empty name", _with(routingGroupName="  "), "routingGroupName"),
    ("unsafe name", _with(routingGroupName="has spaces!"), "routingGroupName"),
    ("name too long", _with(routingGroupName="a" * 65), "routingGroupName"),
    ("no deployments", _with(deployments=[]), "deployments"),
    (
        "unknown modelId",
        _with(deployments=[{"modelId": "nope", "priority": 1}]),
        "deployments[0].modelId",
    ),
    (
        "repeated modelId",
        _with(
            deployments=[
                {"modelId": "azure-gpt-4o", "priority": 1},
                {"modelId": "azure-gpt-4o", "priority": 2},
            ]
        ),
        "deployments[1].modelId",
    ),
    (
        "missing priority",
        _with(deployments=[{"modelId": "azure-gpt-4o"}]),
        "deployments[0].priority",
    ),
    (
        "priority below 1",
        _with(
            deployments=[
                {"modelId": "azure-gpt-4o", "priority": 1},
                {"modelId": "nebius-llama-3.3-70b", "priority": 0},
            ]
        ),
        "deployments[1].priority",
    ),
    (
        "missing weight",
        _with(routingStrategy="WEIGHTED", deployments=[{"modelId": "azure-gpt-4o"}]),
        "deployments[0].weight",
    ),
    (
        "negative weight",
        _with(routingStrategy="WEIGHTED", deployments=[{"modelId": "azure-gpt-4o", "weight": -1}]),
        "deployments[0].weight",
    ),
    (
        "all-zero weights",
        _with(routingStrategy="WEIGHTED", deployments=[{"modelId": "azure-gpt-4o", "weight": 0}]),
        "deployments",
    ),
    ("negative retries", _with(retryConfig={"numRetries": -1}), "retryConfig.numRetries"),
    (
        "negative cooldown",
        _with(cooldownConfig={"allowedFails": 1, "cooldownTimeSeconds": -5}),
        "cooldownConfig.cooldownTimeSeconds",
    ),
    (
        "negative allowed fails",
        _with(cooldownConfig={"allowedFails": -1, "cooldownTimeSeconds": 5}),
        "cooldownConfig.allowedFails",
    ),
    ("maxFallbacks too high", _with(settings={"maxFallbacks": 21}), "settings.maxFallbacks"),
    ("maxFallbacks negative", _with(settings={"maxFallbacks": -1}), "settings.maxFallbacks"),
    ("description too long", _with(description="d" * 2001), "description"),
    ("unknown team", _with(assignedTeamIds=["no-such-team"]), "assignedTeamIds"),
    ("unknown key", _with(assignedKeyIds=["no-such-key"]), "assignedKeyIds"),
]


@pytest.mark.parametrize(("case", "payload", "field"), INVALID, ids=[c[0] for c in INVALID])
async def test_invalid_input_is_a_validation_error_and_writes_nothing(
    gql: SchemaClient, case: str, payload: dict[str, Any], field: str
) -> None:
    before = await _count(gql)
    result = (await gql.execute(CREATE, input=payload))["createRoutingGroup"]
    assert result["__typename"] == "ValidationError", case
    assert field in [e["field"] for e in result["fieldErrors"]], result
    assert await _count(gql) == before


async def test_duplicate_name_is_a_conflict_and_writes_nothing(gql: SchemaClient) -> None:
    await gql.execute(CREATE, input=failover_input("dup"))
    result = (await gql.execute(CREATE, input=failover_input("dup")))["createRoutingGroup"]
    assert result["__typename"] == "ConflictError"
    assert "dup" in result["message"]
    assert await _count(gql) == 1


async def test_invalid_update_changes_nothing(gql: SchemaClient) -> None:
    group = (await gql.execute(CREATE, input=failover_input()))["createRoutingGroup"]
    result = (
        await gql.execute(UPDATE, id=group["routingGroupId"], input={"deployments": []}, v=1)
    )["updateRoutingGroup"]
    assert result["__typename"] == "ValidationError"
    after = (await gql.execute(GET, id=group["routingGroupId"]))["routingGroup"]
    assert after["version"] == 1
    assert len(after["deployments"]) == 3


async def test_rename_onto_an_existing_name_is_a_conflict(gql: SchemaClient) -> None:
    await gql.execute(CREATE, input=failover_input("first"))
    second = (await gql.execute(CREATE, input=failover_input("second")))["createRoutingGroup"]
    result = (
        await gql.execute(UPDATE, id=second["routingGroupId"], input={"routingGroupName": "first"})
    )["updateRoutingGroup"]
    assert result["__typename"] == "ConflictError"


async def test_revisions_keep_every_saved_version(gql: SchemaClient) -> None:
    group = (await gql.execute(CREATE, input=failover_input()))["createRoutingGroup"]
    gid = group["routingGroupId"]
    await gql.execute(UPDATE, id=gid, input={"description": "second"}, v=1)
    await gql.execute(DELETE, id=gid)
    data = await gql.execute(
        "query($id: ID!) { routingGroupRevisions(routingGroupId: $id) "
        "{ version action changedBy before after } }",
        id=gid,
    )
    revisions = data["routingGroupRevisions"]
    assert [r["action"] for r in revisions] == ["delete", "update", "create"]
    update = revisions[1]
    assert update["before"]["description"] != "second"
    assert update["after"]["description"] == "second"
    assert revisions[2]["before"] is None


async def test_deployments_never_return_a_key(gql: SchemaClient) -> None:
    created = await gql.execute(
        """mutation { createDeployment(input: {modelId: "secret-one",
        modelName: "openai/gpt-4o", apiKey: "sk-provider-secret-value"}) {
        __typename ... on Deployment { modelId provider } } }"""
    )
    assert created["createDeployment"] == {
        "__typename": "Deployment",
        "modelId": "secret-one",
        "provider": "openai",
    }
    schema_text = gql.schema.as_str()
    deployment_type = schema_text.split("type Deployment {", 1)[1].split("}", 1)[0]
    assert "apiKey" not in deployment_type
    listed = await gql.execute("{ deployments { modelId modelName apiBase } }")
    assert "sk-provider-secret-value" not in repr(listed)


async def test_a_group_litellm_cannot_route_is_refused_and_nothing_is_written(
    gql: SchemaClient,
) -> None:
    """A deployment on a provider litellm does not know (createDeployment refuses one now; a
    config's model_list or a row stored before that check still holds one): the group is a
    ValidationError naming that deployment, written neither on create nor on update (it was
    'Internal server error' with the row written anyway)."""
    await gql.runtime.services.deployments.import_model_list(
        [
            {
                "model_name": "nowhere",
                "litellm_params": {"model": "nosuchprovider/some-model"},
                "model_info": {"id": "nowhere"},
            }
        ]
    )
    before = await _count(gql)
    bad = failover_input("unroutable", deployments=[{"modelId": "nowhere", "priority": 1}])
    result = (await gql.execute(CREATE, input=bad))["createRoutingGroup"]
    assert result["__typename"] == "ValidationError", result
    [problem] = result["fieldErrors"]
    assert problem["field"] == "deployments[0].modelId"
    assert "nowhere" in problem["message"]
    assert await _count(gql) == before

    group = (await gql.execute(CREATE, input=failover_input()))["createRoutingGroup"]
    changed = (
        await gql.execute(
            UPDATE,
            id=group["routingGroupId"],
            input={"deployments": [{"modelId": "nowhere", "priority": 1}]},
            v=1,
        )
    )["updateRoutingGroup"]
    assert changed["__typename"] == "ValidationError", changed
    after = (await gql.execute(GET, id=group["routingGroupId"]))["routingGroup"]
    assert after["version"] == 1
    assert len(after["deployments"]) == 3


DEPLOYMENTS = "{ deployments { modelId } }"
CREATE_DEPLOYMENT = """mutation($i: DeploymentInput!) { createDeployment(input: $i) {
  __typename ... on ValidationError { fieldErrors { field message } } } }"""


@pytest.mark.parametrize("model", ["nosuchprovider/some-model", "my-model", "/gpt-4o"])
async def test_create_deployment_refuses_a_model_litellm_does_not_know(
    gql: SchemaClient, model: str
) -> None:
    before = (await gql.execute(DEPLOYMENTS))["deployments"]
    result = (await gql.execute(CREATE_DEPLOYMENT, i={"modelId": "nowhere", "modelName": model}))[
        "createDeployment"
    ]
    assert result["__typename"] == "ValidationError", result
    [problem] = result["fieldErrors"]
    assert problem["field"] == "modelName"
    assert "litellm knows no provider" in problem["message"]
    assert model in problem["message"]
    assert (await gql.execute(DEPLOYMENTS))["deployments"] == before


async def test_create_deployment_takes_a_model_litellm_knows(gql: SchemaClient) -> None:
    for n, model in enumerate(["openai/gpt-4o", "gpt-4o-mini", "azure/my-deployment"]):
        result = (
            await gql.execute(CREATE_DEPLOYMENT, i={"modelId": f"ok-{n}", "modelName": model})
        )["createDeployment"]
        assert result["__typename"] == "Deployment", (model, result)


@pytest.mark.parametrize(
    "field",
    [
        "modelId",
        "modelName",
        "publicModelName",
        "provider",
        "displayName",
        "apiBase",
        "apiKey",
        "mockResponse",
    ],
)
async def test_deployment_text_fields_are_bounded(gql: SchemaClient, field: str) -> None:
    """Issue 20 K: createDeployment took 500,000-character fields."""
    before = (await gql.execute(DEPLOYMENTS))["deployments"]
    given = {"modelId": "long", "modelName": "openai/gpt-4o"}
    huge = "x" * 500_000
    given[field] = f"openai/{huge}" if field == "modelName" else huge
    result = (await gql.execute(CREATE_DEPLOYMENT, i=given))["createDeployment"]
    assert result["__typename"] == "ValidationError", field
    errors = {e["field"]: e["message"] for e in result["fieldErrors"]}
    # a long modelName is also the publicModelName it stands in for when none is given
    assert set(errors) == ({field, "publicModelName"} if field == "modelName" else {field})
    assert "at most" in errors[field] and "characters" in errors[field]
    assert (await gql.execute(DEPLOYMENTS))["deployments"] == before
