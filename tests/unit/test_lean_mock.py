"""A throwaway Router's mocked attempts replay litellm's chat set-up: nothing downstream differs.

Measured before: litellm's `completion` (the synchronous half of every attempt) spent about 700
lines of parameter mapping on each simulated attempt before its mock branch, a quarter of the
1-hour simulation's CPU (python -m benchmarks.virtual_hour 10: 3.7 -> 2.8 ms a request with
call_cost/lean_mock.py). Each test runs the same attempts through litellm's full `completion`
and through the lean path and compares, attempt by attempt, the answer (or error) and the whole
`model_call_details` of the attempt's logging object (what litellm's success and failure handlers
and the Router's strategies read), once every handler has run. Only wall times, call/trace ids
and the throwaway Router's random namespace may differ.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx
import litellm
import litellm.main
import openai
import pytest
from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER
from pydantic import BaseModel

from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.litellm_adapter.call_cost import lean_mock
from gql_server.core.litellm_adapter.call_setup import is_call_setup
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_group
from tests.unit.simulate import failing_tiers_run

# Differ between any two runs, lean or not: wall times and their durations.
_TIMING_KEYS = frozenset(
    {
        "start_time",
        "end_time",
        "api_call_start_time",
        "completion_start_time",
        "current_attempt_api_call_start_time",
        "first_api_call_start_time",
        "async_failure_logged_attempt",
        "_response_ms",
        "response_ms",
        "llm_api_duration_ms",
        "callback_duration_ms",
        "created",
        "message_copy_duration_ms",
    }
)
_IDS = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"#[0-9a-f]{8}"), "#<namespace>"),  # a throwaway Router's model groups
    (re.compile(r"\b[0-9a-f]{8}~"), "<namespace>~"),  # and deployment ids
    (re.compile(r"^\d+-\d+-\d+$"), "<request key>"),
)

Attempt = tuple[Any, Any, BaseException | None]  # logging object, answer, error


def _normalized(value: Any, seen: frozenset[int] = frozenset()) -> Any:
    """`value` with wall times left out and ids, namespaces and request keys made alike."""
    if id(value) in seen:
        return "<cycle>"
    inner = seen | {id(value)}
    if isinstance(value, Mapping):
        return {str(k): _normalized(v, inner) for k, v in value.items() if k not in _TIMING_KEYS}
    if isinstance(value, list | tuple):
        return [_normalized(v, inner) for v in value]
    parts = _parts(value)
    if parts is not None:
        return (type(value).__name__, _normalized(parts, inner))
    return _leaf(value)


def _parts(value: Any) -> Any:
    """What an error, a pydantic model (an answer) or a dataclass is made of; None for others."""
    if isinstance(value, BaseException):  # its message and every attribute (headers, status)
        return (str(value), vars(value))
    if isinstance(value, BaseModel):
        return (value.model_dump(), getattr(value, "_hidden_params", None))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return None


def _leaf(value: Any) -> Any:
    if isinstance(value, str):
        for pattern, replacement in _IDS:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, datetime):
        return "<time>"
    if isinstance(value, int | float | bool) or value is None:
        return value
    return type(value).__name__  # an object of litellm's own (a cache, a client): its type


async def _logged() -> None:
    """litellm logs the last attempts' outcomes in a worker of its own, which may still hold
    them when a run's loop ends: they are logged on this loop."""
    await GLOBAL_LOGGING_WORKER.flush()
    await asyncio.sleep(0.05)


def _attempts(
    run: Callable[[], Any], lean: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Attempt], Any]:
    """`run()`'s attempts, their set-up by the lean path or litellm's full `completion`."""
    lean_mock.forget()
    if not lean:
        monkeypatch.setattr(lean_mock, "_shape", lambda kwargs: None)
    made: list[list[Any]] = []
    setup = litellm.main.completion
    assert setup is lean_mock.lean_completion

    def attempt(*args: Any, **kwargs: Any) -> Any:
        made.append([kwargs["litellm_logging_obj"], None, None])
        try:
            made[-1][1] = setup(*args, **kwargs)
        except Exception as exc:
            made[-1][2] = exc
            raise
        return made[-1][1]

    monkeypatch.setattr(litellm.main, "completion", attempt)
    before = dict(lean_mock.stats)
    result = run()
    asyncio.run(_logged())
    monkeypatch.undo()
    replayed = lean_mock.stats["lean"] - before["lean"]
    assert (replayed > 0) is lean, "the lean path served the run" if lean else "it did not"
    return [(a[0], a[1], a[2]) for a in made], result


