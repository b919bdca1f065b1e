"""Teams, API keys and authentication."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields, replace

from gql_server.auth import (
    Principal,
    generate_key,
    hash_key,
    is_master_key,
    master_principal,
    visible_prefix,
)
from gql_server.core.domain.errors import (
    ConflictError,
    FieldError,
    LimitExceededError,
    NotFoundError,
    ValidationError,
)
from gql_server.core.domain.models import RoutingGroup
from gql_server.core.domain.rate_limits import (
    REAL_CALLS_PER_MINUTE,
    REAL_MODE_MAX_CONCURRENCY,
    REAL_MODE_MAX_REQUESTS,
    AccessLimits,
    RateLimiter,
    tightest,
)
from gql_server.events import GROUPS_CHANNEL, EventBus
from gql_server.services.access.key_cache import AccessBroadcast, KeyCache, Propagation
from gql_server.services.access.rate_windows import RedisRateWindows
from gql_server.services.common import make_revision, new_id, require_admin, utcnow
from gql_server.services.ports import (
    ApiKeyRecord,
    DuplicateKey,
    Team,
    UnitOfWork,
    UnitOfWorkFactory,
)

log = logging.getLogger(__name__)

MAX_ALIAS = 100


@dataclass(frozen=True)
class GeneratedKey:
    record: ApiKeyRecord
    key: str  # shown once, never stored


@dataclass(frozen=True)
class Revoked:
    record: ApiKeyRecord
    propagation: Propagation


@dataclass(frozen=True)
class Deleted:
    """A team or key deleted: the groups it was taken off, and the keys that lost access."""

    changed_group_ids: list[str]
    propagation: Propagation


class AccessService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        bus: EventBus,
        master_key: str,
        key_cache: KeyCache | None = None,
        shared_windows: RedisRateWindows | None = None,
        *,
        key_cache_ttl_s: float = 0.0,
    ) -> None:
        self._uow = uow
        self._bus = bus
        self._master_key = master_key
        self._limiter = RateLimiter()  # when the windows are not shared
        self._shared_windows = shared_windows
        self._key_cache = key_cache  # evicted by the app's KEYS_CHANNEL follower
        self._broadcast = AccessBroadcast(bus, key_cache, key_cache_ttl_s)

    async def authenticate(self, token: str | None) -> Principal | None:
        """The caller behind a bearer token, or None for no, unknown or revoked keys. A key not
        cached while the database is unreachable raises StoreUnavailable (callers answer 503)."""
        if not token:
            return None
        if is_master_key(token, self._master_key):
            return master_principal()
        key_hash = hash_key(token)
        cache = self._key_cache
        if cache is not None and (cached := cache.get(key_hash)) is not None:
            return cached
        generation = cache.generation if cache is not None else 0
        async with self._uow() as uow:
            record = await uow.keys.get_by_hash(key_hash)
            team = await uow.teams.get(record.team_id) if record and record.team_id else None
        if record is None or record.revoked:
            return None
        principal = principal_for(record, team)
        if cache is not None:
            cache.put(key_hash, principal, generation)
        return principal

    async def refused_key(self, token: str | None) -> Principal | None:
        """The key behind a token `authenticate` refused, when it is one of ours (revoked): a
        refused request is logged under the key it presented. Never signs anyone in."""
        if not token or is_master_key(token, self._master_key):
            return None
        async with self._uow() as uow:
            record = await uow.keys.get_by_hash(hash_key(token))
        return None if record is None else principal_for(record)

    async def admit(self, who: Principal) -> float | None:
        """Count one gateway request against the caller's rpm/tpm limits (its key's and its
        team's); None when admitted, else the seconds to wait before trying again. With Redis
        the windows are every instance's (one round trip, none for a caller without limits)."""
        subjects = _subjects(who)
        if self._shared_windows is not None:
            return await self._shared_windows.admit(subjects)
        return self._limiter.admit(subjects)

    async def admit_real_call(self, who: Principal) -> float | None:
        """Count one real provider call made for the caller by a simulation or the tester:
        against its key's and team's rpm/tpm, as a gateway request is, and against the
        real-call windows (REAL_CALLS_PER_MINUTE per key and per team). None when admitted,
        else the seconds to wait. The master key is never limited."""
        if who.is_admin:
            return None
        subjects = [*_subjects(who), *_real_call_subjects(who)]
        if self._shared_windows is not None:
            return await self._shared_windows.admit(subjects)
        return self._limiter.admit(subjects)

    def charge_tokens(self, who: Principal, tokens: int) -> None:
        """A finished request's tokens count against the caller's tpm limits."""
        subjects = _subjects(who)
        if self._shared_windows is not None:
            self._shared_windows.charge_tokens(subjects, tokens)
        else:
            self._limiter.charge_tokens((subject for subject, _ in subjects), tokens)

    async def close(self) -> None:
        await self._broadcast.close()
        if self._shared_windows is not None:
            await self._shared_windows.close()

    async def is_still_valid(self, who: Principal) -> bool:
        if who.key_id is None:
            return True
        async with self._uow() as uow:
            record = await uow.keys.get(who.key_id)
        return record is not None and not record.revoked

    async def teams(self, who: Principal) -> list[Team]:
        async with self._uow() as uow:
            teams = await uow.teams.list()
        return teams if who.is_admin else [t for t in teams if t.team_id == who.team_id]

    async def keys(self, who: Principal) -> list[ApiKeyRecord]:
        async with self._uow() as uow:
            keys = await uow.keys.list()
        return keys if who.is_admin else [k for k in keys if k.key_id == who.key_id]

    async def create_team(
        self, who: Principal, alias: str, limits: AccessLimits | None = None
    ) -> Team:
        require_admin(who, "create teams")
        alias = alias.strip()
        _check_alias("teamAlias", alias, required=True)
        limits = limits or AccessLimits()
        limits.check("limits")
        team = Team(team_id=new_id(), team_alias=alias, created_at=utcnow(), **_columns(limits))
        async with self._uow() as uow:
            try:
                await uow.teams.add(team)
            except DuplicateKey as exc:
                raise ConflictError(f"a team named {alias!r} already exists") from exc
            await uow.commit()
        return team

    async def rename_team(self, who: Principal, team_id: str, alias: str) -> Team:
        require_admin(who, "rename teams")
        alias = alias.strip()
        _check_alias("teamAlias", alias, required=True)
        async with self._uow() as uow:
            try:
                renamed = await uow.teams.rename(team_id, alias)
            except DuplicateKey as exc:
                raise ConflictError(f"a team named {alias!r} already exists") from exc
            team = await uow.teams.get(team_id) if renamed else None
            if team is None:
                raise NotFoundError(f"no team with id {team_id!r}")
            await uow.commit()
        return team

    async def generate_key(
        self,
        who: Principal,
        alias: str | None,
        team_id: str | None,
        limits: AccessLimits | None = None,
    ) -> GeneratedKey:
        require_admin(who, "generate keys")
        if alias is not None:
            _check_alias("keyAlias", alias.strip(), required=False)
        limits = limits or AccessLimits()
        limits.check("limits")
        key = generate_key()
        record = ApiKeyRecord(
            key_id=new_id(),
            key_hash=hash_key(key),
            key_prefix=visible_prefix(key),
            key_alias=alias.strip() if alias else None,
            team_id=team_id,
            created_at=utcnow(),
            revoked_at=None,
            **_columns(limits),
        )
        async with self._uow() as uow:
            if team_id is not None and await uow.teams.get(team_id) is None:
                raise NotFoundError(f"no team with id {team_id!r}")
            await uow.keys.add(record)
            await uow.commit()
        return GeneratedKey(record=record, key=key)

    async def revoke_key(self, who: Principal, key_id: str) -> Revoked:
        require_admin(who, "revoke keys")
        when = utcnow()
        async with self._uow() as uow:
            record = await uow.keys.get(key_id)
            if record is None:
                raise NotFoundError(f"no key with id {key_id!r}")
            if not record.revoked:
                await uow.keys.revoke(key_id, when)
                record = replace(record, revoked_at=when)
            await uow.commit()
        return Revoked(record, await self._broadcast.removed([key_id], "revoke"))

    async def delete_team(self, who: Principal, team_id: str) -> Deleted:
        """Delete a team and its keys, and take them off every group.
        Its keys stop working at once on every instance, as revoked keys do (they were held in
        the key caches until the TTL: 164 of 200 calls answered over 58.8 s)."""
        require_admin(who, "delete teams")
        async with self._uow() as uow:
            key_ids = [k.key_id for k in await uow.keys.list() if k.team_id == team_id]
            for key_id in key_ids:  # not left to the cascade: SQLite may not enforce it
                await uow.keys.delete(key_id)
            if not await uow.teams.delete(team_id):
                raise NotFoundError(f"no team with id {team_id!r}")
            changed = await _unassign(uow, who, team_id=team_id, key_ids=key_ids)
            await uow.commit()
        propagation = await self._broadcast.removed(key_ids, "delete")
        await self._announce(changed)
        return Deleted(changed, propagation)

    async def delete_key(self, who: Principal, key_id: str) -> Deleted:
        require_admin(who, "delete keys")
        async with self._uow() as uow:
            if not await uow.keys.delete(key_id):
                raise NotFoundError(f"no key with id {key_id!r}")
            changed = await _unassign(uow, who, key_ids=[key_id])
            await uow.commit()
        propagation = await self._broadcast.removed([key_id], "delete")
        await self._announce(changed)
        return Deleted(changed, propagation)

    async def _announce(self, group_ids: list[str]) -> None:
        # The key events went first: they alone take the keys' access away. A lost group
        # event leaves another instance's copy of the group naming keys that no longer exist.
        for group_id in group_ids:
            try:
                await self._bus.publish(GROUPS_CHANNEL, {"groupId": group_id, "action": "upsert"})
            except Exception:
                log.warning("could not announce the change of group %s", group_id, exc_info=True)


