"""Read a window of the request log as a replay's inputs (core.domain.replay), checked first.

Scoping: the master key reads any key's and team's rows; a key in a team reads its team's; a
key without a team only its own. The window's own keyId/teamId narrow that further and never
widen it. The deployments' behaviour comes from the same rows' attempts (any group of that
scope), so a replay never reads a row its caller could not page through in the request log.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.errors import FieldError, ValidationError
from gql_server.core.domain.models import ErrorKind, RoutingGroup
from gql_server.core.domain.replay import (
    NEAREST_ELSEWHERE,
    RecordedAttempt,
    RecordedRequest,
    ReplaySource,
    ReplayWindow,
)
from gql_server.core.domain.scenario import (
    DEFAULT_TIMELINE_BUCKETS,
    MAX_SIMULATED_REQUESTS,
    MAX_SIMULATED_SECONDS,
    MAX_TIMELINE_BUCKETS,
)
from gql_server.core.simulation.replay import recorded_timeline as timeline_of
from gql_server.core.simulation.stats import TimelineBucket
from gql_server.services.ports import (
    LoggedAttempt,
    RequestLogEntry,
    RequestLogQuery,
    UnitOfWorkFactory,
)

_NOWHERE = "-"  # a key id no row has: a scope that cannot match


def scoped_query(who: Principal, group_id: str, window: ReplayWindow) -> RequestLogQuery:
    key_id, team_id = window.key_id, window.team_id
    if not who.is_admin:
        if who.team_id is not None:
            if team_id not in (None, who.team_id):
                key_id = _NOWHERE
            team_id = who.team_id
        else:
            if key_id not in (None, who.key_id) or team_id is not None:
                key_id = _NOWHERE
            key_id = key_id if key_id == _NOWHERE else (who.key_id or _NOWHERE)
    return RequestLogQuery(
        group_id=group_id, key_id=key_id, team_id=team_id, since=window.start, until=window.end
    )


def window_errors(window: ReplayWindow, now: datetime, retention: timedelta) -> list[FieldError]:
    if window.end <= window.start:
        return [FieldError("replay.to", "must be after replay.from (the window is empty)")]
    errors = []
    oldest = now - retention
    if window.start < oldest:
        errors.append(
            FieldError(
                "replay.from",
                f"is past the request log's retention ({retention.total_seconds() / 86400:g} "
                f"days): the oldest replayable moment is {oldest.isoformat(timespec='seconds')}",
            )
        )
    if window.duration_s > MAX_SIMULATED_SECONDS:
        errors.append(FieldError("replay.to", "a replay covers at most 24 hours"))
    return errors


async def load_replay(
    uow: UnitOfWorkFactory,
    who: Principal,
    group_id: str,
    window: ReplayWindow,
    deployment_ids: Collection[str],
    *,
    now: datetime,
    retention: timedelta,
) -> ReplaySource:
    """The window's requests and behaviour; ValidationError (naming which) for an empty
    window, one past retention, or one over MAX_SIMULATED_REQUESTS requests."""
    errors = window_errors(window, now, retention)
    if errors:
        raise ValidationError(errors)
    query = scoped_query(who, group_id, window)
    async with uow() as session:
        count = await session.request_log.count(query)
        if count == 0:
            raise ValidationError(
                [FieldError("replay", "the window holds no recorded request of this group")]
            )
        if count > MAX_SIMULATED_REQUESTS:
            raise ValidationError(
                [
                    FieldError(
                        "replay",
                        f"the window holds {count:,} requests; a replay may hold at most "
                        f"{MAX_SIMULATED_REQUESTS:,}: choose a shorter window",
                    )
                ]
            )
        entries = await session.request_log.in_order(query)
        scope = RequestLogQuery(key_id=query.key_id, team_id=query.team_id)
        in_window = RequestLogQuery(
            key_id=query.key_id, team_id=query.team_id, since=window.start, until=window.end
        )
        logged = await session.request_log.attempts(in_window, _all(entries, deployment_ids))
        behaviour: dict[str, list[RecordedAttempt]] = {}
        for attempt in logged:
            behaviour.setdefault(attempt.deployment_id, []).append(_recorded(attempt, window))
        elsewhere: dict[str, tuple[RecordedAttempt, ...]] = {}
        middle = window.start + (window.end - window.start) / 2
        for deployment_id in deployment_ids:
            if deployment_id not in behaviour:
                near = await session.request_log.attempts_nearest(
                    scope, deployment_id, middle, NEAREST_ELSEWHERE
                )
                elsewhere[deployment_id] = tuple(_recorded(a, window) for a in near)
    return ReplaySource(
        window,
        recorded_requests(entries, window),
        {d: tuple(a) for d, a in behaviour.items()},
        {d: a for d, a in elsewhere.items() if a},
    )


async def recorded_timeline(
    uow: UnitOfWorkFactory,
    who: Principal,
    group: RoutingGroup,
    window: ReplayWindow,
    bucket_s: float | None,
    *,
    now: datetime,
    retention: timedelta,
) -> list[TimelineBucket]:
    """The window of the group's log as the simulator's timeline (empty buckets when nothing
    was recorded); ValidationError for a window past retention or too many buckets."""
    errors = window_errors(window, now, retention)
    width = bucket_s if bucket_s is not None else window.duration_s / DEFAULT_TIMELINE_BUCKETS
    if not errors and not (math.isfinite(width) and width > 0):
        errors.append(FieldError("bucketSeconds", "must be above 0"))
    elif not errors and window.duration_s / width > MAX_TIMELINE_BUCKETS:
        errors.append(
            FieldError("bucketSeconds", f"gives more than {MAX_TIMELINE_BUCKETS:,} buckets")
        )
    if errors:
        raise ValidationError(errors)
    async with uow() as session:
        entries = await session.request_log.in_order(scoped_query(who, group.group_id, window))
    source = ReplaySource(window, recorded_requests(entries, window))
    return timeline_of(source, [d.model_id for d in group.deployments], width)


def recorded_requests(
    entries: list[RequestLogEntry], window: ReplayWindow
) -> tuple[RecordedRequest, ...]:
    return tuple(
        RecordedRequest(
            at_s=(e.started_at - window.start).total_seconds(),
            prompt_tokens=e.prompt_tokens,
            completion_tokens=e.completion_tokens,
            final_deployment_id=e.deployment_id if e.success else None,
            latency_ms=e.latency_ms,
            cost_usd=e.cost_usd,
            attempts=tuple(_from_json(a, e.started_at, window) for a in e.attempts),
        )
        for e in entries
    )


def _all(entries: list[RequestLogEntry], deployment_ids: Collection[str]) -> set[str]:
    """The group's deployments and every deployment the window's requests tried."""
    found = set(deployment_ids)
    for entry in entries:
        found.update(str(attempt.get("deploymentId")) for attempt in entry.attempts)
    return found


def _kind(value: object) -> ErrorKind | None:
    if value is None:
        return None
    try:
        return ErrorKind(str(value))
    except ValueError:
        return ErrorKind.SERVER_ERROR


def _recorded(attempt: LoggedAttempt, window: ReplayWindow) -> RecordedAttempt:
    return RecordedAttempt(
        deployment_id=attempt.deployment_id,
        at_s=(attempt.started_at - window.start).total_seconds(),
        latency_ms=attempt.latency_ms,
        error_kind=_kind(attempt.error_kind),
        retry_after_s=attempt.retry_after_seconds,
        provider_latency_ms=attempt.provider_latency_ms,
    )


def _from_json(
    attempt: dict[str, Any], started_at: datetime, window: ReplayWindow
) -> RecordedAttempt:
    offset_ms = attempt.get("startedAtMs")
    retry_after = attempt.get("retryAfterSeconds")
    latency = attempt.get("latencyMs")
    provider = attempt.get("providerLatencyMs")
    at = started_at + timedelta(
        milliseconds=float(offset_ms) if isinstance(offset_ms, int | float) else 0.0
    )
    failed = attempt.get("status") != "SUCCESS"
    return RecordedAttempt(
        deployment_id=str(attempt.get("deploymentId")),
        at_s=(at - window.start).total_seconds(),
        latency_ms=float(latency) if isinstance(latency, int | float) else 0.0,
        error_kind=(_kind(attempt.get("errorKind")) or ErrorKind.SERVER_ERROR) if failed else None,
        retry_after_s=float(retry_after) if isinstance(retry_after, int | float) else None,
        provider_latency_ms=float(provider) if isinstance(provider, int | float) else None,
    )