def _assert_same_attempts(full: list[Attempt], lean: list[Attempt]) -> None:
    assert len(lean) == len(full)
    for index, (f, m) in enumerate(zip(full, lean, strict=True)):
        assert _normalized(m[1]) == _normalized(f[1]), f"attempt {index}: answer"
        assert _normalized(m[2]) == _normalized(f[2]), f"attempt {index}: error"
        assert _normalized(m[0].model_call_details) == _normalized(f[0].model_call_details), (
            f"attempt {index}: model_call_details"
        )
        assert _normalized(vars(m[0])) == _normalized(vars(f[0])), f"attempt {index}: logging"


def _simulation() -> Callable[[], Any]:
    """A simulation with injected failures and latency: successes, errors, retries, fallbacks
    (its attempts answer a priced ModelResponse: built_router's lean mode)."""

    def run() -> Any:
        return failing_tiers_run(
            Strategy.USAGE_BASED,
            tpm_a=300,
            failure_rate=0.25,
            seed=5,
            num_requests=40,
            concurrency=3,
        )

    return run


def test_a_simulations_attempts_are_the_same_lean(monkeypatch: pytest.MonkeyPatch) -> None:
    full, full_result = _attempts(_simulation(), False, monkeypatch)
    lean, lean_result = _attempts(_simulation(), True, monkeypatch)
    assert any(error is not None for _, _, error in full)  # failures were injected
    assert any(answer is not None for _, answer, _ in full)
    _assert_same_attempts(full, lean)
    assert lean_result == full_result  # the same routing, traces and summary


def _sdk_error() -> openai.APIError:
    request: Any = httpx.Request("POST", "https://mock.invalid/v1")  # the SDK's own httpx
    return openai.APIError("boom", request, body=None)


# A text answer (the deployment's), litellm's error sentinel, an error object litellm wraps
# (ValueError) and one it maps (an OpenAI SDK error), each at least twice: recorded, replayed.
_MOCKS = (
    None,
    None,
    "litellm.RateLimitError",
    None,
    ValueError("x"),
    ValueError("y"),
    *[_sdk_error(), _sdk_error()],
)


def _direct_calls(**body: Any) -> Callable[[], Any]:
    """A throwaway Router's chat calls with `body`: a caller's parameters, a text mock answer,
    a mock error string."""

    async def calls() -> list[Any]:
        group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
        answers = []
        with build_router(group, deployments_for(group), mock=True, isolated=True) as built:
            for mock_response in _MOCKS:
                extra: dict[str, Any] = {"mock_response": mock_response} if mock_response else {}
                outcome = await built.call(MESSAGES, **body, **extra)
                answers.append((_normalized(outcome.response), type(outcome.error).__name__))
            await asyncio.sleep(0.05)  # litellm logs a success in a task of its own
        return answers

    return lambda: asyncio.run(calls())


@pytest.mark.parametrize(
    "body",
    [{}, {"max_tokens": 20, "temperature": 0.3}, {"user": "u-1", "seed": 7, "stop": ["\n"]}],
    ids=["messages-only", "max-tokens-temperature", "user-seed-stop"],
)
def test_direct_calls_are_the_same_lean(
    body: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    full, full_answers = _attempts(_direct_calls(**body), False, monkeypatch)
    lean, lean_answers = _attempts(_direct_calls(**body), True, monkeypatch)
    assert lean_answers == full_answers
    _assert_same_attempts(full, lean)


def test_the_lean_path_replays_only_what_it_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shape's first attempt runs litellm's full path; streams, tools and a live Router's
    attempts always do."""
    lean_mock.forget()
    before = dict(lean_mock.stats)
    _direct_calls(max_tokens=5)()
    assert lean_mock.stats["recorded"] - before["recorded"] == 3  # text, ValueError, APIError
    assert lean_mock.stats["lean"] - before["lean"] >= 3

    before = dict(lean_mock.stats)
    _direct_calls(tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}])()

    async def live() -> None:
        group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
        with build_router(group, deployments_for(group), mock=True) as built:
            for _ in range(3):
                assert (await built.call(MESSAGES)).error is None

    asyncio.run(live())
    assert lean_mock.stats["lean"] == before["lean"]
    assert lean_mock.stats["recorded"] == before["recorded"]


def test_the_set_up_still_runs_inline() -> None:
    """call_setup runs a wrapped set-up (the lean path) on the loop, as it ran litellm's."""
    import contextvars
    from functools import partial

    setup = partial(litellm.main.completion, model="m")
    assert is_call_setup(partial(contextvars.copy_context().run, setup))
