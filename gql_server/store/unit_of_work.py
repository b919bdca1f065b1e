from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gql_server.services.ports import (
    ApiKeyRepository,
    DeploymentRepository,
    RequestLogRepository,
    RevisionRepository,
    RoutingGroupRepository,
    SimulationRepository,
    TeamRepository,
)
from gql_server.store.repositories import (
    SqlApiKeyRepository,
    SqlDeploymentRepository,
    SqlRevisionRepository,
    SqlRoutingGroupRepository,
    SqlSimulationRepository,
    SqlTeamRepository,
)
from gql_server.store.repositories.request_log import SqlRequestLogRepository


class SqlUnitOfWork:
    """One session, one transaction: `commit()` makes the work visible; leaving the `async
    with` block any other way (an exception, or simply no commit) rolls it back.

    After a `DuplicateKey` the transaction is spoiled (PostgreSQL aborts it): end the unit of
    work and start a new one rather than carry on.
    """

    deployments: DeploymentRepository
    groups: RoutingGroupRepository
    revisions: RevisionRepository
    teams: TeamRepository
    keys: ApiKeyRepository
    simulations: SimulationRepository
    request_log: RequestLogRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work is entered once; make a new one")
        session = self._sessions()
        self._session = session
        self.deployments = SqlDeploymentRepository(session)
        self.groups = SqlRoutingGroupRepository(session)
        self.revisions = SqlRevisionRepository(session)
        self.teams = SqlTeamRepository(session)
        self.keys = SqlApiKeyRepository(session)
        self.simulations = SqlSimulationRepository(session)
        self.request_log = SqlRequestLogRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self._require_session()
        try:
            await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        await self._require_session().commit()

    def _require_session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._session
