"""The user story's three deployments (shared/examples/config.yaml), in both shapes the
benchmarks need: raw litellm `model_list` entries and the domain's routing group."""

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

MOCK_TEXT = "This is a mock response from the routing group."
MESSAGES = [{"role": "user", "content": "Hello, respond with one word."}]

# (model_id, model_name, litellm model, provider, input and output cost per token)
_STORY = (
    (
        "nebius-llama-3.3-70b",
        "llama-3.3-70b",
        "nebius/meta-llama/Llama-3.3-70B-Instruct",
        "nebius",
        0.00000013,
        0.0000004,
    ),
    (
        "fireworks-llama-v3p3-70b",
        "llama-3.3-70b",
        "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct",
        "fireworks_ai",
        0.0000009,
        0.0000009,
    ),
    ("azure-gpt-4o", "gpt-4o", "azure/gpt-4o", "azure", 0.0000025, 0.00001),
)
MODEL_IDS = [story[0] for story in _STORY]
DEPLOYMENTS = {
    model_id: Deployment(
        model_id=model_id,
        model_name=name,
        litellm_model=model,
        provider=provider,
        input_cost_per_token=cost_in,
        output_cost_per_token=cost_out,
    )
    for model_id, name, model, provider, cost_in, cost_out in _STORY
}


def failover_group() -> RoutingGroup:
    now = datetime.now(UTC)
    return RoutingGroup(
        name="bench-story",
        strategy=Strategy.PRIORITY_FAILOVER,
        deployments=tuple(
            GroupDeployment(model_id=m, priority=i + 1) for i, m in enumerate(MODEL_IDS)
        ),
        retry=RetryConfig(num_retries=0),
        cooldown=CooldownConfig(allowed_fails=1000, cooldown_time_seconds=0),
        group_id="bench",
        version=1,
        created_at=now,
        created_by="bench",
        updated_at=now,
        updated_by="bench",
    )


def bare_failover_router_kwargs() -> dict[str, Any]:
    """A Router with the same three tiers and fallbacks, written by hand: what a litellm user
    would do without this project."""
    tiers = ["tier1", "tier2", "tier3"]
    return {
        "model_list": [
            {
                "model_name": tier,
                "litellm_params": {
                    "model": model,
                    "api_key": "mock-key",
                    "mock_response": MOCK_TEXT,
                    "input_cost_per_token": cost_in,
                    "output_cost_per_token": cost_out,
                },
                "model_info": {"id": model_id},
            }
            for tier, (model_id, _, model, _, cost_in, cost_out) in zip(tiers, _STORY, strict=True)
        ],
        "fallbacks": [{"tier1": ["tier2"]}, {"tier2": ["tier3"]}],
        "num_retries": 0,
        "disable_cooldowns": True,
    }
