"""Traffic simulations: run, cap per caller, stop on request, save every finished run."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any

from gql_server.auth import Principal
from gql_server.core.errors import LimitExceededError, PermissionDeniedError
from gql_server.core.router_builder import BuiltRouter, build_router
from gql_server.core.simulation import (
    SimulationEvent,
    SimulationProgress,
    SimulationRequest,
    run_simulation,
    validate_simulation_request,
)
from gql_server.core.simulation_stats import SimulationSummary
from gql_server.events import EventBus
from gql_server.services.common import new_id, utcnow
from gql_server.services.ports import SimulationRecord, UnitOfWorkFactory
from gql_server.services.routing_groups import RoutingGroupService
from gql_server.services.testing import usable_group

log = logging.getLogger(__name__)

SIMULATIONS_CHANNEL = "routing-groups:simulations"  # {"simulationId": ..., "action": "stop"}


@dataclass
class _Running:
    owner: Principal
    stop: asyncio.Event


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
        if self._per_caller[caller] >= self._max_per_key:
            raise LimitExceededError(
                f"{self._max_per_key} simulations are already running for this key; "
                "wait for one to finish or stop it",
                limit=self._max_per_key,
            )
        deployments = await self._groups.deployments_of(group)
        # A throwaway Router: injected failures never touch live cooldown state.
        built = build_router(
            group, deployments, mock=request.mock, plan=request.injection_plan(), lean=True
        )
        simulation_id = new_id()
        self._per_caller[caller] += 1
        self._running[simulation_id] = _Running(owner=who, stop=asyncio.Event())
        return self._session(who, caller, simulation_id, built, request)

    @contextlib.asynccontextmanager
    async def _session(
        self,
        who: Principal,
        caller: str,
        simulation_id: str,
        built: BuiltRouter,
        request: SimulationRequest,
    ) -> AsyncIterator[AsyncIterator[SimulationEvent]]:
        events = self._events(who, simulation_id, built, request)
        try:
            yield events
        finally:
            await events.aclose()  # cancels the workers at once when the client went away
            built.close()
            self._running.pop(simulation_id, None)
            self._per_caller[caller] -= 1
            if self._per_caller[caller] <= 0:
                del self._per_caller[caller]

    async def _events(
        self, who: Principal, simulation_id: str, built: BuiltRouter, request: SimulationRequest
    ) -> AsyncGenerator[SimulationEvent, None]:
        run = run_simulation(
            built,
            request,
            simulation_id=simulation_id,
            stop=self._running[simulation_id].stop,
        )
        async with contextlib.aclosing(run) as stream:
            async for event in stream:
                if isinstance(event, SimulationProgress):
                    yield event
                    continue
                await self._save(who, built.group.group_id, simulation_id, request, event)
                yield event

    async def stop(self, who: Principal, simulation_id: str) -> bool:
        """Ask a run to finish early; it still sends its summary (cancelled). False if unknown."""
        running = self._running.get(simulation_id)
        if running is None:
            await self._bus.publish(
                SIMULATIONS_CHANNEL, {"simulationId": simulation_id, "action": "stop"}
            )
            return False
        if not who.is_admin and _caller_key(running.owner) != _caller_key(who):
            raise PermissionDeniedError("only the caller who started a simulation may stop it")
        running.stop.set()
        return True

    def stop_local(self, simulation_id: str) -> None:
        running = self._running.get(simulation_id)
        if running is not None:
            running.stop.set()

    def running(self) -> int:
        return len(self._running)

    async def shutdown(self) -> None:
        for running in self._running.values():
            running.stop.set()

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


def _caller_key(who: Principal) -> str:
    return who.key_id or who.identity
