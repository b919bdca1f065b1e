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
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

import litellm
from litellm.redis.stores.connection import RedisStores
from litellm.redis.stores.router_usage import RouterUsage
from litellm.router import Router, router_arguments
from litellm.router_config import build_router_config
from litellm.router_python_host import PythonHost
from litellm.router_strategy.lowest_latency import LowestLatencyLoggingHandler
from litellm.router_utils.cooldown_cache import CooldownCache

from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.models import (
    ENV_REFERENCE_PREFIX,
    Deployment,
    GroupDeployment,
    RoutingGroup,
    Strategy,
)
from gql_server.core.domain.rate_limits import RealCallGate
from gql_server.core.domain.secret_box import reveal
from gql_server.core.litellm_adapter.built_router import BuiltRouter, SharedState
from gql_server.core.litellm_adapter.call_cost import lean_mock
from gql_server.core.litellm_adapter.call_cost import memo as litellm_memo
from gql_server.core.litellm_adapter.call_setup import ASYNC_SETUP_PROVIDERS
from gql_server.core.litellm_adapter.failures import FailureInjector
from gql_server.core.litellm_adapter.install import require_installed
from gql_server.core.litellm_adapter.skips import watch_limit_skips
from gql_server.core.litellm_adapter.state.run_cooldowns import RunCooldownStore
from gql_server.core.litellm_adapter.tracing import (
    NAMESPACE_SEPARATOR,
    DeploymentLabel,
)

DEFAULT_MOCK_RESPONSE = "This is a mock response from the routing group."
LITELLM_STRATEGY: Mapping[Strategy, str] = {
    Strategy.PRIORITY_FAILOVER: "simple-shuffle",
    Strategy.SIMPLE_SHUFFLE: "simple-shuffle",
    Strategy.WEIGHTED: "simple-shuffle",
    Strategy.LEAST_BUSY: "least-busy",
    Strategy.LATENCY_BASED: "latency-based-routing",
    Strategy.COST_BASED: "cost-based-routing",
    Strategy.USAGE_BASED: "usage-based-routing-v2",
}


def build_router(
    group: RoutingGroup,
    deployments: Mapping[str, Deployment],
    *,
    mock: bool,
    plan: InjectionPlan | None = None,
    lean: bool = False,
    isolated: bool | None = None,
    shared_state: SharedState | None = None,
    call_gate: RealCallGate | None = None,
) -> BuiltRouter:
    """Build the group's Router.

    `mock=True`: every deployment answers litellm's mock response (its own `mock_response` if it
    has one), so no provider is called, while the Router still selects, retries, falls back and
    cools down. `plan`: seeded failures and latency, injected per attempt (see failures.py).
    `isolated` (default: when a plan is given) gives the Router's model groups names of their own,
    because litellm's strategy callbacks (least-busy, latency, usage) are process-wide and keyed by
    model group and deployment id: a throwaway simulation Router must not feed its injected
    latencies and in-flight counts into the live Router of the same group.
    An isolated Router's requests also skip litellm's standard logging payload but for what its
    strategies read (see call_cost/quiet_logging): nothing else reads a throwaway Router's.
    `shared_state`: live Routers only (never a throwaway one: injected failures must not cool
    down a live deployment anywhere).
    `call_gate`: asked before every attempt that would reach a real provider (a key's budget).
    """
    require_installed()
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
    host = RoutingHost()
    arguments = router_arguments(
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
    # `Router(**arguments)` is exactly this, on litellm's default host.
    router = Router.from_config(build_router_config(arguments), host)
    litellm_memo.forget()  # the Router has registered its deployments' prices and capabilities
    lean_mock.forget()  # and a mocked attempt's set-up may read them
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
        call_gate=call_gate,
        usage=host.usage,
        quiet_logging=isolated,
        inline_setup=all(
            mock or d.has_mock_response or d.provider in ASYNC_SETUP_PROVIDERS
            for d in (deployments[gd.model_id] for gd in group.deployments)
        ),
    )


class RoutingHost(PythonHost):
    """litellm's own host, which also keeps the usage store it builds for its Router: the store
    the core counts every call's rpm/tpm in (read by state/deployment_state)."""

    __slots__ = ("_usage",)

    def router_usage(self, redis: RedisStores) -> RouterUsage:
        self._usage = super().router_usage(redis)
        return self._usage

    @property
    def usage(self) -> RouterUsage:
        return self._usage


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
    # Only the Router retries: the provider client litellm makes for an attempt must not retry
    # on its own (litellm's embeddings client keeps the OpenAI SDK's 2 retries), or one attempt
    # is 3 provider calls, unseen by the trace, the fail counts, cooldowns and the key's budgets.
    params["max_retries"] = 0
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


def _tiers(group: RoutingGroup) -> list[list[GroupDeployment]]:
    if group.strategy is not Strategy.PRIORITY_FAILOVER:
        return [list(group.deployments)]
    ranked: Sequence[GroupDeployment] = sorted(
        group.deployments, key=lambda d: d.priority if d.priority is not None else 1 << 30
    )
    return [list(tier) for _, tier in groupby(ranked, key=lambda d: d.priority)]


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


def unknown_model(litellm_model: str, custom_llm_provider: str | None = None) -> str | None:
    """Why litellm could not route to `litellm_model`, as its own provider look-up
    (`get_llm_provider`, what every call starts with) tells it; None when it can."""
    try:
        litellm.get_llm_provider(model=litellm_model, custom_llm_provider=custom_llm_provider)
    except Exception:  # litellm raises BadRequestError, or a bare Exception
        return (
            f"litellm knows no provider for {litellm_model!r}: write it as provider/model "
            "(e.g. openai/gpt-4o, nebius/meta-llama/Llama-3.3-70B-Instruct)"
        )
    return None


def _litellm_prices(litellm_model: str) -> bool:
    try:
        info = litellm.get_model_info(litellm_model)
    except Exception:  # litellm raises a bare Exception for a model it does not know
        return False
    return bool(info.get("input_cost_per_token") or info.get("output_cost_per_token"))
