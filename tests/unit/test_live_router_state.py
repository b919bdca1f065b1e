"""Live Routers: shared state only for them, cooldown skips read after the request, and two
groups using one deployment share its cooldown through Redis (one provider account)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import redis

from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, SkippedDeployment, TraceStatus
from gql_server.core.litellm_adapter.built_router import SharedState
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.litellm_adapter.skips import with_cooldown_skips
from gql_server.core.litellm_adapter.state.deployment_state import cooling_now, deployment_states
from gql_server.core.routing.registry import RouterRegistry
from tests.fakes import MESSAGES, deployments_for, make_deployment, make_group

TIERED = [
    GroupDeployment(model_id="p1", priority=1),
    GroupDeployment(model_id="p2", priority=2),
    GroupDeployment(model_id="p3", priority=3),
]


def _attempt(model_id: str, depth: int, ok: bool) -> AttemptTrace:
    status = TraceStatus.SUCCESS if ok else TraceStatus.ERROR
    return AttemptTrace(model_id, model_id, "openai", 1.0, status, fallback_depth=depth)


def test_a_router_with_injected_failures_never_shares_state() -> None:
    group = make_group(Strategy.PRIORITY_FAILOVER, TIERED)
    with pytest.raises(ValueError, match="never shares"):
        build_router(
            group,
            deployments_for(group),
            mock=True,
            plan=InjectionPlan(seed=1),
            shared_state=SharedState("redis://127.0.0.1:1/0"),
        )


def test_cooldown_skips_are_the_unattempted_cooling_deployments_of_the_tiers_reached() -> None:
    group = make_group(Strategy.PRIORITY_FAILOVER, TIERED)
    built = build_router(group, deployments_for(group), mock=True)
    served_by_p2 = RequestTrace(0, True, 2.0, "p2", attempts=(_attempt("p2", 1, True),))
    skipped = with_cooldown_skips(built, served_by_p2, {"p1", "p3"}).skipped
    # p3 is cooling too, but the request never reached its tier: not a skip.
    assert skipped == (SkippedDeployment("p1", "cooldown", before_attempt=0, fallback_depth=0),)
    tried_p1 = RequestTrace(
        0, True, 2.0, "p2", attempts=(_attempt("p1", 0, False), _attempt("p2", 1, True))
    )
    assert with_cooldown_skips(built, tried_p1, {"p1"}).skipped == ()
    failed = RequestTrace(1, False, 2.0, None, attempts=(_attempt("p2", 1, False),))
    assert [s.deployment_id for s in with_cooldown_skips(built, failed, {"p1", "p3"}).skipped] == [
        "p1",
        "p3",
    ]


async def test_cooldown_skips_join_the_limit_skips_a_live_request_recorded() -> None:
    """Measured before: a trace that already had a skip (an rpm limit, recorded as the Router
    passed the deployment over) got no cooldown skips at all."""
    group = make_group(Strategy.USAGE_BASED, [GroupDeployment(model_id=m) for m in "abc"])
    # (async: a usage-based Router starts its usage sync on the running loop)
    with build_router(group, deployments_for(group), mock=True) as built:
        pass
    over_rpm = SkippedDeployment("b", "rpm_limit", before_attempt=0, fallback_depth=0)
    served_by_c = RequestTrace(
        0, True, 2.0, "c", attempts=(_attempt("c", 0, True),), skipped=(over_rpm,)
    )
    assert with_cooldown_skips(built, served_by_c, {"a", "b"}).skipped == (
        SkippedDeployment("a", "cooldown", before_attempt=0, fallback_depth=0),
        over_rpm,  # passed over for its limit already: not a second visit
    )
    assert with_cooldown_skips(built, served_by_c, set()).skipped == (over_rpm,)


async def test_two_groups_in_one_process_share_a_deployments_cooldown_through_redis() -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if url is None:
        pytest.skip("needs TEST_REDIS_URL (set by .ci/run)")
    try:
        redis.Redis.from_url(url, socket_timeout=5).ping()
    except redis.RedisError as error:
        pytest.fail(f"TEST_REDIS_URL={url} is set but Redis cannot be reached: {error!r}")
    shared = SharedState(url, namespace=f"rg-unit-{uuid.uuid4().hex[:8]}")
    registry = RouterRegistry(mock=True, shared_state=shared)
    account = {
        "flaky": make_deployment("flaky", extra_params={"mock_response": "litellm.RateLimitError"}),
        "spare": make_deployment("spare"),
    }
    members = [
        GroupDeployment(model_id="flaky", priority=1),
        GroupDeployment(model_id="spare", priority=2),
    ]
    one = make_group(Strategy.PRIORITY_FAILOVER, members, name="one", allowed_fails=0)
    two = make_group(Strategy.PRIORITY_FAILOVER, members, name="two", allowed_fails=0)
    first = await registry.put(one, account)
    second = await registry.put(two, account)
    assert first is not None and second is not None
    try:
        assert await cooling_now(second) == set()
        tried = await first.call(MESSAGES)
        assert [a.deployment_id for a in tried.trace.attempts] == ["flaky", "spare"]
        # litellm writes the cooldown to Redis off the request's path: the other group sees it
        # within a second (the bound), and from then on never calls that deployment.
        deadline = asyncio.get_running_loop().time() + 1.0
        while await cooling_now(second) != {"flaky"}:
            assert asyncio.get_running_loop().time() < deadline, "cooldown not shared within 1 s"
            await asyncio.sleep(0.02)
        outcome = await second.call(MESSAGES)
        assert [a.deployment_id for a in outcome.trace.attempts] == ["spare"]
        assert await cooling_now(second) == {"flaky"}
        states = {s.deployment_id: s for s in await deployment_states(second)}
        assert states["flaky"].cooling_down and states["flaky"].cooldown_ends_at is not None
        assert not states["spare"].cooling_down
    finally:
        registry.close()
