"""Hand-written fakes and small factories for tests (no mock patching)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gql_server.core.domain.models import (
    CooldownConfig,
    Deployment,
    GroupDeployment,
    RetryConfig,
    RoutingGroup,
    Strategy,
)

MESSAGES = [{"role": "user", "content": "Hello"}]


def make_deployment(model_id: str, **changes: Any) -> Deployment:
    fields: dict[str, Any] = {
        "model_id": model_id,
        "model_name": f"model-{model_id}",
        "litellm_model": f"openai/model-{model_id}",
        "provider": "openai",
    }
    return Deployment(**(fields | changes))


def make_group(
    strategy: Strategy,
    members: list[GroupDeployment],
    *,
    name: str = "group",
    num_retries: int = 0,
    allowed_fails: int = 100,
    cooldown_seconds: float = 60.0,
    **changes: Any,
) -> RoutingGroup:
    now = datetime(2026, 11, 27, tzinfo=UTC)
    fields: dict[str, Any] = {
        "group_id": f"id-{name}",
        "name": name,
        "strategy": strategy,
        "deployments": tuple(members),
        "retry": RetryConfig(num_retries=num_retries),
        "cooldown": CooldownConfig(
            allowed_fails=allowed_fails, cooldown_time_seconds=cooldown_seconds
        ),
        "version": 1,
        "created_at": now,
        "created_by": "test",
        "updated_at": now,
        "updated_by": "test",
    }
    return RoutingGroup(**(fields | changes))


def deployments_for(group: RoutingGroup, **changes: Any) -> dict[str, Deployment]:
    return {m.model_id: make_deployment(m.model_id, **changes) for m in group.deployments}
