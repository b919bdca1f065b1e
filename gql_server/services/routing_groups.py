"""Create, read, update and delete routing groups; keep the live Routers in step."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from gql_server.auth import Principal, system_principal
from gql_server.core.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from gql_server.core.domain.models import (
    CooldownConfig,
    Deployment,
    GroupDeployment,
    GroupSettings,
    RetryConfig,
    RoutingGroup,
    RoutingGroupSpec,
    Strategy,
    validate_spec,
)
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.routing.registry import RouterRegistry
from gql_server.events import GROUPS_CHANNEL, EventBus
from gql_server.services.common import can_see, make_revision, new_id, require_admin, utcnow
from gql_server.services.ports import DuplicateKey, Revision, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    items: list[RoutingGroup]
    total: int
    page: int
    size: int


MAX_PAGE_SIZE = 100
BLIND_UPDATE_ATTEMPTS = 50


class _LostRace(Exception):
    """Another writer bumped the version between our read and our write."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__(current_version)
        self.current_version = current_version


class RoutingGroupService:
    def __init__(self, uow: UnitOfWorkFactory, registry: RouterRegistry, bus: EventBus) -> None:
        self._uow = uow
        self._registry = registry
        self._bus = bus

    async def page(self, who: Principal, page: int, size: int) -> Page:
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError(
                [FieldError("page" if page < 1 else "size", "out of range")],
            )
        offset = (page - 1) * size
        async with self._uow() as uow:
            if who.is_admin:
                total = await uow.groups.count()
                items = await uow.groups.list(offset, size)
            else:
                visible = [g for g in await uow.groups.list_all() if can_see(who, g)]
                total, items = len(visible), visible[offset : offset + size]
        return Page(items=items, total=total, page=page, size=size)

    async def get(
        self, who: Principal, group_id: str | None = None, name: str | None = None
    ) -> RoutingGroup | None:
        async with self._uow() as uow:
            group = await _find(uow, group_id, name)
        if group is None or not can_see(who, group):
            return None
        return group

    async def find(self, group_id: str) -> RoutingGroup | None:
        """No permission check: for use cases that decide access themselves."""
        async with self._uow() as uow:
            return await uow.groups.get(group_id)

    async def find_by_name(self, name: str) -> RoutingGroup | None:
        """No permission check: for use cases that decide access themselves."""
        async with self._uow() as uow:
            return await uow.groups.get_by_name(name)

    async def find_live_by_name(self, name: str) -> RoutingGroup | None:
        """As `find_by_name`, from the live Routers when the group is live (kept in step with
        the database by every change, on every instance): the `/v1` hot path reads no table."""
        if name in self._registry:
            return self._registry.get(name).group
        group = await self.find_by_name(name)
        if group is not None and group.is_active:
            # Made or switched on through another instance a moment ago: its announcement may
            # still be on its way here. Build its Router now rather than answer 404.
            await self.refresh(group.group_id)
        return group

    async def list_usable(self, who: Principal) -> list[RoutingGroup]:
        async with self._uow() as uow:
            return [g for g in await uow.groups.list_all() if can_see(who, g)]

    async def get_visible(self, who: Principal, group_id: str) -> RoutingGroup:
        """The group, or NotFoundError when it does not exist or `who` may not see it."""
        group = await self.get(who, group_id=group_id)
        if group is None:
            raise NotFoundError(f"no routing group with id {group_id!r}")
        return group

    async def get_visible_by_name(self, who: Principal, name: str) -> RoutingGroup:
        """By name, with the same uniform answer: NotFoundError whether the group is absent or
        `who` may not see it (`/v1` maps this to one 404 for both)."""
        group = await self.get(who, name=name)
        if group is None:
            raise NotFoundError(f"no routing group named {name!r}")
        return group

    async def deployments_of(self, group: RoutingGroup) -> dict[str, Deployment]:
        async with self._uow() as uow:
            return await uow.deployments.get_many([d.model_id for d in group.deployments])

    async def revisions(self, who: Principal, group_id: str) -> list[Revision]:
        """Newest first. The master key also reads the history of deleted groups."""
        if not who.is_admin:
            await self.get_visible(who, group_id)
        async with self._uow() as uow:
            return await uow.revisions.for_group(group_id)

    async def create(self, who: Principal, spec: RoutingGroupSpec) -> RoutingGroup:
        require_admin(who, "create routing groups")
        now = utcnow()
        group = RoutingGroup(
            **spec.model_dump(),
            group_id=new_id(),
            version=1,
            created_at=now,
            created_by=who.identity,
            updated_at=now,
            updated_by=who.identity,
        )
        async with self._uow() as uow:
            deployments = await _validated(uow, group)
            built = self._registry.build(group, deployments)  # refused before anything is written
            try:
                try:
                    await uow.groups.add(group)
                except DuplicateKey as exc:
                    raise _name_taken(spec.name) from exc
                await uow.revisions.add(make_revision(group, "create", who, None, group))
                await uow.commit()
            except BaseException:
                if built is not None:
                    built.close()
                raise
        await self._go_live(group, built)
        return group

    async def update(
        self,
        who: Principal,
        group_id: str,
        changes: Mapping[str, Any],
        expected_version: int | None,
        *,
        action: str = "update",
    ) -> RoutingGroup:
        require_admin(who, "change routing groups")
        # A blind patch (no expectedVersion) applies to whatever is current: losing a race to
        # another writer just means reading again and re-applying, not a ConflictError.
        attempts = 1 if expected_version is not None else BLIND_UPDATE_ATTEMPTS
        for attempt in range(1, attempts + 1):
            try:
                updated, built = await self._update_once(
                    who, group_id, changes, expected_version, action
                )
            except _LostRace as lost:
                if attempt == attempts:
                    raise _stale(lost.current_version) from None
                await asyncio.sleep(random.uniform(0, 0.005 * attempt))  # noqa: S311 - jitter
                continue
            await self._go_live(updated, built)
            return updated
        raise AssertionError("unreachable")  # pragma: no cover

    async def _update_once(
        self,
        who: Principal,
        group_id: str,
        changes: Mapping[str, Any],
        expected_version: int | None,
        action: str,
    ) -> tuple[RoutingGroup, BuiltRouter | None]:
        async with self._uow() as uow:
            current = await uow.groups.get(group_id)
            if current is None:
                raise NotFoundError(f"no routing group with id {group_id!r}")
            base = current.version if expected_version is None else expected_version
            if base != current.version:
                raise _stale(current.version)
            updated = RoutingGroup.model_validate(
                {
                    **current.model_dump(),
                    **changes,
                    "version": base + 1,
                    "updated_at": utcnow(),
                    "updated_by": who.identity,
                }
            )
            deployments = await _validated(uow, updated)
            built = self._registry.build(updated, deployments)  # refused before anything is written
            try:
                try:
                    won = await uow.groups.update(updated, expected_version=base)
                except DuplicateKey as exc:
                    raise _name_taken(updated.name) from exc
                if not won:
                    latest = await uow.groups.get(group_id)
                    raise _LostRace(latest.version if latest else None)
                await uow.revisions.add(make_revision(updated, action, who, current, updated))
                await uow.commit()
            except BaseException:
                if built is not None:
                    built.close()
                raise
        return updated, built

    async def rollback(
        self, who: Principal, group_id: str, to_version: int, expected_version: int | None
    ) -> RoutingGroup:
        """A new version whose settings equal version `to_version`'s; history keeps both. The
        old version is checked as any update is (its deployments must still exist)."""
        require_admin(who, "change routing groups")
        async with self._uow() as uow:
            revisions = await uow.revisions.for_group(group_id)
        if not any(r.action != "delete" for r in revisions):
            raise NotFoundError(f"no routing group with id {group_id!r}")
        target = next(
            (r.after for r in revisions if r.version == to_version and r.after is not None), None
        )
        if target is None:
            raise ValidationError(
                [FieldError("toVersion", f"this group has no version {to_version}")]
            )
        spec = RoutingGroupSpec.model_validate(
            {name: target[name] for name in RoutingGroupSpec.model_fields if name in target}
        )
        return await self.update(
            who, group_id, spec.model_dump(), expected_version, action="rollback"
        )

    async def preview(
        self,
        group: RoutingGroup,
        changes: Mapping[str, Any],
        *,
        usable: Collection[str] | None = None,
    ) -> tuple[RoutingGroup, dict[str, Deployment]]:
        """`group` with `changes` applied and validated as `update` would; nothing is saved.
        `usable`: the deployments the caller may name (None: any in the registry); any other
        id is refused exactly as an unknown one is, so a caller cannot probe the registry."""
        async with self._uow() as uow:
            draft = RoutingGroup.model_validate({**group.model_dump(), **changes})
            return draft, await _validated(uow, draft, usable)

    async def delete(self, who: Principal, group_id: str) -> str:
        require_admin(who, "delete routing groups")
        async with self._uow() as uow:
            current = await uow.groups.get(group_id)
            if current is None or not await uow.groups.delete(group_id):
                raise NotFoundError(f"no routing group with id {group_id!r}")
            await uow.revisions.add(make_revision(current, "delete", who, current, None))
            await uow.commit()
        self._registry.remove(group_id)
        await self._bus.publish(GROUPS_CHANNEL, {"groupId": group_id, "action": "delete"})
        return group_id

    async def ensure_from_config(self, entries: list[dict[str, Any]]) -> list[str]:
        """Create the config's `routing_groups` that do not exist yet (by name); a group a user
        has since changed is never overwritten. Returns the names created."""
        created: list[str] = []
        for i, entry in enumerate(entries):
            spec = spec_from_config(entry, i)
            if await self.find_by_name(spec.name) is None:
                await self.create(system_principal("config"), spec)
                created.append(spec.name)
        return created

    async def load_all_live(self) -> int:
        """Build a Router for every active group (start-up). Returns how many went live."""
        async with self._uow() as uow:
            groups = [g for g in await uow.groups.list_all() if g.is_active]
            wanted = {d.model_id for g in groups for d in g.deployments}
            registry = await uow.deployments.get_many(sorted(wanted))
        for group in groups:
            deps = {d.model_id: registry[d.model_id] for d in group.deployments}
            try:
                await self._registry.put(group, deps)
            except Exception:
                log.exception("routing group %r could not go live", group.name)
        return len(groups)

    async def reconcile(self) -> int:
        """Bring every live Router in line with the database after changes may have been missed
        (this instance lost Redis for a while). Rebuilds only a group whose saved definition or
        deployments differ from its live Router's, so the others keep their state. Returns how
        many changed."""
        async with self._uow() as uow:
            groups = {g.group_id: g for g in await uow.groups.list_all() if g.is_active}
            wanted = {d.model_id for g in groups.values() for d in g.deployments}
            registry = await uow.deployments.get_many(sorted(wanted))
        live = self._registry.live()
        changed = 0
        for group_id in live.keys() - groups.keys():
            self._registry.remove(group_id)
            changed += 1
        for group_id, group in groups.items():
            deps = {d.model_id: registry[d.model_id] for d in group.deployments}
            built = live.get(group_id)
            if built is not None and built.group == group and built.deployments == deps:
                continue
            try:
                await self._registry.put(group, deps)
                changed += 1
            except Exception:
                log.exception("routing group %r could not go live", group.name)
        return changed

    async def refresh(self, group_id: str) -> None:
        """Bring this instance's Router for `group_id` in line with the database."""
        async with self._uow() as uow:
            group = await uow.groups.get(group_id)
            deps = await uow.deployments.get_many(
                [d.model_id for d in group.deployments] if group else []
            )
        if group is None or not group.is_active:
            self._registry.remove(group_id)
        else:
            await self._registry.put(group, deps)

    async def _go_live(self, group: RoutingGroup, built: BuiltRouter | None) -> None:
        if built is not None:
            self._registry.install(built)
        else:
            self._registry.remove(group.group_id)
        await self._bus.publish(GROUPS_CHANNEL, {"groupId": group.group_id, "action": "upsert"})


