"""RoutingGroup -> one litellm Router that applies the group's strategy itself.

Strategy mapping (litellm's own `routing_strategy` names):

    PRIORITY_FAILOVER  one model group per priority tier ("simple-shuffle" inside a tier), tiers
                       chained one hop each with the Router's `fallbacks` ({tier1: [tier2]},
                       {tier2: [tier3]}, ...) so `max_fallbacks` caps how many tiers are tried
    SIMPLE_SHUFFLE     "simple-shuffle", no weights: an even split
    WEIGHTED           "simple-shuffle" with `weight` in each deployment's litellm_params
    LEAST_BUSY         "least-busy"
    LATENCY_BASED      "latency-based-routing"
    COST_BASED         "cost-based-routing" (input/output_cost_per_token in litellm_params)
    USAGE_BASED        "usage-based-routing-v2" (rpm/tpm in litellm_params)

Streaming (the OpenAI-compatible endpoint): `await built.stream(messages)` or
`await built.router.acompletion(model=built.entry_model, messages=..., stream=True)`. The stream's
`_hidden_params["model_id"]` names the deployment that answers and
`_hidden_params["additional_headers"]` carries `x-litellm-model-group`,
`x-litellm-attempted-retries` and `x-litellm-attempted-fallbacks`; the same keys are on a
non-streamed ModelResponse's `_hidden_params`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING, Any, cast

import litellm
from litellm.litellm_core_utils.rules import Rules
from litellm.router import Router
from litellm.router_strategy.lowest_latency import LowestLatencyLoggingHandler
from litellm.router_utils.cooldown_cache import CooldownCache
from litellm.types.utils import Choices, Message, ModelResponse, Usage
from litellm.utils import function_setup

from gql_server.core import litellm_memo
from gql_server.core.call_setup import ASYNC_SETUP_PROVIDERS, inline_call_setup
from gql_server.core.errors import RoutingFailedError
from gql_server.core.failures import FailureInjector
from gql_server.core.injection import InjectionPlan
from gql_server.core.limit_skips import watch_limit_skips
from gql_server.core.models import (
    ENV_REFERENCE_PREFIX,
    Deployment,
    GroupDeployment,
    RoutingGroup,
    Strategy,
)
from gql_server.core.run_cooldowns import RunCooldownStore
from gql_server.core.secret_box import reveal
from gql_server.core.traces import RequestTrace, SkippedDeployment, SkipReason
from gql_server.core.tracing import (
    NAMESPACE_SEPARATOR,
    REQUEST_KEY,
    DeploymentLabel,
    RequestRecorder,
    attempt_hooks,
)

if TYPE_CHECKING:
    from litellm.litellm_core_utils.streaming_handler import CustomStreamWrapper

DEFAULT_MOCK_RESPONSE = "This is a mock response from the routing group."
CHARS_PER_TOKEN = 4  # mock usage: a rough size, enough for cost and tpm to scale with text

LITELLM_STRATEGY: Mapping[Strategy, str] = {
    Strategy.PRIORITY_FAILOVER: "simple-shuffle",
    Strategy.SIMPLE_SHUFFLE: "simple-shuffle",
    Strategy.WEIGHTED: "simple-shuffle",
    Strategy.LEAST_BUSY: "least-busy",
    Strategy.LATENCY_BASED: "latency-based-routing",
    Strategy.COST_BASED: "cost-based-routing",
    Strategy.USAGE_BASED: "usage-based-routing-v2",
}

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

    def router_id(self, model_id: str) -> str:
        """The id the Router knows `model_id` by."""
        return f"{self.namespace}{NAMESPACE_SEPARATOR}{model_id}" if self.namespace else model_id

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
        if self.injector is not None or self.lean:
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
        trace = recorder.finish(
            final_deployment_id=answering_deployment(response),
            response_text=response_text(response),
        )
        return CallOutcome(response=response, error=None, trace=trace)

    async def _prepare_attempt(
        self, request_index: int, kwargs: dict[str, Any], deployment_id: str, attempt: int
    ) -> dict[str, Any]:
        if self.injector is not None:
            kwargs = await self.injector.prepare(kwargs, request_index, deployment_id, attempt)
        if self.lean:
            kwargs = _priced_mock(kwargs, self.deployments.get(deployment_id))
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


def build_router(
    group: RoutingGroup,
    deployments: Mapping[str, Deployment],
    *,
    mock: bool,
    plan: InjectionPlan | None = None,
    lean: bool = False,
    isolated: bool | None = None,
    shared_state: SharedState | None = None,
) -> BuiltRouter:
    """Build the group's Router.

    `mock=True`: every deployment answers litellm's mock response (its own `mock_response` if it
    has one), so no provider is called, while the Router still selects, retries, falls back and
    cools down. `plan`: seeded failures and latency, injected per attempt (see failures.py).
    `isolated` (default: when a plan is given) gives the Router's model groups names of their own,
    because litellm's strategy callbacks (least-busy, latency, usage) are process-wide and keyed by
    model group and deployment id: a throwaway simulation Router must not feed its injected
    latencies and in-flight counts into the live Router of the same group.
    `shared_state`: live Routers only (never a throwaway one: injected failures must not cool
    down a live deployment anywhere).
    """
    if shared_state is not None and plan is not None:
        raise ValueError("a Router with injected failures never shares routing state")
    known = {d.model_id: d for d in group.deployments}
    missing = [model_id for model_id in known if model_id not in deployments]
    if missing:
        raise ValueError(f"routing group {group.name!r} names unknown deployments: {missing}")
    if isolated is None:
        isolated = plan is not None
    namespace = uuid.uuid4().hex[:8] if isolated else ""
    entry = f"{group.name}#{namespace}" if isolated else group.name
    tiers = _tiers(group)
    tier_names = [entry if n == 0 else f"{entry}::tier{n + 1}" for n in range(len(tiers))]
    weighted = group.strategy is Strategy.WEIGHTED
    model_list = [
        {
            "model_name": tier_names[n],
            "litellm_params": litellm_params(
                deployments[gd.model_id], gd, mock=mock, weighted=weighted
            ),
            "model_info": {
                "id": f"{namespace}{NAMESPACE_SEPARATOR}{gd.model_id}" if namespace else gd.model_id
            },
        }
        for n, tier in enumerate(tiers)
        for gd in tier
    ]
    fallbacks = [{tier_names[n]: [tier_names[n + 1]]} for n in range(len(tiers) - 1)]
    cooldown = group.cooldown
    router = Router(
        model_list=model_list,
        routing_strategy=LITELLM_STRATEGY[group.strategy],
        num_retries=group.retry.num_retries,
        fallbacks=fallbacks,
        max_fallbacks=group.settings.max_fallbacks,
        timeout=group.settings.timeout_seconds,
        allowed_fails=cooldown.allowed_fails,
        # litellm reads a cooldown_time of 0 as "use the default", so 0 means no cooldowns here.
        cooldown_time=cooldown.cooldown_time_seconds or None,
        disable_cooldowns=cooldown.cooldown_time_seconds == 0,
        **(shared_state.router_arguments() if shared_state is not None else {}),
    )
    litellm_memo.forget()  # the Router has registered its deployments' prices and capabilities
    # Its strategy learns only from the requests bound to it (see BuiltRouter._request_logging).
    router.observe(request_scoped=True)
    # Its usage-based picks tell each request which deployments were over rpm/tpm (skips).
    watch_limit_skips(router)
    labels = {
        gd.model_id: DeploymentLabel(
            name=gd.display_name
            or deployments[gd.model_id].display_name
            or deployments[gd.model_id].model_name,
            provider=deployments[gd.model_id].provider,
            fallback_depth=n,
        )
        for n, tier in enumerate(tiers)
        for gd in tier
    }
    cooldowns = _own_cooldowns(router, namespace) if isolated else None
    attempt_seconds = _latency_on_run_clock(router)
    return BuiltRouter(
        router=router,
        group=group,
        entry_model=entry,
        tiers=[[gd.model_id for gd in tier] for tier in tiers],
        deployments={gd.model_id: deployments[gd.model_id] for gd in group.deployments},
        mock=mock,
        lean=lean,
        injector=(
            None
            if plan is None
            else FailureInjector(plan, timeout_s=group.settings.timeout_seconds)
        ),
        labels=labels,
        namespace=namespace,
        cooldowns=cooldowns,
        attempt_seconds=attempt_seconds,
        inline_setup=all(
            mock or d.has_mock_response or d.provider in ASYNC_SETUP_PROVIDERS
            for d in (deployments[gd.model_id] for gd in group.deployments)
        ),
    )


def _own_cooldowns(router: Router, namespace: str) -> RunCooldownStore:
    """A throwaway Router keeps its cooldowns in a store of its own, on its run's clock (see
    run_cooldowns). The core reads them through `_cooldowns`, which it allows reassigning."""
    store = RunCooldownStore()
    prefix = f"{namespace}{NAMESPACE_SEPARATOR}"
    store.id_of = lambda model_id: model_id.removeprefix(prefix)
    default = router.settings().cooldown_time
    router._cooldowns = CooldownCache(store=store, default_cooldown_time=default)
    return store


def _latency_on_run_clock(router: Router) -> dict[str, float] | None:
    """Latency-based routing learns from litellm's success logging, which times an attempt on the
    wall clock. On a run's clock (virtual: no waiting at all) the Router must learn the attempt's
    time on that clock instead: the recorder notes it per litellm call id and this hands it over."""
    selectors = router._core._selectors.callback_selectors()  # no public view
    latency = [s for s in selectors if isinstance(s, LowestLatencyLoggingHandler)]
    if not latency:
        return None
    seconds: dict[str, float] = {}
    for selector in latency:
        logged = selector.async_log_success_event

        async def on_run_clock(
            kwargs: dict[str, Any],
            response_obj: object,
            start_time: datetime,
            end_time: datetime,
            logged: Any = logged,
        ) -> None:
            took = seconds.pop(str(kwargs.get("litellm_call_id")), None)
            if took is not None:
                end_time = start_time + timedelta(seconds=took)
            await logged(kwargs, response_obj, start_time, end_time)

        selector.async_log_success_event = on_run_clock  # type: ignore[method-assign]
    return seconds


def litellm_params(
    deployment: Deployment, member: GroupDeployment, *, mock: bool, weighted: bool
) -> dict[str, Any]:
    """The deployment's litellm_params, with `os.environ/NAME` references resolved now (the
    Deployment keeps the reference; the resolved secret lives only inside the Router)."""
    params: dict[str, Any] = {
        key: resolve_reference(value) for key, value in deployment.extra_params.items()
    }
    params["model"] = deployment.litellm_model
    optional = {
        "api_base": resolve_reference(deployment.api_base),
        "api_key": resolve_reference(reveal(deployment.api_key)),
        "rpm": deployment.rpm,
        "tpm": deployment.tpm,
        "input_cost_per_token": deployment.input_cost_per_token,
        "output_cost_per_token": deployment.output_cost_per_token,
    }
    params.update({key: value for key, value in optional.items() if value is not None})
    if weighted:
        params["weight"] = member.weight or 0
    if mock:
        params.setdefault("mock_response", DEFAULT_MOCK_RESPONSE)
    if params.get("mock_response") is not None and "api_key" not in params:
        # litellm checks a key exists before it reaches the mock branch for some providers.
        params["api_key"] = "mock-key"
    return params


def resolve_reference(value: Any) -> Any:
    """`os.environ/NAME` -> the variable's value (None when unset); anything else unchanged."""
    if isinstance(value, str) and value.startswith(ENV_REFERENCE_PREFIX):
        return os.environ.get(value.removeprefix(ENV_REFERENCE_PREFIX))
    return value


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


