"""litellm's call set-up runs on the loop only where it does no I/O, and routes exactly as in a
thread: same deployments, same retries, same fallbacks."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from gql_server.core.domain.models import Deployment, GroupDeployment, RoutingGroup, Strategy
from gql_server.core.litellm_adapter.call_setup import CallSetupExecutor, inline_call_setup
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_deployment, make_group

Route = tuple[str | None, tuple[tuple[str, str, int], ...]]


def _weighted() -> RoutingGroup:
    return make_group(
        Strategy.WEIGHTED,
        [GroupDeployment(model_id=m, weight=w) for m, w in (("a", 1), ("b", 2), ("c", 5))],
    )


def _failing_first_tier() -> tuple[RoutingGroup, dict[str, Deployment]]:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="a", priority=1), GroupDeployment(model_id="b", priority=2)],
        num_retries=1,
        allowed_fails=1,
    )
    deployments = deployments_for(group)
    deployments["a"] = make_deployment(
        "a", extra_params={"mock_response": "litellm.RateLimitError"}
    )
    return group, dict(deployments)


async def _routes(group: RoutingGroup, deployments: dict[str, Deployment], n: int) -> list[Route]:
    built = build_router(group, deployments, mock=True)
    random.seed(7)  # litellm's picks and backoff jitter draw from the global random
    try:
        routes: list[Route] = []
        for index in range(n):
            outcome = await built.call(MESSAGES, request_index=index)
            attempts = tuple(
                (a.deployment_id, a.status.value, a.fallback_depth) for a in outcome.trace.attempts
            )
            routes.append((outcome.trace.final_deployment_id, attempts))
        return routes
    finally:
        built.close()


def _run(
    executor: ThreadPoolExecutor, group: RoutingGroup, deployments: dict[str, Deployment], n: int
) -> list[Route]:
    async def main() -> list[Route]:
        asyncio.get_running_loop().set_default_executor(executor)
        return await _routes(group, deployments, n)

    try:
        return asyncio.run(main())
    finally:
        executor.shutdown()


@pytest.fixture
def executors() -> Iterator[tuple[CallSetupExecutor, ThreadPoolExecutor]]:
    yield CallSetupExecutor(), ThreadPoolExecutor()


def test_mock_and_openai_compatible_routers_set_up_inline_others_in_threads() -> None:
    group = _weighted()
    assert build_router(group, deployments_for(group), mock=True).inline_setup
    assert build_router(group, deployments_for(group), mock=False).inline_setup
    bedrock = deployments_for(
        group, litellm_model="bedrock/anthropic.claude-v2", provider="bedrock"
    )
    assert not build_router(group, bedrock, mock=False).inline_setup


@pytest.mark.parametrize("scenario", ["weighted", "failover"])
def test_inline_set_up_routes_exactly_as_in_a_thread(
    scenario: str, executors: tuple[CallSetupExecutor, ThreadPoolExecutor]
) -> None:
    group, deployments = (
        (_weighted(), dict(deployments_for(_weighted())))
        if scenario == "weighted"
        else _failing_first_tier()
    )
    inline, threads = executors
    on_loop = _run(inline, group, deployments, 60)
    in_threads = _run(threads, group, deployments, 60)
    # every call's set-up ran on the loop (retries and fallbacks are calls too)
    attempts = sum(len(r[1]) for r in on_loop)
    assert inline.inline_runs == attempts
    assert on_loop == in_threads
    if scenario == "weighted":
        assert {r[0] for r in on_loop} == {"a", "b", "c"}
    else:  # tier 1 fails and is retried, then cools down; tier 2 answers every request
        assert {r[0] for r in on_loop} == {"b"}
        assert any(len(r[1]) > 1 for r in on_loop)


def test_only_litellm_set_ups_of_flagged_requests_skip_the_thread() -> None:
    executor = CallSetupExecutor()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(executor)
        group = _weighted()
        built = build_router(group, deployments_for(group), mock=True)
        built.inline_setup = False  # as for a provider whose set-up may block
        try:
            await built.call(MESSAGES)
            assert executor.inline_runs == 0
            with inline_call_setup():
                await loop.getaddrinfo("127.0.0.1", 80)  # still the pool's work
                await asyncio.to_thread(int, "1")
            assert executor.inline_runs == 0
            built.inline_setup = True
            await built.call(MESSAGES)
            assert executor.inline_runs == 1
        finally:
            built.close()

    try:
        asyncio.run(main())
    finally:
        executor.shutdown()
