"""What happened to a request: one AttemptTrace per deployment call, in the order they ran."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gql_server.core.domain.models import ErrorKind


class TraceStatus(StrEnum):
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"


class SkipReason(StrEnum):
    COOLDOWN = "cooldown"
    RPM_LIMIT = "rpm_limit"
    TPM_LIMIT = "tpm_limit"


@dataclass(frozen=True)
class SkippedDeployment:
    """A deployment the Router passed over for this request without calling it."""

    deployment_id: str
    reason: str  # a SkipReason value
    before_attempt: int = 0  # index of the attempt it came before (len(attempts): after all)
    fallback_depth: int = 0  # the tier it sits in


@dataclass(frozen=True)
class AttemptTrace:
    deployment_id: str
    deployment_name: str
    provider: str
    latency_ms: float
    status: TraceStatus
    retry_index: int = 0  # 0 = first try on this tier, n = n-th retry of the Router
    fallback_depth: int = 0  # 0 = the entry tier, n = n-th fallback
    error_kind: ErrorKind | None = None
    error_message: str | None = None
    started_at_ms: float = 0.0  # since the run (or test) started, on its clock
    cost_usd: float = 0.0  # registry prices x the usage the attempt's answer reported
    retry_after_s: float | None = None  # the failed attempt's Retry-After, as litellm read it
    # The provider's own part of `latency_ms` (its HTTP request sent to its answer, as litellm
    # timed it); the rest is the gateway's. None: no provider was called, or it was not timed
    # (a mock, a refused call, a streamed answer).
    provider_latency_ms: float | None = None

    @property
    def was_fallback(self) -> bool:
        return self.fallback_depth > 0


@dataclass(frozen=True)
class RequestTrace:
    request_index: int
    success: bool
    latency_ms: float
    final_deployment_id: str | None
    attempts: tuple[AttemptTrace, ...] = field(default_factory=tuple)
    response_text: str | None = None
    error_message: str | None = None
    finished_at_ms: float | None = None  # wall clock (epoch ms) when the request finished
    started_at_ms: float = 0.0  # since the run (or test) started, on its clock
    skipped: tuple[SkippedDeployment, ...] = ()  # in the order the Router passed them over
    request_id: str | None = None  # a /v1 request's x-request-id (None in simulations)
