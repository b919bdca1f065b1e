"""The one table of every private name of litellm (and asyncio) the adapter relies on, with what
breaks without it (see install.py's module doc for why each is not replaceable). `install()`
checks it at start-up (`install.problems()`); tests/unit/test_litellm_contract.py checks every
entry, instance owners included, so an upgrade fails there, in one place, loudly.
"""

from __future__ import annotations

from dataclasses import dataclass

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
_LEAN = "call_cost/lean_mock.py"
_FULL_SETUPS = "a throwaway Router's mocked attempts run litellm's whole chat set-up again"
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
    *(
        PrivateTouch("litellm.main", name, _LEAN, _FULL_SETUPS, params)
        for name, params in (
            ("get_litellm_params", ("api_key", "force_timeout")),
            ("mock_completion", ("model", "messages", "stream", "n", "mock_response")),
            (
                "_record_agentic_loop_params",
                ("logging_obj", "requested_model", "custom_llm_provider", "owns_agentic_loop"),
            ),
            ("admission_input_tokens", ("kwargs",)),
        )
    ),
    *(
        PrivateTouch(f"{_LOGGING}:Logging", name, _LEAN, _FULL_SETUPS, params)
        for name, params in (
            ("set_per_call_pricing", ("custom_model_info",)),
            ("record_applied_timeout", ("timeout",)),
            (
                "update_environment_variables",
                ("litellm_params", "optional_params", "model", "user"),
            ),
        )
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
