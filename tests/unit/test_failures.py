"""Seeded failure and latency injection."""

from __future__ import annotations

import asyncio

import pytest

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.litellm_adapter.failures import FailureInjector, error_kind_of, litellm_error
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_group

# By name: importing litellm here, before gql_server, would make it fetch its cost map online.
LITELLM_TYPES = {
    ErrorKind.RATE_LIMIT: "RateLimitError",
    ErrorKind.TIMEOUT: "Timeout",
    ErrorKind.SERVER_ERROR: "InternalServerError",
    ErrorKind.CONTEXT_WINDOW: "ContextWindowExceededError",
    ErrorKind.CONTENT_POLICY: "ContentPolicyViolationError",
    ErrorKind.AUTH: "AuthenticationError",
}


@pytest.mark.parametrize("kind", list(ErrorKind))
def test_each_kind_is_litellms_own_exception_and_classifies_back(kind: ErrorKind) -> None:
    error = litellm_error(kind, model="openai/x", provider="openai")
    assert type(error).__module__ == "litellm.exceptions"
    assert type(error).__name__ == LITELLM_TYPES[kind]
    assert error_kind_of(error) is kind


def test_unknown_errors_count_as_server_errors() -> None:
    assert error_kind_of(RuntimeError("boom")) is ErrorKind.SERVER_ERROR


def test_a_draw_depends_only_on_seed_request_deployment_and_attempt() -> None:
    plan = InjectionPlan(
        failures={"a": FailureRule(0.5)}, latency={"a": LatencyRule(20, 10)}, seed=42
    )
    one, two = FailureInjector(plan), FailureInjector(plan)
    keys = [(r, "a", n) for r in range(50) for n in range(3)]
    # Drawn in opposite orders: the order of draws must not matter.
    first = [one.draw(*k) for k in keys]
    second = [two.draw(*k) for k in reversed(keys)][::-1]
    assert first == second
    other_seed = FailureInjector(InjectionPlan(failures=plan.failures, seed=43))
    assert [d.error_kind for d in first] != [other_seed.draw(*k).error_kind for k in keys]


def test_failure_rate_is_honoured_within_3_points_over_2000_draws() -> None:
    injector = FailureInjector(
        InjectionPlan(failures={"a": FailureRule(0.3, ErrorKind.TIMEOUT)}, seed=2026)
    )
    draws = [injector.draw(i, "a", 0) for i in range(2000)]
    failed = [d for d in draws if d.error_kind is not None]
    assert abs(len(failed) / 2000 - 0.3) <= 0.03
    assert {d.error_kind for d in failed} == {ErrorKind.TIMEOUT}
    assert all(injector.draw(i, "other", 0).error_kind is None for i in range(100))


def test_latency_stays_within_mean_plus_minus_jitter() -> None:
    injector = FailureInjector(InjectionPlan(latency={"a": LatencyRule(100, 30)}, seed=5))
    latencies = [injector.draw(i, "a", 0).latency_s for i in range(500)]
    assert all(0.07 <= s <= 0.13 for s in latencies)
    assert max(latencies) - min(latencies) > 0.04  # jitter actually varies


async def test_injected_latency_is_an_awaited_sleep_inside_the_attempt() -> None:
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
    plan = InjectionPlan(latency={"a": LatencyRule(80)}, seed=1)
    built = build_router(group, deployments_for(group), mock=True, plan=plan)
    outcome = await built.call(MESSAGES)
    assert outcome.trace.attempts[0].latency_ms >= 80


async def test_same_seed_gives_identical_per_request_outcomes_at_concurrency_20() -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id=f"p{n}", priority=n) for n in (1, 2, 3)],
    )
    plan = InjectionPlan(
        failures={"p1": FailureRule(0.5, ErrorKind.SERVER_ERROR), "p2": FailureRule(0.5)},
        latency={m: LatencyRule(4, 4) for m in ("p1", "p2", "p3")},
        seed=1337,
    )

    async def run() -> list[list[tuple[str, str]]]:
        built = build_router(group, deployments_for(group), mock=True, plan=plan)
        gate = asyncio.Semaphore(20)

        async def one(i: int) -> list[tuple[str, str]]:
            async with gate:
                outcome = await built.call(MESSAGES, request_index=i)
            return [(a.deployment_id, a.status.value) for a in outcome.trace.attempts]

        return list(await asyncio.gather(*(one(i) for i in range(80))))

    first, second = await run(), await run()
    assert first == second
    # The plan really did something: some requests failed over, some did not.
    assert {len(attempts) for attempts in first} >= {1, 2}
