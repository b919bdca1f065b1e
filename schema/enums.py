"""The domain's enums, registered with Strawberry under their public names."""

from __future__ import annotations

import strawberry

from gql_server.core.models import ErrorKind
from gql_server.core.models import Strategy as RoutingStrategy
from gql_server.core.traces import TraceStatus

strawberry.enum(RoutingStrategy, name="RoutingStrategy")
strawberry.enum(ErrorKind, name="ErrorKind")
strawberry.enum(TraceStatus, name="TraceStatus")

__all__ = ["ErrorKind", "RoutingStrategy", "TraceStatus"]
