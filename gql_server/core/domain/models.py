"""Routing groups, deployments and their invariants.

Field paths in validation errors use the public (GraphQL, camelCase) names so clients can put
each message beside the field it names.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Collection
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gql_server.core.domain.errors import FieldError, ValidationError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
MAX_DESCRIPTION = 2000
MAX_FALLBACKS_LIMIT = 20
# Upper bounds on every number a group carries: a retry count of 2^31-1 or a cooldown of
# infinity is never what anyone meant, and unbounded values stall requests or break reads.
MAX_NUM_RETRIES = 10
MAX_ALLOWED_FAILS = 10_000
MAX_COOLDOWN_SECONDS = 24 * 3600.0
MIN_TIMEOUT_SECONDS = 0.1
MAX_TIMEOUT_SECONDS = 600.0
MAX_PRIORITY = 1000
MAX_WEIGHT = 1_000_000
MAX_RATE_LIMIT = 1_000_000_000
MAX_COST_PER_TOKEN = 1.0
# Longest text a deployment's fields may hold (GraphQL input name -> characters).
MAX_DEPLOYMENT_CHARS = {
    "modelId": 128,
    "modelName": 256,
    "publicModelName": 256,
    "provider": 64,
    "displayName": 200,
    "apiBase": 2048,
    "apiKey": 4096,
    "mockResponse": 20_000,
}
ENV_REFERENCE_PREFIX = "os.environ/"


class Strategy(enum.StrEnum):
    PRIORITY_FAILOVER = "PRIORITY_FAILOVER"
    SIMPLE_SHUFFLE = "SIMPLE_SHUFFLE"
    WEIGHTED = "WEIGHTED"
    LEAST_BUSY = "LEAST_BUSY"
    LATENCY_BASED = "LATENCY_BASED"
    COST_BASED = "COST_BASED"
    USAGE_BASED = "USAGE_BASED"


class ErrorKind(enum.StrEnum):
    RATE_LIMIT = "RATE_LIMIT"
    TIMEOUT = "TIMEOUT"
    SERVER_ERROR = "SERVER_ERROR"
    CONTEXT_WINDOW = "CONTEXT_WINDOW"
    CONTENT_POLICY = "CONTENT_POLICY"
    AUTH = "AUTH"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Deployment(_Frozen):
    """One entry of the model registry (a LiteLLM `model_list` item).

    `api_key` is either a literal secret or an `os.environ/NAME` reference; it is never
    returned by the API. `extra_params` holds the remaining `litellm_params`
    (api_version, mock_response, ...).
    """

    model_id: str
    model_name: str
    litellm_model: str
    provider: str
    display_name: str | None = None
    api_base: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    rpm: int | None = None
    tpm: int | None = None
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    extra_params: dict[str, Any] = Field(default_factory=dict)

    @property
    def has_mock_response(self) -> bool:
        return "mock_response" in self.extra_params


class GroupDeployment(_Frozen):
    model_id: str
    priority: int | None = None
    weight: int | None = None
    display_name: str | None = None


class RetryConfig(_Frozen):
    num_retries: int = 0


class CooldownConfig(_Frozen):
    allowed_fails: int = 3
    cooldown_time_seconds: float = 60.0


class GroupSettings(_Frozen):
    max_fallbacks: int = 5
    timeout_seconds: float | None = None


class RoutingGroupSpec(_Frozen):
    """Everything a user configures; what create takes and update patches."""

    name: str
    description: str | None = None
    strategy: Strategy
    deployments: tuple[GroupDeployment, ...]
    retry: RetryConfig = RetryConfig()
    cooldown: CooldownConfig = CooldownConfig()
    settings: GroupSettings = GroupSettings()
    assigned_team_ids: tuple[str, ...] = ()
    assigned_key_ids: tuple[str, ...] = ()
    is_active: bool = True


class RoutingGroup(RoutingGroupSpec):
    """A saved routing group."""

    group_id: str
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    @property
    def spec(self) -> RoutingGroupSpec:
        return RoutingGroupSpec.model_validate(
            self.model_dump(include=set(RoutingGroupSpec.model_fields))
        )


def provider_of(litellm_model: str) -> str:
    """`nebius/meta-llama/...` -> `nebius`; a bare model name is OpenAI's."""
    head, sep, _ = litellm_model.partition("/")
    return head if sep else "openai"


