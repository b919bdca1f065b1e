"""Authenticated keys held in memory, so the `/v1` hot path never reads the database for them.

An entry maps a key's hash to its Principal. Revocation and deletion are pushed over the event
bus (`KEYS_CHANNEL`, from every instance, to every instance) and evict at once; the TTL only
bounds how long a lost bus message (Redis pub/sub is at most once) could keep a revoked key
usable. A lookup that raced an eviction (read the key from the database before the revocation
committed, finished after the event) is not stored: every eviction bumps `generation`, and an
entry is only stored when the generation is the one seen before the read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from gql_server.auth import Principal

DEFAULT_TTL_S = 60.0
MAX_ENTRIES = 100_000


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
