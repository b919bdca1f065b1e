"""What a live Router knows about each of its deployments right now: cooling down (until when),
and this minute's rpm/tpm usage, read from litellm's own routing state.

That state is the Router's routing cache: in memory, or Redis when the Router was built with
`SharedState`, in which case every instance and every group using the deployment id reads the
same cooldown and the same counters. Usage counters are litellm's per-minute
`(deployment id, litellm model, HH-MM UTC)` counters, the ones usage-based routing and rpm/tpm
limits read. litellm counts usage only for a deployment with an rpm or tpm limit; for any other
the usage is None (not counted), never a made-up 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from litellm.redis.stores.router_usage import UsageCounter
from litellm.types.router import RouterCacheEnum

from gql_server.core.litellm_adapter.built_router import BuiltRouter


@dataclass(frozen=True)
class DeploymentState:
    deployment_id: str
    cooling_down: bool
    cooldown_ends_at: datetime | None
    rpm_used: int | None
    tpm_used: int | None


async def deployment_states(built: BuiltRouter) -> list[DeploymentState]:
    """One entry per deployment of the group, in the group's order."""
    ids = [member.model_id for member in built.group.deployments]
    cooling = await _cooldowns_until(built, ids)
    counted = [m for m in ids if _has_limit(built, m)]
    usage = await _usage_this_minute(built, counted) if counted else {}
    return [
        DeploymentState(
            deployment_id=model_id,
            cooling_down=model_id in cooling,
            cooldown_ends_at=cooling.get(model_id),
            rpm_used=usage.get((model_id, "rpm")),
            tpm_used=usage.get((model_id, "tpm")),
        )
        for model_id in ids
    ]


async def cooling_now(built: BuiltRouter) -> set[str]:
    """The group's deployments litellm holds in cooldown right now (one read)."""
    return set(await _cooldowns_until(built, [m.model_id for m in built.group.deployments]))


def _has_limit(built: BuiltRouter, model_id: str) -> bool:
    deployment = built.deployments[model_id]
    return deployment.rpm is not None or deployment.tpm is not None


async def _cooldowns_until(built: BuiltRouter, ids: Sequence[str]) -> dict[str, datetime]:
    cooldowns: Any = built.router.health().cooldowns  # litellm's CooldownCache
    active = await cooldowns.async_get_active_cooldowns(list(ids), None)
    until: dict[str, datetime] = {}
    for model_id, value in active:
        ends = float(value["timestamp"]) + float(value["cooldown_time"])
        until[str(model_id)] = datetime.fromtimestamp(ends, UTC)
    return until


async def _usage_this_minute(built: BuiltRouter, ids: Sequence[str]) -> dict[tuple[str, str], int]:
    minute = datetime.now(UTC).strftime("%H-%M")
    counters = [
        UsageCounter(model_id, built.deployments[model_id].litellm_model, minute, kind)
        for model_id in ids
        for kind in ("rpm", "tpm")
    ]
    values: Sequence[Any]
    shared: Any = built.router.health().store.redis_cache
    if shared is not None:
        # Each instance's usage store answers from its own memory tier first, which lags the
        # other instances' counts; the Redis value is the fleet's.
        keys = [_redis_key(c) for c in counters]
        found = await shared.async_batch_get_cache(keys)
        values = [found.get(key) for key in keys]
    elif built.usage is not None:
        # The store litellm's core counts every call in, kept by the Router's host.
        values = await built.usage.get_many(counters)
    else:
        values = [None] * len(counters)
    return {(c.deployment_id, c.kind): int(v or 0) for c, v in zip(counters, values, strict=True)}


def _redis_key(counter: UsageCounter) -> str:
    """litellm's key for a router usage counter in Redis (RedisCache adds the namespace)."""
    template = RouterCacheEnum.RPM if counter.kind == "rpm" else RouterCacheEnum.TPM
    return template.value.format(
        id=counter.deployment_id, model=counter.model, current_minute=counter.minute
    )
