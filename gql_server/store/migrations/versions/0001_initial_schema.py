"""Initial schema: deployments, routing groups and their revisions, teams, keys, simulations.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Written out in full rather than imported from `tables.py`: a migration is a fixed record of
what it did, and must not change when the models change later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
EMPTY_OBJECT = sa.text("'{}'")
EMPTY_ARRAY = sa.text("'[]'")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deployments",
        sa.Column("model_id", sa.Text(), nullable=False),
        sa.Column("model_name", sa.Text(), nullable=False),
        sa.Column("litellm_model", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("api_base", sa.Text(), nullable=True),
        sa.Column("api_key", sa.Text(), nullable=True),
        sa.Column("rpm", sa.Integer(), nullable=True),
        sa.Column("tpm", sa.Integer(), nullable=True),
        sa.Column("input_cost_per_token", sa.Double(), nullable=True),
        sa.Column("output_cost_per_token", sa.Double(), nullable=True),
        sa.Column("extra_params", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("created_at", _timestamp(), server_default=NOW, nullable=False),
        sa.Column("updated_at", _timestamp(), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("model_id", name="deployments_pkey"),
    )

    op.create_table(
        "LiteLLM_RoutingGroupTable",
        sa.Column("routing_group_id", sa.Text(), nullable=False),
        sa.Column("routing_group_name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("routing_strategy", sa.Text(), nullable=False),
        sa.Column("deployments", _json(), nullable=False),
        sa.Column("fallback_config", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("retry_config", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("cooldown_config", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("settings", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("assigned_team_ids", _json(), server_default=EMPTY_ARRAY, nullable=False),
        sa.Column("assigned_key_ids", _json(), server_default=EMPTY_ARRAY, nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", _timestamp(), server_default=NOW, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("updated_at", _timestamp(), server_default=NOW, nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("routing_group_id", name="LiteLLM_RoutingGroupTable_pkey"),
    )
    op.create_index(
        "LiteLLM_RoutingGroupTable_routing_group_name_key",
        "LiteLLM_RoutingGroupTable",
        ["routing_group_name"],
        unique=True,
    )

    op.create_table(
        "routing_group_revisions",
        sa.Column("revision_id", sa.Text(), nullable=False),
        sa.Column("routing_group_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("changed_at", _timestamp(), server_default=NOW, nullable=False),
        sa.Column("before", _json(), nullable=True),
        sa.Column("after", _json(), nullable=True),
        sa.PrimaryKeyConstraint("revision_id", name="routing_group_revisions_pkey"),
    )
    op.create_index(
        "routing_group_revisions_routing_group_id_idx",
        "routing_group_revisions",
        ["routing_group_id"],
    )

    op.create_table(
        "teams",
        sa.Column("team_id", sa.Text(), nullable=False),
        sa.Column("team_alias", sa.Text(), nullable=False),
        sa.Column("created_at", _timestamp(), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("team_id", name="teams_pkey"),
    )
    op.create_index("teams_team_alias_key", "teams", ["team_alias"], unique=True)

    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("key_hash", sa.Text(), nullable=False),
        sa.Column("key_prefix", sa.Text(), nullable=False),
        sa.Column("key_alias", sa.Text(), nullable=True),
        sa.Column("team_id", sa.Text(), nullable=True),
        sa.Column("created_at", _timestamp(), server_default=NOW, nullable=False),
        sa.Column("revoked_at", _timestamp(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.team_id"],
            name="api_keys_team_id_fkey",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_id", name="api_keys_pkey"),
    )
    op.create_index("api_keys_key_hash_key", "api_keys", ["key_hash"], unique=True)

    op.create_table(
        "simulations",
        sa.Column("simulation_id", sa.Text(), nullable=False),
        sa.Column("routing_group_id", sa.Text(), nullable=False),
        sa.Column("created_at", _timestamp(), server_default=NOW, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("input", _json(), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.PrimaryKeyConstraint("simulation_id", name="simulations_pkey"),
    )
    op.create_index("simulations_routing_group_id_idx", "simulations", ["routing_group_id"])


def downgrade() -> None:
    op.drop_table("simulations")
    op.drop_table("api_keys")
    op.drop_table("teams")
    op.drop_table("routing_group_revisions")
    op.drop_table("LiteLLM_RoutingGroupTable")
    op.drop_table("deployments")
