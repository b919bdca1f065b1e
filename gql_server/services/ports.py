"""What the services need from persistence. `gql_server.store` implements these.

Every method runs inside the unit of work's single transaction; nothing is visible to other
units of work until `commit()`. Leaving the `async with` without commit rolls back.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from gql_server.core.domain.models import Deployment, RoutingGroup


@dataclass(frozen=True)
class Revision:
    revision_id: str
    routing_group_id: str
    version: int  # the group's version after the change (for delete: the last version)
    action: str  # "create" | "update" | "delete"
    changed_by: str
    changed_at: datetime
    before: dict[str, Any] | None  # RoutingGroup.model_dump(mode="json") or None on create
    after: dict[str, Any] | None  # None on delete


@dataclass(frozen=True)
class Team:
    team_id: str
    team_alias: str
    created_at: datetime
    rpm_limit: int | None = None
    tpm_limit: int | None = None
    max_simulations: int | None = None
    max_real_requests: int | None = None


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    key_hash: str
    key_prefix: str
    key_alias: str | None
    team_id: str | None
    created_at: datetime
    revoked_at: datetime | None
    rpm_limit: int | None = None
    tpm_limit: int | None = None
    max_simulations: int | None = None
    max_real_requests: int | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class SimulationRecord:
    simulation_id: str
    routing_group_id: str
    created_at: datetime
    created_by: str
    input: dict[str, Any]
    summary: dict[str, Any]


class DeploymentRepository(Protocol):
    async def list(self) -> builtins.list[Deployment]: ...
    async def get_many(self, model_ids: builtins.list[str]) -> dict[str, Deployment]: ...
    async def get(self, model_id: str) -> Deployment | None: ...
    async def add(self, deployment: Deployment) -> None:
        """Raise DuplicateKey when model_id exists."""

    async def upsert(self, deployment: Deployment) -> None: ...


class RoutingGroupRepository(Protocol):
    async def list(self, offset: int, limit: int) -> builtins.list[RoutingGroup]: ...
    async def list_all(self) -> builtins.list[RoutingGroup]: ...
    async def count(self) -> int: ...
    async def get(self, group_id: str) -> RoutingGroup | None: ...
    async def get_by_name(self, name: str) -> RoutingGroup | None: ...
    async def add(self, group: RoutingGroup) -> None:
        """Raise DuplicateKey when the name is taken."""

    async def update(self, group: RoutingGroup, expected_version: int) -> bool:
        """Write `group` (whose version is expected_version + 1) only if the stored version is
        still `expected_version`; return False when it is not (a concurrent change won).
        Raise DuplicateKey when the new name is taken."""

    async def delete(self, group_id: str) -> bool: ...


class RevisionRepository(Protocol):
    async def add(self, revision: Revision) -> None: ...
    async def for_group(self, group_id: str) -> builtins.list[Revision]:
        """Newest first."""


class TeamRepository(Protocol):
    async def list(self) -> builtins.list[Team]: ...
    async def get(self, team_id: str) -> Team | None: ...
    async def add(self, team: Team) -> None:
        """Raise DuplicateKey when the alias is taken."""

    async def rename(self, team_id: str, alias: str) -> bool:
        """False when there is no such team; raise DuplicateKey when the alias is taken."""

    async def delete(self, team_id: str) -> bool: ...


class ApiKeyRepository(Protocol):
    async def list(self) -> builtins.list[ApiKeyRecord]: ...
    async def get(self, key_id: str) -> ApiKeyRecord | None: ...
    async def get_by_hash(self, key_hash: str) -> ApiKeyRecord | None: ...
    async def add(self, key: ApiKeyRecord) -> None: ...
    async def revoke(self, key_id: str, when: datetime) -> bool: ...
    async def delete(self, key_id: str) -> bool: ...


class SimulationRepository(Protocol):
    async def add(self, record: SimulationRecord) -> None: ...
    async def for_group(self, group_id: str) -> builtins.list[SimulationRecord]:
        """Newest first."""


@dataclass(frozen=True)
class RequestLogEntry:
    """One routed `/v1` request; field names are the `request_log` columns."""

    request_id: str
    started_at: datetime
    routing_group_id: str
    routing_group_name: str
    key_id: str | None
    team_id: str | None
    deployment_id: str | None  # the deployment that answered (None when all failed)
    success: bool
    status_code: int
    # [{deploymentId, status, errorKind, latencyMs, startedAtMs (since the request started),
    #   retryAfterSeconds}] in order; the store also keeps them as rows (replay reads those)
    attempts: list[dict[str, Any]]
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    streamed: bool
    error_message: str | None
    messages: dict[str, Any] | None  # only with LOG_MESSAGES=true


@dataclass(frozen=True)
class RequestLogQuery:
    group_id: str | None = None
    key_id: str | None = None
    team_id: str | None = None
    success: bool | None = None
    deployment_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class SpendTotal:
    subject_id: str | None  # the key, team or group id (None: the master key / no team)
    subject_name: str | None  # the group's name as logged (keys and teams: None here)
    requests: int
    failures: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


@dataclass(frozen=True)
class LoggedAttempt:
    """One attempt of a logged request, as replay reads it (request_log_attempts)."""

    request_id: str
    deployment_id: str
    started_at: datetime
    latency_ms: float
    error_kind: str | None  # None: it answered
    retry_after_seconds: float | None
    provider_latency_ms: float | None = None  # the provider's part of latency_ms; None: untimed


class RequestLogRepository(Protocol):
    async def add_many(self, entries: builtins.list[RequestLogEntry]) -> None:
        """Raise DuplicateKey when a request id is already logged (or twice in `entries`)."""

    async def count(self, query: RequestLogQuery) -> int: ...
    async def in_order(self, query: RequestLogQuery) -> builtins.list[RequestLogEntry]:
        """Oldest first, without message content."""

    async def attempts(
        self, query: RequestLogQuery, deployment_ids: Collection[str]
    ) -> builtins.list[LoggedAttempt]:
        """The attempts on `deployment_ids` in `query`'s time range and key/team (any group)."""

    async def attempts_nearest(
        self, query: RequestLogQuery, deployment_id: str, at: datetime, limit: int
    ) -> builtins.list[LoggedAttempt]:
        """At most `limit` attempts on `deployment_id` nearest `at` (key/team of `query`)."""

    async def page(
        self, query: RequestLogQuery, offset: int, limit: int
    ) -> tuple[builtins.list[RequestLogEntry], int]:
        """Newest first, and the total matching `query`."""

    async def spend(self, query: RequestLogQuery, by: str) -> builtins.list[SpendTotal]:
        """Totals per `by` ("key" | "team" | "group"), dearest first."""

    async def delete_before(self, cutoff: datetime) -> int: ...


class UnitOfWork(Protocol):
    deployments: DeploymentRepository
    groups: RoutingGroupRepository
    revisions: RevisionRepository
    teams: TeamRepository
    keys: ApiKeyRepository
    simulations: SimulationRepository
    request_log: RequestLogRepository

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class DuplicateKey(Exception):
    """A unique constraint was violated; `field` names the column's public name."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class StoreUnavailable(Exception):
    """The database could not be reached (down, refusing connections, gone): try again later."""
