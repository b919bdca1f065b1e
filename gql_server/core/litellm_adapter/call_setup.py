"""litellm's per-call set-up, run on the event loop instead of a thread when it does no I/O.

litellm's async entry points (`acompletion`, ...) hand their synchronous half (`completion(...)`,
which validates and maps the parameters and returns the coroutine that does the HTTP call) to the
loop's default executor. For a provider whose set-up does no I/O that is pure CPU: the thread
hop buys nothing and costs a lot, because the worker thread and the event loop then take turns
on the GIL. Every time the loop makes a system call (a socket write, `os.urandom`) a worker can
take the GIL, and the loop waits up to a switch interval (5 ms) to get it back: under load the
gateway's own answers queue behind litellm's set-up of other requests.

`CallSetupExecutor` is the server loop's default executor. It runs a litellm call set-up inline
when the request asked for it (`inline_call_setup()`, entered by a Router whose every deployment
is mock or on a provider whose set-up we know does no I/O) and hands everything else (DNS
lookups, `to_thread`, set-ups of other providers) to its thread pool as before.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

import litellm.main

# Providers whose chat set-up in litellm only builds the request for the OpenAI-compatible async
# client (no credential exchange, no blocking HTTP). Others keep the thread: e.g. Azure AD or
# GitHub Copilot token flows, Vertex credentials, Bedrock's signing may do blocking I/O.
ASYNC_SETUP_PROVIDERS = frozenset(
    {
        "openai",
        "hosted_vllm",
        "nebius",
        "fireworks_ai",
        "together_ai",
        "groq",
        "deepseek",
        "deepinfra",
        "xai",
        "cerebras",
        "perplexity",
        "sambanova",
        "nvidia_nim",
        "openrouter",
        "lm_studio",
        "llamafile",
        "mistral",
    }
)

_SETUPS: frozenset[Callable[..., Any]] = frozenset(
    {litellm.main.completion, litellm.main.embedding, litellm.main.text_completion}
)
_INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("inline_call_setup", default=False)


@contextlib.contextmanager
def inline_call_setup(enabled: bool = True) -> Iterator[None]:
    """litellm call set-ups started inside run inline (on a loop using CallSetupExecutor)."""
    if not enabled:
        yield
        return
    token = _INLINE.set(True)
    try:
        yield
    finally:
        _INLINE.reset(token)


def is_call_setup(fn: object) -> bool:
    """`partial(Context.run, partial(litellm.completion, ...))`: how litellm hands it over (or a
    wrapper of a set-up: call_cost/lean_mock.py replaces litellm.main's `completion`)."""
    if not isinstance(fn, partial) or not fn.args:
        return False
    runner = fn.func
    inner = fn.args[0]
    return (
        isinstance(getattr(runner, "__self__", None), contextvars.Context)
        and isinstance(inner, partial)
        and (inner.func in _SETUPS or getattr(inner.func, "__wrapped__", None) in _SETUPS)
    )


class CallSetupExecutor(ThreadPoolExecutor):
    """A thread pool that runs requested litellm call set-ups inline (see the module doc)."""

    inline_runs = 0  # set-ups run on the loop (the rest went to the pool as usual)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if _INLINE.get() and not args and not kwargs and is_call_setup(fn):
            self.inline_runs += 1
            future: Future[Any] = Future()
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to the awaiting caller, as a thread would
                future.set_exception(exc)
            return future
        return super().submit(fn, *args, **kwargs)
