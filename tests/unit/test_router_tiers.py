"""Equal priorities form one tier: the real Router shares traffic inside it, and a retry moves
to another healthy deployment of the tier without a backoff wait."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Coroutine
from contextvars import Context
from typing import Any, TypeVarTuple

from gql_server.core.domain.injection import FailureRule, InjectionPlan
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.traces import TraceStatus
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_group

_Ts = TypeVarTuple("_Ts")
SEED = 11
# litellm's backoff between retries in a tier is 0.5 * 2^k + jitter seconds: at least 0.5 s.
BACKOFF_FLOOR_S = 0.5
BACKOFF_CEILING_S = 8.75  # cap 8 s + 0.75 s jitter


def _tiered(plan: InjectionPlan | None = None, *, num_retries: int = 0) -> BuiltRouter:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [
            GroupDeployment(model_id="a", priority=1),
            GroupDeployment(model_id="b", priority=1),
            GroupDeployment(model_id="c", priority=2),
        ],
        name="tiered",
        num_retries=num_retries,
    )
    return build_router(group, deployments_for(group), mock=True, plan=plan)


class TimerLog(asyncio.SelectorEventLoop):
    """An event loop that remembers every timer it was asked for: a backoff is one."""

    def __init__(self) -> None:
        super().__init__()
        self.delays: list[float] = []

    def call_at(
        self,
        when: float,
        callback: Callable[[*_Ts], object],
        *args: *_Ts,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        self.delays.append(when - self.time())
        return super().call_at(when, callback, *args, context=context)


def _run_logging_timers(make: Callable[[], Coroutine[Any, Any, Any]]) -> tuple[Any, list[float]]:
    loop = TimerLog()
    try:
        result = loop.run_until_complete(make())
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
    return result, loop.delays


def test_equal_priorities_build_one_tier() -> None:
    with _tiered() as built:
        assert built.tiers == [["a", "b"], ["c"]]


async def test_a_healthy_tier_shares_traffic_between_its_deployments() -> None:
    random.seed(SEED)
    with _tiered() as built:
        served = Counter(
            [
                (await built.call(MESSAGES, request_index=i)).trace.final_deployment_id
                for i in range(200)
            ]
        )
    # Shuffle inside the tier: about half each (binomial sd ~7 at n=200; 30 is > 4 sd).
    assert set(served) == {"a", "b"}
    assert abs(served["a"] - 100) <= 30


def _backoffs(delays: list[float]) -> list[float]:
    # litellm's logging worker arms 20 s timers of its own; a backoff is 0.5 s .. 8.75 s.
    return [d for d in delays if BACKOFF_FLOOR_S <= d <= BACKOFF_CEILING_S]


def test_a_retry_in_a_tier_with_a_healthy_deployment_does_not_back_off() -> None:
    plan = InjectionPlan(failures={"a": FailureRule(1.0, ErrorKind.SERVER_ERROR)}, seed=SEED)

    async def calls() -> list[Any]:
        random.seed(SEED)
        with _tiered(plan, num_retries=1) as built:
            return [(await built.call(MESSAGES, request_index=i)).trace for i in range(30)]

    traces, delays = _run_logging_timers(calls)
    assert all(t.success for t in traces)
    retried = [t for t in traces if len(t.attempts) >= 2]
    assert retried, "with a failing 'a' some requests must start on it"
    for trace in retried:
        first, retry = trace.attempts[:2]
        assert (first.deployment_id, first.status) == ("a", TraceStatus.ERROR)
        assert retry.retry_index == 1 and not retry.was_fallback  # a retry inside the tier
    # The retry is a fresh pick inside the tier: some land on the healthy 'b' at once.
    assert any(t.attempts[1].deployment_id == "b" and t.success for t in retried)
    assert _backoffs(delays) == []


def test_the_timer_log_does_see_a_backoff_when_the_tier_has_no_other_deployment() -> None:
    """The control: the probe above can fail."""
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="a", priority=1)],
        name="alone",
        num_retries=1,
    )
    plan = InjectionPlan(failures={"a": FailureRule(1.0, ErrorKind.SERVER_ERROR)}, seed=SEED)

    async def call() -> Any:
        random.seed(SEED)
        with build_router(group, deployments_for(group), mock=True, plan=plan) as built:
            return (await built.call(MESSAGES)).trace

    trace, delays = _run_logging_timers(call)
    assert [a.retry_index for a in trace.attempts] == [0, 1]
    assert _backoffs(delays), delays
