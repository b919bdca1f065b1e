"""Honest latency defaults: a deployment the input gives no latency takes what it recorded
(p50 and spread of its successful attempts in the last hour of traffic), else a documented
non-zero default; a run given no gateway overhead takes the median recorded one, else 0. Every
run reports where each of them came from."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta

from gql_server.core.domain.injection import LatencyRule
from gql_server.core.domain.scenario import (
    DEFAULT_JITTER_MS,
    DEFAULT_LATENCY_MS,
    MAX_GATEWAY_OVERHEAD_MS,
    LatencyOrigin,
    LatencySource,
    OverheadSource,
)
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import percentile

RECORDED_WINDOW = timedelta(hours=1)
MIN_RECORDED_SAMPLES = 5  # fewer says too little about a deployment's latency
# A uniform mean +- jitter has its 10th and 90th percentiles at mean -+ 0.8 jitter.
_P10_TO_P90_PER_JITTER = 1.6


def recorded_rule(samples_ms: Sequence[float]) -> LatencyRule | None:
    """p50 as the mean, the 10th-90th percentile spread as the jitter (uniform draws)."""
    if len(samples_ms) < MIN_RECORDED_SAMPLES:
        return None
    ordered = sorted(samples_ms)
    p50 = percentile(ordered, 50)
    spread = (percentile(ordered, 90) - percentile(ordered, 10)) / _P10_TO_P90_PER_JITTER
    return LatencyRule(mean_ms=p50, jitter_ms=min(p50, spread))


def with_latency_defaults(
    request: SimulationRequest,
    model_ids: Collection[str],
    recorded_ms: Mapping[str, Sequence[float]],
) -> SimulationRequest:
    """The request with a latency for every deployment in `model_ids` and its sources."""
    given = dict(request.plan.latency)
    sources: list[LatencySource] = []
    for model_id in sorted(model_ids):
        rule = given.get(model_id)
        origin = LatencyOrigin.INPUT
        samples = 0
        if rule is None:
            recorded = recorded_rule(recorded_ms.get(model_id, ()))
            if recorded is not None:
                rule, origin = recorded, LatencyOrigin.RECORDED
                samples = len(recorded_ms[model_id])
            else:
                rule = LatencyRule(DEFAULT_LATENCY_MS, DEFAULT_JITTER_MS)
                origin = LatencyOrigin.DEFAULT
            given[model_id] = rule
        sources.append(LatencySource(model_id, origin, rule.mean_ms, rule.jitter_ms, samples))
    plan = dataclasses.replace(request.plan, latency=given)
    return dataclasses.replace(request, plan=plan, latency_sources=tuple(sources))


def with_overhead_default(
    request: SimulationRequest, recorded_overheads_ms: Sequence[float]
) -> SimulationRequest:
    """The request with its gateway overhead settled: as given; else the median of the
    recorded attempts' own gateway time (each attempt's time minus its provider's); else 0."""
    if request.gateway_overhead_ms is not None:
        return dataclasses.replace(
            request, gateway_overhead_source=OverheadSource(LatencyOrigin.INPUT)
        )
    if not recorded_overheads_ms:
        return dataclasses.replace(
            request,
            gateway_overhead_ms=0.0,
            gateway_overhead_source=OverheadSource(LatencyOrigin.DEFAULT),
        )
    median = percentile(sorted(recorded_overheads_ms), 50)
    return dataclasses.replace(
        request,
        gateway_overhead_ms=min(max(0.0, median), MAX_GATEWAY_OVERHEAD_MS),
        gateway_overhead_source=OverheadSource(LatencyOrigin.RECORDED, len(recorded_overheads_ms)),
    )
