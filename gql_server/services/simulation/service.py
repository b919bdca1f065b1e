"""Traffic simulations: run in the worker pool, cap per caller, stop on request, save each run."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain import secret_box
from gql_server.core.domain.errors import (
    FieldError,
    LimitExceededError,
    PermissionDeniedError,
    ValidationError,
)
from gql_server.core.domain.models import RoutingGroup
from gql_server.core.domain.replay import ReplayWindow
from gql_server.core.domain.scenario import SimulationClock
from gql_server.core.simulation.engine import SimulationEvent
from gql_server.core.simulation.request import SimulationRequest, validate_simulation_request
from gql_server.core.simulation.stats import SimulationSummary, TimelineBucket
from gql_server.events import EventBus
from gql_server.services.access.service import (
    AccessService,
    check_real_mode,
    real_call_budget,
    simulation_limit,
)
from gql_server.services.common import new_id, require_admin, utcnow
from gql_server.services.ports import SimulationRecord, UnitOfWorkFactory
from gql_server.services.routing_groups import RoutingGroupService
from gql_server.services.simulation.inputs import (
    expected_total,
    request_to_json,
    scoped_to,
    settled,
    summary_to_json,
    within_key_caps,
)
from gql_server.services.simulation.pool import Lease, SimulationPool
from gql_server.services.simulation.relay import Relay
from gql_server.services.simulation.replay import load_replay, recorded_timeline
from gql_server.services.simulation.worker import SimulationJob
from gql_server.services.testing import KeyCalls, usable_group

log = logging.getLogger(__name__)

SIMULATIONS_CHANNEL = "routing-groups:simulations"  # {"simulationId": ..., "action": "stop"}
MAX_BACKLOG = 5000  # traces a worker may run ahead of a slow subscriber before it waits
DEFAULT_MAX_SIMULATED_S_PER_KEY = 3600.0
SHUTDOWN_TIMEOUT_S = 10.0
SHUTDOWN_REASON = (
    "the server is shutting down: requests still in flight were dropped and no more were started"
)
GROUP_DELETED_REASON = "its routing group was deleted: the run is not saved"


@dataclass
class _Running:
    owner: Principal
    caller: str
    group_id: str
    request: SimulationRequest
    draft: Mapping[str, Any] | None
    lease: Lease
    relay: Relay
    started_at: datetime = field(default_factory=utcnow)
    group_deleted: bool = False
    saved: asyncio.Task[None] | None = field(default=None)


@dataclass(frozen=True)
class RunningSimulation:
    """A run in progress on this instance, as the master key sees it."""

    simulation_id: str
    routing_group_id: str
    started_by: str
    started_at: datetime
    completed: int
    total: int
    simulated_ms: float
    mock: bool


class SimulationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        groups: RoutingGroupService,
        bus: EventBus,
        *,
        max_per_key: int = 2,
        max_simulated_s_per_key: float = DEFAULT_MAX_SIMULATED_S_PER_KEY,
        pool: SimulationPool | None = None,
        workers: int = 1,
        access: AccessService | None = None,
        log_retention: timedelta = timedelta(days=7),
    ) -> None:
        self._uow = uow
        self._access = access
        self._log_retention = log_retention
        self._groups = groups
        self._bus = bus
        self._max_per_key = max_per_key
        self._max_simulated_s_per_key = max_simulated_s_per_key
        self._pool = pool or SimulationPool(workers, max_backlog=MAX_BACKLOG)
        self._running: dict[str, _Running] = {}
        self._per_caller: Counter[str] = Counter()
        self._all_ended = asyncio.Event()  # no run in progress
        self._all_ended.set()

    @property
    def pool(self) -> SimulationPool:
        return self._pool

    async def history(self, who: Principal, group_id: str) -> list[SimulationRecord]:
        await usable_group(self._groups, who, group_id)
        async with self._uow() as uow:
            return await uow.simulations.for_group(group_id)

    async def start(
        self,
        who: Principal,
        group_id: str,
        request: SimulationRequest,
        *,
        draft: Mapping[str, Any] | None = None,
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[SimulationEvent]]:
        """Check everything, reserve a slot, and hand back the run to iterate.

        `draft` (domain field -> value, as `RoutingGroupService.update` takes) simulates the
        group with those unsaved changes applied; it is validated as an update would be, with
        field paths prefixed `draft.`. Nothing is saved to the group.
        Raises NotFound/PermissionDenied/Validation/LimitExceeded before anything runs.
        """
        group = await usable_group(self._groups, who, group_id)
        # Injection and incidents describe the world, the draft the change: a rule may name a
        # deployment the draft removes, so one scenario runs against both versions.
        scenario_ids = {d.model_id for d in group.deployments}
        saved_ids = frozenset(scenario_ids)  # the gateway overhead is measured on these
        if draft:
            # A key's draft names only its group's own deployments (their credentials are
            # the ones it may spend); the master key may try any in the registry.
            usable = None if who.is_admin else scenario_ids
            group = await self._apply_draft(group, draft, usable)
            scenario_ids |= {d.model_id for d in group.deployments}
        validate_simulation_request(request, scenario_ids)
        if not who.is_admin:
            request = within_key_caps(request, self._max_simulated_s_per_key)
        if request.replay_window is not None:
            request = await self._with_replay(who, group, request)
        request = await settled(
            request,
            {d.model_id for d in group.deployments},
            self._uow,
            utcnow(),
            overhead_members=saved_ids,
        )
        deployments = await self._groups.deployments_of(group)
        # From here to the slots being held there is no await: a burst of starts by one key
        # sees each other's reservations (the per-key and the global cap hold).
        caller = _caller_key(who)
        if not request.mock:
            check_real_mode(who, expected_total(request), request.concurrency)
        allowed = simulation_limit(who, self._max_per_key)
        if self._per_caller[caller] >= allowed:
            raise LimitExceededError(
                f"{allowed} simulations are already running for this key; "
                "wait for one to finish or stop it",
                limit=allowed,
            )
        lease = self._pool.reserve()
        self._per_caller[caller] += 1
        simulation_id = new_id()
        running = _Running(
            owner=who,
            caller=caller,
            group_id=group.group_id,
            request=request,
            draft=draft,
            lease=lease,
            relay=Relay(
                simulation_id,
                expected_total(request),
                KeyCalls(self._access, who) if self._access is not None else None,
                lease.consumed,
            ),
        )
        self._running[simulation_id] = running
        self._all_ended.clear()
        try:
            members = {d.model_id for d in group.deployments}
            job = SimulationJob(
                simulation_id,
                group,
                deployments,
                scoped_to(request, members),
                secrets=secret_box.installed(),
                real_calls=None if request.mock else real_call_budget(who),
            )
            await lease.start(job, running.relay)
        except BaseException:
            await self._end(simulation_id)
            raise
        running.saved = asyncio.create_task(self._save_when_finished(simulation_id, running))
        return self._session(simulation_id, running)

    async def recorded(
        self, who: Principal, group_id: str, window: ReplayWindow, bucket_s: float | None
    ) -> list[TimelineBucket]:
        """The group's request log over `window` as the simulator's timeline (what the caller
        may read of it: see services.replay)."""
        group = await usable_group(self._groups, who, group_id)
        return await recorded_timeline(
            self._uow, who, group, window, bucket_s, now=utcnow(), retention=self._log_retention
        )

    async def _with_replay(
        self, who: Principal, group: RoutingGroup, request: SimulationRequest
    ) -> SimulationRequest:
        """The window read from the log; a replay runs on the virtual clock and never calls a
        provider, whatever `mock` says."""
        assert request.replay_window is not None
        source = await load_replay(
            self._uow,
            who,
            group.group_id,
            request.replay_window,
            [d.model_id for d in group.deployments],
            now=utcnow(),
            retention=self._log_retention,
        )
        # its clock starts where the window does (calendar minutes as recorded), unless asked
        return dataclasses.replace(
            request, replay=source, mock=True, clock=SimulationClock.VIRTUAL, traffic=None
        ).started(request.replay_window.start)

    async def _apply_draft(
        self, group: RoutingGroup, draft: Mapping[str, Any], usable: Collection[str] | None
    ) -> RoutingGroup:
        try:
            applied, _ = await self._groups.preview(group, draft, usable=usable)
        except ValidationError as exc:
            raise ValidationError(
                [FieldError(f"draft.{e.field}", e.message) for e in exc.field_errors]
            ) from exc
        return applied

    @contextlib.asynccontextmanager
    async def _session(
        self, simulation_id: str, running: _Running
    ) -> AsyncIterator[AsyncIterator[SimulationEvent]]:
        events = self._events(running)
        try:
            yield events
        finally:
            await events.aclose()
            # When the client went away this cancels the run at once; either way it waits
            # until the worker is free again, so nothing is left behind.
            await self._end(simulation_id)

    async def _events(self, running: _Running) -> AsyncGenerator[SimulationEvent, None]:
        async with contextlib.aclosing(running.relay.events()) as events:
            async for event in events:
                if isinstance(event, SimulationSummary) and running.saved is not None:
                    await asyncio.shield(running.saved)  # in History before the client sees it
                yield event

    async def _end(self, simulation_id: str) -> None:
        running = self._running.get(simulation_id)
        if running is None:
            return
        try:
            await running.lease.release()
        finally:
            if running.saved is not None and not running.relay.finished.is_set():
                running.saved.cancel()  # the client left before the end: nothing to save
            self._running.pop(simulation_id, None)
            self._per_caller[running.caller] -= 1
            if self._per_caller[running.caller] <= 0:
                del self._per_caller[running.caller]
            if not self._running:
                self._all_ended.set()

    async def _save_when_finished(self, simulation_id: str, running: _Running) -> None:
        """Saved on the server's side, whether or not the subscriber reads the summary."""
        await running.relay.finished.wait()
        outcome = running.relay.outcome
        if isinstance(outcome, SimulationSummary) and not running.group_deleted:
            await self._save(simulation_id, running, outcome)

    async def stop(self, who: Principal, simulation_id: str) -> bool:
        """Ask a run to finish early; it still sends its summary (cancelled). False if unknown."""
        running = self._running.get(simulation_id)
        if running is None:
            await self._bus.publish(
                SIMULATIONS_CHANNEL,
                {
                    "simulationId": simulation_id,
                    "action": "stop",
                    "caller": _caller_key(who),
                    "admin": who.is_admin,
                },
            )
            return False
        if not _may_stop(who.is_admin, _caller_key(who), running):
            raise PermissionDeniedError("only the caller who started a simulation may stop it")
        running.lease.stop()
        return True

    def stop_local(self, simulation_id: str, *, caller: str, admin: bool) -> None:
        """A stop asked for on another instance; the same ownership rule applies here."""
        running = self._running.get(simulation_id)
        if running is not None and _may_stop(admin, caller, running):
            running.lease.stop()

    def stop_group(self, group_id: str) -> int:
        """The group was deleted: its runs end with a cancelled summary and are not saved."""
        stopped = 0
        for running in self._running.values():
            if running.group_id == group_id:
                running.group_deleted = True
                running.lease.stop(GROUP_DELETED_REASON)
                stopped += 1
        return stopped

    def running(self) -> int:
        return len(self._running)

    def running_list(self, who: Principal) -> list[RunningSimulation]:
        """Every run in progress on this instance, oldest first (master key only)."""
        require_admin(who, "see every running simulation")
        return [
            RunningSimulation(
                simulation_id=simulation_id,
                routing_group_id=r.group_id,
                started_by=r.owner.identity,
                started_at=r.started_at,
                completed=r.relay.received,
                total=r.relay.total,
                simulated_ms=r.relay.simulated_ms,
                mock=r.request.mock,
            )
            for simulation_id, r in sorted(
                self._running.items(), key=lambda item: item[1].started_at
            )
        ]

    async def shutdown(self, within_s: float = SHUTDOWN_TIMEOUT_S) -> None:
        """Stop every run, wait (at most `within_s`) until each cancelled summary is saved and
        handed to its subscriber, then end the worker processes. New starts are refused from
        the first call on; calling it again is harmless."""
        self._pool.closing = True
        runs = list(self._running.values())
        for running in runs:
            running.lease.stop(SHUTDOWN_REASON)
        saves = [r.saved for r in runs if r.saved is not None]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within_s):
                if saves:
                    await asyncio.wait(saves)
                # the subscribers are sending the summaries; their sessions end when they have
                await self._all_ended.wait()
        await self._pool.close()

    async def _save(
        self, simulation_id: str, running: _Running, summary: SimulationSummary
    ) -> None:
        record = SimulationRecord(
            simulation_id=simulation_id,
            routing_group_id=running.group_id,
            created_at=utcnow(),
            created_by=running.owner.identity,
            input=request_to_json(running.request, running.draft),
            summary=summary_to_json(summary),
        )
        try:
            async with self._uow() as uow:
                if await uow.groups.get(running.group_id) is None:
                    return  # deleted meanwhile: no orphan runs in History
                await uow.simulations.add(record)
                await uow.commit()
        except Exception:
            # The user still sees the result; losing the saved copy must not lose the run.
            log.exception("could not save simulation %s", simulation_id)


def _may_stop(admin: bool, caller: str, running: _Running) -> bool:
    return admin or running.caller == caller


def _caller_key(who: Principal) -> str:
    return who.key_id or who.identity