def _tiers(group: RoutingGroup) -> list[list[GroupDeployment]]:
    if group.strategy is not Strategy.PRIORITY_FAILOVER:
        return [list(group.deployments)]
    ranked: Sequence[GroupDeployment] = sorted(
        group.deployments, key=lambda d: d.priority if d.priority is not None else 1 << 30
    )
    return [list(tier) for _, tier in groupby(ranked, key=lambda d: d.priority)]


def _no_zero_cost_diagnostic(*_: object, **__: object) -> None:
    return None


def unpriced_deployments(built: BuiltRouter) -> list[Deployment]:
    """Deployments whose answers cost $0 in spend and the request log: no price in the registry
    and none in litellm's price map for their model."""
    return [
        d
        for d in built.deployments.values()
        if d.input_cost_per_token is None
        and d.output_cost_per_token is None
        and not d.has_mock_response
        and not built.mock
        and not _litellm_prices(d.litellm_model)
    ]


def _litellm_prices(litellm_model: str) -> bool:
    try:
        info = litellm.get_model_info(litellm_model)
    except Exception:  # litellm raises a bare Exception for a model it does not know
        return False
    return bool(info.get("input_cost_per_token") or info.get("output_cost_per_token"))


def _tokens_for(chars: int) -> int:
    return max(1, round(chars / CHARS_PER_TOKEN))


def _priced_mock(kwargs: dict[str, Any], deployment: Deployment | None) -> dict[str, Any]:
    """Lean mode: answer a mock attempt with a ready ModelResponse whose cost is already stamped,
    so litellm skips its cost-map lookup and zero-cost diagnostics (about a fifth of a mock call's
    CPU). The usage is estimated from the prompt's and the answer's length (about four
    characters a token), so cost and usage-based routing see a request's size."""
    text = kwargs.get("mock_response")
    if not isinstance(text, str) or text.startswith(_MOCK_ERROR_PREFIXES):
        return kwargs
    prompt_chars = sum(len(str(m.get("content", ""))) for m in kwargs.get("messages") or ())
    prompt, completion = _tokens_for(prompt_chars), _tokens_for(len(text))
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
