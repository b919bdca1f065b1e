"""Live traffic: every finished `/v1` request, from every instance, to whoever watches its group.

Each instance buffers its finished requests (a `TrafficHook` listener) and publishes them in one
event per `flush_seconds` on the bus (Redis across instances, in memory otherwise). Each instance
follows that channel once: it hands each group's requests to its local `liveTraffic` subscribers
and counts them into the last-minute window `health` reads, so every instance sees the whole
fleet's traffic, in the order each instance finished it.

Fan-out is once per group per instance: a batch is built once and the same object goes to every
subscriber of the group; the GraphQL layer converts it, executes each distinct subscription
document on it and JSON-encodes the result once (`schema.shared_results`), so a subscriber only
costs its access re-check here and its websocket send. A subscriber whose access to
the group was taken away (unassigned, key or team deleted) stops receiving it at the next batch.
A key holds at most `max_per_key` subscriptions at once (400 by one key took `/v1` from 210 to
38 req/s); the master key is not capped.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.errors import LimitExceededError, NoSuchRoutingGroupError
from gql_server.core.domain.traces import RequestTrace, TraceStatus
from gql_server.core.litellm_adapter.skips import with_cooldown_skips
from gql_server.core.litellm_adapter.state.deployment_state import cooling_now, deployment_states
from gql_server.core.routing.registry import RouterRegistry
from gql_server.events import EventBus
from gql_server.services.common import can_see
from gql_server.services.routing_groups import RoutingGroupService
from gql_server.services.simulation.trace_codec import trace_from_json, trace_to_json
from gql_server.services.traffic import FinishedRequest, Tokens

log = logging.getLogger(__name__)

LIVE_TRAFFIC_CHANNEL = "routing-groups:live-traffic"  # {"instance", "requests": [...]}
WINDOW_MS = 60_000.0
DEFAULT_MAX_PER_KEY = 10


@dataclass(frozen=True)
class LiveRequest:
    group_id: str
    trace: RequestTrace
    started_at_ms: float  # epoch ms
    status_code: int
    streamed: bool
    tokens: Tokens
    cost_usd: float


@dataclass(frozen=True)
class LiveTrafficBatch:
    group_id: str
    requests: list[LiveRequest]


@dataclass(frozen=True)
class DeploymentHealth:
    deployment_id: str
    cooling_down: bool
    cooldown_ends_at: datetime | None
    rpm_used: int | None
    tpm_used: int | None
    requests_last_minute: int  # attempts this group sent it, on every instance
    failures_last_minute: int
    p50_latency_ms: float | None  # of its successful attempts in the last minute


@dataclass(frozen=True)
class _Sample:
    at_ms: float
    ok: bool
    latency_ms: float


class _Watcher:
    def __init__(self, who: Principal, max_batches: int) -> None:
        self.who = who
        self.queue: asyncio.Queue[LiveTrafficBatch] = asyncio.Queue(maxsize=max_batches)

    def offer(self, batch: LiveTrafficBatch) -> None:
        if self.queue.full():  # a slow browser loses the oldest batches, never memory
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(batch)


class LiveTrafficService:
    def __init__(
        self,
        bus: EventBus,
        groups: RoutingGroupService,
        registry: RouterRegistry,
        *,
        flush_seconds: float = 0.1,
        clock: Callable[[], float] = time.time,
        max_per_key: int = DEFAULT_MAX_PER_KEY,
    ) -> None:
        self._bus = bus
        self._groups = groups
        self._registry = registry
        self._flush_seconds = flush_seconds
        self._clock = clock
        self._instance = f"{os.getpid()}-{time.monotonic_ns()}"
        self._pending: list[FinishedRequest] = []
        self._wake = asyncio.Event()
        self._watchers: dict[str, set[_Watcher]] = {}
        self._max_per_key = max_per_key
        self._per_key: dict[str, int] = {}
        self._window: dict[tuple[str, str], deque[_Sample]] = {}

    # -- this instance's requests, out to the bus ------------------------------------------------

    def on_finished(self, finished: FinishedRequest) -> None:
        """The `TrafficHook` listener: cheap, no await. Requests refused before routing have no
        trace to show."""
        if not finished.routed:
            return
        self._pending.append(finished)
        self._wake.set()

    async def run(self) -> None:
        """Publish this instance's requests and follow every instance's (until cancelled)."""
        follower = asyncio.create_task(self._follow())
        try:
            await self._publish_forever()
        finally:
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)

    async def _publish_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self._flush_seconds)  # gather what else finishes meanwhile
            await self.flush()

    async def flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            requests = [_encode(f) for f in await self._with_skips(batch)]
            await self._bus.publish(
                LIVE_TRAFFIC_CHANNEL, {"instance": self._instance, "requests": requests}
            )
        except Exception:
            log.exception("could not publish %d live requests", len(batch))

    async def _with_skips(self, batch: list[FinishedRequest]) -> list[FinishedRequest]:
        """Add the cooldown skips, read once per group per batch (off the request's path)."""
        cooling: dict[str, set[str]] = {}
        out: list[FinishedRequest] = []
        for finished in batch:
            try:
                built = self._registry.get_by_id(finished.group_id)
            except NoSuchRoutingGroupError:
                out.append(finished)
                continue
            if finished.group_id not in cooling:
                cooling[finished.group_id] = await cooling_now(built)
            trace = with_cooldown_skips(built, finished.trace, cooling[finished.group_id])
            out.append(dataclasses.replace(finished, trace=trace))
        return out

    # -- every instance's requests, from the bus -----------------------------------------------

    async def _follow(self) -> None:
        async for event in self._bus.subscribe(LIVE_TRAFFIC_CHANNEL):
            try:
                requests = [_decode(r) for r in event.get("requests", ())]
            except (KeyError, TypeError, ValueError):
                log.warning("ignoring a malformed live-traffic event")
                continue
            self.receive(requests)

    def receive(self, requests: list[LiveRequest]) -> None:
        by_group: dict[str, list[LiveRequest]] = {}
        for request in requests:
            by_group.setdefault(request.group_id, []).append(request)
            self._count(request)
        for group_id, group_requests in by_group.items():
            watchers = self._watchers.get(group_id)
            if not watchers:
                continue
            batch = LiveTrafficBatch(group_id, group_requests)  # one, for every subscriber
            group = self._live_group(group_id)
            for watcher in tuple(watchers):
                if group is None or can_see(watcher.who, group):
                    watcher.offer(batch)

    def _live_group(self, group_id: str) -> Any:
        try:
            return self._registry.get_by_id(group_id).group
        except NoSuchRoutingGroupError:
            return None

    def _count(self, request: LiveRequest) -> None:
        at = request.started_at_ms + request.trace.latency_ms
        since = self._clock() * 1000 - WINDOW_MS
        for attempt in request.trace.attempts:
            samples = self._window.setdefault((request.group_id, attempt.deployment_id), deque())
            ok = attempt.status is TraceStatus.SUCCESS
            samples.append(_Sample(at, ok, attempt.latency_ms))
            _evict(samples, since)

    # -- readers ------------------------------------------------------------------------------

    async def watch(
        self, who: Principal, group_id: str, max_batches: int = 100
    ) -> AsyncGenerator[LiveTrafficBatch, None]:
        """The group's live requests, batched as they arrive. Raises NotFoundError (before the
        first batch) when the group does not exist or `who` may not see it. The first batch is
        empty: it says the subscription is in place."""
        await self._groups.get_visible(who, group_id)
        holder = None if who.is_admin else (who.key_id or who.identity)
        if holder is not None:
            held = self._per_key.get(holder, 0)
            if held >= self._max_per_key:
                raise LimitExceededError(
                    f"this key already holds {held} liveTraffic subscriptions; at most "
                    f"{self._max_per_key} at once (LIVE_TRAFFIC_SUBSCRIPTIONS_PER_KEY)",
                    limit=self._max_per_key,
                )
            self._per_key[holder] = held + 1  # no await since the check: no race
        return self._batches(who, holder, group_id, max_batches)

    async def _batches(
        self, who: Principal, holder: str | None, group_id: str, max_batches: int
    ) -> AsyncGenerator[LiveTrafficBatch, None]:
        watcher = _Watcher(who, max_batches)
        self._watchers.setdefault(group_id, set()).add(watcher)
        try:
            yield LiveTrafficBatch(group_id, [])
            while True:
                yield await watcher.queue.get()
        finally:
            if holder is not None:
                left = self._per_key.get(holder, 1) - 1
                if left > 0:
                    self._per_key[holder] = left
                else:
                    self._per_key.pop(holder, None)
            watchers = self._watchers.get(group_id, set())
            watchers.discard(watcher)
            if not watchers:
                self._watchers.pop(group_id, None)

    async def health(self, group_id: str) -> list[DeploymentHealth]:
        """Per deployment of the live group: litellm's cooldown and usage state (shared across
        instances with REDIS_URL) and the last minute of this group's traffic to it."""
        try:
            built = self._registry.get_by_id(group_id)
        except NoSuchRoutingGroupError:
            return []
        since = self._clock() * 1000 - WINDOW_MS
        out: list[DeploymentHealth] = []
        for state in await deployment_states(built):
            samples = self._recent((group_id, state.deployment_id), since)
            latencies = [s.latency_ms for s in samples if s.ok]
            out.append(
                DeploymentHealth(
                    deployment_id=state.deployment_id,
                    cooling_down=state.cooling_down,
                    cooldown_ends_at=state.cooldown_ends_at,
                    rpm_used=state.rpm_used,
                    tpm_used=state.tpm_used,
                    requests_last_minute=len(samples),
                    failures_last_minute=sum(1 for s in samples if not s.ok),
                    p50_latency_ms=median(latencies) if latencies else None,
                )
            )
        return out

    def _recent(self, key: tuple[str, str], since_ms: float) -> list[_Sample]:
        samples = self._window.get(key)
        if samples is None:
            return []
        _evict(samples, since_ms)
        return [s for s in samples if s.at_ms >= since_ms]


def _evict(samples: deque[_Sample], since_ms: float) -> None:
    # Instances finish out of order by a little: eviction is from the oldest end only, and
    # readers filter exactly.
    while samples and samples[0].at_ms < since_ms:
        samples.popleft()


def _encode(finished: FinishedRequest) -> dict[str, Any]:
    return {
        "groupId": finished.group_id,
        "trace": trace_to_json(finished.trace),
        "startedAtMs": finished.started_at_ms,
        "statusCode": finished.status_code,
        "streamed": finished.streamed,
        "promptTokens": finished.tokens.prompt,
        "completionTokens": finished.tokens.completion,
        "costUsd": finished.cost_usd,
    }


def _decode(data: dict[str, Any]) -> LiveRequest:
    return LiveRequest(
        group_id=str(data["groupId"]),
        trace=trace_from_json(data["trace"]),
        started_at_ms=float(data["startedAtMs"]),
        status_code=int(data["statusCode"]),
        streamed=bool(data["streamed"]),
        tokens=Tokens(int(data["promptTokens"]), int(data["completionTokens"])),
        cost_usd=float(data["costUsd"]),
    )
