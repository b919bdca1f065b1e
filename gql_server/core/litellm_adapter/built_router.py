"""A group's built Router: call it, stream from it, price and trace what it did.

Streaming (the OpenAI-compatible endpoint): `await built.stream(messages)` or
`await built.router.acompletion(model=built.entry_model, messages=..., stream=True)`. The stream's
`_hidden_params["model_id"]` names the deployment that answers and
`_hidden_params["additional_headers"]` carries `x-litellm-model-group`,
`x-litellm-attempted-retries` and `x-litellm-attempted-fallbacks`; the same keys are on a
non-streamed ModelResponse's `_hidden_params`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from litellm.litellm_core_utils.rules import Rules
from litellm.router import Router
from litellm.types.utils import Choices, Message, ModelResponse, Usage
from litellm.utils import function_setup

from gql_server.core.domain.errors import RoutingFailedError
from gql_server.core.domain.models import (
    Deployment,
    RoutingGroup,
)
from gql_server.core.domain.rate_limits import RealCallGate
from gql_server.core.domain.traces import RequestTrace, SkippedDeployment, SkipReason
from gql_server.core.litellm_adapter.call_setup import inline_call_setup
from gql_server.core.litellm_adapter.failures import FailureInjector, refused_call
from gql_server.core.litellm_adapter.state.run_cooldowns import CooldownSpan, RunCooldownStore
from gql_server.core.litellm_adapter.tracing import (
    NAMESPACE_SEPARATOR,
    REQUEST_KEY,
    DeploymentLabel,
    RequestRecorder,
    attempt_hooks,
)

if TYPE_CHECKING:
    from litellm.litellm_core_utils.streaming_handler import CustomStreamWrapper


CHARS_PER_TOKEN = 4  # mock usage: a rough size, enough for cost and tpm to scale with text

# litellm's sentinel strings that make a mock attempt raise instead of answer.
_MOCK_ERROR_PREFIXES = ("litellm.", "Exception:")


@dataclass(frozen=True)
class SharedState:
    """Where live Routers keep cooldowns, fail counts and rpm/tpm usage so that every Router
    (every group, every instance) using a deployment id sees the same state: litellm's own
    Redis-backed routing cache. `namespace` prefixes its keys (one Redis, several gateways)."""

    redis_url: str
    namespace: str | None = None

    def router_arguments(self) -> dict[str, Any]:
        extra = {} if self.namespace is None else {"cache_kwargs": {"namespace": self.namespace}}
        return {"redis_url": self.redis_url, **extra}


@dataclass(frozen=True)
class CallOutcome:
    response: ModelResponse | None
    error: BaseException | None
    trace: RequestTrace


@dataclass
class BuiltRouter:
    router: Router
    group: RoutingGroup
    entry_model: str
    tiers: list[list[str]]
    deployments: dict[str, Deployment]
    mock: bool
    lean: bool = False
    injector: FailureInjector | None = None
    labels: dict[str, DeploymentLabel] = field(default_factory=dict)
    namespace: str = ""  # a throwaway Router's deployment ids are "<namespace>~<model_id>"
    cooldowns: RunCooldownStore | None = None  # a throwaway Router's own, on its run's clock
    attempt_seconds: dict[str, float] | None = None  # litellm call id -> attempt time (latency)
    inline_setup: bool = False  # litellm's call set-up does no I/O for any deployment (call_setup)
    call_gate: RealCallGate | None = None  # budgets attempts that reach a real provider

    def router_id(self, model_id: str) -> str:
        """The id the Router knows `model_id` by."""
        return f"{self.namespace}{NAMESPACE_SEPARATOR}{model_id}" if self.namespace else model_id

    @property
    def injection_seed(self) -> int | None:
        """The seed its injected failures draw from (None: nothing injected)."""
        return self.injector.seed if self.injector is not None else None

    def cooldown_spans(self) -> Sequence[CooldownSpan]:
        """A throwaway Router's cooldowns so far, in start order; () for a live Router."""
        return self.cooldowns.events if self.cooldowns is not None else ()

    def routing_failed(self, exc: BaseException) -> RoutingFailedError:
        """The Router's final error, told without the throwaway Router's internal namespace
        (a random id per Router: with it, runs of one seed would differ in their messages)."""
        detail = f"{type(exc).__name__}: {exc}"
        if self.namespace:
            detail = detail.replace(self.entry_model, self.group.name).replace(
                f"{self.namespace}{NAMESPACE_SEPARATOR}", ""
            )
        return RoutingFailedError(self.group.name, exc, detail=detail)

    async def call(
        self, messages: list[dict[str, str]], *, request_index: int = 0, **kwargs: Any
    ) -> CallOutcome:
        """Route one request; never raises for a routing failure (see `CallOutcome.error`)."""
        if kwargs.get("stream"):
            raise ValueError("call() does not stream; use stream()")
        before = None
        if self.injector is not None or self.lean or self.call_gate is not None:
            before = partial(self._prepare_attempt, request_index)
        recorder = RequestRecorder(
            request_index,
            self.labels,
            before,
            namespace=self.namespace,
            skip_probe=self._skips if self.cooldowns is not None else None,
            pricing=self._price,
            attempt_seconds=self.attempt_seconds,
        )
        metadata = {
            **kwargs.pop("metadata", {}),
            REQUEST_KEY: recorder.key,
        }
        hooks = attempt_hooks()
        with hooks.recording(recorder), inline_call_setup(self.inline_setup):
            try:
                answer = await self.router.acompletion(
                    model=self.entry_model,
                    messages=cast(Any, messages),
                    metadata=metadata,
                    litellm_logging_obj=self._request_logging(messages, metadata, recorder),
                    **kwargs,
                )
            except Exception as exc:  # every routing failure becomes data
                failure = self.routing_failed(exc)
                trace = recorder.finish(final_deployment_id=None, error=failure)
                return CallOutcome(response=None, error=failure, trace=trace)
        response = cast(ModelResponse, answer)
        final = answering_deployment(response)
        if self.call_gate is not None and not self.mock and final is not None:
            answered = self.deployments.get(recorder.real_id(final))
            if answered is not None and not answered.has_mock_response:
                usage = getattr(response, "usage", None)
                self.call_gate.used(int(getattr(usage, "total_tokens", 0) or 0))
        trace = recorder.finish(
            final_deployment_id=final,
            response_text=response_text(response),
        )
        return CallOutcome(response=response, error=None, trace=trace)

    async def _prepare_attempt(
        self, request_index: int, kwargs: dict[str, Any], deployment_id: str, attempt: int
    ) -> dict[str, Any]:
        if self.injector is not None:
            kwargs = await self.injector.prepare(kwargs, request_index, deployment_id, attempt)
        if self.lean:
            tokens = None if self.injector is None else self.injector.tokens_for(request_index)
            kwargs = _priced_mock(kwargs, self.deployments.get(deployment_id), tokens)
        if self.call_gate is not None and kwargs.get("mock_response") is None:
            # Counted where the provider call is made: every retry and fallback is one.
            refusal = await self.call_gate.admit()
            if refusal is not None:
                kwargs = {**kwargs, "mock_response": refused_call(refusal, kwargs)}
        return kwargs

    def _skips(self, visited: Collection[str], depth: int) -> Iterator[SkippedDeployment]:
        """Deployments of the tiers up to `depth` this request has not reached that the run's
        cooldowns hold: the Router passed over them."""
        store = self.cooldowns
        if store is None:
            return
        for tier in self.tiers[: depth + 1]:
            for model_id in tier:
                if model_id not in visited and store.is_cooling(self.router_id(model_id)):
                    yield SkippedDeployment(model_id, SkipReason.COOLDOWN)

    def _price(self, deployment_id: str, response: object) -> float:
        """Registry prices x the usage the answer reports (litellm's own cost when unpriced)."""
        deployment = self.deployments.get(deployment_id)
        usage = getattr(response, "usage", None)
        if deployment is not None and (
            deployment.input_cost_per_token is not None
            or deployment.output_cost_per_token is not None
        ):
            prompt = getattr(usage, "prompt_tokens", 0) or 0
            completion = getattr(usage, "completion_tokens", 0) or 0
            return prompt * (deployment.input_cost_per_token or 0.0) + completion * (
                deployment.output_cost_per_token or 0.0
            )
        hidden = getattr(response, "_hidden_params", None)
        cost = hidden.get("response_cost") if isinstance(hidden, Mapping) else None
        return float(cost) if isinstance(cost, int | float) else 0.0

    async def stream(self, messages: list[dict[str, str]], **kwargs: Any) -> CustomStreamWrapper:
        """Open a streamed answer; see the module docstring for what its `_hidden_params` say."""
        metadata = kwargs.pop("metadata", {})
        with inline_call_setup(self.inline_setup):
            return await self.router.acompletion(
                model=self.entry_model,
                messages=cast(Any, messages),
                stream=True,
                metadata=metadata,
                litellm_logging_obj=self._request_logging(messages, metadata, stream=True),
                **kwargs,
            )

    def _request_logging(
        self,
        messages: list[dict[str, str]],
        metadata: dict[str, Any],
        recorder: RequestRecorder | None = None,
        *,
        stream: bool = False,
    ) -> Any:
        """The request's logging object, bound to this Router before the call starts.

        Every Router serves its strategy request-scoped (see `build_router`): litellm keeps one
        strategy callback per class in its process-wide lists, so without this only the first
        LATENCY_BASED / USAGE_BASED / ... Router in a process would ever learn from its traffic.
        The Router decides at the start of a call whether its outcome bookkeeping (fail counts,
        cooldowns, rpm/tpm usage, latency) runs for it, by whether the request's logging object is
        bound to it, so it is made and bound here, as litellm's proxy does."""
        call_id = str(uuid.uuid4())
        if recorder is not None:
            recorder.call_id = call_id
        logging_obj, _ = function_setup(
            "acompletion",
            Rules(),
            datetime.now(),  # litellm subtracts it from naive end times
            is_async_call=True,
            litellm_call_id=call_id,
            model=self.entry_model,
            messages=messages,
            metadata=metadata,
            stream=stream,
        )
        # litellm diagnoses every answer that costs $0 (unpriced or free deployments) by walking
        # the model's price entries, a third of a call's CPU (measured on /v1: 6.3 vs 4.1 ms a
        # request), to fill a payload field nothing of ours reads and to warn once per request.
        # It decides nothing about routing; an unpriced deployment is reported once, when its
        # live Router is built (see unpriced_deployments).
        logging_obj._record_zero_cost_diagnostic = _no_zero_cost_diagnostic  # type: ignore[method-assign]
        self.router.observe(logging_obj)
        return logging_obj

    def close(self) -> None:
        """Release the Router's process-wide registrations (strategy callbacks); calls already
        running on it still finish. Throwaway Routers (tester, simulator) must be closed."""
        self.router.retire()

    def __enter__(self) -> BuiltRouter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def answering_deployment(response: object) -> str | None:
    hidden = getattr(response, "_hidden_params", None)
    found = hidden.get("model_id") if isinstance(hidden, Mapping) else None
    return str(found) if found is not None else None


