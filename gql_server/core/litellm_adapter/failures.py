"""Seeded failure and latency injection, carried out inside the Router's own attempt.

The Router picks a deployment and starts the attempt; only then does `FailureInjector.prepare`
run (from the per-attempt pre-call hook, see `tracing.py`). It sleeps the drawn latency and, when
the draw says fail, hands litellm the error as the attempt's `mock_response`, so litellm raises
its own exception type from inside the attempt and the Router's retry, fallback and cooldown
logic reacts to it exactly as it would to a provider's answer.

A failure with a Retry-After carries it as a provider's does: an HTTP response of the error's
status with a `retry-after` header (whole seconds, the header's form), which litellm reads off
the error for the deployment's cooldown length and the sleep before a retry.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from litellm import exceptions as litellm_errors

from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.replay import Replayer
from gql_server.core.domain.scenario import Incident
from gql_server.core.litellm_adapter.run_context import since_origin_ms

_ERROR_MESSAGES: Mapping[ErrorKind, str] = {
    ErrorKind.RATE_LIMIT: "injected rate limit",
    ErrorKind.TIMEOUT: "injected timeout",
    ErrorKind.SERVER_ERROR: "injected internal server error",
    ErrorKind.CONTEXT_WINDOW: "injected context window exceeded",
    ErrorKind.CONTENT_POLICY: "injected content policy violation",
    ErrorKind.AUTH: "injected authentication failure",
}

_ERROR_TYPES: Mapping[ErrorKind, Callable[..., Exception]] = {
    ErrorKind.RATE_LIMIT: litellm_errors.RateLimitError,
    ErrorKind.TIMEOUT: litellm_errors.Timeout,
    ErrorKind.SERVER_ERROR: litellm_errors.InternalServerError,
    ErrorKind.CONTEXT_WINDOW: litellm_errors.ContextWindowExceededError,
    ErrorKind.CONTENT_POLICY: litellm_errors.ContentPolicyViolationError,
    ErrorKind.AUTH: litellm_errors.AuthenticationError,
}

# Most specific first: ContextWindowExceeded and ContentPolicyViolation are BadRequestErrors.
_KIND_BY_TYPE: tuple[tuple[type[BaseException], ErrorKind], ...] = (
    (litellm_errors.ContextWindowExceededError, ErrorKind.CONTEXT_WINDOW),
    (litellm_errors.ContentPolicyViolationError, ErrorKind.CONTENT_POLICY),
    (litellm_errors.RateLimitError, ErrorKind.RATE_LIMIT),
    (litellm_errors.Timeout, ErrorKind.TIMEOUT),
    (litellm_errors.AuthenticationError, ErrorKind.AUTH),
    (litellm_errors.PermissionDeniedError, ErrorKind.AUTH),
)


_STATUS: Mapping[ErrorKind, int] = {
    ErrorKind.RATE_LIMIT: 429,
    ErrorKind.TIMEOUT: 408,
    ErrorKind.SERVER_ERROR: 500,
    ErrorKind.CONTEXT_WINDOW: 400,
    ErrorKind.CONTENT_POLICY: 400,
    ErrorKind.AUTH: 401,
}
# Where a provider's error answer came from, as litellm's mapped errors name it (no secrets).
_PROVIDER_URL = "https://provider.invalid/v1/chat/completions"


def litellm_error(
    kind: ErrorKind, *, model: str, provider: str, retry_after_s: float | None = None
) -> Exception:
    """An instance of litellm's own exception type for `kind`; with `retry_after_s`, carrying
    the provider's answer with its `retry-after` header."""
    factory = _ERROR_TYPES[kind]
    if retry_after_s is None:
        return factory(message=_ERROR_MESSAGES[kind], model=model, llm_provider=provider)
    return factory(
        message=_ERROR_MESSAGES[kind],
        model=model,
        llm_provider=provider,
        response=provider_answer(kind, retry_after_s),
    )


def retry_after_header(seconds: float) -> str:
    """The header's value: providers send whole seconds, and litellm reads only whole seconds
    (a fraction reads as no header at all), so a fraction rounds up."""
    return str(math.ceil(seconds))


def provider_answer(kind: ErrorKind, retry_after_s: float) -> httpx.Response:
    return httpx.Response(
        _STATUS[kind],
        headers={"retry-after": retry_after_header(retry_after_s)},
        request=httpx.Request("POST", _PROVIDER_URL),
    )


def error_kind_of(error: BaseException) -> ErrorKind:
    """The kind a user sees for an attempt's error; anything unrecognised is a server error."""
    for error_type, kind in _KIND_BY_TYPE:
        if isinstance(error, error_type):
            return kind
    return ErrorKind.SERVER_ERROR


