"""Request-log attempts: one row per attempt of a logged request, what replay reads.

Latency, outcome, error kind and Retry-After of each attempt, by deployment and time (indexed so
a deployment's behaviour over a window, or nearest to it, is one range scan). Never content.

Revision ID: 0005_request_log_attempts
Revises: 0004_request_log
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_request_log_attempts"
down_revision: str | None = "0004_request_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_log_attempts",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("attempt_index", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("routing_group_id", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=True),
        sa.Column("team_id", sa.Text(), nullable=True),
        sa.Column("deployment_id", sa.Text(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("error_kind", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Double(), nullable=False),
        sa.Column("retry_after_seconds", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint(
            "request_id", "attempt_index", name="request_log_attempts_pkey"
        ),
    )
    op.create_index(
        "request_log_attempts_deployment_id_started_at_idx",
        "request_log_attempts",
        ["deployment_id", "started_at"],
    )


def downgrade() -> None:
    op.drop_table("request_log_attempts")
