"""RequestTrace <-> JSON, for traces that cross the event bus to other instances."""

from __future__ import annotations

import dataclasses
from typing import Any

from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, SkippedDeployment, TraceStatus

_TRACE_FIELDS = {f.name for f in dataclasses.fields(RequestTrace)}


def trace_to_json(trace: RequestTrace) -> dict[str, Any]:
    return dataclasses.asdict(trace)


def trace_from_json(data: dict[str, Any]) -> RequestTrace:
    fields = {k: v for k, v in data.items() if k in _TRACE_FIELDS}
    fields["attempts"] = tuple(_attempt(a) for a in data.get("attempts", ()))
    fields["skipped"] = tuple(SkippedDeployment(**s) for s in data.get("skipped", ()))
    return RequestTrace(**fields)


def _attempt(data: dict[str, Any]) -> AttemptTrace:
    kind = data.get("error_kind")
    return AttemptTrace(
        **{
            **data,
            "status": TraceStatus(data["status"]),
            "error_kind": ErrorKind(kind) if kind else None,
        }
    )
