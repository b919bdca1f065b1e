"""Traffic simulations: run, cap per caller, stop on request, save every finished run."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import Counter, deque
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any

from gql_server.auth import Principal
from gql_server.core import loop_logging
from gql_server.core.errors import LimitExceededError, PermissionDeniedError
from gql_server.core.router_builder import build_router
from gql_server.core.simulation import (
    SimulationEvent,
    SimulationProgress,
    SimulationRequest,
    run_simulation,
    validate_simulation_request,
)
from gql_server.core.simulation_stats import SimulationSummary
from gql_server.core.traces import RequestTrace
from gql_server.events import EventBus
from gql_server.services.access import check_real_mode, simulation_limit
from gql_server.services.common import new_id, utcnow
from gql_server.services.off_loop import LoopThread
from gql_server.services.ports import SimulationRecord, UnitOfWorkFactory
from gql_server.services.routing_groups import RoutingGroupService
from gql_server.services.testing import usable_group

log = logging.getLogger(__name__)

SIMULATIONS_CHANNEL = "routing-groups:simulations"  # {"simulationId": ..., "action": "stop"}
MAX_BACKLOG = 5000  # finished traces waiting for a slow subscriber before workers wait


@dataclass
class _Running:
    owner: Principal
    worker: LoopThread


class _Relay:
    """Traces cross from the simulation's loop the moment each request finishes and are
    batched here, on the server's loop, where a timer fires on time (at most every
    `interval` seconds or `batch_max` requests, as the contract's progress events promise)."""

    def __init__(self, simulation_id: str, total: int) -> None:
        self.simulation_id = simulation_id
        self.total = total
        self.pending: deque[RequestTrace] = deque()
        self.outcome: SimulationSummary | BaseException | None = None
        self._wake = asyncio.Event()

    def push(self, trace: RequestTrace) -> None:
        self.pending.append(trace)
        self._wake.set()

    def finish(self, outcome: SimulationSummary | BaseException) -> None:
        self.outcome = outcome
        self._wake.set()

    async def _wait(self, seconds: float | None) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def events(
        self, interval: float = 0.05, batch_max: int = 200
    ) -> AsyncGenerator[SimulationEvent, None]:
        loop = asyncio.get_running_loop()
        completed = 0
        while self.pending or self.outcome is None:
            if not self.pending:
                await self._wait(None)
                continue
            deadline = loop.time() + interval
            while len(self.pending) < batch_max and self.outcome is None:
                left = deadline - loop.time()
                if left <= 0:
                    break
                await self._wait(left)
            batch = [self.pending.popleft() for _ in range(min(batch_max, len(self.pending)))]
            completed += len(batch)
            yield SimulationProgress(self.simulation_id, completed, self.total, batch)
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        if self.outcome is not None:
            yield self.outcome


class SimulationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        groups: RoutingGroupService,
        bus: EventBus,
        *,
        max_per_key: int = 2,
    ) -> None:
        self._uow = uow
        self._groups = groups
        self._bus = bus
        self._max_per_key = max_per_key
        self._running: dict[str, _Running] = {}
        self._per_caller: Counter[str] = Counter()

    async def history(self, who: Principal, group_id: str) -> list[SimulationRecord]:
        await usable_group(self._groups, who, group_id)
        async with self._uow() as uow:
            return await uow.simulations.for_group(group_id)

    async def start(
        self, who: Principal, group_id: str, request: SimulationRequest
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[SimulationEvent]]:
        """Check everything, reserve a slot, and hand back the run to iterate.

        Raises NotFound/PermissionDenied/Validation/LimitExceeded before anything runs.
        """
        group = await usable_group(self._groups, who, group_id)
        validate_simulation_request(request, [d.model_id for d in group.deployments])
        caller = _caller_key(who)
        if not request.mock:
            check_real_mode(who, request.num_requests, request.concurrency)
        allowed = simulation_limit(who, self._max_per_key)
        if self._per_caller[caller] >= allowed:
            raise LimitExceededError(
                f"{allowed} simulations are already running for this key; "
                "wait for one to finish or stop it",
                limit=allowed,
            )
        deployments = await self._groups.deployments_of(group)
        simulation_id = new_id()
        relay = _Relay(simulation_id, request.num_requests)
        home = asyncio.get_running_loop()

        def deliver(trace: RequestTrace) -> None:
            home.call_soon_threadsafe(relay.push, trace)

        async def simulate(stop: asyncio.Event) -> None:
            # Built on the simulation's own loop: a throwaway Router, so injected failures
            # never touch live cooldown state, and litellm's loop-bound state stays on one loop.
            built = build_router(
                group, deployments, mock=request.mock, plan=request.injection_plan(), lean=True
            )
            outcome: SimulationSummary | BaseException | None = None
            try:
                run = run_simulation(
                    built, request, simulation_id=simulation_id, stop=stop, on_finished=deliver
                )
                async with contextlib.aclosing(run) as events:
                    async for event in events:
                        if isinstance(event, SimulationProgress):
                            # Backpressure: a slow client holds the workers, not our memory.
                            # (polled: the backlog lives on the other loop's thread)
                            while len(relay.pending) > MAX_BACKLOG:  # noqa: ASYNC110
                                await asyncio.sleep(0.01)
                        else:
                            outcome = event
            except Exception as exc:  # re-raised to the subscriber
                outcome = exc
            finally:
                built.close()
                await loop_logging.finish_this_loops_logging()
                if outcome is not None:
                    home.call_soon_threadsafe(relay.finish, outcome)

        worker = LoopThread(simulate, name=f"simulation {simulation_id}")
        self._per_caller[caller] += 1
        self._running[simulation_id] = _Running(owner=who, worker=worker)
        worker.start()
        return self._session(
            who=who,
            caller=caller,
            simulation_id=simulation_id,
            group_id=group.group_id,
            request=request,
            relay=relay,
        )

    @contextlib.asynccontextmanager
    async def _session(
        self,
        *,
        who: Principal,
        caller: str,
        simulation_id: str,
        group_id: str,
        request: SimulationRequest,
        relay: _Relay,
    ) -> AsyncIterator[AsyncIterator[SimulationEvent]]:
        events = self._events(who, group_id, request, relay)
        try:
            yield events
        finally:
            await events.aclose()
            # When the client went away this cancels the workers at once; either way it waits
            # until the simulation's thread has ended, so nothing is left behind.
            await self._running[simulation_id].worker.cancel()
            self._running.pop(simulation_id, None)
            self._per_caller[caller] -= 1
            if self._per_caller[caller] <= 0:
                del self._per_caller[caller]

    async def _events(
        self, who: Principal, group_id: str, request: SimulationRequest, relay: _Relay
    ) -> AsyncGenerator[SimulationEvent, None]:
        async with contextlib.aclosing(relay.events()) as events:
            async for event in events:
                if isinstance(event, SimulationSummary):
                    await self._save(who, group_id, relay.simulation_id, request, event)
                yield event

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
        running.worker.request_stop()
        return True

    def stop_local(self, simulation_id: str, *, caller: str, admin: bool) -> None:
        """A stop asked for on another instance; the same ownership rule applies here."""
        running = self._running.get(simulation_id)
        if running is not None and _may_stop(admin, caller, running):
            running.worker.request_stop()

    def running(self) -> int:
        return len(self._running)

    async def shutdown(self) -> None:
        for running in self._running.values():
            running.worker.request_stop()

    async def _save(
        self,
        who: Principal,
        group_id: str,
        simulation_id: str,
        request: SimulationRequest,
        summary: SimulationSummary,
    ) -> None:
        record = SimulationRecord(
            simulation_id=simulation_id,
            routing_group_id=group_id,
            created_at=utcnow(),
            created_by=who.identity,
            input=request_to_json(request),
            summary=dataclasses.asdict(summary),
        )
        try:
            async with self._uow() as uow:
                await uow.simulations.add(record)
                await uow.commit()
        except Exception:
            # The user still sees the result; losing the saved copy must not lose the run.
            log.exception("could not save simulation %s", simulation_id)


def request_to_json(request: SimulationRequest) -> dict[str, Any]:
    plan = request.plan
    return {
        "numRequests": request.num_requests,
        "concurrency": request.concurrency,
        "mock": request.mock,
        "seed": request.seed,
        "failureInjection": [
            {"modelId": m, "failureRate": r.failure_rate, "errorKind": r.error_kind.value}
            for m, r in plan.failures.items()
        ],
        "latency": [
            {"modelId": m, "meanMs": r.mean_ms, "jitterMs": r.jitter_ms}
            for m, r in plan.latency.items()
        ],
    }


def _may_stop(admin: bool, caller: str, running: _Running) -> bool:
    return admin or _caller_key(running.owner) == caller


def _caller_key(who: Principal) -> str:
    return who.key_id or who.identity
