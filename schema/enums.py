from __future__ import annotations

import strawberry

from gql_server.core.models import ErrorKind as _ErrorKind
from gql_server.core.models import Strategy as _Strategy
from gql_server.core.traces import TraceStatus as _TraceStatus

RoutingStrategy = strawberry.enum(_Strategy, name="RoutingStrategy")
ErrorKind = strawberry.enum(_ErrorKind, name="ErrorKind")
TraceStatus = strawberry.enum(_TraceStatus, name="TraceStatus")