def refused_call(reason: str, kwargs: Mapping[str, Any]) -> Exception:
    """The error of an attempt the caller's real-call budget refused: a rate limit raised inside
    the attempt (so the Router reacts as to a provider's 429), with no provider called."""
    model = str(kwargs.get("model", ""))
    provider = str(kwargs.get("custom_llm_provider") or model.partition("/")[0] or "openai")
    return litellm_errors.RateLimitError(message=reason, model=model, llm_provider=provider)


@dataclass(frozen=True)
class AttemptDraw:
    latency_s: float  # the provider's part; the gateway's overhead comes on top
    error_kind: ErrorKind | None
    retry_after_s: float | None = None  # the failure's Retry-After, when it carries one


class FailureInjector:
    """Draws per (request index, deployment, attempt) from `plan.seed`, never from how
    concurrent requests interleave, so a seed replays the same per-request draws. Incidents
    apply by when the attempt starts on the run's clock (seconds since the run started).

    `timeout_s` is the group's timeout: an attempt whose drawn latency is longer fails as a
    TIMEOUT once the timeout has passed, as it would against a slow provider."""

    def __init__(self, plan: InjectionPlan, *, timeout_s: float | None = None) -> None:
        self.plan = plan
        self.timeout_s = timeout_s
        self._seed = plan.seed if plan.seed is not None else random.SystemRandom().getrandbits(63)
        self._incidents: dict[str, tuple[Incident, ...]] = {}
        self._replayer = Replayer(plan.replay) if plan.replay is not None else None
        for incident in plan.incidents:
            self._incidents[incident.model_id] = (
                *self._incidents.get(incident.model_id, ()),
                incident,
            )

    @property
    def seed(self) -> int:
        return self._seed

    def tokens_for(self, request_index: int) -> tuple[int, int] | None:
        """A replayed request's recorded (prompt, completion) tokens; None: estimate them."""
        return None if self._replayer is None else self._replayer.tokens(request_index)

    def draw(
        self, request_index: int, deployment_id: str, attempt: int, at_s: float = 0.0
    ) -> AttemptDraw:
        # String seeds are hashed with SHA-512 by `random`, so draws agree across processes.
        key = f"{self._seed}:{request_index}:{deployment_id}:{attempt}"
        rng = random.Random(key)  # noqa: S311  # a reproducible simulation, not a secret
        if self._replayer is not None:
            met = self._replayer.outcome(request_index, deployment_id, attempt, at_s, rng)
            return AttemptDraw(met.latency_ms / 1000, met.error_kind, met.retry_after_s)
        failure_roll = rng.random()
        latency_roll = rng.random()
        rule = self.plan.failures.get(deployment_id)
        kind, retry_after = None, None
        if rule is not None and failure_roll < rule.failure_rate:
            kind, retry_after = rule.error_kind, rule.retry_after_s
        latency = self.plan.latency.get(deployment_id)
        latency_ms = 0.0
        if latency is not None:
            latency_ms = max(0.0, latency.mean_ms + (2 * latency_roll - 1) * latency.jitter_ms)
        for incident in self._incidents.get(deployment_id, ()):
            roll = rng.random()  # drawn for every incident, active or not: draws stay aligned
            if not incident.active_at(at_s):
                continue
            latency_ms += incident.added_latency_ms
            if kind is None and roll < incident.failure_rate:
                kind, retry_after = incident.error_kind, incident.retry_after_s
        return AttemptDraw(latency_s=latency_ms / 1000, error_kind=kind, retry_after_s=retry_after)

    async def prepare(
        self, kwargs: dict[str, Any], request_index: int, deployment_id: str, attempt: int
    ) -> dict[str, Any]:
        """Run the drawn latency and return the attempt's kwargs, failing it if drawn so."""
        timed = self._incidents or self._replayer is not None
        at_s = since_origin_ms() / 1000 if timed else 0.0
        outcome = self.draw(request_index, deployment_id, attempt, at_s)
        latency_s = outcome.latency_s
        error_kind, retry_after = outcome.error_kind, outcome.retry_after_s
        if self.timeout_s is not None and latency_s > self.timeout_s:
            # the group's timeout bounds the provider's part; the gateway's own time is extra
            latency_s, error_kind, retry_after = self.timeout_s, ErrorKind.TIMEOUT, None
        latency_s += self.plan.gateway_overhead_ms / 1000
        if latency_s > 0:
            await asyncio.sleep(latency_s)
        if error_kind is None:
            return kwargs
        model = str(kwargs.get("model", ""))
        provider = str(kwargs.get("custom_llm_provider") or model.partition("/")[0] or "openai")
        error = litellm_error(error_kind, model=model, provider=provider, retry_after_s=retry_after)
        return {**kwargs, "mock_response": error}
