"""Everything litellm needs set up once per process, in one explicit `install()`, and the one
table (`PRIVATE_TOUCHES`) of every private name the adapter relies on.

Call `install()` once per process before building a Router: the app's start-up
(`app.create_app`), the simulation worker (`services/simulation/worker.main`) and the tests
(`tests/conftest.py`) do. It is idempotent and thread-safe; `build_router` refuses to build
before it, so a process that forgot fails at once instead of routing on wall minutes and the
process's shared random generator. In order, it:

  1. keeps litellm offline (`LITELLM_LOCAL_MODEL_COST_MAP`, `LITELLM_OFFLINE_MODE`). litellm reads
     them at its own import, which any adapter module triggers, so the package's `__init__` sets
     them on import too: the one set-up that cannot wait for a call. Without it litellm fetches
     its price map from the internet at import (three tries, ~10 s with no network) and Hugging
     Face tokenizers at the first streamed token count (froze the server's loop ~24 s).
  2. quiets litellm's logging (a line per call at INFO, and its own prints to stderr): at
     simulation speed, thousands of lines a second.
  3. memoises litellm's `supports_factory` (call_cost/memo.py): else 16% of a simulation's CPU.
  4. puts the one `AttemptHooks` into `litellm.callbacks` (tracing.py): without it no trace
     records an attempt.
  5. routes the stdlib `random` draws through the running run's generator (run_context.py):
     without it one seed gives different runs.
  6. puts litellm's rpm/tpm minutes on the run's clock (state/usage_minutes.py): without it every
     simulated minute of a virtual-clock run shares one wall minute's rpm/tpm budget.
  7. sets `litellm.DEFAULT_MAX_RETRIES` to 0: only the Router retries. Every deployment's
     litellm_params say `max_retries: 0` (router_builder), but litellm's OpenAI embeddings call
     reads `max_retries or litellm.DEFAULT_MAX_RETRIES`, so a 0 became the OpenAI SDK's 2 retries
     inside one attempt: 3 provider calls per Router attempt against a 429, unseen by the trace,
     fail counts, cooldowns and the key's budgets (Azure embeddings fill a None from it too).
  8. puts litellm's in-memory TTL caches on the run's clock (state/cache_clock.py): without it
     a virtual-clock run's latency history never expires (a once-slow deployment stays shunned).
  9. cuts a throwaway Router's logging to what its strategies read (call_cost/quiet_logging.py):
     without it a fifth of a simulated request's CPU builds a payload nothing reads.

Per Router (router_builder, skips) and per call (built_router) the adapter also touches
litellm's private names; per loop, `virtual_clock.VirtualClockLoop` overrides asyncio's private
`_run_once`. `PRIVATE_TOUCHES` lists every one, with what breaks without it;
tests/unit/test_litellm_contract.py checks each exists with the parameters the adapter passes,
and that litellm is the pinned version, so an upgrade fails there, in one place, loudly.
`install()` checks the ones it can without a Router, so a process with a renamed name fails at
start-up rather than at its first call.

litellm's public hooks, used where they serve:
  * `Router.from_config(config, host)` with our `RoutingHost` (router_builder): the host builds the
    Router's usage store (`PythonHost.router_usage`) and keeps it, which replaced reading
    `router._core._usage` for the live rpm/tpm view.
  * `litellm.types.router.RouterCacheEnum`: the Redis key of a usage counter, which replaced a
    hand-copied key format.
  * `Router.observe()`, `Router.retire()`, `Router.health()`, `Router.settings()`: request-scoped
    strategy learning, releasing a Router, cooldowns and the routing cache.
Not replaceable with the 1.110.2 hooks, and why:
  * `_core._selectors.callback_selectors()`: no public per-Router view of its strategy
    selectors; the host sees them only as they join the process-wide callback manager.
  * `_core._cooldowns` (reassigned): the core builds its cooldown store itself, from Redis, not
    by asking the host, and `health().cooldowns` is read-only.
  * the wrapped selector methods: litellm offers no event for "passed over for rpm/tpm", and a
    latency selector learns from the wall clock with no clock to give it.
  * strategy modules' `datetime` / `get_utc_datetime`, the in-memory cache module's `time`, the
    stdlib `random` functions: the host has `sleep` but no clock and no generator; the strategies
    and caches read module globals (an `InMemoryCache` takes a `clock`, but litellm builds its
    strategies' caches itself without one).
  * `supports_factory`, `function_setup` + `Rules`, `Logging._record_zero_cost_diagnostic`: no
    hook; a request's logging object must exist before the call to be bound with
    `router.observe(logging_obj)`, and litellm has no public factory for one.
  * the standard logging payload's builder and helpers, `redact_string` and
    `Logging._failure_handler_helper_fn` (quiet_logging): litellm builds the payload for every
    logged call, with no per-request switch.
  * asyncio's `BaseEventLoop._run_once`: asyncio has no public way to move a loop's time.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass

OFFLINE_ENVIRONMENT: Mapping[str, str] = {
    # litellm fetches its model-cost map from the internet at import time unless told not to.
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    # litellm loads Hugging Face tokenizers from the Hub the first time it counts a stream's
    # tokens; offline it uses its bundled tokenizers or tiktoken's bundled encodings.
    "LITELLM_OFFLINE_MODE": "true",
}
QUIET_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx")

# Owners that are instances, not importable: the contract test passes one of each.
ROUTER_CORE = "<a Router's _core>"
EVENT_LOOP = "<an asyncio event loop>"
TIMER_HANDLE = "<an asyncio TimerHandle>"


@dataclass(frozen=True)
class PrivateTouch:
    owner: str  # "module" or "module:Class" (importable), or one of the instance owners above
    name: str  # attribute, dotted for a chain
    used_in: str  # our module that relies on it
    breaks: str  # what breaks without it
    parameters: tuple[str, ...] | None = None  # the parameters we pass, in order (no `self`)
    implemented_by: str | None = None  # "module:Class" of ours that must match this protocol


_TPM = "litellm.router_strategy.lowest_tpm_rpm_v2"
_LATENCY = "litellm.router_strategy.lowest_latency"
_COST = "litellm.router_strategy.lowest_cost"
_SKIPS = "litellm_adapter/skips.py"
_NO_RPM_SKIPS = "rpm/tpm skips are no longer recorded in traces"
_LOGGING = "litellm.litellm_core_utils.litellm_logging"
_QUIET = "call_cost/quiet_logging.py"
_FULL_PAYLOADS = "a throwaway Router's calls build and redact the whole logging payload again"
_NO_PAYLOAD = "usage-based routing in a simulation counts no tokens (a broken payload)"

PRIVATE_TOUCHES: tuple[PrivateTouch, ...] = (
    PrivateTouch(
        "litellm",
        "DEFAULT_MAX_RETRIES",
        "install.py",
        "an embeddings attempt retries inside the provider client: 3 calls per Router attempt",
    ),
    PrivateTouch(
        "litellm.router_rust.core",
        "retry_after_seconds",
        "tracing",
        "a failed attempt's Retry-After is not recorded, so replay cannot honour it",
    ),
    PrivateTouch(
        "litellm.litellm_core_utils.logging_utils",
        "_set_duration_in_model_call_details",
        "tracing",
        "no attempt records its provider's latency (model_call_details['llm_api_duration_ms']"
        " it writes), so a simulation's default gateway overhead stays 0",
    ),
    PrivateTouch(
        ROUTER_CORE,
        "_selectors",
        "router_builder, skips",
        "no latency on the run's clock, no rpm/tpm skips",
    ),
    PrivateTouch(
        "litellm.router_rust.steps.selection:StrategySelectors",
        "callback_selectors",
        "router_builder, skips",
        "as _selectors",
        (),
    ),
    PrivateTouch(
        ROUTER_CORE,
        "_cooldowns",
        "router_builder._own_cooldowns",
        "a simulation's cooldowns run on the wall clock and leak into the process's store",
    ),
    PrivateTouch(
        "litellm.router_utils.cooldown_cache:CooldownCache",
        "__init__",
        "router_builder._own_cooldowns",
        "as _cooldowns",
        ("store", "default_cooldown_time"),
    ),
    PrivateTouch(
        "litellm.redis.stores.router_cooldowns",
        "RouterCooldowns",
        "state/run_cooldowns.py",
        "litellm calls a method the run's cooldown store lacks",
        implemented_by="gql_server.core.litellm_adapter.state.run_cooldowns:RunCooldownStore",
    ),
    PrivateTouch(
        "litellm.redis.stores._route",
        "ready",
        "state/run_cooldowns.py",
        "the run's cooldown store cannot answer `active`",
        ("value",),
    ),
    PrivateTouch(
        f"{_TPM}:LowestTPMLoggingHandler_v2",
        "_return_potential_deployments",
        _SKIPS,
        _NO_RPM_SKIPS,
        ("healthy_deployments", "all_deployments", "input_tokens", "rpm_dict"),
    ),
    PrivateTouch(
        f"{_TPM}:LowestTPMLoggingHandler_v2",
        "async_pre_call_check",
        _SKIPS,
        _NO_RPM_SKIPS,
        ("deployment", "parent_otel_span"),
    ),
    PrivateTouch(
        f"{_TPM}:LowestTPMLoggingHandler_v2",
        "pre_call_check",
        _SKIPS,
        _NO_RPM_SKIPS,
        ("deployment",),
    ),
    PrivateTouch(
        f"{_LATENCY}:LowestLatencyLoggingHandler",
        "_get_available_deployments",
        _SKIPS,
        _NO_RPM_SKIPS,
        (
            "model_group",
            "healthy_deployments",
            "messages",
            "input",
            "request_kwargs",
            "request_count_dict",
        ),
    ),
    PrivateTouch(
        f"{_LATENCY}:LowestLatencyLoggingHandler",
        "async_log_success_event",
        "router_builder._latency_on_run_clock",
        "latency-based routing learns wall-clock (near-zero) latencies on a virtual clock",
        ("kwargs", "response_obj", "start_time", "end_time"),
    ),
    PrivateTouch(
        f"{_COST}:LowestCostLoggingHandler",
        "async_get_available_deployments",
        _SKIPS,
        _NO_RPM_SKIPS,
        ("model_group", "healthy_deployments", "messages", "input", "request_kwargs"),
    ),
    PrivateTouch(
        _TPM,
        "get_utc_datetime",
        "state/usage_minutes.py",
        "usage-based rpm/tpm minutes stay on wall time in a virtual-clock run",
        (),
    ),
    PrivateTouch(
        _LATENCY,
        "datetime",
        "state/usage_minutes.py",
        "latency-based rpm/tpm minutes stay on wall time in a virtual-clock run",
    ),
    PrivateTouch(
        _COST,
        "datetime",
        "state/usage_minutes.py",
        "cost-based rpm/tpm minutes stay on wall time in a virtual-clock run",
    ),
    PrivateTouch(
        "litellm.caching.in_memory_cache",
        "time",
        "state/cache_clock.py",
        "in-memory TTL caches (latency history: 1 h) expire on wall time in a virtual-clock run",
    ),
    PrivateTouch(
        "litellm.caching.in_memory_cache:InMemoryCache",
        "__init__",
        "state/cache_clock.py",
        "as time: the cache must still read `time.time()` when it is given no clock",
        ("max_size_in_memory", "default_ttl", "max_size_per_item", "clock"),
    ),
    PrivateTouch(
        "litellm.utils",
        "supports_factory",
        "call_cost/memo.py",
        "every call re-scans the price map (16% of a simulation's CPU)",
        ("model", "custom_llm_provider", "key"),
    ),
    PrivateTouch(
        "litellm.utils",
        "function_setup",
        "built_router._request_logging",
        "a Router's strategy never learns from its own traffic (request-scoped observe)",
        ("original_function", "rules_obj", "start_time"),
    ),
    PrivateTouch(
        "litellm.litellm_core_utils.rules",
        "Rules",
        "built_router._request_logging",
        "as function_setup",
        (),
    ),
    PrivateTouch(
        "litellm.litellm_core_utils.litellm_logging:Logging",
        "_record_zero_cost_diagnostic",
        "built_router._request_logging",
        "a third of a call's CPU spent diagnosing $0 answers",
    ),
    PrivateTouch(
        _LOGGING,
        "get_standard_logging_object_payload",
        _QUIET,
        _FULL_PAYLOADS,
        (
            "kwargs",
            "init_response_obj",
            "start_time",
            "end_time",
            "logging_obj",
            "status",
            "error_str",
            "original_exception",
            "standard_built_in_tools_params",
        ),
    ),
    PrivateTouch(
        _LOGGING,
        "_extract_response_obj_and_hidden_params",
        _QUIET,
        _NO_PAYLOAD,
        ("init_response_obj", "original_exception"),
    ),
    *(
        PrivateTouch(f"{_LOGGING}:StandardLoggingPayloadSetup", name, _QUIET, _NO_PAYLOAD, params)
        for name, params in (
            ("merge_litellm_metadata", ("litellm_params",)),
            ("get_usage_as_dict", ("response_obj", "combined_usage_object")),
            ("get_hidden_params", ("hidden_params",)),
        )
    ),
    PrivateTouch(_LOGGING, "redact_string", _QUIET, _FULL_PAYLOADS, ("value",)),
    PrivateTouch(
        f"{_LOGGING}:Logging",
        "_failure_handler_helper_fn",
        _QUIET,
        _FULL_PAYLOADS,
        ("exception", "traceback_exception", "start_time", "end_time"),
    ),
    PrivateTouch(
        "litellm.main",
        "completion",
        "call_setup.py",
        "call set-ups go back to a thread (GIL hand-offs under load)",
        ("model", "messages"),
    ),
    PrivateTouch(
        "asyncio:BaseEventLoop",
        "_run_once",
        "virtual_clock.py",
        "a virtual-clock run waits in real time",
        (),
    ),
    PrivateTouch(EVENT_LOOP, "_ready", "virtual_clock.py", "as _run_once"),
    PrivateTouch(EVENT_LOOP, "_scheduled", "virtual_clock.py", "as _run_once"),
    PrivateTouch(EVENT_LOOP, "_stopping", "virtual_clock.py", "as _run_once"),
    PrivateTouch(EVENT_LOOP, "_timer_cancelled_count", "virtual_clock.py", "as _run_once"),
    PrivateTouch(TIMER_HANDLE, "_when", "virtual_clock.py", "as _run_once"),
    PrivateTouch(TIMER_HANDLE, "_cancelled", "virtual_clock.py", "as _run_once"),
    PrivateTouch(TIMER_HANDLE, "_scheduled", "virtual_clock.py", "as _run_once"),
)


def resolve(touch: PrivateTouch, instances: Mapping[str, object]) -> object:
    """The touched object; raises AttributeError / ImportError / KeyError when it is gone."""
    if touch.owner in instances:
        found = instances[touch.owner]
    else:
        module, _, attribute = touch.owner.partition(":")
        found = importlib.import_module(module)
        for part in filter(None, attribute.split(".")):
            found = getattr(found, part)
    for part in touch.name.split("."):
        found = getattr(found, part)
    return found


def problems(instances: Mapping[str, object] | None = None) -> list[str]:
    """What no longer holds of `PRIVATE_TOUCHES`. Touches on an instance owner are checked only
    when `instances` has one (the contract test builds them; `install()` cannot)."""
    instances = instances or {}
    found: list[str] = []
    for touch in PRIVATE_TOUCHES:
        if touch.owner.startswith("<") and touch.owner not in instances:
            continue
        where = f"{touch.owner} {touch.name} (used in {touch.used_in}: {touch.breaks})"
        try:
            target = resolve(touch, instances)
        except (AttributeError, ImportError) as exc:
            found.append(f"missing: {where}: {exc}")
            continue
        if touch.parameters is not None:
            named = _parameter_names(target)
            if named[: len(touch.parameters)] != list(touch.parameters):
                found.append(f"parameters {named} != {list(touch.parameters)}: {where}")
        if touch.implemented_by is not None:
            found += _protocol_gaps(target, touch.implemented_by, where)
    return found


def _parameter_names(target: object) -> list[str]:
    names = [p for p in inspect.signature(target).parameters]  # type: ignore[arg-type]
    return names[1:] if names[:1] == ["self"] else names


def _protocol_gaps(protocol: object, ours: str, where: str) -> list[str]:
    module, _, name = ours.partition(":")
    implementation = getattr(importlib.import_module(module), name)
    gaps = []
    for member, declared in vars(protocol).items():
        if member.startswith("_"):
            continue
        mine = getattr(implementation, member, None)
        if mine is None:
            gaps.append(f"{ours} lacks {member}: {where}")
        elif callable(declared) and _parameter_names(declared) != _parameter_names(mine):
            gaps.append(f"{ours}.{member} parameters differ from the protocol's: {where}")
    return gaps


_lock = threading.Lock()
_installed: list[bool] = []


def install() -> None:
    """Set up every process-wide patch litellm needs (see the module doc). Idempotent."""
    with _lock:
        if _installed:
            return
        offline_environment()
        missing = problems()
        if missing:
            raise RuntimeError("litellm changed under the adapter:\n" + "\n".join(missing))
        import litellm

        from gql_server.core.litellm_adapter import run_context, tracing
        from gql_server.core.litellm_adapter.call_cost import memo, quiet_logging
        from gql_server.core.litellm_adapter.state import cache_clock, usage_minutes

        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        litellm.suppress_debug_info = True
        memo.install()
        tracing.attempt_hooks()
        run_context.install_run_random()
        usage_minutes.install_run_minutes()
        litellm.DEFAULT_MAX_RETRIES = 0  # type: ignore[attr-defined]  # only the Router retries (7.)
        cache_clock.install_run_cache_clock()
        quiet_logging.install()
        _installed.append(True)


def installed() -> bool:
    return bool(_installed)


def require_installed() -> None:
    if not _installed:
        raise RuntimeError(
            "call gql_server.core.litellm_adapter.install.install() once per process first"
        )


def offline_environment() -> None:
    """Before litellm's import (see 1. in the module doc); a value already set is kept."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
