"""Rows <-> domain objects. The only place that knows both shapes."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.services.ports import ApiKeyRecord, Revision, SimulationRecord, Team
from gql_server.store.tables import DeploymentRow, RoutingGroupRow


def deployment_values(deployment: Deployment) -> dict[str, Any]:
    return deployment.model_dump(mode="json")


def deployment_from_row(row: DeploymentRow) -> Deployment:
    return Deployment(
        model_id=row.model_id,
        model_name=row.model_name,
        litellm_model=row.litellm_model,
        provider=row.provider,
        display_name=row.display_name,
        api_base=row.api_base,
        api_key=row.api_key,
        rpm=row.rpm,
        tpm=row.tpm,
        input_cost_per_token=row.input_cost_per_token,
        output_cost_per_token=row.output_cost_per_token,
        extra_params=dict(row.extra_params),
    )


def group_values(group: RoutingGroup) -> dict[str, Any]:
    """Every column the domain owns; `fallback_config` is the seed's and left to its default."""
    return {
        "routing_group_id": group.group_id,
        "routing_group_name": group.name,
        "description": group.description,
        "routing_strategy": group.strategy.value,
        "deployments": [d.model_dump(mode="json") for d in group.deployments],
        "retry_config": group.retry.model_dump(mode="json"),
        "cooldown_config": group.cooldown.model_dump(mode="json"),
        "settings": group.settings.model_dump(mode="json"),
        "assigned_team_ids": list(group.assigned_team_ids),
        "assigned_key_ids": list(group.assigned_key_ids),
        "is_active": group.is_active,
        "version": group.version,
        "created_at": group.created_at,
        "created_by": group.created_by,
        "updated_at": group.updated_at,
        "updated_by": group.updated_by,
    }


def group_from_row(row: RoutingGroupRow) -> RoutingGroup:
    return RoutingGroup.model_validate(
        {
            "group_id": row.routing_group_id,
            "name": row.routing_group_name,
            "description": row.description,
            "strategy": row.routing_strategy,
            "deployments": row.deployments,
            "retry": row.retry_config,
            "cooldown": row.cooldown_config,
            "settings": row.settings,
            "assigned_team_ids": row.assigned_team_ids,
            "assigned_key_ids": row.assigned_key_ids,
            "is_active": row.is_active,
            "version": row.version,
            "created_at": row.created_at,
            "created_by": row.created_by,
            "updated_at": row.updated_at,
            "updated_by": row.updated_by,
        }
    )


# Revisions, teams, keys and simulations are plain dataclasses whose fields are named exactly
# like their table's columns, so one pair of functions maps all four.
Record = TypeVar("Record", Revision, Team, ApiKeyRecord, SimulationRecord)


def record_values(record: Revision | Team | ApiKeyRecord | SimulationRecord) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def record_from_row(kind: type[Record], row: Any) -> Record:
    return kind(**{f.name: getattr(row, f.name) for f in dataclasses.fields(kind)})
