"""A group's built Router: call it, stream from it, price and trace what it did.

Every request reaches the Router through `BuiltRouter.route(endpoint, ...)` (`call` is its chat
form) or `BuiltRouter.open_stream(endpoint, ...)`: both make the request's litellm logging object
and bind it to the Router (fail counts, cooldowns, usage and latency run for it) and record one
RequestTrace from the Router's per-attempt hooks. An answer's (or a stream's)
`_hidden_params["model_id"]` names the deployment that answered.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from litellm.litellm_core_utils.rules import Rules
from litellm.router import Router
from litellm.types.utils import Choices, Message, ModelResponse, Usage, all_litellm_params
from litellm.utils import function_setup, token_counter

from gql_server.core.domain.errors import RoutingFailedError
from gql_server.core.domain.models import (
    Deployment,
    RoutingGroup,
)
from gql_server.core.domain.rate_limits import RealCallGate
from gql_server.core.domain.traces import RequestTrace, SkippedDeployment
from gql_server.core.litellm_adapter.call_cost import lean_mock
from gql_server.core.litellm_adapter.call_cost.quiet_logging import integrations_registered, quiet
from gql_server.core.litellm_adapter.call_setup import inline_call_setup
from gql_server.core.litellm_adapter.failures import FailureInjector, refused_call
from gql_server.core.litellm_adapter.skips import cooldown_skips
from gql_server.core.litellm_adapter.state.run_cooldowns import CooldownSpan, RunCooldownStore
from gql_server.core.litellm_adapter.traced_stream import (
    Endpoint,
    TracedStream,
    answering_deployment,
    usage_stream_options,
)
from gql_server.core.litellm_adapter.tracing import (
    NAMESPACE_SEPARATOR,
    REQUEST_KEY,
    DeploymentLabel,
    RequestRecorder,
    attempt_hooks,
)

if TYPE_CHECKING:
    from litellm.redis.stores.router_usage import RouterUsage

__all__ = [
    "LITELLM_PARAMS",
    "BuiltRouter",
    "CallOutcome",
    "Endpoint",
    "SharedState",
    "TracedStream",
]

CHARS_PER_TOKEN = 4  # mock usage: a rough size, enough for cost and tpm to scale with text

# litellm's own call parameters (a caller may not set them: see openai_api.schemas).
LITELLM_PARAMS = frozenset(all_litellm_params)

# What litellm's logging object reads of a request body, by endpoint.
_REQUEST_BODY_KEYS = ("messages", "prompt", "input")

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
    response: Any  # the endpoint's answer (ModelResponse for chat); None when routing failed
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
    usage: RouterUsage | None = None  # the store the Router counts rpm/tpm in (its host's)
    quiet_logging: bool = False  # a throwaway Router's: litellm logs what routing reads only,
    # whatever integrations are registered (a live Router's: only while none is)

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
        """Route one chat request; never raises for a routing failure (see `CallOutcome.error`)."""
        return await self.route(
            Endpoint.CHAT, request_index=request_index, messages=messages, **kwargs
        )

    async def route(
        self, endpoint: Endpoint, *, request_index: int = 0, **kwargs: Any
    ) -> CallOutcome:
        """Route one request to `endpoint` (its body in `kwargs`: messages, prompt, input, ...);
        never raises for a routing failure (see `CallOutcome.error`)."""
        if kwargs.get("stream"):
            raise ValueError("route() does not stream; use open_stream()")
        recorder = self.recorder(request_index, endpoint)
        metadata = {**kwargs.pop("metadata", {}), REQUEST_KEY: recorder.key}
        logging_obj = self.request_logging(endpoint, kwargs, metadata, recorder)
        with attempt_hooks().recording(recorder), inline_call_setup(self.inline_setup):
            try:
                answer = await getattr(self.router, endpoint.value)(
                    model=self.entry_model,
                    metadata=metadata,
                    litellm_logging_obj=logging_obj,
                    **kwargs,
                )
            except Exception as exc:  # every routing failure becomes data
                failure = self.routing_failed(exc)
                trace = recorder.finish(final_deployment_id=None, error=failure)
                return CallOutcome(response=None, error=failure, trace=trace)
        final = answering_deployment(answer)
        if self.call_gate is not None and not self.mock and final is not None:
            answered = self.deployments.get(recorder.real_id(final))
            if answered is not None and not answered.has_mock_response:
                usage = getattr(answer, "usage", None)
                self.call_gate.used(int(getattr(usage, "total_tokens", 0) or 0))
        trace = recorder.finish(final_deployment_id=final, response_text=response_text(answer))
        return CallOutcome(response=answer, error=None, trace=trace)

    async def open_stream(self, endpoint: Endpoint, **kwargs: Any) -> TracedStream:
        """Open a streamed answer from `endpoint`; never raises for a routing failure. Its usage
        is always asked for (and kept from a caller who did not ask: see TracedStream)."""
        caller_options = kwargs.pop("stream_options", None)
        if endpoint is Endpoint.COMPLETIONS:
            # litellm opens a text-completion stream lazily: its provider call starts at the first
            # read, outside the Router's retries, fallbacks and cooldowns. Routed whole instead,
            # and sent as one chunk.
            kwargs.pop("stream", None)
            outcome = await self.route(endpoint, **kwargs)
            return TracedStream.answered(
                outcome.response, outcome.error, outcome.trace, caller_options
            )
        recorder = self.recorder(0, endpoint)
        metadata = {**kwargs.pop("metadata", {}), REQUEST_KEY: recorder.key}
        options = usage_stream_options(endpoint, caller_options)
        if options is not None:
            kwargs["stream_options"] = options
        logging_obj = self.request_logging(endpoint, kwargs, metadata, recorder, stream=True)
        # The stream reads include_usage from its logging object.
        logging_obj.stream_options = options
        started = time.perf_counter()
        with attempt_hooks().recording(recorder), inline_call_setup(self.inline_setup):
            try:
                stream = await getattr(self.router, endpoint.value)(
                    model=self.entry_model,
                    stream=True,
                    metadata=metadata,
                    litellm_logging_obj=logging_obj,
                    **kwargs,
                )
            except Exception as exc:  # the Router's final error after retries and fallbacks
                return TracedStream(
                    None, self.routing_failed(exc), recorder, started, endpoint, caller_options
                )
        counter = partial(self._counted_usage, endpoint, kwargs)
        return TracedStream(stream, None, recorder, started, endpoint, caller_options, counter)

    def _counted_usage(
        self, endpoint: Endpoint, body: Mapping[str, Any], deployment_id: str | None, text: str
    ) -> Usage:
        """litellm's token count of a request and its streamed answer (no usage came)."""
        deployment = self.deployments.get(deployment_id or "")
        model = deployment.litellm_model if deployment is not None else ""
        if endpoint is Endpoint.CHAT:
            prompt = token_counter(model=model, messages=body.get("messages") or [])
        else:
            given = body.get("prompt") if endpoint is Endpoint.COMPLETIONS else body.get("input")
            prompt = token_counter(
                model=model, text=given if isinstance(given, str) else str(given)
            )
        completion = (
            token_counter(model=model, text=text, count_response_tokens=True) if text else 0
        )
        return Usage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        )

    def recorder(self, request_index: int, endpoint: Endpoint = Endpoint.CHAT) -> RequestRecorder:
        before = None
        lean = self.lean and endpoint is Endpoint.CHAT
        if self.injector is not None or lean or self.call_gate is not None:
            before = partial(self._prepare_attempt, request_index)
        return RequestRecorder(
            request_index,
            self.labels,
            before,
            namespace=self.namespace,
            skip_probe=self._skips if self.cooldowns is not None else None,
            pricing=self._price,
            attempt_seconds=self.attempt_seconds,
        )

    async def _prepare_attempt(
        self, request_index: int, kwargs: dict[str, Any], deployment_id: str, attempt: int
    ) -> dict[str, Any]:
        if self.injector is not None:
            kwargs = await self.injector.prepare(kwargs, request_index, deployment_id, attempt)
        if self.lean:
            tokens = None
            if self.injector is not None:  # a replayed request's own, else the run's size
                tokens = (
                    self.injector.tokens_for(request_index) or self.injector.plan.request_tokens
                )
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
        if store is not None:
            yield from cooldown_skips(
                self.tiers, depth, visited, lambda m: store.is_cooling(self.router_id(m))
            )

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

    def request_logging(
        self,
        endpoint: Endpoint,
        body: Mapping[str, Any],
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
            endpoint.value,
            Rules(),
            datetime.now(),  # litellm subtracts it from naive end times
            is_async_call=True,
            litellm_call_id=call_id,
            model=self.entry_model,
            metadata=metadata,
            stream=stream,
            **{name: body[name] for name in _REQUEST_BODY_KEYS if name in body},
        )
        # litellm diagnoses every answer that costs $0 (unpriced or free deployments) by walking
        # the model's price entries, a third of a call's CPU (measured on /v1: 6.3 vs 4.1 ms a
        # request), to fill a payload field nothing of ours reads and to warn once per request.
        # It decides nothing about routing; an unpriced deployment is reported once, when its
        # live Router is built (see unpriced_deployments).
        logging_obj._record_zero_cost_diagnostic = _no_zero_cost_diagnostic  # type: ignore[method-assign]
        if self.quiet_logging or not integrations_registered():
            quiet(logging_obj)
        if self.quiet_logging:  # a throwaway Router's: its mocked attempts' set-up replayed
            lean_mock.allow(logging_obj)
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


def response_text(response: object) -> str | None:
    """A chat answer's message, a text completion's text or a Responses answer's output text."""
    for choice in getattr(response, "choices", None) or ():
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None) if message is not None else None
        if content is None:
            content = getattr(choice, "text", None)
        if isinstance(content, str):
            return content
    text = getattr(response, "output_text", None)
    return text if isinstance(text, str) else None


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
    CPU). The usage is `tokens` (prompt, completion) when given (a replayed request's recorded
    size, or a simulation's synthetic one), else estimated from the prompt's and the answer's
    length (about four characters a token), so cost and usage-based routing see a request's
    size."""
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
