"""Helpers shared by the use cases."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.errors import PermissionDeniedError
from gql_server.core.domain.models import RoutingGroup
from gql_server.services.ports import Revision


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def require_admin(who: Principal, action: str) -> None:
    if not who.is_admin:
        raise PermissionDeniedError(f"only the master key may {action}")


def can_see(who: Principal, group: RoutingGroup) -> bool:
    return who.can_use(group.assigned_key_ids, group.assigned_team_ids)


def snapshot(group: RoutingGroup | None) -> dict[str, Any] | None:
    return None if group is None else group.model_dump(mode="json")


def make_revision(
    group: RoutingGroup,
    action: str,
    who: Principal,
    before: RoutingGroup | None,
    after: RoutingGroup | None,
) -> Revision:
    return Revision(
        revision_id=new_id(),
        routing_group_id=group.group_id,
        version=group.version,
        action=action,
        changed_by=who.identity,
        changed_at=utcnow(),
        before=snapshot(before),
        after=snapshot(after),
    )
