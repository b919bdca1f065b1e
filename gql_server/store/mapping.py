"""Rows <-> domain objects. The only place that knows both shapes."""

from __future__ import annotations

from typing import Any

from gql_server.core.models import Deployment, RoutingGroup
from gql_server.services.ports import ApiKeyRecord, Revision, SimulationRecord, Team
from gql_server.store.tables import (
    ApiKeyRow,
    DeploymentRow,
    RevisionRow,
    RoutingGroupRow,
    SimulationRow,
    TeamRow,
)


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


def revision_values(revision: Revision) -> dict[str, Any]:
    return {
        "revision_id": revision.revision_id,
        "routing_group_id": revision.routing_group_id,
        "version": revision.version,
        "action": revision.action,
        "changed_by": revision.changed_by,
        "changed_at": revision.changed_at,
        "before": revision.before,
        "after": revision.after,
    }


def revision_from_row(row: RevisionRow) -> Revision:
    return Revision(
        revision_id=row.revision_id,
        routing_group_id=row.routing_group_id,
        version=row.version,
        action=row.action,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        before=row.before,
        after=row.after,
    )


def team_values(team: Team) -> dict[str, Any]:
    return {"team_id": team.team_id, "team_alias": team.team_alias, "created_at": team.created_at}


def team_from_row(row: TeamRow) -> Team:
    return Team(team_id=row.team_id, team_alias=row.team_alias, created_at=row.created_at)


def key_values(key: ApiKeyRecord) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "key_hash": key.key_hash,
        "key_prefix": key.key_prefix,
        "key_alias": key.key_alias,
        "team_id": key.team_id,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }


def key_from_row(row: ApiKeyRow) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=row.key_id,
        key_hash=row.key_hash,
        key_prefix=row.key_prefix,
        key_alias=row.key_alias,
        team_id=row.team_id,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def simulation_values(record: SimulationRecord) -> dict[str, Any]:
    return {
        "simulation_id": record.simulation_id,
        "routing_group_id": record.routing_group_id,
        "created_at": record.created_at,
        "created_by": record.created_by,
        "input": record.input,
        "summary": record.summary,
    }


def simulation_from_row(row: SimulationRow) -> SimulationRecord:
    return SimulationRecord(
        simulation_id=row.simulation_id,
        routing_group_id=row.routing_group_id,
        created_at=row.created_at,
        created_by=row.created_by,
        input=row.input,
        summary=row.summary,
    )
