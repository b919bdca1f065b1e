"""The database tables, declared once: Alembic's migrations and `schema.prisma` must match them.

Constraint and index names follow Prisma's defaults (`<table>_pkey`, `<table>_<cols>_key`,
`<table>_<cols>_idx`, `<table>_<cols>_fkey`) so the Prisma contract needs no `map:` arguments.
Unique columns are unique *indexes*, as Prisma creates them on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.schema import Constraint, Table

from gql_server.store.types import UtcDateTime, json_type

NOW = text("CURRENT_TIMESTAMP")
EMPTY_OBJECT = text("'{}'")
EMPTY_ARRAY = text("'[]'")


def _index_suffix(index: Constraint | Index, table: Table) -> str:
    return "key" if isinstance(index, Index) and index.unique else "idx"


NAMING_CONVENTION: dict[str, Any] = {
    "index_suffix": _index_suffix,
    "ix": "%(table_name)s_%(column_0_N_name)s_%(index_suffix)s",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "pk": "%(table_name)s_pkey",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DeploymentRow(Base):
    __tablename__ = "deployments"

    model_id: Mapped[str] = mapped_column(Text, primary_key=True)
    model_name: Mapped[str] = mapped_column(Text)
    litellm_model: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str | None] = mapped_column(Text)
    api_base: Mapped[str | None] = mapped_column(Text)
    # Stored exactly as given: an `os.environ/NAME` reference stays a reference.
    api_key: Mapped[str | None] = mapped_column(Text)
    rpm: Mapped[int | None] = mapped_column(Integer)
    tpm: Mapped[int | None] = mapped_column(Integer)
    input_cost_per_token: Mapped[float | None] = mapped_column(Double)
    output_cost_per_token: Mapped[float | None] = mapped_column(Double)
    extra_params: Mapped[dict[str, Any]] = mapped_column(json_type(), server_default=EMPTY_OBJECT)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)


class RoutingGroupRow(Base):
    # LiteLLM's naming, so the table reads the same as the seed plan's Prisma model.
    __tablename__ = "LiteLLM_RoutingGroupTable"

    routing_group_id: Mapped[str] = mapped_column(Text, primary_key=True)
    routing_group_name: Mapped[str] = mapped_column(Text, unique=True, index=True)
    description: Mapped[str | None] = mapped_column(Text)
    routing_strategy: Mapped[str] = mapped_column(Text)
    deployments: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    fallback_config: Mapped[dict[str, Any]] = mapped_column(
        json_type(), server_default=EMPTY_OBJECT
    )
    retry_config: Mapped[dict[str, Any]] = mapped_column(json_type(), server_default=EMPTY_OBJECT)
    cooldown_config: Mapped[dict[str, Any]] = mapped_column(
        json_type(), server_default=EMPTY_OBJECT
    )
    settings: Mapped[dict[str, Any]] = mapped_column(json_type(), server_default=EMPTY_OBJECT)
    assigned_team_ids: Mapped[list[str]] = mapped_column(json_type(), server_default=EMPTY_ARRAY)
    assigned_key_ids: Mapped[list[str]] = mapped_column(json_type(), server_default=EMPTY_ARRAY)
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)
    created_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)
    updated_by: Mapped[str] = mapped_column(Text)


class RevisionRow(Base):
    # No foreign key to the group: the history must outlive the group's deletion.
    __tablename__ = "routing_group_revisions"

    revision_id: Mapped[str] = mapped_column(Text, primary_key=True)
    routing_group_id: Mapped[str] = mapped_column(Text, index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)
    before: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    after: Mapped[dict[str, Any] | None] = mapped_column(json_type())


class TeamRow(Base):
    __tablename__ = "teams"

    team_id: Mapped[str] = mapped_column(Text, primary_key=True)
    team_alias: Mapped[str] = mapped_column(Text, unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)
    rpm_limit: Mapped[int | None] = mapped_column(Integer)
    tpm_limit: Mapped[int | None] = mapped_column(Integer)
    max_simulations: Mapped[int | None] = mapped_column(Integer)
    max_real_requests: Mapped[int | None] = mapped_column(Integer)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(Text, primary_key=True)
    key_hash: Mapped[str] = mapped_column(Text, unique=True, index=True)
    key_prefix: Mapped[str] = mapped_column(Text)
    key_alias: Mapped[str | None] = mapped_column(Text)
    # Deleting a team deletes its keys (as LiteLLM does): a key must not outlive the team
    # that was the reason it was issued and silently keep working without one.
    team_id: Mapped[str | None] = mapped_column(
        Text, ForeignKey("teams.team_id", ondelete="CASCADE", onupdate="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rpm_limit: Mapped[int | None] = mapped_column(Integer)
    tpm_limit: Mapped[int | None] = mapped_column(Integer)
    max_simulations: Mapped[int | None] = mapped_column(Integer)
    max_real_requests: Mapped[int | None] = mapped_column(Integer)


class SimulationRow(Base):
    # No foreign key to the group, for the same reason as revisions.
    __tablename__ = "simulations"

    simulation_id: Mapped[str] = mapped_column(Text, primary_key=True)
    routing_group_id: Mapped[str] = mapped_column(Text, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)
    created_by: Mapped[str] = mapped_column(Text)
    input: Mapped[dict[str, Any]] = mapped_column(json_type())
    summary: Mapped[dict[str, Any]] = mapped_column(json_type())


class AppSecretRow(Base):
    # Secrets the application generates for itself on first run (e.g. the key that encrypts
    # provider API keys when SECRET_KEY is not set), so every instance and restart shares them.
    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=NOW)


class RequestLogRow(Base):
    # One row per routed `/v1` request. No foreign keys: the log outlives groups and keys.
    # `messages` stays null unless LOG_MESSAGES=true.
    __tablename__ = "request_log"
    __table_args__ = (
        Index(None, "routing_group_id", "started_at"),
        Index(None, "key_id", "started_at"),
        Index(None, "started_at"),
    )

    request_id: Mapped[str] = mapped_column(Text, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    routing_group_id: Mapped[str] = mapped_column(Text)
    routing_group_name: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str | None] = mapped_column(Text)
    team_id: Mapped[str | None] = mapped_column(Text)
    deployment_id: Mapped[str | None] = mapped_column(Text)
    success: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), server_default=EMPTY_ARRAY)
    latency_ms: Mapped[float] = mapped_column(Double)
    prompt_tokens: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    completion_tokens: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    cost_usd: Mapped[float] = mapped_column(Double, server_default=text("0.0"))
    streamed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    error_message: Mapped[str | None] = mapped_column(Text)
    messages: Mapped[dict[str, Any] | None] = mapped_column(json_type())


class RequestLogAttemptRow(Base):
    # One row per attempt of a logged request (what replay reads: a deployment's behaviour over
    # time, across groups); never message content. Cleaned up with its request.
    __tablename__ = "request_log_attempts"
    __table_args__ = (Index(None, "deployment_id", "started_at"),)

    request_id: Mapped[str] = mapped_column(Text, primary_key=True)
    attempt_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    routing_group_id: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str | None] = mapped_column(Text)
    team_id: Mapped[str | None] = mapped_column(Text)
    deployment_id: Mapped[str] = mapped_column(Text)
    success: Mapped[bool] = mapped_column(Boolean)
    error_kind: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[float] = mapped_column(Double)
    retry_after_seconds: Mapped[float | None] = mapped_column(Double)
    # the provider's part of latency_ms (the rest is the gateway's); null when it was not timed
    provider_latency_ms: Mapped[float | None] = mapped_column(Double)


ALL_TABLES = tuple(Base.metadata.sorted_tables)
