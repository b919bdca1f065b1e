"""Input types and their translation to domain objects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import strawberry

from gql_server.core.domain import models
from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.rate_limits import AccessLimits
from gql_server.core.domain.replay import ReplayWindow
from gql_server.core.domain.scenario import Incident, TrafficSpec
from gql_server.core.simulation.request import SimulationRequest
from schema.enums import ErrorKind, RoutingStrategy, SimulationClock, TrafficPattern

T = TypeVar("T")

_DEFAULT_RETRY = models.RetryConfig()
_DEFAULT_COOLDOWN = models.CooldownConfig()
_DEFAULT_SETTINGS = models.GroupSettings()


@strawberry.input
class RoutingGroupDeploymentInput:
    model_id: strawberry.ID
    priority: int | None = None
    weight: int | None = None
    display_name: str | None = None

    def to_domain(self) -> models.GroupDeployment:
        return models.GroupDeployment(
            model_id=str(self.model_id),
            priority=self.priority,
            weight=self.weight,
            display_name=self.display_name,
        )


@strawberry.input
class RetryConfigInput:
    num_retries: int = _DEFAULT_RETRY.num_retries

    def to_domain(self) -> models.RetryConfig:
        return models.RetryConfig(num_retries=self.num_retries)


@strawberry.input
class CooldownConfigInput:
    allowed_fails: int = _DEFAULT_COOLDOWN.allowed_fails
    cooldown_time_seconds: float = _DEFAULT_COOLDOWN.cooldown_time_seconds

    def to_domain(self) -> models.CooldownConfig:
        return models.CooldownConfig(
            allowed_fails=self.allowed_fails, cooldown_time_seconds=self.cooldown_time_seconds
        )


@strawberry.input
class RoutingGroupSettingsInput:
    max_fallbacks: int = _DEFAULT_SETTINGS.max_fallbacks
    timeout_seconds: float | None = None

    def to_domain(self) -> models.GroupSettings:
        return models.GroupSettings(
            max_fallbacks=self.max_fallbacks, timeout_seconds=self.timeout_seconds
        )


@strawberry.input
class RoutingGroupInput:
    routing_group_name: str
    routing_strategy: RoutingStrategy
    deployments: list[RoutingGroupDeploymentInput]
    description: str | None = None
    retry_config: RetryConfigInput | None = None
    cooldown_config: CooldownConfigInput | None = None
    settings: RoutingGroupSettingsInput | None = None
    assigned_team_ids: list[strawberry.ID] | None = None
    assigned_key_ids: list[strawberry.ID] | None = None
    is_active: bool | None = True

    def to_domain(self) -> models.RoutingGroupSpec:
        return models.RoutingGroupSpec(
            name=self.routing_group_name.strip(),
            description=self.description,
            strategy=models.Strategy(self.routing_strategy),
            deployments=tuple(d.to_domain() for d in self.deployments),
            retry=(self.retry_config or RetryConfigInput()).to_domain(),
            cooldown=(self.cooldown_config or CooldownConfigInput()).to_domain(),
            settings=(self.settings or RoutingGroupSettingsInput()).to_domain(),
            assigned_team_ids=tuple(str(t) for t in self.assigned_team_ids or ()),
            assigned_key_ids=tuple(str(k) for k in self.assigned_key_ids or ()),
            is_active=True if self.is_active is None else self.is_active,
        )


@strawberry.input(description="Only the fields given change; the rest stay as they are.")
class RoutingGroupPatch:
    routing_group_name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    routing_strategy: RoutingStrategy | None = strawberry.UNSET
    deployments: list[RoutingGroupDeploymentInput] | None = strawberry.UNSET
    retry_config: RetryConfigInput | None = strawberry.UNSET
    cooldown_config: CooldownConfigInput | None = strawberry.UNSET
    settings: RoutingGroupSettingsInput | None = strawberry.UNSET
    assigned_team_ids: list[strawberry.ID] | None = strawberry.UNSET
    assigned_key_ids: list[strawberry.ID] | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET

    def changes(self) -> dict[str, Any]:
        """Domain field -> new value, for the fields that were given (null clears description)."""
        out: dict[str, Any] = {}
        if (name := _given(self.routing_group_name)) is not None:
            out["name"] = name.strip()
        if self.description is not strawberry.UNSET:
            out["description"] = self.description
        if (strategy := _given(self.routing_strategy)) is not None:
            out["strategy"] = models.Strategy(strategy)
        if (deployments := _given(self.deployments)) is not None:
            out["deployments"] = tuple(d.to_domain() for d in deployments)
        if (retry := _given(self.retry_config)) is not None:
            out["retry"] = retry.to_domain()
        if (cooldown := _given(self.cooldown_config)) is not None:
            out["cooldown"] = cooldown.to_domain()
        if (settings := _given(self.settings)) is not None:
            out["settings"] = settings.to_domain()
        if (teams := _given(self.assigned_team_ids)) is not None:
            out["assigned_team_ids"] = tuple(str(t) for t in teams)
        if (keys := _given(self.assigned_key_ids)) is not None:
            out["assigned_key_ids"] = tuple(str(k) for k in keys)
        if (active := _given(self.is_active)) is not None:
            out["is_active"] = active
        return out


def _given(value: T | None) -> T | None:
    """None for a field that was left out (UNSET) or given as null."""
    return None if value is strawberry.UNSET else value


@strawberry.input(description="apiKey is write-only: it is stored and never returned.")
class DeploymentInput:
    model_id: strawberry.ID
    model_name: str = strawberry.field(description="The litellm model, e.g. openai/gpt-4o")
    provider: str | None = None
    display_name: str | None = None
    api_base: str | None = None
    api_key: str | None = None
    rpm: int | None = None
    tpm: int | None = None
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    public_model_name: str | None = None
    mock_response: str | None = strawberry.field(
        default=None, description="Answer with this text instead of calling the provider"
    )

    def to_domain(self) -> models.Deployment:
        extra = {"mock_response": self.mock_response} if self.mock_response is not None else {}
        return models.Deployment(
            model_id=str(self.model_id).strip(),
            model_name=self.public_model_name or self.model_name,
            litellm_model=self.model_name.strip(),
            provider=self.provider or models.provider_of(self.model_name),
            display_name=self.display_name,
            api_base=self.api_base,
            api_key=self.api_key,
            rpm=self.rpm,
            tpm=self.tpm,
            input_cost_per_token=self.input_cost_per_token,
            output_cost_per_token=self.output_cost_per_token,
            extra_params=extra,
        )


@strawberry.input(description="Per-key or per-team limits; null means not limited.")
class AccessLimitsInput:
    rpm_limit: int | None = strawberry.field(
        default=None, description="Gateway (/v1) requests per minute"
    )
    tpm_limit: int | None = strawberry.field(
        default=None, description="Gateway (/v1) tokens per minute"
    )
    max_simulations: int | None = strawberry.field(
        default=None, description="Simulations running at once"
    )
    max_real_requests: int | None = strawberry.field(
        default=None, description="Requests one real-mode simulation may send"
    )

    def to_domain(self) -> AccessLimits:
        return AccessLimits(
            rpm_limit=self.rpm_limit,
            tpm_limit=self.tpm_limit,
            max_simulations=self.max_simulations,
            max_real_requests=self.max_real_requests,
        )


@strawberry.input
class TeamInput:
    team_alias: str
    limits: AccessLimitsInput | None = None


@strawberry.input
class GenerateKeyInput:
    key_alias: str | None = None
    team_id: strawberry.ID | None = None
    limits: AccessLimitsInput | None = None


@strawberry.input
class ChatMessageInput:
    role: str
    content: str


@strawberry.input
class DeploymentFailureInput:
    model_id: strawberry.ID
    failure_rate: float
    error_kind: ErrorKind = models.ErrorKind.SERVER_ERROR
    retry_after_seconds: float | None = strawberry.field(
        default=None,
        description="The failures carry a Retry-After header of this many seconds (whole "
        "seconds, rounded up), as a provider's 429 does: litellm cools the deployment down and "
        "sleeps retries for as long",
    )

    def to_domain(self) -> tuple[str, FailureRule]:
        return str(self.model_id), FailureRule(
            self.failure_rate, models.ErrorKind(self.error_kind), self.retry_after_seconds
        )


@strawberry.input
class DeploymentLatencyInput:
    model_id: strawberry.ID
    mean_ms: float
    jitter_ms: float = 0.0

    def to_domain(self) -> tuple[str, LatencyRule]:
        return str(self.model_id), LatencyRule(self.mean_ms, self.jitter_ms)


@strawberry.input(
    description="Open-loop traffic: requests start on schedule, whatever is in flight."
)
class TrafficInput:
    rate_per_second: float
    duration_seconds: float
    pattern: TrafficPattern = TrafficPattern.CONSTANT
    prompt_tokens: int | None = strawberry.field(
        default=None, description="Mean prompt tokens a request sends; null: 500"
    )
    completion_tokens: int | None = strawberry.field(
        default=None, description="Mean completion tokens an answer has; null: 200"
    )

    def to_domain(self) -> TrafficSpec:
        return TrafficSpec(
            self.rate_per_second,
            self.duration_seconds,
            self.pattern,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
        )


@strawberry.input(
    description="A time window (simulated seconds since the start) in which a deployment fails "
    "and/or slows down, on top of failureInjection/latency; overlapping windows combine."
)
class IncidentInput:
    model_id: strawberry.ID
    start_seconds: float
    end_seconds: float
    failure_rate: float = 1.0
    error_kind: ErrorKind = models.ErrorKind.SERVER_ERROR
    added_latency_ms: float = 0.0
    retry_after_seconds: float | None = strawberry.field(
        default=None,
        description="The window's failures carry a Retry-After header of this many seconds, "
        "as a provider's 429 does",
    )

    def to_domain(self) -> Incident:
        return Incident(
            model_id=str(self.model_id),
            start_s=self.start_seconds,
            end_s=self.end_seconds,
            failure_rate=self.failure_rate,
            error_kind=models.ErrorKind(self.error_kind),
            added_latency_ms=self.added_latency_ms,
            retry_after_s=self.retry_after_seconds,
        )


@strawberry.input(description="A window of the group's request log to replay")
class ReplayInput:
    from_: datetime = strawberry.field(name="from")
    to: datetime
    key_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this key's requests (within what the caller may read)"
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this team's requests (within what the caller may read)"
    )

    def to_domain(self) -> ReplayWindow:
        return ReplayWindow(
            start=_utc(self.from_),
            end=_utc(self.to),
            key_id=None if self.key_id is None else str(self.key_id),
            team_id=None if self.team_id is None else str(self.team_id),
        )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@strawberry.input
class SimulationInput:
    num_requests: int = strawberry.field(
        default=0, description="Closed loop: how many requests (0 when traffic is set)"
    )
    concurrency: int = strawberry.field(
        default=0, description="Closed loop: requests in flight at once (0 when traffic is set)"
    )
    mock: bool = True
    seed: int | None = None
    failure_injection: list[DeploymentFailureInput] | None = None
    latency: list[DeploymentLatencyInput] | None = None
    messages: list[ChatMessageInput] | None = None
    clock: SimulationClock | None = strawberry.field(
        default=None, description="null: VIRTUAL when mock, WALL when real"
    )
    traffic: TrafficInput | None = None
    incidents: list[IncidentInput] | None = None
    draft: RoutingGroupPatch | None = strawberry.field(
        default=None,
        description="What-if: simulate the group with these unsaved changes applied "
        "(validated like updateRoutingGroup; nothing is saved)",
    )
    timeline_bucket_seconds: float | None = strawberry.field(
        default=None, description="null: chosen so the run has about 60 buckets"
    )
    replay: ReplayInput | None = strawberry.field(
        default=None,
        description="Replay this window of the group's request log on the virtual clock (open "
        "loop on the recorded arrivals; excludes traffic and numRequests; never calls a provider)",
    )
    start_at: datetime | None = strawberry.field(
        default=None,
        description="The wall time the run's clock starts at (rpm/tpm windows are calendar "
        "minutes, so where in its minute a run starts matters); virtual clock only. null: the "
        "replay window's start when replaying, else now",
    )
    gateway_overhead_ms: float | None = strawberry.field(
        default=None,
        description="Added to every attempt's latency: the gateway's own time around a "
        "provider's answer. null: the median overhead measured in this group's recorded "
        "attempts (each one's time minus its provider's; the last hour, or the replay window), "
        "else 0; 0 for a real run",
    )

    def draft_changes(self) -> dict[str, Any] | None:
        return None if self.draft is None else self.draft.changes()

    def to_params(self) -> SimulationRequest:
        return SimulationRequest(
            num_requests=self.num_requests,
            concurrency=self.concurrency,
            mock=self.mock,
            seed=self.seed,
            plan=InjectionPlan(
                failures=dict(f.to_domain() for f in self.failure_injection or ()),
                latency=dict(item.to_domain() for item in self.latency or ()),
                seed=self.seed,
            ),
            messages=(
                tuple({"role": m.role, "content": m.content} for m in self.messages)
                if self.messages
                else None
            ),
            clock=self.clock,
            traffic=self.traffic.to_domain() if self.traffic is not None else None,
            incidents=tuple(i.to_domain() for i in self.incidents or ()),
            timeline_bucket_s=self.timeline_bucket_seconds,
            replay_window=self.replay.to_domain() if self.replay is not None else None,
            start_at=self.start_at,
            gateway_overhead_ms=self.gateway_overhead_ms,
        )
