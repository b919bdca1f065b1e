"""SQL implementations of the repository protocols in `gql_server.services.ports`."""

from gql_server.store.repositories.access import SqlApiKeyRepository, SqlTeamRepository
from gql_server.store.repositories.deployments import SqlDeploymentRepository
from gql_server.store.repositories.groups import SqlRoutingGroupRepository
from gql_server.store.repositories.history import (
    SqlRevisionRepository,
    SqlSimulationRepository,
)

__all__ = [
    "SqlApiKeyRepository",
    "SqlDeploymentRepository",
    "SqlRevisionRepository",
    "SqlRoutingGroupRepository",
    "SqlSimulationRepository",
    "SqlTeamRepository",
]
