"""The request log and spend, as GraphQL types (the Usage page reads these)."""

from __future__ import annotations

import enum
import json
from datetime import datetime

import strawberry

from gql_server.services.ports import RequestLogEntry as LogEntry
from gql_server.services.ports import RequestLogQuery, SpendTotal
from gql_server.services.request_log import RequestLogPage as LogPage


@strawberry.enum
class RequestStatus(enum.Enum):
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


@strawberry.enum
class SpendGroupBy(enum.Enum):
    KEY = "key"
    TEAM = "team"
    GROUP = "group"


@strawberry.input
class RequestLogFilter:
    routing_group_id: strawberry.ID | None = None
    key_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    status: RequestStatus | None = None
    deployment_id: strawberry.ID | None = None
    since: datetime | None = None
    until: datetime | None = None

    def to_query(self) -> RequestLogQuery:
        return RequestLogQuery(
            group_id=_str(self.routing_group_id),
            key_id=_str(self.key_id),
            team_id=_str(self.team_id),
            success=None if self.status is None else self.status is RequestStatus.SUCCESS,
            deployment_id=_str(self.deployment_id),
            since=self.since,
            until=self.until,
        )


@strawberry.type
class RequestLogAttempt:
    deployment_id: strawberry.ID
    status: str
    error_kind: str | None
    latency_ms: float
    provider_latency_ms: float | None = strawberry.field(
        default=None,
        description="The provider's part of latencyMs (its HTTP request sent to its answer); "
        "the rest is the gateway's own time. null: no provider call was timed (a mock, a "
        "refused call, a streamed answer, or logged before this was recorded)",
    )


@strawberry.type
class RequestLogEntry:
    request_id: strawberry.ID
    started_at: datetime
    routing_group_id: strawberry.ID
    routing_group_name: str
    key_id: strawberry.ID | None
    team_id: strawberry.ID | None
    deployment_id: strawberry.ID | None
    success: bool
    status_code: int
    attempts: list[RequestLogAttempt]
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    streamed: bool
    error_message: str | None
    messages_json: str | None = strawberry.field(
        description="The request's messages and the answer, as JSON; only with LOG_MESSAGES=true."
    )

    @classmethod
    def from_entry(cls, e: LogEntry) -> RequestLogEntry:
        return cls(
            request_id=strawberry.ID(e.request_id),
            started_at=e.started_at,
            routing_group_id=strawberry.ID(e.routing_group_id),
            routing_group_name=e.routing_group_name,
            key_id=_id(e.key_id),
            team_id=_id(e.team_id),
            deployment_id=_id(e.deployment_id),
            success=e.success,
            status_code=e.status_code,
            attempts=[
                RequestLogAttempt(
                    deployment_id=strawberry.ID(str(a.get("deploymentId"))),
                    status=str(a.get("status")),
                    error_kind=a.get("errorKind"),
                    latency_ms=float(a.get("latencyMs") or 0.0),
                    provider_latency_ms=_float(a.get("providerLatencyMs")),
                )
                for a in e.attempts
            ],
            latency_ms=e.latency_ms,
            prompt_tokens=e.prompt_tokens,
            completion_tokens=e.completion_tokens,
            cost_usd=e.cost_usd,
            streamed=e.streamed,
            error_message=e.error_message,
            messages_json=None if e.messages is None else json.dumps(e.messages),
        )


@strawberry.type
class RequestLogPage:
    items: list[RequestLogEntry]
    total: int
    page: int
    size: int

    @classmethod
    def from_page(cls, page: LogPage) -> RequestLogPage:
        return cls(
            items=[RequestLogEntry.from_entry(e) for e in page.items],
            total=page.total,
            page=page.page,
            size=page.size,
        )


@strawberry.type
class SpendRow:
    group_by: SpendGroupBy
    id: strawberry.ID | None = strawberry.field(
        description="The key, team or group id; null for the master key or keys without a team."
    )
    name: str | None
    requests: int
    failures: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float

    @classmethod
    def from_total(cls, by: SpendGroupBy, total: SpendTotal, name: str | None) -> SpendRow:
        return cls(
            group_by=by,
            id=_id(total.subject_id),
            name=name,
            requests=total.requests,
            failures=total.failures,
            prompt_tokens=total.prompt_tokens,
            completion_tokens=total.completion_tokens,
            cost_usd=total.cost_usd,
        )


def _id(value: str | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(value)


def _str(value: strawberry.ID | None) -> str | None:
    return None if value is None else str(value)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
