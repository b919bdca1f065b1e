"""RequestTrace <-> JSON, for traces that cross the event bus to other instances."""

from __future__ import annotations

import dataclasses
from typing import Any

from gql_server.core.models import ErrorKind
from gql_server.core.traces import AttemptTrace, RequestTrace, TraceStatus

_TRACE_FIELDS = {f.name for f in dataclasses.fields(RequestTrace)}


def trace_to_json(trace: RequestTrace) -> dict[str, Any]:
    return dataclasses.asdict(trace)


def trace_from_json(data: dict[str, Any]) -> RequestTrace:
    fields = {k: v for k, v in data.items() if k in _TRACE_FIELDS}
    fields["attempts"] = tuple(_attempt(a) for a in data.get("attempts", ()))
    nested = [name for name, value in fields.items() if isinstance(value, list)]
    for name in nested:  # fields added later (e.g. skips) keep their items as given
        fields[name] = tuple(fields[name])
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
