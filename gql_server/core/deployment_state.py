"""What a live Router knows about each of its deployments right now: cooling down (until when),
and this minute's rpm/tpm usage, read from litellm's own routing state.

That state is the Router's routing cache: in memory, or Redis when the Router was built with
`SharedState`, in which case every instance and every group using the deployment id reads the
same cooldown and the same counters. Usage counters are litellm's per-minute
`(deployment id, litellm model, HH-MM UTC)` counters, the ones usage-based routing and rpm/tpm
limits read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from litellm.redis.stores.router_usage import UsageCounter

from gql_server.core.router_builder import BuiltRouter


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
    usage = await _usage_this_minute(built, ids)
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


async def _cooldowns_until(built: BuiltRouter, ids: Sequence[str]) -> dict[str, datetime]:
    cooldowns: Any = built.router.health().cooldowns  # litellm's CooldownCache
    active = await cooldowns.async_get_active_cooldowns(list(ids), None)
    until: dict[str, datetime] = {}
    for model_id, value in active:
        ends = float(value["timestamp"]) + float(value["cooldown_time"])
        until[str(model_id)] = datetime.fromtimestamp(ends, UTC)
    return until


async def _usage_this_minute(built: BuiltRouter, ids: Sequence[str]) -> dict[tuple[str, str], int]:
    # The store litellm's core counts every call in (no public reader per deployment).
    store: Any = built.router._core._usage
    minute = datetime.now(UTC).strftime("%H-%M")
    counters = [
        UsageCounter(model_id, built.deployments[model_id].litellm_model, minute, kind)
        for model_id in ids
        for kind in ("rpm", "tpm")
    ]
    values = await store.get_many(counters)
    return {(c.deployment_id, c.kind): int(v or 0) for c, v in zip(counters, values, strict=True)}
