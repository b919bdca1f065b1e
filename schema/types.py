"""Output types. Each maps from a domain object; none exposes a secret."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON

from gql_server.auth import Principal
from gql_server.core.domain import models
from gql_server.core.domain.group_diff import group_diff
from gql_server.core.domain.traces import AttemptTrace, RequestTrace
from gql_server.services.access.key_cache import Propagation
from gql_server.services.ports import ApiKeyRecord, Revision
from gql_server.services.ports import Team as TeamRecord
from schema.context import Info
from schema.enums import ErrorKind, RoutingStrategy, TraceStatus

if TYPE_CHECKING:
    from schema.operations.live_traffic import DeploymentHealth
    from schema.simulation_types import TimelineBucket


@strawberry.type(description="A model deployment from the registry. Never carries an API key.")
class Deployment:
    model_id: strawberry.ID
    model_name: str = strawberry.field(description="The litellm model, e.g. nebius/meta-llama/...")
    public_model_name: str = strawberry.field(description="The config's model_name alias")
    provider: str
    display_name: str | None
    api_base: str | None
    rpm: int | None
    tpm: int | None
    input_cost_per_token: float | None
    output_cost_per_token: float | None
    mock: bool = strawberry.field(description="Answers with a mock response, never a provider")

    @classmethod
    def from_domain(cls, d: models.Deployment, *, show_api_base: bool = True) -> Deployment:
        """`show_api_base` is for the master key only: a team key sees no provider endpoints."""
        api_base = d.api_base if show_api_base else None
        return cls(
            model_id=strawberry.ID(d.model_id),
            model_name=d.litellm_model,
            public_model_name=d.model_name,
            provider=d.provider,
            display_name=d.display_name,
            # A literal api_base is fine to show; an env reference shows as the reference.
            api_base=api_base,
            rpm=d.rpm,
            tpm=d.tpm,
            input_cost_per_token=_finite_or_none(d.input_cost_per_token),
            output_cost_per_token=_finite_or_none(d.output_cost_per_token),
            mock=d.has_mock_response,
        )


@strawberry.type
class RoutingGroupDeployment:
    model_id: strawberry.ID
    model_name: str
    provider: str
    priority: int | None
    weight: int | None
    display_name: str | None


@strawberry.type
class RetryConfig:
    num_retries: int


@strawberry.type
class CooldownConfig:
    allowed_fails: int
    cooldown_time_seconds: float


@strawberry.type
class RoutingGroupSettings:
    max_fallbacks: int
    timeout_seconds: float | None


@strawberry.type
class RoutingGroup:
    routing_group_id: strawberry.ID
    routing_group_name: str
    description: str | None
    routing_strategy: RoutingStrategy
    deployments: list[RoutingGroupDeployment]
    retry_config: RetryConfig
    cooldown_config: CooldownConfig
    settings: RoutingGroupSettings
    assigned_team_ids: list[strawberry.ID]
    assigned_key_ids: list[strawberry.ID]
    is_active: bool
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    @strawberry.field(
        description="Each deployment's state now: cooldown, rpm/tpm used, last minute of "
        "traffic (shared across instances when REDIS_URL is set). Empty when not live."
    )
    async def health(
        self, info: Info
    ) -> list[Annotated[DeploymentHealth, strawberry.lazy("schema.operations.live_traffic")]]:
        from schema.operations.live_traffic import DeploymentHealth

        states = await info.context.services.live_traffic.health(str(self.routing_group_id))
        return [DeploymentHealth.from_domain(h) for h in states]

    @strawberry.field(
        description="The request log over [from, to) as the simulator's timeline (requests, "
        "attempts, failures and p50 latency per deployment per bucket; no cooldown bands)"
    )
    async def recorded(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        bucket_seconds: float | None = None,
    ) -> list[Annotated[TimelineBucket, strawberry.lazy("schema.simulation_types")]]:
        from schema.inputs import ReplayInput
        from schema.simulation_types import TimelineBucket

        window = ReplayInput(from_=from_, to=to).to_domain()
        buckets = await info.context.services.simulations.recorded(
            info.context.who, str(self.routing_group_id), window, bucket_seconds
        )
        return [TimelineBucket.from_dict(dataclasses.asdict(b)) for b in buckets]

    @classmethod
    def from_domain(
        cls, g: models.RoutingGroup, registry: dict[str, models.Deployment]
    ) -> RoutingGroup:
        return cls(
            routing_group_id=strawberry.ID(g.group_id),
            routing_group_name=g.name,
            description=g.description,
            routing_strategy=g.strategy,
            deployments=[_member(d, registry.get(d.model_id)) for d in g.deployments],
            retry_config=RetryConfig(num_retries=g.retry.num_retries),
            cooldown_config=CooldownConfig(
                allowed_fails=g.cooldown.allowed_fails,
                cooldown_time_seconds=_finite_or(
                    g.cooldown.cooldown_time_seconds, models.MAX_COOLDOWN_SECONDS
                ),
            ),
            settings=RoutingGroupSettings(
                max_fallbacks=g.settings.max_fallbacks,
                timeout_seconds=_finite_or_none(g.settings.timeout_seconds),
            ),
            assigned_team_ids=[strawberry.ID(t) for t in g.assigned_team_ids],
            assigned_key_ids=[strawberry.ID(k) for k in g.assigned_key_ids],
            is_active=g.is_active,
            version=g.version,
            created_at=g.created_at,
            created_by=g.created_by,
            updated_at=g.updated_at,
            updated_by=g.updated_by,
        )


def _finite_or(value: float, fallback: float) -> float:
    """Rows written before the bounds existed may hold infinity, which no Float can carry: one
    such group must not turn a whole list into `data: null`."""
    return value if math.isfinite(value) else fallback


def _finite_or_none(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def _member(m: models.GroupDeployment, d: models.Deployment | None) -> RoutingGroupDeployment:
    return RoutingGroupDeployment(
        model_id=strawberry.ID(m.model_id),
        model_name=d.litellm_model if d else m.model_id,
        provider=d.provider if d else "unknown",
        priority=m.priority,
        weight=m.weight,
        display_name=m.display_name or (d.display_name if d else None),
    )


@strawberry.type
class RoutingGroupList:
    items: list[RoutingGroup]
    total: int
    page: int
    size: int


@strawberry.type
class DeleteSuccess:
    routing_group_id: strawberry.ID


@strawberry.type(description="One setting a version changed (snapshot field names).")
class RevisionChange:
    path: str
    before: JSON | None
    after: JSON | None


@strawberry.type
class RoutingGroupRevision:
    revision_id: strawberry.ID
    routing_group_id: strawberry.ID
    version: int
    action: str
    changed_by: str
    changed_at: datetime
    before: JSON | None
    after: JSON | None
    diff: list[RevisionChange] = strawberry.field(
        description="What this version changed against the one before it (all of it on create)"
    )

    @classmethod
    def from_domain(cls, r: Revision) -> RoutingGroupRevision:
        return cls(
            revision_id=strawberry.ID(r.revision_id),
            routing_group_id=strawberry.ID(r.routing_group_id),
            version=r.version,
            action=r.action,
            changed_by=r.changed_by,
            changed_at=r.changed_at,
            before=cast(JSON | None, r.before),
            after=cast(JSON | None, r.after),
            diff=[
                RevisionChange(
                    path=c.path,
                    before=cast(JSON | None, c.before),
                    after=cast(JSON | None, c.after),
                )
                for c in group_diff(r.before, r.after)
            ],
        )


@strawberry.type
class Team:
    team_id: strawberry.ID
    team_alias: str
    created_at: datetime
    limits: AccessLimits

    @classmethod
    def from_domain(cls, t: TeamRecord) -> Team:
        return cls(
            team_id=strawberry.ID(t.team_id),
            team_alias=t.team_alias,
            created_at=t.created_at,
            limits=AccessLimits.of(t),
        )


@strawberry.type(description="Per-key or per-team limits; null means not limited.")
class AccessLimits:
    rpm_limit: int | None
    tpm_limit: int | None
    max_simulations: int | None
    max_real_requests: int | None

    @classmethod
    def of(cls, holder: TeamRecord | ApiKeyRecord) -> AccessLimits:
        return cls(
            rpm_limit=holder.rpm_limit,
            tpm_limit=holder.tpm_limit,
            max_simulations=holder.max_simulations,
            max_real_requests=holder.max_real_requests,
        )


@strawberry.type
class ApiKey:
    key_id: strawberry.ID
    key_alias: str | None
    team_id: strawberry.ID | None
    key_prefix: str
    created_at: datetime
    revoked: bool
    limits: AccessLimits
    access_change: AccessChange | None = strawberry.field(
        default=None,
        description="On revokeKey's answer: how the revocation reached every instance. "
        "Null elsewhere.",
    )

    @classmethod
    def from_domain(cls, k: ApiKeyRecord) -> ApiKey:
        return cls(
            key_id=strawberry.ID(k.key_id),
            key_alias=k.key_alias,
            team_id=strawberry.ID(k.team_id) if k.team_id else None,
            key_prefix=k.key_prefix,
            created_at=k.created_at,
            revoked=k.revoked,
            limits=AccessLimits.of(k),
        )


@strawberry.type(
    description="Keys whose access was taken away (revoked, deleted, or their team deleted): "
    "the change is saved and this instance refuses them at once. everyInstanceTold: every "
    "other instance was told too (they evict the keys and close their websockets); when not, "
    "warning says why and until when they may still accept them."
)
class AccessChange:
    key_ids: list[strawberry.ID]
    every_instance_told: bool
    attempts: int = strawberry.field(description="publish tries made before answering")
    warning: str | None

    @classmethod
    def from_domain(cls, p: Propagation) -> AccessChange:
        return cls(
            key_ids=[strawberry.ID(k) for k in p.key_ids],
            every_instance_told=p.every_instance_told,
            attempts=p.attempts,
            warning=p.warning,
        )


@strawberry.type(description="The only time a key is shown. Store it now.")
class GeneratedKey:
    key_id: strawberry.ID
    key: str
    key_alias: str | None
    team_id: strawberry.ID | None


@strawberry.type
class Me:
    identity: str
    is_admin: bool
    key_id: strawberry.ID | None
    team_id: strawberry.ID | None

    @classmethod
    def from_domain(cls, p: Principal) -> Me:
        return cls(
            identity=p.identity,
            is_admin=p.is_admin,
            key_id=strawberry.ID(p.key_id) if p.key_id else None,
            team_id=strawberry.ID(p.team_id) if p.team_id else None,
        )


@strawberry.type(description="One attempt on one deployment, in the order they happened.")
class RoutingTrace:
    deployment_id: strawberry.ID
    deployment_name: str
    provider: str
    latency_ms: float
    was_fallback: bool
    fallback_depth: int
    retry_index: int
    status: TraceStatus
    error_kind: ErrorKind | None
    error_message: str | None
    started_at_ms: float = strawberry.field(
        default=0.0, description="ms since the run (or test) started, on its clock"
    )

    @classmethod
    def from_domain(cls, a: AttemptTrace) -> RoutingTrace:
        return cls(
            deployment_id=strawberry.ID(a.deployment_id),
            deployment_name=a.deployment_name,
            provider=a.provider,
            latency_ms=a.latency_ms,
            was_fallback=a.was_fallback,
            fallback_depth=a.fallback_depth,
            retry_index=a.retry_index,
            status=a.status,
            error_kind=a.error_kind,
            error_message=a.error_message,
            started_at_ms=a.started_at_ms,
        )


@strawberry.type(
    description="A deployment a request passed over without an attempt. "
    'reason: "cooldown" | "rpm_limit" | "tpm_limit".'
)
class SkippedDeployment:
    deployment_id: strawberry.ID
    reason: str
    before_attempt: int = strawberry.field(
        default=0, description="index of the attempt it came before (len(attempts): after all)"
    )
    fallback_depth: int = strawberry.field(default=0, description="the tier it sits in")


@strawberry.type(name="RequestTrace")
class RequestTraceType:
    request_index: int
    success: bool
    latency_ms: float
    final_deployment_id: strawberry.ID | None
    attempts: list[RoutingTrace]
    finished_at_ms: float | None = strawberry.field(
        default=None, description="Wall-clock time the request finished (epoch ms)"
    )
    started_at_ms: float = strawberry.field(
        default=0.0, description="ms since the run started, on its clock"
    )
    skipped: list[SkippedDeployment] = strawberry.field(default_factory=list)
    request_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A /v1 request's x-request-id (the request log's requestId); null in "
        "simulations",
    )

    @classmethod
    def from_domain(cls, r: RequestTrace) -> RequestTraceType:
        return cls(
            request_index=r.request_index,
            success=r.success,
            latency_ms=r.latency_ms,
            final_deployment_id=(
                strawberry.ID(r.final_deployment_id) if r.final_deployment_id else None
            ),
            attempts=[RoutingTrace.from_domain(a) for a in r.attempts],
            finished_at_ms=getattr(r, "finished_at_ms", None),
            started_at_ms=r.started_at_ms,
            skipped=[
                SkippedDeployment(
                    deployment_id=strawberry.ID(s.deployment_id),
                    reason=s.reason,
                    before_attempt=s.before_attempt,
                    fallback_depth=s.fallback_depth,
                )
                for s in r.skipped
            ],
            request_id=strawberry.ID(r.request_id) if r.request_id else None,
        )
