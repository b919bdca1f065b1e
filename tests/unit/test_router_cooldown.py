"""Cooldown through the real Router: allowed_fails, then skipped until cooldown_time passes."""

from __future__ import annotations

import asyncio

from gql_server.core.domain.injection import FailureRule, InjectionPlan
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import SimulationClock
from gql_server.core.litellm_adapter import virtual_clock
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_group

COOLDOWN_S = 0.5


def test_failing_deployment_is_skipped_after_allowed_fails_until_cooldown_ends() -> None:
    # On a virtual clock: the fail-count window is the cooldown time (0.5 s), which a loaded
    # machine's wall clock can outrun between two calls; the run's own clock cannot.
    virtual_clock.run(_skipped_until_cooldown_ends(), SimulationClock.VIRTUAL)


async def _skipped_until_cooldown_ends() -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="p1", priority=1), GroupDeployment(model_id="p2", priority=2)],
        allowed_fails=2,
        cooldown_seconds=COOLDOWN_S,
    )
    plan = InjectionPlan(failures={"p1": FailureRule(1.0, ErrorKind.SERVER_ERROR)}, seed=1)
    built = build_router(group, deployments_for(group), mock=True, plan=plan)

    async def tried_p1(request_index: int) -> bool:
        outcome = await built.call(MESSAGES, request_index=request_index)
        assert outcome.trace.final_deployment_id == "p2"
        return any(a.deployment_id == "p1" for a in outcome.trace.attempts)

    first = [await tried_p1(i) for i in range(6)]
    # litellm cools a deployment down on the failure after `allowed_fails` (here the 3rd).
    assert first == [True, True, True, False, False, False]
    await asyncio.sleep(COOLDOWN_S + 0.2)
    assert await tried_p1(6) is True


async def test_zero_cooldown_time_never_skips_a_deployment() -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="p1", priority=1), GroupDeployment(model_id="p2", priority=2)],
        allowed_fails=0,
        cooldown_seconds=0,
    )
    plan = InjectionPlan(failures={"p1": FailureRule(1.0, ErrorKind.SERVER_ERROR)}, seed=1)
    built = build_router(group, deployments_for(group), mock=True, plan=plan)
    for i in range(5):
        outcome = await built.call(MESSAGES, request_index=i)
        assert [a.deployment_id for a in outcome.trace.attempts] == ["p1", "p2"]
