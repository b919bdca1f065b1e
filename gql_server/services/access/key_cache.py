"""Authenticated keys held in memory, so the `/v1` hot path never reads the database for them.

An entry maps a key's hash to its Principal. Revocation and deletion are pushed over the event
bus (`KEYS_CHANNEL`, from every instance, to every instance) and evict at once; the TTL only
bounds how long a lost bus message (Redis pub/sub is at most once) could keep a revoked key
usable. A lookup that raced an eviction (read the key from the database before the revocation
committed, finished after the event) is not stored: every eviction bumps `generation`, and an
entry is only stored when the generation is the one seen before the read.

`AccessBroadcast` is how access is taken away (revokeKey, deleteKey, deleteTeam and its keys):
evict here at once, then publish on the bus, retried; when the bus stays unreachable it keeps
retrying in the background and says so, so the mutation can tell exactly what happened instead
of failing after the change was saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gql_server.auth import Principal
from gql_server.events import KEYS_CHANNEL, EventBus

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 60.0
MAX_ENTRIES = 100_000
PUBLISH_DELAYS_S = (0.0, 0.05, 0.2)  # tries within the mutation
BACKGROUND_RETRY_S = 1.0


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    expires_at: float


class KeyCache:
    def __init__(
        self,
        ttl_s: float = DEFAULT_TTL_S,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        self._by_hash: dict[str, _Entry] = {}
        self.generation = 0

    def get(self, key_hash: str) -> Principal | None:
        entry = self._by_hash.get(key_hash)
        if entry is None:
            return None
        if entry.expires_at <= self._clock():
            del self._by_hash[key_hash]
            return None
        return entry.principal

    def put(self, key_hash: str, principal: Principal, seen_generation: int) -> None:
        if seen_generation != self.generation:
            return  # an eviction happened while this lookup read the database
        if len(self._by_hash) >= self._max_entries:
            self._by_hash.clear()  # rare (that many live keys): start over, never grow unbounded
        self._by_hash[key_hash] = _Entry(principal, self._clock() + self._ttl_s)

    def evict_key(self, key_id: str) -> None:
        self.generation += 1
        for key_hash, entry in list(self._by_hash.items()):
            if entry.principal.key_id == key_id:
                del self._by_hash[key_hash]

    def clear(self) -> None:
        self.generation += 1
        self._by_hash.clear()

    def __len__(self) -> int:
        return len(self._by_hash)


@dataclass(frozen=True)
class Propagation:
    """What taking keys' access away did beyond saving it."""

    key_ids: tuple[str, ...]
    every_instance_told: bool
    attempts: int
    warning: str | None = None


class AccessBroadcast:
    def __init__(self, bus: EventBus, cache: KeyCache | None, ttl_s: float) -> None:
        self._bus = bus
        self._cache = cache
        self._ttl_s = ttl_s
        self._retrying: set[asyncio.Task[None]] = set()

    async def removed(self, key_ids: Sequence[str], action: str) -> Propagation:
        """Evict the keys here, then tell every instance (theirs evict and close sockets)."""
        ids = tuple(dict.fromkeys(key_ids))
        if self._cache is not None:
            for key_id in ids:
                self._cache.evict_key(key_id)
        if not ids:
            return Propagation(ids, every_instance_told=True, attempts=0)
        events = [{"keyId": key_id, "action": action} for key_id in ids]
        error: Exception | None = None
        for attempt, delay in enumerate(PUBLISH_DELAYS_S, start=1):
            await asyncio.sleep(delay)
            try:
                await self._publish(events)
            except Exception as exc:  # the bus is down: the change is saved all the same
                error = exc
                log.warning("could not publish a key %s (try %d): %r", action, attempt, exc)
                continue
            return Propagation(ids, every_instance_told=True, attempts=attempt)
        self._retry_in_background(events)
        late = (
            f"within {self._ttl_s:g} s (KEY_CACHE_TTL_SECONDS) at the latest"
            if self._ttl_s > 0
            else "on their next request (their key cache is off)"
        )
        warning = (
            f"saved, and refused on this instance at once; the event bus could not be reached "
            f"after {len(PUBLISH_DELAYS_S)} tries ({type(error).__name__}), so other instances "
            f"have not been told yet: retrying every {BACKGROUND_RETRY_S:g} s in the "
            f"background; they refuse the key when it arrives, or {late}"
        )
        return Propagation(
            ids, every_instance_told=False, attempts=len(PUBLISH_DELAYS_S), warning=warning
        )

    async def _publish(self, events: list[dict[str, str]]) -> None:
        for event in events:
            await self._bus.publish(KEYS_CHANNEL, event)

    def _retry_in_background(self, events: list[dict[str, str]]) -> None:
        task = asyncio.create_task(self._keep_trying(events), name="key revocation publish")
        self._retrying.add(task)
        task.add_done_callback(self._retrying.discard)

    async def _keep_trying(self, events: list[dict[str, str]]) -> None:
        # Past the TTL every other instance has dropped the key on its own; still told, so
        # their open websockets of the key close too.
        while True:
            await asyncio.sleep(BACKGROUND_RETRY_S)
            try:
                await self._publish(events)
            except Exception as exc:
                log.warning("still could not publish %d key events: %r", len(events), exc)
                continue
            log.info("published %d key events after the bus came back", len(events))
            return

    async def close(self) -> None:
        for task in list(self._retrying):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
