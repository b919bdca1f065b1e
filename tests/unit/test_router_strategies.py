"""Each strategy's traffic split, measured through the real litellm Router in mock mode.

litellm's simple-shuffle draws from Python's global `random`, so the statistical tests seed it
(seed stated per test) and run calls one after another.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_deployment, make_group
from tests.support.polling import eventually_async


async def _shares(built: BuiltRouter, calls: int, concurrency: int = 1) -> dict[str, float]:
    served: Counter[str] = Counter()
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            outcome = await built.call(MESSAGES, request_index=i)
        assert outcome.trace.final_deployment_id is not None
        served[outcome.trace.final_deployment_id] += 1

    await asyncio.gather(*(one(i) for i in range(calls)))
    return {model_id: count / calls for model_id, count in served.items()}


async def test_weighted_60_30_10_over_3000_calls_within_3_points() -> None:
    random.seed(1234)
    group = make_group(
        Strategy.WEIGHTED,
        [
            GroupDeployment(model_id="a", weight=60),
            GroupDeployment(model_id="b", weight=30),
            GroupDeployment(model_id="c", weight=10),
        ],
    )
    built = build_router(group, deployments_for(group), mock=True, lean=True)
    shares = await _shares(built, 3000, concurrency=50)
    for model_id, expected in {"a": 0.6, "b": 0.3, "c": 0.1}.items():
        assert abs(shares.get(model_id, 0.0) - expected) <= 0.03, shares


async def test_simple_shuffle_splits_evenly_within_4_points() -> None:
    random.seed(4321)
    group = make_group(
        Strategy.SIMPLE_SHUFFLE,
        [GroupDeployment(model_id=m, weight=w) for m, w in zip("abc", (80, 10, 10), strict=True)],
    )
    built = build_router(group, deployments_for(group), mock=True, lean=True)
    shares = await _shares(built, 900, concurrency=50)
    # Weights given to a SIMPLE_SHUFFLE group are ignored: an even split.
    assert set(shares) == {"a", "b", "c"}
    for share in shares.values():
        assert abs(share - 1 / 3) <= 0.04, shares


async def test_latency_based_prefers_the_fastest_after_warm_up() -> None:
    random.seed(99)
    group = make_group(Strategy.LATENCY_BASED, [GroupDeployment(model_id=m) for m in "abc"])
    plan = InjectionPlan(
        latency={"a": LatencyRule(60), "b": LatencyRule(5), "c": LatencyRule(40)}, seed=3
    )
    built = build_router(group, deployments_for(group), mock=True, plan=plan)
    for i in range(12):  # warm-up: every deployment gets measured
        await built.call(MESSAGES, request_index=i)
    # litellm records latency from its success logging, which runs just after the call returns:
    # within moments of the warm-up, 20 calls in a row go (90% or more) to the fastest.

    async def fastest_preferred() -> bool:
        shares = await _shares(built, 20)
        assert shares.get("b", 0.0) >= 0.9, shares
        return True

    await eventually_async(fastest_preferred, timeout=10)


async def test_cost_based_picks_the_cheapest() -> None:
    group = make_group(Strategy.COST_BASED, [GroupDeployment(model_id=m) for m in "abc"])
    prices = {"a": 3e-6, "b": 1e-7, "c": 1e-6}
    deployments = {
        m: make_deployment(m, input_cost_per_token=p, output_cost_per_token=p)
        for m, p in prices.items()
    }
    built = build_router(group, deployments, mock=True)
    assert await _shares(built, 20) == {"b": 1.0}


async def test_least_busy_spreads_concurrent_calls() -> None:
    random.seed(5)
    group = make_group(Strategy.LEAST_BUSY, [GroupDeployment(model_id=m) for m in "abc"])
    plan = InjectionPlan(latency={m: LatencyRule(50) for m in "abc"}, seed=1)
    built = build_router(group, deployments_for(group), mock=True, plan=plan)
    try:
        outcomes = await asyncio.gather(*(built.call(MESSAGES, request_index=i) for i in range(30)))
    finally:
        built.close()
    served = Counter(o.trace.final_deployment_id for o in outcomes)
    assert set(served) == {"a", "b", "c"}
    assert max(served.values()) <= 15, served


async def test_usage_based_avoids_a_deployment_at_its_rpm_limit() -> None:
    random.seed(11)
    group = make_group(Strategy.USAGE_BASED, [GroupDeployment(model_id=m) for m in "ab"])
    deployments = {"a": make_deployment("a", rpm=2), "b": make_deployment("b", rpm=1000)}
    built = build_router(group, deployments, mock=True)
    try:
        shares = await _shares(built, 30)
    finally:
        built.close()
    # "a" allows 2 requests a minute; the rest must go to "b".
    assert shares.get("a", 0.0) <= 2 / 30, shares


async def test_lean_mode_keeps_routing_decisions_identical() -> None:
    group = make_group(
        Strategy.WEIGHTED,
        [GroupDeployment(model_id="a", weight=5), GroupDeployment(model_id="b", weight=1)],
    )
    picks: list[list[str | None]] = []
    for lean in (False, True):
        random.seed(2024)
        built = build_router(group, deployments_for(group), mock=True, lean=lean)
        outcomes = [await built.call(MESSAGES, request_index=i) for i in range(60)]
        picks.append([o.trace.final_deployment_id for o in outcomes])
        assert all(o.trace.response_text for o in outcomes)
    assert picks[0] == picks[1]
