"""A request the Router passes over a deployment for its rpm or tpm limit records a skip.

Usage-based routing (litellm's usage-based-routing-v2) leaves a deployment out of its pick when
its rpm count this minute + 1 reaches its rpm limit, or its tpm this minute plus the request's
input tokens exceeds its tpm limit; and its pre-call check refuses a picked deployment whose rpm
count goes over the limit (requests picked on the same counts race there). Measured before: the
excess went elsewhere (or failed) and the traces said nothing. All through the real Router, on
the virtual clock, fixed seeds.
"""

from __future__ import annotations

from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.traces import RequestTrace, SkippedDeployment, SkipReason
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import FlowStep
from tests.fakes import MESSAGES, make_deployment, make_group
from tests.unit.simulate import simulate

GROUP = make_group(Strategy.USAGE_BASED, [GroupDeployment(model_id=m) for m in "ab"])


def _edges(flow: list[FlowStep]) -> dict[tuple[str | None, str | None, str], int]:
    return {(s.from_deployment, s.to_deployment, s.reason): s.request_count for s in flow}


def _after_last_on_a(traces: list[RequestTrace]) -> list[RequestTrace]:
    last_on_a = max(t.request_index for t in traces if t.final_deployment_id == "a")
    return [t for t in traces if t.request_index > last_on_a]


def test_requests_over_a_deployments_rpm_limit_record_rpm_skips() -> None:
    deployments = {"a": make_deployment("a", rpm=2), "b": make_deployment("b", rpm=1000)}
    request = SimulationRequest(num_requests=10, concurrency=1, seed=7)
    summary, traces, _ = simulate(GROUP, deployments, request)

    assert all(t.success for t in traces)
    # litellm leaves "a" out once count + 1 >= rpm: it serves 1 request this minute
    assert sum(t.final_deployment_id == "a" for t in traces) == 1
    passed_over = _after_last_on_a(traces)
    assert len(passed_over) >= 5, [t.final_deployment_id for t in traces]
    for trace in passed_over:
        assert trace.final_deployment_id == "b"
        assert trace.skipped == (SkippedDeployment("a", SkipReason.RPM_LIMIT, 0, 0),)
    assert all(not t.skipped for t in traces if t not in passed_over)
    edges = _edges(summary.flow_data)
    assert edges[("a", "b", "skipped_rpm_limit")] == len(passed_over)
    primary = sum(n for (source, _, reason), n in edges.items() if reason == "primary")
    assert primary == 10  # every request enters the flow once


def test_requests_over_a_deployments_tpm_limit_record_tpm_skips() -> None:
    # Mock answers report about 14 tokens a request ("Hello" and the mock answer).
    deployments = {"a": make_deployment("a", tpm=40), "b": make_deployment("b", tpm=100_000)}
    request = SimulationRequest(num_requests=10, concurrency=1, seed=7)
    summary, traces, _ = simulate(GROUP, deployments, request)

    assert all(t.success for t in traces)
    served_by_a = sum(t.final_deployment_id == "a" for t in traces)
    assert 1 <= served_by_a <= 3  # 40 tpm holds at most 3 of them
    passed_over = _after_last_on_a(traces)
    assert len(passed_over) >= 5
    for trace in passed_over:
        assert trace.skipped == (SkippedDeployment("a", SkipReason.TPM_LIMIT, 0, 0),)
    assert _edges(summary.flow_data)[("a", "b", "skipped_tpm_limit")] == len(passed_over)


def test_a_burst_refused_by_the_rpm_pre_call_check_records_each_requests_own_skip() -> None:
    """Ten requests at once all pick on the same (empty) counts; litellm's pre-call check then
    lets "a" take 2 and refuses the rest, which fail (no retries) without an attempt. Each of
    those traces must say why, and only its own: before, none did (and the closed-loop workers
    shared one context, so what one request's routing set was seen by the others)."""
    deployments = {"a": make_deployment("a", rpm=2), "b": make_deployment("b", rpm=1000)}
    request = SimulationRequest(num_requests=10, concurrency=10, seed=7)
    summary, traces, _ = simulate(GROUP, deployments, request)

    failed = [t for t in traces if not t.success]
    assert failed, "seed 7 sends more than 2 of the burst to 'a'"
    assert sum(t.final_deployment_id == "a" for t in traces) == 2
    for trace in failed:
        assert trace.attempts == ()
        assert trace.skipped == (SkippedDeployment("a", SkipReason.RPM_LIMIT, 0, 0),)
    for trace in traces:
        if trace.success:
            assert trace.skipped == ()
    edges = _edges(summary.flow_data)
    assert edges[("a", None, "skipped_rpm_limit")] == len(failed)
    # no attempt was made on "a" for them: the entry edge says they failed before any attempt
    assert edges[(None, None, "failed")] == len(failed)
    assert edges[(None, "a", "primary")] == 2


async def test_a_routers_own_call_records_rpm_skips() -> None:
    """The tester's (and /v1's) path: BuiltRouter.call, no simulation around it."""
    deployments = {"a": make_deployment("a", rpm=2), "b": make_deployment("b", rpm=1000)}
    with build_router(GROUP, deployments, mock=True, isolated=True) as built:
        traces = [(await built.call(MESSAGES, request_index=i)).trace for i in range(8)]
    passed_over = _after_last_on_a(traces)
    assert len(passed_over) >= 4
    for trace in passed_over:
        assert trace.skipped == (SkippedDeployment("a", SkipReason.RPM_LIMIT, 0, 0),)
