"""Per-key and per-team limits: requests and tokens per minute, simulations, real-mode budget.

Revision ID: 0003_key_limits
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_key_limits"
down_revision: str | None = "0002_encrypt_provider_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("rpm_limit", "tpm_limit", "max_simulations", "max_real_requests")
_TABLES = ("teams", "api_keys")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for column in _COLUMNS:
                batch.add_column(sa.Column(column, sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for column in reversed(_COLUMNS):
                batch.drop_column(column)
