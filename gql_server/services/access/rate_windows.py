"""Per-key and per-team rpm/tpm windows shared by every instance through Redis.

One Lua script admits a request: it trims each limited subject's window, checks them all and,
only when all have room, counts the request in each (atomic in Redis, so two instances can never
both take the last slot). Time is Redis's own clock, so the instances' clocks do not matter.

- rpm: a sorted set per subject, one member per admitted request (score: ms), exact.
- tpm: a hash per subject of tokens per second (at most 61 fields), charged when a request has
  finished; a second's tokens leave the window once the whole second is a minute old (so tokens
  may count up to 1 s longer than on one instance). Charges are written off the request's path,
  coalesced into one script call per flush.

Keys expire a minute after their last write. A Redis error never fails a request: this instance
falls back to its own in-memory windows until Redis answers again.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from gql_server.core.domain.rate_limits import WINDOW_S, AccessLimits, RateLimiter

log = logging.getLogger(__name__)

WINDOW_MS = int(WINDOW_S * 1000)
_WARN_EVERY_S = 60.0

_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
"""

# KEYS: one per check. ARGV: window ms, the request's member id, then (kind, limit) per check;
# kind 'r' (requests, a sorted set) or 't' (tokens, a hash of second -> tokens).
# Returns 0 when admitted (counted in every 'r' window), else the ms to wait.
_ADMIT = (
    _PRELUDE
    + """
local wait = 0
local checks = (#ARGV - 2) / 2
for i = 1, checks do
  local key, kind, limit = KEYS[i], ARGV[2 * i + 1], tonumber(ARGV[2 * i + 2])
  if kind == 'r' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local used = redis.call('ZCARD', key)
    if used + 1 > limit then
      local nth = redis.call('ZRANGE', key, used - limit, used - limit, 'WITHSCORES')
      wait = math.max(wait, tonumber(nth[2]) + window - now)
    end
  else
    local fields = redis.call('HGETALL', key)
    local seconds, used = {}, 0
    for j = 1, #fields, 2 do
      local second, tokens = tonumber(fields[j]), tonumber(fields[j + 1])
      if (second + 1) * 1000 + window <= now then
        redis.call('HDEL', key, fields[j])
      else
        used = used + tokens
        table.insert(seconds, {second, tokens})
      end
    end
    if used + 1 > limit then
      table.sort(seconds, function(a, b) return a[1] < b[1] end)
      local excess = used + 1 - limit
      for _, entry in ipairs(seconds) do
        excess = excess - entry[2]
        if excess <= 0 then
          wait = math.max(wait, (entry[1] + 1) * 1000 + window - now)
          break
        end
      end
    end
  end
end
if wait > 0 then return math.max(1, wait) end
for i = 1, checks do
  if ARGV[2 * i + 1] == 'r' then
    redis.call('ZADD', KEYS[i], now, ARGV[2])
    redis.call('PEXPIRE', KEYS[i], window)
  end
end
return 0
"""
)

# KEYS: token hashes. ARGV: window ms, then the tokens for each key.
_CHARGE = (
    _PRELUDE
    + """
local second = math.floor(now / 1000)
for i = 1, #KEYS do
  redis.call('HINCRBY', KEYS[i], second, tonumber(ARGV[i + 1]))
  redis.call('PEXPIRE', KEYS[i], window + 1000)
end
return 0
"""
)


def key_prefix(namespace: str | None) -> str:
    """`routing-groups:[<namespace>:]limits:` (the app's channels are `routing-groups:*`)."""
    return f"routing-groups:{namespace}:limits:" if namespace else "routing-groups:limits:"


class RedisRateWindows:
    """The same contract as `RateLimiter`, over Redis, for subjects that have limits."""

    def __init__(self, url: str, namespace: str | None = None) -> None:
        # Blocking: past `max_connections` a request waits for a connection (a plain pool would
        # refuse it, and a burst would fall back to per-instance counting).
        pool = BlockingConnectionPool.from_url(
            url, max_connections=64, timeout=2.0, socket_timeout=2.0, socket_connect_timeout=2.0
        )
        self._redis: Redis = Redis.from_pool(pool)
        self._prefix = key_prefix(namespace)
        self._admit = self._redis.register_script(_ADMIT)
        self._charge = self._redis.register_script(_CHARGE)
        self._ids = (f"{uuid.uuid4().hex[:12]}:{n}" for n in itertools.count())
        self._fallback = RateLimiter()
        self._warned_at = -_WARN_EVERY_S
        self._pending: dict[str, int] = {}
        self._flushing: asyncio.Task[None] | None = None

    async def admit(self, subjects: Sequence[tuple[str, AccessLimits]]) -> float | None:
        """None when admitted (counted against every subject), else the seconds to wait."""
        keys: list[str] = []
        args: list[Any] = [WINDOW_MS, next(self._ids)]
        for subject, limits in subjects:
            if limits.rpm_limit is not None:
                keys.append(f"{self._prefix}rpm:{subject}")
                args += ["r", limits.rpm_limit]
            if limits.tpm_limit is not None:
                keys.append(f"{self._prefix}tpm:{subject}")
                args += ["t", limits.tpm_limit]
        if not keys:
            return None
        try:
            wait_ms = int(await self._admit(keys=keys, args=args))
        except (RedisError, OSError) as error:
            self._warn("admission", error)
            return self._fallback.admit(subjects)
        return wait_ms / 1000 if wait_ms > 0 else None

    def charge_tokens(self, subjects: Sequence[tuple[str, AccessLimits]], tokens: int) -> None:
        """Count a finished request's tokens in the tpm windows (written off the caller's path)."""
        limited = [subject for subject, limits in subjects if limits.tpm_limit is not None]
        if tokens <= 0 or not limited:
            return
        for subject in limited:
            key = f"{self._prefix}tpm:{subject}"
            self._pending[key] = self._pending.get(key, 0) + tokens
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        while self._pending:
            charges, self._pending = self._pending, {}
            try:
                await self._charge(keys=list(charges), args=[WINDOW_MS, *charges.values()])
            except (RedisError, OSError) as error:
                self._warn("token charges", error)
                prefix = f"{self._prefix}tpm:"
                for key, tokens in charges.items():
                    self._fallback.charge_tokens([key.removeprefix(prefix)], tokens)

    async def close(self) -> None:
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
        await self._redis.aclose()

    def _warn(self, what: str, error: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            log.warning(
                "Redis failed for rate-limit %s (%r): limits count on this instance only",
                what,
                error,
            )