def principal_for(record: ApiKeyRecord, team: Team | None = None) -> Principal:
    label = record.key_alias or record.key_prefix
    return Principal(
        identity=f"key:{label}",
        is_admin=False,
        key_id=record.key_id,
        team_id=record.team_id,
        key_limits=limits_of(record),
        team_limits=limits_of(team) if team is not None else AccessLimits(),
    )


def limits_of(holder: ApiKeyRecord | Team) -> AccessLimits:
    return AccessLimits(**{f.name: getattr(holder, f.name) for f in fields(AccessLimits)})


def simulation_limit(who: Principal, default: int) -> int:
    """How many simulations the caller may run at once: the server's per-key cap, or less."""
    if who.is_admin:
        return default
    found = tightest((default, who.key_limits.max_simulations, who.team_limits.max_simulations))
    return default if found is None else found


def real_call_budget(who: Principal) -> int | None:
    """Real provider calls one real-mode run by `who` may make (None: the master key, not
    budgeted): REAL_MODE_MAX_REQUESTS, or less when its key or team says so."""
    if who.is_admin:
        return None
    budget = tightest(
        (
            REAL_MODE_MAX_REQUESTS,
            who.key_limits.max_real_requests,
            who.team_limits.max_real_requests,
        )
    )
    return REAL_MODE_MAX_REQUESTS if budget is None else budget


