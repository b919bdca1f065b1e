"""Send one request through a routing group's Router and report every attempt it took."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gql_server.core.domain.errors import FieldError, ValidationError
from gql_server.core.domain.models import RoutingGroup
from gql_server.core.domain.redaction import scrub
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, TraceStatus
from gql_server.core.litellm_adapter.state.run_cooldowns import CooldownSpan
from gql_server.core.litellm_adapter.tracing import DeploymentLabel

DEFAULT_MESSAGES: tuple[dict[str, str], ...] = (
    {"role": "user", "content": "Hello, respond with one word."},
)
MESSAGE_ROLES = frozenset({"system", "user", "assistant", "developer"})


class CallResult(Protocol):
    @property
    def response(self) -> Any: ...
    @property
    def error(self) -> BaseException | None: ...
    @property
    def trace(self) -> RequestTrace: ...


class RoutedGroup(Protocol):
    """What the tester and the simulator need from a built Router (`router_builder.BuiltRouter`).

    `call` never raises for a failed request: the failure is in the result's trace and error.
    """

    @property
    def group(self) -> RoutingGroup: ...
    @property
    def tiers(self) -> list[list[str]]: ...
    @property
    def labels(self) -> Mapping[str, DeploymentLabel]: ...  # names + providers, tier order
    @property
    def injection_seed(self) -> int | None: ...  # what its injected failures draw from, if any

    def cooldown_spans(self) -> Sequence[CooldownSpan]:
        """The cooldowns its run kept so far, in start order (a throwaway Router); () for a
        Router whose cooldowns live in litellm's shared store."""
        ...

    def call(
        self, messages: list[dict[str, str]], *, request_index: int = 0
    ) -> Awaitable[CallResult]: ...


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class, despite the name

    success: bool
    response_text: str | None
    traces: list[AttemptTrace]
    total_latency_ms: float
    final_deployment: str | None  # the deployment that answered (see unambiguous_name)
    final_provider: str | None
    error_message: str | None


def validate_messages(messages: Sequence[Mapping[str, str]]) -> None:
    errors = message_errors(messages)
    if errors:
        raise ValidationError(errors)


def message_errors(messages: Sequence[Mapping[str, str]]) -> list[FieldError]:
    errors: list[FieldError] = []
    if not messages:
        errors.append(FieldError("messages", "add at least one message"))
    for i, message in enumerate(messages):
        role = message.get("role", "")
        if role not in MESSAGE_ROLES:
            allowed = ", ".join(sorted(MESSAGE_ROLES))
            errors.append(FieldError(f"messages[{i}].role", f"must be one of {allowed}"))
        if not message.get("content", "").strip():
            errors.append(FieldError(f"messages[{i}].content", "must not be empty"))
    return errors


def chat_messages(messages: Sequence[Mapping[str, str]] | None) -> list[dict[str, str]]:
    """Validated copies of `messages`, or the default one-word prompt when None."""
    if messages is None:
        return [dict(m) for m in DEFAULT_MESSAGES]
    validate_messages(messages)
    return [{"role": m["role"], "content": m["content"]} for m in messages]


async def test_one_request(
    built: RoutedGroup, messages: Sequence[Mapping[str, str]] | None = None
) -> TestOutcome:
    result = await built.call(chat_messages(messages))
    trace = result.trace
    answered = _answering_attempt(trace)
    return TestOutcome(
        success=trace.success,
        response_text=trace.response_text or _response_text(result.response),
        traces=list(trace.attempts),
        total_latency_ms=trace.latency_ms,
        final_deployment=unambiguous_name(answered.deployment_id, built.labels)
        if answered
        else None,
        final_provider=answered.provider if answered else None,
        error_message=None if trace.success else _error_message(trace, result.error, built.labels),
    )


def unambiguous_name(deployment_id: str, labels: Mapping[str, DeploymentLabel]) -> str:
    """The deployment's display name when no other deployment of the group shares it, else its
    model id: two deployments both named "llama-3.3-70b" must not hide which one answered."""
    label = labels.get(deployment_id)
    if label is None:
        return deployment_id
    sharing = sum(1 for other in labels.values() if other.name == label.name)
    return label.name if sharing == 1 else deployment_id


def _answering_attempt(trace: RequestTrace) -> AttemptTrace | None:
    if not trace.success or not trace.attempts:
        return None
    last = trace.attempts[-1]
    return last if last.status is TraceStatus.SUCCESS else None


def _response_text(response: Any) -> str | None:
    """The first choice's text of a litellm ModelResponse (duck-typed: core stays light)."""
    choices = getattr(response, "choices", None)
    if not choices:
        return None
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    return content if isinstance(content, str) else None


def _error_message(
    trace: RequestTrace, error: BaseException | None, labels: Mapping[str, DeploymentLabel]
) -> str:
    """Says which deployment failed last and how, from the trace: the Router's own exception
    names the first tier's error and the throwaway Router's internal model-group ids."""
    last = trace.attempts[-1] if trace.attempts else None
    if last is not None and last.status is TraceStatus.ERROR:
        count = len(trace.attempts)
        name = unambiguous_name(last.deployment_id, labels)
        kind = last.error_kind.value if last.error_kind else "an error"
        why = readable_error(last.error_message or kind)
        return (
            f"every deployment failed ({count} attempt{'s' if count != 1 else ''}); "
            f"the last, {name}, failed with {why}"
        )
    text = trace.error_message or (scrub(f"{type(error).__name__}: {error}") if error else "")
    return readable_error(text) or "the request failed"


_INTERNAL_GROUP_ID = re.compile(r"#[0-9a-f]{8}(?:::tier\d+)?")
_LITELLM_PREFIX = re.compile(r"\blitellm\.(\w+): ")


def readable_error(text: str) -> str:
    """Drops a throwaway Router's model-group suffixes and litellm's repeated class prefixes."""
    text = _INTERNAL_GROUP_ID.sub("", text)
    return _LITELLM_PREFIX.sub("", text).strip()