async def _find(uow: UnitOfWork, group_id: str | None, name: str | None) -> RoutingGroup | None:
    if group_id is not None:
        return await uow.groups.get(group_id)
    if name is not None:
        return await uow.groups.get_by_name(name)
    return None


async def _validated(
    uow: UnitOfWork, group: RoutingGroup, usable: Collection[str] | None = None
) -> dict[str, Deployment]:
    ids = [d.model_id for d in group.deployments]
    if usable is not None:
        ids = [model_id for model_id in ids if model_id in usable]
    deployments = await uow.deployments.get_many(ids)
    problems: list[FieldError] = []
    try:
        validate_spec(group, deployments.keys())
    except ValidationError as exc:
        problems.extend(exc.field_errors)
    problems.extend(await _assignment_errors(uow, group))
    if problems:
        raise ValidationError(problems)
    return deployments


async def _assignment_errors(uow: UnitOfWork, group: RoutingGroup) -> list[FieldError]:
    errors: list[FieldError] = []
    if group.assigned_team_ids:
        teams = {t.team_id for t in await uow.teams.list()}
        errors += [
            FieldError("assignedTeamIds", f"unknown team {t!r}")
            for t in group.assigned_team_ids
            if t not in teams
        ]
    if group.assigned_key_ids:
        keys = {k.key_id for k in await uow.keys.list() if not k.revoked}
        errors += [
            FieldError("assignedKeyIds", f"unknown or revoked key {k!r}")
            for k in group.assigned_key_ids
            if k not in keys
        ]
    return errors


def _name_taken(name: str) -> ConflictError:
    return ConflictError(f"a routing group named {name!r} already exists")


def _stale(current_version: int | None) -> ConflictError:
    return ConflictError(
        "the routing group was changed by someone else; reload and try again",
        current_version=current_version,
    )


def spec_from_config(entry: dict[str, Any], index: int) -> RoutingGroupSpec:
    """One `routing_groups` item of the YAML config (the seed plan's snake_case names)."""
    try:
        return RoutingGroupSpec(
            name=str(entry["routing_group_name"]),
            description=entry.get("description"),
            strategy=Strategy(str(entry["routing_strategy"]).upper()),
            deployments=tuple(GroupDeployment(**d) for d in entry.get("deployments") or ()),
            retry=RetryConfig(**(entry.get("retry_config") or {})),
            cooldown=CooldownConfig(**(entry.get("cooldown_config") or {})),
            settings=GroupSettings(**(entry.get("settings") or {})),
            is_active=bool(entry.get("is_active", True)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError([FieldError(f"routing_groups[{index}]", str(exc))]) from exc
