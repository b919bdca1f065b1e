"""Traffic, flow and latency summaries over hand-built request traces."""

from __future__ import annotations

from collections import Counter

import pytest

from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, TraceStatus
from gql_server.core.simulation.stats import (
    DeploymentRef,
    FlowStep,
    TrafficAccumulator,
    flow_edges,
    latency_stats,
    percentile,
    summarize,
)

NAMES = {"neb": ("Nebius", "nebius"), "fw": ("Fireworks", "fireworks_ai"), "az": ("Azure", "azure")}


def ok(deployment: str, latency: float = 10.0, depth: int = 0, retry: int = 0) -> AttemptTrace:
    name, provider = NAMES[deployment]
    return AttemptTrace(
        deployment, name, provider, latency, TraceStatus.SUCCESS, retry, depth, None, None
    )


def err(
    deployment: str,
    kind: ErrorKind = ErrorKind.RATE_LIMIT,
    latency: float = 5.0,
    depth: int = 0,
    retry: int = 0,
) -> AttemptTrace:
    name, provider = NAMES[deployment]
    return AttemptTrace(
        deployment, name, provider, latency, TraceStatus.ERROR, retry, depth, kind, "injected"
    )


def request(index: int, *attempts: AttemptTrace, latency: float | None = None) -> RequestTrace:
    success = bool(attempts) and attempts[-1].status is TraceStatus.SUCCESS
    return RequestTrace(
        request_index=index,
        success=success,
        latency_ms=latency if latency is not None else sum(a.latency_ms for a in attempts),
        final_deployment_id=attempts[-1].deployment_id if success else None,
        attempts=attempts,
    )


GROUP = [DeploymentRef(i, *NAMES[i]) for i in ("neb", "fw", "az")]

TRACES = [
    request(0, ok("neb")),
    request(1, err("neb"), ok("fw", depth=1)),
    request(2, err("neb"), err("fw", ErrorKind.SERVER_ERROR, depth=1), ok("az", depth=2)),
    request(
        3,
        err("neb"),
        err("fw", ErrorKind.TIMEOUT, depth=1),
        err("az", ErrorKind.AUTH, depth=2),
    ),
    request(4, err("neb", ErrorKind.TIMEOUT), ok("neb", retry=1)),
]


def test_flow_of_one_request_through_every_tier() -> None:
    assert flow_edges(TRACES[2]) == [
        (None, "neb", "primary"),
        ("neb", "fw", "fallback_rate_limit"),
        ("fw", "az", "fallback_server_error"),
        ("az", "az", "success"),
    ]


def test_a_retry_on_the_same_tier_is_not_a_fallback() -> None:
    assert flow_edges(TRACES[4]) == [
        (None, "neb", "primary"),
        ("neb", "neb", "retry_timeout"),
        ("neb", "neb", "success"),
    ]


def test_a_request_that_failed_everywhere_ends_at_none() -> None:
    assert flow_edges(TRACES[3])[-1] == ("az", None, "failed")


def test_a_request_with_no_attempt_fails_straight_from_the_entry() -> None:
    assert flow_edges(request(9)) == [(None, None, "failed")]


def test_summary_counts_requests_attempts_and_outcomes() -> None:
    summary = summarize("sim", TRACES, deployments=GROUP, primary_ids={"neb"}, duration_ms=12.5)

    assert (summary.total_requests, summary.successful_requests, summary.failed_requests) == (
        5,
        4,
        1,
    )
    assert summary.simulation_id == "sim" and summary.duration_ms == 12.5
    rows = {s.deployment_id: s for s in summary.traffic_distribution}
    assert [s.deployment_id for s in summary.traffic_distribution] == ["neb", "fw", "az"]
    assert (rows["neb"].request_count, rows["neb"].success_count, rows["neb"].failure_count) == (
        6,
        2,
        4,
    )
    assert (rows["fw"].request_count, rows["fw"].success_count) == (3, 1)
    assert (rows["az"].request_count, rows["az"].failure_count) == (2, 1)
    assert rows["neb"].percent_of_total == pytest.approx(100 * 6 / 11)
    assert sum(s.percent_of_total for s in summary.traffic_distribution) == pytest.approx(100)
    assert rows["neb"].avg_latency_ms == pytest.approx((4 * 5 + 2 * 10) / 6)
    assert rows["neb"].provider == "nebius" and rows["az"].deployment_name == "Azure"
    assert [s.was_primary for s in summary.traffic_distribution] == [True, False, False]


