"""A provider's 429 `Retry-After` is honoured alike by a non-streamed call and a stream open.

A live `build_router` Router on wall time against the local fake provider, through the adapter's
two entry points (`BuiltRouter.route` and `BuiltRouter.open_stream`): the deployment is cooled
down for the Retry-After, and a retry on it waits at least that long. Checked on litellm 1.110.2:
both agree (a cooldown of the header's length, a retry gap of the header plus litellm's jitter),
so the adapter needs no patch for it. Both also sleep the Retry-After once more after the last
retry fails, before the Router gives up (litellm's retry loop sleeps after every failed try).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from gql_server.core.domain.models import ErrorKind, GroupDeployment, RoutingGroup, Strategy
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.built_router import BuiltRouter, Endpoint
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.litellm_adapter.state.deployment_state import deployment_states
from tests.fakes import MESSAGES, make_deployment, make_group
from tests.fakes.openai_server import FakeOpenAIServer


async def _send(built: BuiltRouter, streamed: bool) -> RequestTrace:
    if not streamed:
        return (await built.call(list(MESSAGES))).trace
    opened = await built.open_stream(Endpoint.CHAT, messages=list(MESSAGES))
    if opened.stream is not None:
        async for _ in opened.stream:
            pass
    return opened.finish()


async def _through(
    group: RoutingGroup, retry_after_s: float, streamed: bool
) -> tuple[RequestTrace, tuple[float, float] | None]:
    """One request: "a" answers 429 with `Retry-After`, "b" answers. (trace, "a"'s cooldown end
    in seconds from the request's start and from its end)."""
    with FakeOpenAIServer() as server:
        server.answer("model-a", status=429, retry_after_s=retry_after_s)
        deployments = {
            m: make_deployment(m, api_base=server.base_url, api_key="sk-fake-provider")
            for m in "ab"
        }
        with build_router(group, deployments, mock=False) as built:
            before = datetime.now(UTC)
            trace = await _send(built, streamed)
            after = datetime.now(UTC)
            states = {s.deployment_id: s for s in await deployment_states(built)}
    ends = states["a"].cooldown_ends_at
    if ends is None:
        return trace, None
    return trace, ((ends - before).total_seconds(), (ends - after).total_seconds())


@pytest.mark.parametrize("streamed", [False, True], ids=["call", "stream"])
def test_a_retry_after_sets_the_cooldown_streamed_or_not(streamed: bool) -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="a", priority=1), GroupDeployment(model_id="b", priority=2)],
        allowed_fails=0,
        cooldown_seconds=5,
    )
    trace, ends = asyncio.run(_through(group, 20, streamed))

    assert [(a.deployment_id, a.error_kind, a.retry_after_s) for a in trace.attempts] == [
        ("a", ErrorKind.RATE_LIMIT, 20),
        ("b", None, None),
    ]
    # the failure happened between the request's start and end: its 20 s end lies 20 s after
    # a moment in between (the group's own cooldown is 5 s)
    assert ends is not None
    from_start, from_end = ends
    assert from_start >= 20 - 0.05 and from_end <= 20 + 0.05, ends


@pytest.mark.parametrize("streamed", [False, True], ids=["call", "stream"])
def test_a_retry_waits_out_the_retry_after_streamed_or_not(streamed: bool) -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="a", priority=1), GroupDeployment(model_id="b", priority=2)],
        num_retries=1,
        allowed_fails=100,  # no cooldown: the retry goes back to "a"
    )
    trace, _ = asyncio.run(_through(group, 1, streamed))

    first, retry, served = trace.attempts
    assert [first.deployment_id, retry.deployment_id, served.deployment_id] == ["a", "a", "b"]
    waited_s = (retry.started_at_ms - first.started_at_ms - first.latency_ms) / 1000
    # A lower bound only (a sleep is never shorter); litellm adds up to 0.75 s of jitter.
    assert waited_s >= 1.0, f"retried after {waited_s:.2f} s, before the 1 s Retry-After"
