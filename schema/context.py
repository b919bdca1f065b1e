"""Per-request (or per-websocket-connection) context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as _Info

from gql_server.auth import Principal
from gql_server.core.domain.errors import PermissionDeniedError
from gql_server.core.domain.models import Deployment

if TYPE_CHECKING:
    from gql_server.services.container import Services


@dataclass
class Context:
    services: Services
    principal: Principal | None = None
    connection_params: dict[str, Any] | None = None
    _deployments: dict[str, Deployment] | None = field(default=None, repr=False)

    @property
    def who(self) -> Principal:
        if self.principal is None:
            raise PermissionDeniedError("authentication required")
        return self.principal

    async def deployment_registry(self) -> dict[str, Deployment]:
        """All deployments, loaded once per request (groups resolve names and providers)."""
        if self._deployments is None:
            listed = await self.services.deployments.all(self.who)
            self._deployments = {d.model_id: d for d in listed}
        return self._deployments


Info = _Info[Context, None]
