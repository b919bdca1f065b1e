"""How a routing group becomes litellm Router configuration."""

from __future__ import annotations

import pytest

from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.litellm_adapter.router_builder import (
    DEFAULT_MOCK_RESPONSE,
    build_router,
    litellm_params,
)
from gql_server.core.litellm_adapter.traced_stream import Endpoint
from tests.fakes import MESSAGES, deployments_for, make_deployment, make_group


def test_env_references_are_resolved_only_into_the_router_params(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RG_TEST_KEY", "sk-secret")
    deployment = make_deployment(
        "a",
        api_key="os.environ/RG_TEST_KEY",
        api_base="https://example.invalid/v1",
        extra_params={"api_version": "2024-10-21"},
    )
    params = litellm_params(deployment, GroupDeployment(model_id="a"), mock=False, weighted=False)
    assert params["api_key"] == "sk-secret"
    assert params["api_version"] == "2024-10-21"
    assert "mock_response" not in params
    assert deployment.api_key == "os.environ/RG_TEST_KEY"  # the model keeps the reference


def test_weights_are_passed_only_for_weighted_groups() -> None:
    member = GroupDeployment(model_id="a", weight=7)
    deployment = make_deployment("a")
    assert litellm_params(deployment, member, mock=True, weighted=True)["weight"] == 7
    assert "weight" not in litellm_params(deployment, member, mock=True, weighted=False)


async def test_mock_mode_answers_without_any_provider() -> None:
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
    # No key and an unroutable base: a real call could only fail.
    deployments = deployments_for(group, api_base="http://127.0.0.1:9/v1")
    outcome = await build_router(group, deployments, mock=True).call(MESSAGES)
    assert outcome.error is None
    assert outcome.trace.response_text == DEFAULT_MOCK_RESPONSE


async def test_a_deployments_own_mock_response_is_used_even_in_real_mode() -> None:
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
    deployments = deployments_for(
        group, api_base="http://127.0.0.1:9/v1", extra_params={"mock_response": "canned"}
    )
    outcome = await build_router(group, deployments, mock=False).call(MESSAGES)
    assert outcome.trace.response_text == "canned"


def test_unknown_deployments_are_refused() -> None:
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="missing")])
    with pytest.raises(ValueError, match="missing"):
        build_router(group, {}, mock=True)


def test_routers_built_with_an_injection_plan_get_model_group_names_of_their_own() -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="a", priority=1), GroupDeployment(model_id="b", priority=2)],
        name="shared",
    )
    live = build_router(group, deployments_for(group), mock=True)
    throwaway = build_router(group, deployments_for(group), mock=True, plan=InjectionPlan(seed=1))
    assert live.entry_model == "shared"
    assert throwaway.entry_model.startswith("shared#")
    assert throwaway.entry_model != live.entry_model


async def test_stream_yields_the_mock_text_and_names_the_deployment() -> None:
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
    with build_router(group, deployments_for(group), mock=True) as built:
        traced = await built.open_stream(Endpoint.CHAT, messages=MESSAGES)
        text = "".join([chunk.choices[0].delta.content or "" async for chunk in traced.chunks()])
    assert text == DEFAULT_MOCK_RESPONSE
    assert traced.final_deployment_id == "a"
