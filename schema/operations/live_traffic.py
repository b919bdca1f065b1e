"""Live traffic and deployment health of a routing group (real `/v1` calls, every instance)."""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import Annotated

import strawberry

from gql_server.services import live_traffic as domain
from schema.errors import LimitExceededError, NotFoundError, PermissionDeniedError
from schema.shared_results import shareable
from schema.types import RequestTraceType


@strawberry.type(
    description="One deployment of a live group right now. Cooldown and rpm/tpm usage are "
    "litellm's own routing state (shared across instances when REDIS_URL is set); the "
    "last-minute counts are the attempts this group sent the deployment, from every instance."
)
class DeploymentHealth:
    deployment_id: strawberry.ID
    cooling_down: bool
    cooldown_ends_at: datetime | None
    rpm_used: int | None = strawberry.field(description="requests counted this minute (UTC)")
    tpm_used: int | None = strawberry.field(description="tokens counted this minute (UTC)")
    requests_last_minute: int
    failures_last_minute: int
    p50_latency_ms: float | None = strawberry.field(
        description="median latency of the successful attempts in the last minute"
    )

    @classmethod
    def from_domain(cls, h: domain.DeploymentHealth) -> DeploymentHealth:
        return cls(
            deployment_id=strawberry.ID(h.deployment_id),
            cooling_down=h.cooling_down,
            cooldown_ends_at=h.cooldown_ends_at,
            rpm_used=h.rpm_used,
            tpm_used=h.tpm_used,
            requests_last_minute=h.requests_last_minute,
            failures_last_minute=h.failures_last_minute,
            p50_latency_ms=h.p50_latency_ms,
        )


@shareable  # its fields read the batch only: executed and encoded once for every subscriber
@strawberry.type(
    description="Requests of the group that finished since the last batch, on any instance "
    "(startedAtMs: epoch ms). The first batch of a subscription is empty: it is in place."
)
class LiveTrafficBatch:
    routing_group_id: strawberry.ID
    requests: list[RequestTraceType]

    @classmethod
    def from_domain(cls, batch: domain.LiveTrafficBatch) -> LiveTrafficBatch:
        """Converted once per batch: every subscriber of the group shares the same one."""
        known = _converted.get(id(batch))
        if known is not None and known[0]() is batch:
            return known[1]
        made = cls(
            routing_group_id=strawberry.ID(batch.group_id),
            requests=[RequestTraceType.from_domain(r.trace) for r in batch.requests],
        )
        _converted[id(batch)] = (weakref.ref(batch), made)
        weakref.finalize(batch, _converted.pop, id(batch), None)
        return made


# id(domain batch) -> (that batch, its conversion); dropped when the batch is.
_converted: dict[int, tuple[weakref.ref[domain.LiveTrafficBatch], LiveTrafficBatch]] = {}


LiveTrafficEvent = Annotated[
    LiveTrafficBatch | NotFoundError | PermissionDeniedError | LimitExceededError,
    strawberry.union("LiveTrafficEvent"),
]
