"""Bounds of a simulation over time: every bad field named, in the GraphQL input's names."""

from __future__ import annotations

import math
import pickle

import pytest

from gql_server.core.domain.errors import ValidationError
from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.scenario import Incident, SimulationClock, TrafficPattern, TrafficSpec
from gql_server.core.simulation.request import SimulationRequest, validate_simulation_request

GROUP_IDS = ["nebius-1", "fireworks-1"]


def fields_of(request: SimulationRequest) -> set[str]:
    with pytest.raises(ValidationError) as raised:
        validate_simulation_request(request, GROUP_IDS)
    return {e.field for e in raised.value.field_errors}


def open_loop(rate: float = 10.0, duration: float = 60.0, **kwargs: object) -> SimulationRequest:
    return SimulationRequest(0, 0, traffic=TrafficSpec(rate, duration), **kwargs)  # type: ignore[arg-type]


def test_an_open_loop_run_needs_no_request_count() -> None:
    validate_simulation_request(open_loop(), GROUP_IDS)
    validate_simulation_request(SimulationRequest(0, 0, traffic=TrafficSpec(1000, 1000)), GROUP_IDS)


@pytest.mark.parametrize(
    ("rate", "duration", "field"),
    [
        (0.0, 60.0, "traffic.ratePerSecond"),
        (-1.0, 60.0, "traffic.ratePerSecond"),
        (math.nan, 60.0, "traffic.ratePerSecond"),
        (math.inf, 60.0, "traffic.ratePerSecond"),
        (10.0, 0.0, "traffic.durationSeconds"),
        (10.0, 86_401.0, "traffic.durationSeconds"),
        (10.0, math.inf, "traffic.durationSeconds"),
        (1_000.0, 1_001.0, "traffic.ratePerSecond"),  # over 1,000,000 requests
    ],
)
def test_traffic_bounds(rate: float, duration: float, field: str) -> None:
    assert fields_of(open_loop(rate, duration)) == {field}


def test_a_ramp_starts_half_the_requests_of_its_peak_rate() -> None:
    ramp = TrafficSpec(1_000.0, 1_999.0, TrafficPattern.RAMP)
    validate_simulation_request(SimulationRequest(0, 0, traffic=ramp), GROUP_IDS)
    too_many = TrafficSpec(1_000.0, 2_001.0, TrafficPattern.RAMP)
    assert fields_of(SimulationRequest(0, 0, traffic=too_many)) == {"traffic.ratePerSecond"}


def test_incident_bounds() -> None:
    incidents = (
        Incident("nebius-1", 60, 30),  # ends before it starts
        Incident("ghost", 0, 10),  # not in the group
        Incident("fireworks-1", -1, math.nan, failure_rate=1.5, added_latency_ms=600_001),
        Incident("nebius-1", 0, 90_000),  # past 24 hours
        Incident("nebius-1", 10, 20, added_latency_ms=math.inf),
    )
    assert fields_of(open_loop(incidents=incidents)) == {
        "incidents[0].endSeconds",
        "incidents[1].modelId",
        "incidents[2].startSeconds",
        "incidents[2].endSeconds",
        "incidents[2].failureRate",
        "incidents[2].addedLatencyMs",
        "incidents[3].endSeconds",
        "incidents[4].addedLatencyMs",
    }


def test_overlapping_incidents_on_one_deployment_are_allowed() -> None:
    incidents = (
        Incident("nebius-1", 10, 60, failure_rate=0.5),
        Incident("nebius-1", 30, 90, error_kind=ErrorKind.RATE_LIMIT, added_latency_ms=100),
    )
    validate_simulation_request(open_loop(incidents=incidents), GROUP_IDS)


@pytest.mark.parametrize("bad", [1e9, 600_000.5, math.inf, math.nan, -1.0])
def test_injected_latency_is_at_most_ten_minutes_and_finite(bad: float) -> None:
    plan = InjectionPlan(latency={"nebius-1": LatencyRule(bad, bad)})
    assert fields_of(SimulationRequest(10, 1, plan=plan)) == {
        "latency[0].meanMs",
        "latency[0].jitterMs",
    }
    validate_simulation_request(
        SimulationRequest(10, 1, plan=InjectionPlan(latency={"nebius-1": LatencyRule(600_000)})),
        GROUP_IDS,
    )


def test_a_nan_failure_rate_is_refused() -> None:
    plan = InjectionPlan(failures={"nebius-1": FailureRule(math.nan)})
    assert fields_of(SimulationRequest(10, 1, plan=plan)) == {"failureInjection[0].failureRate"}


@pytest.mark.parametrize("bucket", [0.0, -1.0, math.nan, math.inf, 86_401.0, 0.005])
def test_timeline_bucket_bounds(bucket: float) -> None:
    # 0.005 s buckets over 60 s would be 12,000 buckets
    assert fields_of(open_loop(timeline_bucket_s=bucket)) == {"timelineBucketSeconds"}


def test_the_clock_defaults_to_virtual_for_mock_and_wall_for_real() -> None:
    assert SimulationRequest(1, 1).resolved_clock is SimulationClock.VIRTUAL
    assert SimulationRequest(1, 1, mock=False).resolved_clock is SimulationClock.WALL
    wall = SimulationRequest(1, 1, clock=SimulationClock.WALL)
    assert wall.resolved_clock is SimulationClock.WALL


def test_a_request_crosses_to_a_worker_process_intact() -> None:
    request = SimulationRequest(
        0,
        0,
        seed=7,
        plan=InjectionPlan(
            failures={"nebius-1": FailureRule(0.5, ErrorKind.RATE_LIMIT)},
            latency={"fireworks-1": LatencyRule(100, 10)},
        ),
        messages=({"role": "user", "content": "hi"},),
        clock=SimulationClock.VIRTUAL,
        traffic=TrafficSpec(10, 180, TrafficPattern.POISSON),
        incidents=(Incident("nebius-1", 60, 120, error_kind=ErrorKind.RATE_LIMIT),),
        timeline_bucket_s=5.0,
    )
    assert pickle.loads(pickle.dumps(request)) == request


async def test_an_invalid_open_loop_run_starts_nothing() -> None:
    from gql_server.core.simulation.engine import run_simulation
    from tests.unit.test_simulation_engine import three_tier_fake

    fake = three_tier_fake()
    bad = SimulationRequest(
        0, 0, traffic=TrafficSpec(10, 60), incidents=(Incident("fireworks-1", 30, 10),)
    )
    with pytest.raises(ValidationError) as raised:
        async for _ in run_simulation(fake, bad, simulation_id="s"):
            pass
    assert [e.field for e in raised.value.field_errors] == ["incidents[0].endSeconds"]
    assert fake.calls == 0