def validate_spec(spec: RoutingGroupSpec, known_model_ids: Collection[str]) -> None:
    """Raise ValidationError listing every problem with `spec`; return None when it is sound."""
    errors: list[FieldError] = []
    errors.extend(_name_errors(spec.name))
    if spec.description is not None and len(spec.description) > MAX_DESCRIPTION:
        errors.append(FieldError("description", f"must be at most {MAX_DESCRIPTION} characters"))
    errors.extend(_deployment_errors(spec, known_model_ids))
    errors.extend(
        number_errors("retryConfig.numRetries", spec.retry.num_retries, 0, MAX_NUM_RETRIES)
    )
    errors.extend(
        number_errors(
            "cooldownConfig.allowedFails", spec.cooldown.allowed_fails, 0, MAX_ALLOWED_FAILS
        )
    )
    errors.extend(
        number_errors(
            "cooldownConfig.cooldownTimeSeconds",
            spec.cooldown.cooldown_time_seconds,
            0,
            MAX_COOLDOWN_SECONDS,
        )
    )
    errors.extend(
        number_errors("settings.maxFallbacks", spec.settings.max_fallbacks, 0, MAX_FALLBACKS_LIMIT)
    )
    timeout = spec.settings.timeout_seconds
    if timeout is not None:
        errors.extend(
            number_errors(
                "settings.timeoutSeconds", timeout, MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS
            )
        )
    if errors:
        raise ValidationError(errors)


def number_errors(field: str, value: float, low: float, high: float) -> list[FieldError]:
    """A finite number within [low, high], or the FieldError saying what is allowed."""
    if not math.isfinite(value):
        return [FieldError(field, "must be a finite number")]
    if not low <= value <= high:
        return [FieldError(field, f"must be between {low:g} and {high:g}")]
    return []


def _name_errors(name: str) -> list[FieldError]:
    if not name.strip():
        return [FieldError("routingGroupName", "must not be empty")]
    if not NAME_PATTERN.match(name):
        return [
            FieldError(
                "routingGroupName",
                "must be 1-64 characters: letters, digits and . _ : / -, "
                "starting with a letter or digit",
            )
        ]
    return []


def _deployment_errors(spec: RoutingGroupSpec, known: Collection[str]) -> list[FieldError]:
    if not spec.deployments:
        return [FieldError("deployments", "add at least one deployment")]
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, dep in enumerate(spec.deployments):
        where = f"deployments[{i}]"
        if dep.model_id not in known:
            errors.append(FieldError(f"{where}.modelId", f"unknown deployment {dep.model_id!r}"))
        if dep.model_id in seen:
            errors.append(
                FieldError(f"{where}.modelId", f"deployment {dep.model_id!r} is listed twice")
            )
        seen.add(dep.model_id)
        if spec.strategy is Strategy.PRIORITY_FAILOVER:
            errors.extend(_priority_errors(dep, where))
        if spec.strategy is Strategy.WEIGHTED:
            if dep.weight is None:
                errors.append(FieldError(f"{where}.weight", "required for weighted routing"))
            else:
                errors.extend(number_errors(f"{where}.weight", dep.weight, 0, MAX_WEIGHT))
    if (
        spec.strategy is Strategy.WEIGHTED
        and not errors
        and all((d.weight or 0) == 0 for d in spec.deployments)
    ):
        errors.append(FieldError("deployments", "at least one weight must be above 0"))
    return errors


def _priority_errors(dep: GroupDeployment, where: str) -> list[FieldError]:
    """Equal priorities are allowed: they form one tier that shares traffic."""
    if dep.priority is None:
        return [FieldError(f"{where}.priority", "required for priority failover")]
    if not 1 <= dep.priority <= MAX_PRIORITY:
        return [FieldError(f"{where}.priority", f"must be between 1 and {MAX_PRIORITY}")]
    return []
