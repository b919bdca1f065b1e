"""The domain's enums, registered with Strawberry under their public names."""

from __future__ import annotations

import strawberry

from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.models import Strategy as RoutingStrategy
from gql_server.core.domain.scenario import SimulationClock, TrafficPattern
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

__all__ = ["ErrorKind", "RoutingStrategy", "SimulationClock", "TraceStatus", "TrafficPattern"]
