"""PRIORITY_FAILOVER through the real litellm Router: tiers chained by the Router's fallbacks."""

from __future__ import annotations

import pytest

from gql_server.core.domain.errors import RoutingFailedError
from gql_server.core.domain.injection import FailureRule, InjectionPlan
from gql_server.core.domain.models import ErrorKind, GroupDeployment, GroupSettings, Strategy
from gql_server.core.domain.traces import TraceStatus
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_group

SEED = 7


def _tiered(plan: InjectionPlan | None = None, *, max_fallbacks: int = 5) -> BuiltRouter:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [
            GroupDeployment(model_id="p3", priority=3),
            GroupDeployment(model_id="p1", priority=1),
            GroupDeployment(model_id="p2", priority=2),
        ],
        name="tiered",
        settings=GroupSettings(max_fallbacks=max_fallbacks),
    )
    return build_router(group, deployments_for(group), mock=True, plan=plan)


def _failing(*model_ids: str, kind: ErrorKind = ErrorKind.RATE_LIMIT) -> InjectionPlan:
    return InjectionPlan(failures={m: FailureRule(1.0, kind) for m in model_ids}, seed=SEED)


def test_tiers_follow_priority_and_entry_is_the_group_name() -> None:
    built = _tiered()
    assert built.tiers == [["p1"], ["p2"], ["p3"]]
    assert built.entry_model == "tiered"


async def test_all_healthy_every_call_is_served_by_priority_1() -> None:
    built = _tiered()
    served = [(await built.call(MESSAGES, request_index=i)).trace for i in range(30)]
    assert {t.final_deployment_id for t in served} == {"p1"}
    assert all(len(t.attempts) == 1 for t in served)


async def test_priority_1_rate_limited_every_call_is_served_by_priority_2() -> None:
    built = _tiered(_failing("p1"))
    for i in range(10):
        outcome = await built.call(MESSAGES, request_index=i)
        assert outcome.error is None
        assert outcome.trace.final_deployment_id == "p2"
        attempts = outcome.trace.attempts
        assert [(a.deployment_id, a.status) for a in attempts] == [
            ("p1", TraceStatus.ERROR),
            ("p2", TraceStatus.SUCCESS),
        ]
        assert attempts[0].error_kind is ErrorKind.RATE_LIMIT
        assert [a.fallback_depth for a in attempts] == [0, 1]
        headers = outcome.response._hidden_params["additional_headers"]
        assert headers["x-litellm-attempted-fallbacks"] == 1


async def test_priorities_1_and_2_failing_are_served_by_3() -> None:
    built = _tiered(_failing("p1", "p2", kind=ErrorKind.SERVER_ERROR))
    outcome = await built.call(MESSAGES)
    assert outcome.trace.final_deployment_id == "p3"
    assert [a.deployment_id for a in outcome.trace.attempts] == ["p1", "p2", "p3"]
    assert outcome.trace.attempts[-1].was_fallback


async def test_all_failing_returns_an_error_naming_the_group_and_last_error() -> None:
    built = _tiered(_failing("p1", "p2", "p3", kind=ErrorKind.TIMEOUT))
    outcome = await built.call(MESSAGES)
    assert outcome.response is None
    assert isinstance(outcome.error, RoutingFailedError)
    assert outcome.error.group_name == "tiered"
    assert "'tiered'" in str(outcome.error)
    assert "Timeout" in str(outcome.error)
    assert not outcome.trace.success
    assert [a.deployment_id for a in outcome.trace.attempts] == ["p1", "p2", "p3"]
    assert all(a.error_kind is ErrorKind.TIMEOUT for a in outcome.trace.attempts)


async def test_max_fallbacks_caps_how_many_tiers_are_tried() -> None:
    built = _tiered(_failing("p1", "p2"), max_fallbacks=1)
    outcome = await built.call(MESSAGES)
    assert isinstance(outcome.error, RoutingFailedError)
    assert [a.deployment_id for a in outcome.trace.attempts] == ["p1", "p2"]


async def test_retries_stay_on_the_tier_before_falling_back() -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="p1", priority=1), GroupDeployment(model_id="p2", priority=2)],
        num_retries=1,
    )
    # A server error is retried without the rate-limit backoff litellm applies to 429s.
    plan = _failing("p1", kind=ErrorKind.SERVER_ERROR)
    built = build_router(group, deployments_for(group), mock=True, plan=plan)
    outcome = await built.call(MESSAGES)
    attempts = outcome.trace.attempts
    assert [(a.deployment_id, a.retry_index) for a in attempts] == [
        ("p1", 0),
        ("p1", 1),
        ("p2", 0),
    ]


@pytest.mark.parametrize("kind", list(ErrorKind))
async def test_every_injected_error_kind_fails_over(kind: ErrorKind) -> None:
    built = _tiered(_failing("p1", kind=kind))
    outcome = await built.call(MESSAGES)
    assert outcome.trace.final_deployment_id == "p2"
    assert outcome.trace.attempts[0].error_kind is kind