def test_flow_counts_add_up_per_deployment() -> None:
    flow = summarize("sim", TRACES, deployments=GROUP).flow_data

    entry = sum(s.request_count for s in flow if s.from_deployment is None)
    assert entry == len(TRACES)
    attempts = Counter(a.deployment_id for t in TRACES for a in t.attempts)
    for deployment, count in attempts.items():
        inflow = sum(
            s.request_count for s in flow if s.to_deployment == deployment and s.reason != "success"
        )
        outflow = sum(s.request_count for s in flow if s.from_deployment == deployment)
        assert inflow == count == outflow, deployment
    assert FlowStep("neb", "fw", 3, "fallback_rate_limit") in flow
    assert FlowStep("az", None, 1, "failed") in flow
    assert flow[0] == FlowStep(None, "neb", 5, "primary")


def test_unused_deployments_are_listed_with_no_traffic() -> None:
    summary = summarize("sim", [request(0, ok("neb"))], deployments=GROUP)

    idle = summary.traffic_distribution[2]
    assert (idle.deployment_id, idle.request_count, idle.percent_of_total) == ("az", 0, 0.0)
    assert idle.avg_latency_ms == 0.0


def test_without_tiers_the_primary_is_the_most_frequent_first_choice() -> None:
    traces = [request(0, ok("fw")), request(1, ok("fw")), request(2, err("neb"), ok("fw"))]

    summary = summarize("sim", traces, deployments=GROUP)

    assert [s.was_primary for s in summary.traffic_distribution] == [False, True, False]


def test_deployments_missing_from_the_list_still_count() -> None:
    summary = summarize("sim", [request(0, ok("az"))], deployments=GROUP[:1])

    assert [s.deployment_id for s in summary.traffic_distribution] == ["neb", "az"]
    assert summary.traffic_distribution[1].request_count == 1


def test_nothing_finished_gives_zeros() -> None:
    summary = summarize("sim", [], deployments=GROUP, cancelled=True)

    assert summary.total_requests == 0 and summary.cancelled
    assert summary.p99_latency_ms == 0.0 and summary.flow_data == []
    assert not any(s.was_primary for s in summary.traffic_distribution)


def test_accumulating_in_batches_equals_summarizing_at_once() -> None:
    accumulator = TrafficAccumulator(deployments=GROUP, primary_ids={"neb"})
    accumulator.add_all(TRACES[:2])
    accumulator.add_all(TRACES[2:])

    assert accumulator.summary("sim", duration_ms=1.0, cancelled=False) == summarize(
        "sim", TRACES, deployments=GROUP, primary_ids={"neb"}, duration_ms=1.0
    )


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100

    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile(values, 0) == 1.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0  # rank ceil(2.0) = 2
    assert percentile([], 50) == 0.0
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_latency_stats_of_request_latencies() -> None:
    stats = latency_stats([30.0, 10.0, 20.0, 1000.0])

    assert stats.avg_ms == pytest.approx(265.0)
    assert (stats.p50_ms, stats.p95_ms, stats.p99_ms) == (20.0, 1000.0, 1000.0)


def test_summary_latency_is_per_request_not_per_attempt() -> None:
    traces = [request(0, ok("neb"), latency=100.0), request(1, err("neb"), ok("fw"), latency=300.0)]

    summary = summarize("sim", traces)

    assert summary.avg_latency_ms == 200.0 and summary.p50_latency_ms == 100.0
