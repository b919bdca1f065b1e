"""Traces come from the Router's per-attempt hooks and stay apart across concurrent Routers."""

from __future__ import annotations

import asyncio

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.traces import TraceStatus
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.litellm_adapter.tracing import RequestRecorder, attempt_hooks
from tests.fakes import MESSAGES, deployments_for, make_group


async def test_two_routers_running_concurrently_keep_their_traces_apart() -> None:
    # Both Routers use the same deployment ids; only their traces tell them apart.
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="x", priority=1), GroupDeployment(model_id="y", priority=2)],
    )
    latency = {m: LatencyRule(3, 3) for m in "xy"}
    failing = build_router(
        group,
        deployments_for(group),
        mock=True,
        plan=InjectionPlan(
            failures={"x": FailureRule(1.0, ErrorKind.RATE_LIMIT)}, latency=latency, seed=1
        ),
    )
    healthy = build_router(
        group, deployments_for(group), mock=True, plan=InjectionPlan(latency=latency, seed=1)
    )
    outcomes = await asyncio.gather(
        *(r.call(MESSAGES, request_index=i) for i in range(25) for r in (failing, healthy))
    )
    for n, outcome in enumerate(outcomes):
        attempts = [(a.deployment_id, a.status) for a in outcome.trace.attempts]
        if n % 2 == 0:
            assert attempts == [("x", TraceStatus.ERROR), ("y", TraceStatus.SUCCESS)]
        else:
            assert attempts == [("x", TraceStatus.SUCCESS)]
    assert attempt_hooks().active == 0  # every request's recorder was released


async def test_trace_names_deployment_provider_and_keeps_callers_metadata() -> None:
    group = make_group(
        Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a", display_name="Primary A")]
    )
    deployments = deployments_for(group, provider="nebius")
    built = build_router(group, deployments, mock=True)
    outcome = await built.call(MESSAGES, request_index=7, metadata={"caller": "tester"})
    trace = outcome.trace
    assert trace.request_index == 7
    assert trace.success and trace.final_deployment_id == "a"
    assert trace.response_text
    (attempt,) = trace.attempts
    assert (attempt.deployment_name, attempt.provider) == ("Primary A", "nebius")
    assert attempt.latency_ms <= trace.latency_ms


def test_hooks_are_installed_once() -> None:
    import litellm

    assert attempt_hooks() is attempt_hooks()
    assert sum(1 for cb in litellm.callbacks if cb is attempt_hooks()) == 1


class _LoggingObject:
    """litellm's per-call logging object, as far as the recorder reads it."""

    def __init__(self) -> None:
        self.model_call_details: dict[str, object] = {}


async def test_an_attempt_gets_only_its_own_provider_timing() -> None:
    recorder = RequestRecorder(0, {})
    logging_obj = _LoggingObject()
    call = {"litellm_logging_obj": logging_obj, "model_info": {"id": "a"}}

    await recorder.attempt_started(dict(call))
    await asyncio.sleep(0.02)
    logging_obj.model_call_details["llm_api_duration_ms"] = 12.0  # litellm timed its HTTP call
    recorder.attempt_failed(call, RuntimeError("500"))
    # a retry on the same logging object that fails before calling the provider
    await recorder.attempt_started(dict(call))
    recorder.attempt_failed(call, RuntimeError("refused"))
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="m")])
    mock = await build_router(group, deployments_for(group), mock=True).call(MESSAGES)

    called, refused = recorder.attempts
    assert called.provider_latency_ms == 12.0 < called.latency_ms
    assert refused.provider_latency_ms is None
    assert mock.trace.attempts[0].provider_latency_ms is None  # a mock calls no provider