def response_text(response: ModelResponse) -> str | None:
    for choice in response.choices:
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None)
        if isinstance(content, str):
            return content
    return None


def _no_zero_cost_diagnostic(*_: object, **__: object) -> None:
    return None


def _tokens_for(chars: int) -> int:
    return max(1, round(chars / CHARS_PER_TOKEN))


def _priced_mock(
    kwargs: dict[str, Any],
    deployment: Deployment | None,
    tokens: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Lean mode: answer a mock attempt with a ready ModelResponse whose cost is already stamped,
    so litellm skips its cost-map lookup and zero-cost diagnostics (about a fifth of a mock call's
    CPU). The usage is estimated from the prompt's and the answer's length (about four
    characters a token), so cost and usage-based routing see a request's size; a replayed request
    has its recorded `tokens` (prompt, completion)."""
    text = kwargs.get("mock_response")
    if not isinstance(text, str) or text.startswith(_MOCK_ERROR_PREFIXES):
        return kwargs
    prompt_chars = sum(len(str(m.get("content", ""))) for m in kwargs.get("messages") or ())
    prompt, completion = tokens or (_tokens_for(prompt_chars), _tokens_for(len(text)))
    response = ModelResponse(
        model=str(kwargs.get("model", "")),
        choices=[
            Choices(index=0, finish_reason="stop", message=Message(role="assistant", content=text))
        ],
        usage=Usage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        ),
    )
    cost = 0.0
    if deployment is not None:
        cost = prompt * (deployment.input_cost_per_token or 0.0) + completion * (
            deployment.output_cost_per_token or 0.0
        )
    response._hidden_params["response_cost"] = cost
    return {**kwargs, "mock_response": response}