def check_real_mode(who: Principal, num_requests: int, concurrency: int) -> None:
    """Real-mode simulations spend real provider calls: non-master keys are capped. Refused up
    front when the run would start more requests than its budget (`num_requests`: the closed
    loop's, or the traffic's expected count); the calls it makes are counted as they are made
    (see `real_call_budget`, `AccessService.admit_real_call`)."""
    cap = real_call_budget(who)
    if cap is None:
        return
    if num_requests > cap:
        raise LimitExceededError(
            f"a real-mode simulation by this key may send at most {cap} requests", limit=cap
        )
    if concurrency > REAL_MODE_MAX_CONCURRENCY:
        raise LimitExceededError(
            f"a real-mode simulation by this key may run at most {REAL_MODE_MAX_CONCURRENCY} "
            "requests at once",
            limit=REAL_MODE_MAX_CONCURRENCY,
        )


def _subjects(who: Principal) -> list[tuple[str, AccessLimits]]:
    """The caller's key and team, those of them that have an rpm or tpm limit."""
    found: list[tuple[str, AccessLimits]] = []
    if who.key_id is not None and _windowed(who.key_limits):
        found.append((f"key:{who.key_id}", who.key_limits))
    if who.team_id is not None and _windowed(who.team_limits):
        found.append((f"team:{who.team_id}", who.team_limits))
    return found


def _real_call_subjects(who: Principal) -> list[tuple[str, AccessLimits]]:
    per_minute = AccessLimits(rpm_limit=REAL_CALLS_PER_MINUTE)
    found: list[tuple[str, AccessLimits]] = []
    if who.key_id is not None:
        found.append((f"real-calls:key:{who.key_id}", per_minute))
    if who.team_id is not None:
        found.append((f"real-calls:team:{who.team_id}", per_minute))
    return found


def real_call_refusal(wait_s: float) -> str:
    """What an attempt refused by `admit_real_call` says (in its trace)."""
    return (
        "not sent: this key's limit on real provider calls is reached "
        f"(its rpm/tpm, or {REAL_CALLS_PER_MINUTE} real calls a minute); "
        f"try again in {wait_s:.0f} s"
    )


def _windowed(limits: AccessLimits) -> bool:
    return limits.rpm_limit is not None or limits.tpm_limit is not None


def _columns(limits: AccessLimits) -> dict[str, int | None]:
    return {f.name: getattr(limits, f.name) for f in fields(AccessLimits)}


def _check_alias(field: str, alias: str, *, required: bool) -> None:
    if required and not alias:
        raise ValidationError([FieldError(field, "must not be empty")])
    if len(alias) > MAX_ALIAS:
        raise ValidationError([FieldError(field, f"must be at most {MAX_ALIAS} characters")])


async def _unassign(
    uow: UnitOfWork,
    who: Principal,
    *,
    team_id: str | None = None,
    key_ids: list[str] | None = None,
) -> list[str]:
    changed: list[str] = []
    gone = set(key_ids or ())
    for group in await uow.groups.list_all():
        if team_id not in group.assigned_team_ids and not gone & set(group.assigned_key_ids):
            continue
        updated = RoutingGroup.model_validate(
            {
                **group.model_dump(),
                "assigned_team_ids": tuple(t for t in group.assigned_team_ids if t != team_id),
                "assigned_key_ids": tuple(k for k in group.assigned_key_ids if k not in gone),
                "version": group.version + 1,
                "updated_at": utcnow(),
                "updated_by": who.identity,
            }
        )
        if not await uow.groups.update(updated, expected_version=group.version):
            raise ConflictError("a routing group changed meanwhile; try again")
        await uow.revisions.add(make_revision(updated, "update", who, group, updated))
        changed.append(group.group_id)
    return changed
