"""The domain's enums, registered with Strawberry under their public names."""

from __future__ import annotations

import strawberry

from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.models import Strategy as RoutingStrategy
from gql_server.core.domain.scenario import LatencyOrigin, SimulationClock, TrafficPattern
from gql_server.core.domain.traces import TraceStatus

strawberry.enum(RoutingStrategy, name="RoutingStrategy")
strawberry.enum(ErrorKind, name="ErrorKind")
strawberry.enum(TraceStatus, name="TraceStatus")
strawberry.enum(
    SimulationClock,
    name="SimulationClock",
    description="VIRTUAL: simulated time (the default for mock runs); WALL: real time",
)
strawberry.enum(
    TrafficPattern,
    name="TrafficPattern",
    description="Arrivals: fixed spacing | exponential gaps | 0 -> rate linearly",
)
strawberry.enum(
    LatencyOrigin,
    name="LatencyOrigin",
    description="Where a simulated deployment's latency came from: the input, the last hour "
    "of recorded traffic (p50 and spread), or the documented default (400 +- 150 ms); for the "
    "gateway's overhead: the input, the median of the recorded attempts' own gateway time (the "
    "last hour; a replay: its window), or 0",
)

__all__ = [
    "ErrorKind",
    "LatencyOrigin",
    "RoutingStrategy",
    "SimulationClock",
    "TraceStatus",
    "TrafficPattern",
]
