"""RequestTrace encodings: JSON for traces that cross the event bus to other instances, and
compact rows for the simulation worker's pipe.

`encode_traces` turns a batch into nested tuples of plain values (enums as their values) and
`marshal`s them: one call per batch in the worker, no per-object pickling of dataclasses, and
`decode_traces` rebuilds the batch once in the server."""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Sequence
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


# --- the worker's pipe: rows of plain values, field order as declared -------------------------


def encode_traces(traces: Sequence[RequestTrace]) -> bytes:
    return marshal.dumps(
        tuple(
            (
                t.request_index,
                t.success,
                t.latency_ms,
                t.final_deployment_id,
                tuple(
                    (
                        a.deployment_id,
                        a.deployment_name,
                        a.provider,
                        a.latency_ms,
                        a.status.value,
                        a.retry_index,
                        a.fallback_depth,
                        None if a.error_kind is None else a.error_kind.value,
                        a.error_message,
                        a.started_at_ms,
                        a.cost_usd,
                        a.retry_after_s,
                    )
                    for a in t.attempts
                ),
                t.response_text,
                t.error_message,
                t.finished_at_ms,
                t.started_at_ms,
                tuple(
                    (s.deployment_id, str(s.reason), s.before_attempt, s.fallback_depth)
                    for s in t.skipped
                ),
                t.request_id,
            )
            for t in traces
        )
    )


_STATUS = {s.value: s for s in TraceStatus}
_KIND: dict[str | None, ErrorKind] = {k.value: k for k in ErrorKind}


def decode_traces(data: bytes) -> list[RequestTrace]:
    # our own worker's bytes over a private pipe (the rest of it is pickle anyway)
    return [_trace(*row) for row in marshal.loads(data)]  # noqa: S302


def _trace(*row: Any) -> RequestTrace:
    attempts = tuple(
        AttemptTrace(
            a[0],
            a[1],
            a[2],
            a[3],
            _STATUS[a[4]],
            a[5],
            a[6],
            _KIND.get(a[7]),
            a[8],
            a[9],
            a[10],
            a[11],
        )
        for a in row[4]
    )
    skipped = tuple(SkippedDeployment(*s) for s in row[9])
    return RequestTrace(
        row[0], row[1], row[2], row[3], attempts, row[5], row[6], row[7], row[8], skipped, row[10]
    )
