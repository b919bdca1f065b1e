"""A simulation's input as it is saved with the run: the GraphQL input's names, so History can
show it and run it again as it was (draft included)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from gql_server.core.domain.errors import FieldError, ValidationError
from gql_server.core.domain.scenario import SimulationClock
from gql_server.core.simulation.latency_defaults import (
    RECORDED_WINDOW,
    with_latency_defaults,
    with_overhead_default,
)
from gql_server.core.simulation.request import SimulationRequest, frozen_clock_errors
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.services.ports import RequestLogQuery, UnitOfWorkFactory

MAX_INCIDENTS_PER_KEY = 100  # the master key: as many as validation allows

# RoutingGroupPatch's names for the domain fields a draft may change
_PATCH_NAMES = {
    "name": "routingGroupName",
    "description": "description",
    "strategy": "routingStrategy",
    "deployments": "deployments",
    "retry": "retryConfig",
    "cooldown": "cooldownConfig",
    "settings": "settings",
    "assigned_team_ids": "assignedTeamIds",
    "assigned_key_ids": "assignedKeyIds",
    "is_active": "isActive",
}


RECORDED_SAMPLE_LIMIT = 5_000  # the newest requests read for latency and overhead defaults


async def recorded_attempts(uow_factory: UnitOfWorkFactory, now: datetime) -> list[dict[str, Any]]:
    """The attempts of the newest requests in the last hour of the request log (every group's
    traffic: a deployment is one provider endpoint, whichever group called it)."""
    query = RequestLogQuery(since=now - RECORDED_WINDOW)
    async with uow_factory() as uow:
        entries, _ = await uow.request_log.page(query, 0, RECORDED_SAMPLE_LIMIT)
    return [attempt for entry in entries for attempt in entry.attempts]


def recorded_latencies(
    attempts: Iterable[Mapping[str, Any]], model_ids: Collection[str]
) -> dict[str, list[float]]:
    """Successful attempt latencies per deployment: the provider's part where it was timed
    (a run adds the gateway's overhead on top), else the whole attempt."""
    found: defaultdict[str, list[float]] = defaultdict(list)
    for attempt in attempts:
        model_id = attempt.get("deploymentId")
        latency = attempt.get("providerLatencyMs")
        if not isinstance(latency, int | float):
            latency = attempt.get("latencyMs")
        if (
            model_id in model_ids
            and attempt.get("status") == "SUCCESS"
            and isinstance(latency, int | float)
        ):
            found[str(model_id)].append(float(latency))
    return dict(found)


def recorded_overheads(
    attempts: Iterable[Mapping[str, Any]], model_ids: Collection[str]
) -> list[float]:
    """The gateway's own time in each attempt on `model_ids` that timed its provider (the
    attempt's latency minus the provider's), answered or failed."""
    found: list[float] = []
    for attempt in attempts:
        latency, provider = attempt.get("latencyMs"), attempt.get("providerLatencyMs")
        if (
            attempt.get("deploymentId") in model_ids
            and isinstance(latency, int | float)
            and isinstance(provider, int | float)
        ):
            found.append(float(latency) - float(provider))
    return found


async def settled(
    request: SimulationRequest,
    members: set[str],
    uow_factory: UnitOfWorkFactory,
    now: datetime,
    *,
    overhead_members: Collection[str] | None = None,
) -> SimulationRequest:
    """The request with what it left open decided now, so the run, its summary and its saved
    input all say the same: where its clock starts, each deployment's latency, and the gateway's
    overhead: the median measured in the recorded attempts on `overhead_members` (default
    `members`; a draft's run passes the saved group's, so a comparison differs only by the
    draft) in the last hour, or a replay's in its window; else 0. A real run meets the
    gateway's own overhead for real: 0 unless given. Refused (ValidationError) when its virtual
    clock could never advance."""
    if request.resolved_clock is SimulationClock.VIRTUAL:
        request = request.started(now)
    if request.replay is not None:  # a replay meets its window's own behaviour
        request = with_overhead_default(request, request.replay.overheads_ms())
    elif request.mock:
        attempts = await recorded_attempts(uow_factory, now)
        latencies = recorded_latencies(attempts, members)
        request = with_latency_defaults(request, members, latencies)
        overheads = recorded_overheads(attempts, overhead_members or members)
        request = with_overhead_default(request, overheads)
    else:
        request = with_overhead_default(request, ())
    frozen = frozen_clock_errors(request, members)
    if frozen:
        raise ValidationError(frozen)
    return request


def scoped_to(request: SimulationRequest, model_ids: Collection[str]) -> SimulationRequest:
    """The request with only the injection and incident rules that name a deployment in
    `model_ids` (a draft may remove one the scenario names: its rules then have no subject)."""
    plan = request.plan
    return dataclasses.replace(
        request,
        plan=dataclasses.replace(
            plan,
            failures={m: r for m, r in plan.failures.items() if m in model_ids},
            latency={m: r for m, r in plan.latency.items() if m in model_ids},
        ),
        incidents=tuple(i for i in request.incidents if i.model_id in model_ids),
    )


def within_key_caps(request: SimulationRequest, cap_s: float) -> SimulationRequest:
    """A non-master key's run: at most MAX_INCIDENTS_PER_KEY incidents and `cap_s` of simulated
    time (traffic longer than that is refused; any other shape stops itself there, with
    `stoppedReason` saying so), so one key cannot hold a simulation slot for hours."""
    errors: list[FieldError] = []
    traffic = request.traffic
    if traffic is not None and traffic.duration_seconds > cap_s:
        errors.append(
            FieldError(
                "traffic.durationSeconds",
                f"a simulation by this key may cover at most {cap_s:,.0f} simulated seconds",
            )
        )
    if len(request.incidents) > MAX_INCIDENTS_PER_KEY:
        errors.append(
            FieldError(
                "incidents",
                f"a simulation by this key may have at most {MAX_INCIDENTS_PER_KEY} incidents",
            )
        )
    if errors:
        raise ValidationError(errors)
    return dataclasses.replace(request, max_simulated_s=min(cap_s, request.max_simulated_s))


def expected_total(request: SimulationRequest) -> int:
    """How many requests the run will make (what progress events report as `total`; for
    POISSON traffic the expected number)."""
    if request.replay is not None:
        return len(request.replay.requests)
    if request.traffic is not None:
        return round(request.traffic.expected_requests())
    return request.num_requests


def request_to_json(
    request: SimulationRequest, draft: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    plan = request.plan
    defaulted = {s.deployment_id for s in request.latency_sources if s.origin != "INPUT"}
    out: dict[str, Any] = {
        "numRequests": request.num_requests,
        "concurrency": request.concurrency,
        "mock": request.mock,
        "seed": request.seed,
        "failureInjection": [
            {
                "modelId": m,
                "failureRate": r.failure_rate,
                "errorKind": r.error_kind.value,
                **_given("retryAfterSeconds", r.retry_after_s),
            }
            for m, r in plan.failures.items()
        ],
        "latency": [  # as given: the defaults a run took are in its summary's latencySources
            {"modelId": m, "meanMs": r.mean_ms, "jitterMs": r.jitter_ms}
            for m, r in plan.latency.items()
            if m not in defaulted
        ],
    }
    if request.messages is not None:
        out["messages"] = [dict(m) for m in request.messages]
    if request.clock is not None:
        out["clock"] = request.clock.value
    if request.traffic is not None:
        traffic = request.traffic
        out["traffic"] = {
            "ratePerSecond": traffic.rate_per_second,
            "durationSeconds": traffic.duration_seconds,
            "pattern": traffic.pattern.value,
            **_given("promptTokens", traffic.prompt_tokens),
            **_given("completionTokens", traffic.completion_tokens),
        }
    if request.incidents:
        out["incidents"] = [
            {
                "modelId": i.model_id,
                "startSeconds": i.start_s,
                "endSeconds": i.end_s,
                "failureRate": i.failure_rate,
                "errorKind": i.error_kind.value,
                "addedLatencyMs": i.added_latency_ms,
                **_given("retryAfterSeconds", i.retry_after_s),
            }
            for i in request.incidents
        ]
    if request.timeline_bucket_s is not None:
        out["timelineBucketSeconds"] = request.timeline_bucket_s
    window = request.replay_window
    if window is not None:  # the window, never what was read from it
        out["replay"] = {
            "from": window.start.isoformat(),
            "to": window.end.isoformat(),
            "keyId": window.key_id,
            "teamId": window.team_id,
        }
    if request.start_at is not None:
        out["startAt"] = request.start_at.isoformat()
    if request.gateway_overhead_ms is not None:
        out["gatewayOverheadMs"] = request.gateway_overhead_ms
    if draft:
        out["draft"] = draft_to_json(draft)
    return out


def summary_to_json(summary: SimulationSummary) -> dict[str, Any]:
    """The summary as it is saved: plain JSON (times as ISO 8601 text)."""
    saved: dict[str, Any] = _json_safe(dataclasses.asdict(summary))
    return saved


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _given(name: str, value: object) -> dict[str, Any]:
    """{name: value} when the input gave the optional value, else nothing (kept as asked)."""
    return {} if value is None else {name: value}


def draft_to_json(draft: Mapping[str, Any]) -> dict[str, Any]:
    """Domain changes (as `RoutingGroupPatch.changes()` makes them) in the patch's names."""
    return {_PATCH_NAMES.get(k, k): _patch_value(v) for k, v in draft.items()}


def _patch_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {_camel(k): v for k, v in value.model_dump(mode="json").items()}
    if isinstance(value, tuple | list):
        return [_patch_value(v) for v in value]
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
