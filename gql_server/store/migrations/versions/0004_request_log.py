"""Request log: one row per routed `/v1` request, kept for the retention period.

Revision ID: 0004_request_log
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_request_log"
down_revision: str | None = "0003_key_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def upgrade() -> None:
    op.create_table(
        "request_log",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("routing_group_id", sa.Text(), nullable=False),
        sa.Column("routing_group_name", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=True),
        sa.Column("team_id", sa.Text(), nullable=True),
        sa.Column("deployment_id", sa.Text(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("attempts", _json(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("latency_ms", sa.Double(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("cost_usd", sa.Double(), server_default=sa.text("0.0"), nullable=False),
        sa.Column("streamed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("messages", _json(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", name="request_log_pkey"),
    )
    op.create_index(
        "request_log_routing_group_id_started_at_idx",
        "request_log",
        ["routing_group_id", "started_at"],
    )
    op.create_index("request_log_key_id_started_at_idx", "request_log", ["key_id", "started_at"])
    op.create_index("request_log_started_at_idx", "request_log", ["started_at"])


def downgrade() -> None:
    op.drop_table("request_log")
