"""Everything litellm needs set up once per process, in one explicit `install()`, and the check
of the one table (`PRIVATE_TOUCHES`, in private_touches.py) of every private name the adapter
relies on.

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
 10. replays litellm's chat set-up for a throwaway Router's mocked attempts of a shape it has
     already run in full (call_cost/lean_mock.py): without it a quarter of a simulation's CPU
     maps the same parameters to the same values on every attempt.

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
  * `litellm.main`'s `completion`, `get_litellm_params`, `mock_completion`,
    `_record_agentic_loop_params` and `admission_input_tokens` (lean_mock): litellm has no
    cheaper mock path than its whole chat set-up.
  * asyncio's `BaseEventLoop._run_once`: asyncio has no public way to move a loop's time.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import threading
from collections.abc import Mapping

from gql_server.core.litellm_adapter.private_touches import (
    EVENT_LOOP,
    PRIVATE_TOUCHES,
    ROUTER_CORE,
    TIMER_HANDLE,
    PrivateTouch,
)

__all__ = [  # the table's names, re-exported: the contract test and callers read them here
    "EVENT_LOOP",
    "PRIVATE_TOUCHES",
    "ROUTER_CORE",
    "TIMER_HANDLE",
    "PrivateTouch",
    "install",
    "installed",
    "offline_environment",
    "problems",
    "require_installed",
    "resolve",
]

OFFLINE_ENVIRONMENT: Mapping[str, str] = {
    # litellm fetches its model-cost map from the internet at import time unless told not to.
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    # litellm loads Hugging Face tokenizers from the Hub the first time it counts a stream's
    # tokens; offline it uses its bundled tokenizers or tiktoken's bundled encodings.
    "LITELLM_OFFLINE_MODE": "true",
}
QUIET_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx")


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
        from gql_server.core.litellm_adapter.call_cost import lean_mock, memo, quiet_logging
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
        lean_mock.install()
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
