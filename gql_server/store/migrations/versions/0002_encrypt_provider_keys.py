"""Provider API keys encrypted at rest: a table for the application's own generated secrets.

Revision ID: 0002_encrypt_provider_keys
Revises: 0001
Create Date: 2026-11-28

Existing plaintext `deployments.api_key` values are sealed in place at start-up, right after
the migrations run (`gql_server.app`), because that needs SECRET_KEY from the settings; until
then they read as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_encrypt_provider_keys"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name="app_secrets_pkey"),
    )


def downgrade() -> None:
    op.drop_table("app_secrets")
