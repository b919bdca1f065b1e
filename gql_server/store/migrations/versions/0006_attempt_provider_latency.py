"""Request-log attempts: the provider's own latency apart from the gateway's.

`provider_latency_ms` is the provider's part of an attempt's `latency_ms` (its HTTP request sent
to its answer, as litellm times it); the rest is the gateway's own time, whose median the
simulator takes as its default `gatewayOverheadMs`. Null for attempts logged before, and for
attempts no provider answered or nothing timed (mocks, refused calls, streamed answers).

Revision ID: 0006_attempt_provider_latency
Revises: 0005_request_log_attempts
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_attempt_provider_latency"
down_revision: str | None = "0005_request_log_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("request_log_attempts") as batch:
        batch.add_column(sa.Column("provider_latency_ms", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("request_log_attempts") as batch:
        batch.drop_column("provider_latency_ms")
