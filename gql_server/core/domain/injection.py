"""What a tester or simulator asks to inject, per deployment. `failures.py` carries it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.replay import ReplaySource
from gql_server.core.domain.scenario import Incident


@dataclass(frozen=True)
class FailureRule:
    failure_rate: float  # 0..1, drawn per attempt
    error_kind: ErrorKind = ErrorKind.SERVER_ERROR
    retry_after_s: float | None = None  # the failure's `Retry-After` header, as a provider sends


@dataclass(frozen=True)
class LatencyRule:
    mean_ms: float
    jitter_ms: float = 0.0


@dataclass(frozen=True)
class InjectionPlan:
    """Per-deployment (by model_id) failure and latency. `seed` makes every draw reproducible:
    a draw depends only on (seed, request index, deployment, attempt number), never on timing.
    `incidents` add failures and latency to the attempts that start inside their windows.
    `gateway_overhead_ms` is added to every attempt: the time the gateway itself takes around a
    provider's answer (live latency is the provider's plus this)."""

    failures: Mapping[str, FailureRule] = field(default_factory=dict)
    latency: Mapping[str, LatencyRule] = field(default_factory=dict)
    seed: int | None = None
    incidents: tuple[Incident, ...] = ()
    # a replay: every attempt meets what the request log recorded (failures, latency and
    # incidents above are not drawn); see core.domain.replay
    replay: ReplaySource | None = None
    gateway_overhead_ms: float = 0.0
    # (prompt, completion) tokens of every mock answer; None: estimated from the text's length
    request_tokens: tuple[int, int] | None = None
