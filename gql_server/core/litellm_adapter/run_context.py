"""What one run (a simulation, or a test request) carries through every task it starts.

`RunContext` rides in a ContextVar: tasks copy the context they are created in, so everything a
run's requests do (litellm's picks, backoff, our injection) finds its run without a global.

Same seed, same run: litellm draws every random choice (deployment picks, weights, backoff
jitter) from the `random` module's functions at call time. `install_run_random()` replaces those
functions with ones that draw from the running run's own `random.Random` when there is one, and
from the module's shared generator otherwise (so code outside a run behaves exactly as before).
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

_DRAWS = ("random", "randrange", "randint", "choice", "choices", "sample", "shuffle", "uniform")


@dataclass(frozen=True)
class RunContext:
    origin: float  # the run's loop time when it started: traces count from here
    rng: random.Random  # every random draw litellm makes for this run


current_run: ContextVar[RunContext | None] = ContextVar("routing_groups_run", default=None)


def since_origin_ms(origin: float | None = None) -> float:
    """ms since the run started on its loop's clock (since `origin` when given)."""
    now = asyncio.get_running_loop().time()
    if origin is None:
        run = current_run.get()
        origin = run.origin if run is not None else now
    return (now - origin) * 1000


_installed: list[bool] = []
_lock = threading.Lock()


def install_run_random() -> None:
    """Idempotent: route `random.<draw>` through the running run's generator."""
    with _lock:
        if _installed:
            return
        for name in _DRAWS:
            setattr(random, name, _dispatch(name, getattr(random, name)))
        _installed.append(True)


def _dispatch(name: str, shared: Callable[..., Any]) -> Callable[..., Any]:
    def draw(*args: Any, **kwargs: Any) -> Any:
        run = current_run.get()
        if run is None:
            return shared(*args, **kwargs)
        return getattr(run.rng, name)(*args, **kwargs)

    draw.__name__ = name
    draw.__doc__ = shared.__doc__
    return draw
