"""Wait for a condition instead of sleeping a fixed time: the one polling helper of the tests.

`eventually(check)` calls `check()` until it returns a truthy value (which it returns) or stops
raising AssertionError; past `timeout` it fails with the last AssertionError or with what the
last call returned. It never times out silently, so a test cannot pass on a state it never saw.
`eventually_async` is the same for coroutines (it yields to the loop between calls).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

RETRIED: tuple[type[BaseException], ...] = (AssertionError,)


def eventually(
    check: Callable[[], T],
    *,
    timeout: float = 10.0,
    every: float = 0.05,
    retry_on: tuple[type[BaseException], ...] = RETRIED,
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except retry_on:
            if time.monotonic() > deadline:
                raise
        else:
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s: {check} returned {found!r}")
        time.sleep(every)


async def eventually_async(
    check: Callable[[], Awaitable[T]],
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 (a deadline that reports the last failure)
    every: float = 0.02,
    retry_on: tuple[type[BaseException], ...] = RETRIED,
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = await check()
        except retry_on:
            if time.monotonic() > deadline:
                raise
        else:
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s: {check} returned {found!r}")
        await asyncio.sleep(every)
