from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from gql_server.core.domain.errors import DomainError
from gql_server.core.simulation.engine import SimulationProgress as DomainProgress
from schema.context import Info
from schema.errors import (
    ConflictError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
    to_graphql_error,
)
from schema.inputs import SimulationInput
from schema.operations.live_traffic import LiveTrafficBatch, LiveTrafficEvent
from schema.simulation_types import SimulationProgress, SimulationSummary

SimulationEvent = Annotated[
    SimulationProgress
    | SimulationSummary
    | NotFoundError
    | ValidationError
    | PermissionDeniedError
    | LimitExceededError,
    strawberry.union("SimulationEvent"),
]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Run a simulation: progress batches, then exactly one summary. "
        "Closing the subscription cancels the run."
    )
    async def simulate_traffic(
        self, info: Info, id: strawberry.ID, input: SimulationInput
    ) -> AsyncGenerator[SimulationEvent, None]:
        ctx = info.context
        try:
            stream = await ctx.services.simulations.start(
                ctx.who, str(id), input.to_params(), draft=input.draft_changes()
            )
        except DomainError as exc:
            error = to_graphql_error(exc)
            assert not isinstance(error, ConflictError), "simulations raise no conflicts"
            yield error
            return
        async with stream as events:
            async for event in events:
                if isinstance(event, DomainProgress):
                    yield SimulationProgress.from_domain(event)
                else:
                    yield SimulationSummary.from_domain(event)

    @strawberry.subscription(
        description="Real /v1 requests of the group as they finish, from every instance, in "
        "batches. Same visibility as the group."
    )
    async def live_traffic(
        self, info: Info, routing_group_id: strawberry.ID
    ) -> AsyncGenerator[LiveTrafficEvent, None]:
        ctx = info.context
        try:
            batches = await ctx.services.live_traffic.watch(ctx.who, str(routing_group_id))
        except DomainError as exc:
            error = to_graphql_error(exc)
            assert isinstance(error, NotFoundError | PermissionDeniedError | LimitExceededError)
            yield error
            return
        async with contextlib.aclosing(batches) as stream:
            async for batch in stream:
                yield LiveTrafficBatch.from_domain(batch)
