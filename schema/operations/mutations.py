from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry

from gql_server.core.domain.errors import DomainError
from gql_server.core.domain.injection import InjectionPlan
from schema.context import Info
from schema.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
    to_graphql_error,
)
from schema.inputs import (
    ChatMessageInput,
    DeploymentFailureInput,
    DeploymentInput,
    GenerateKeyInput,
    RoutingGroupInput,
    RoutingGroupPatch,
    TeamInput,
)
from schema.simulation_types import RoutingGroupTestResult
from schema.types import (
    AccessChange,
    ApiKey,
    DeleteSuccess,
    Deployment,
    GeneratedKey,
    RoutingGroup,
    Team,
)

T = TypeVar("T")

RoutingGroupResult = Annotated[
    RoutingGroup | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("RoutingGroupResult"),
]
DeploymentResult = Annotated[
    Deployment | ValidationError | ConflictError | PermissionDeniedError,
    strawberry.union("DeploymentResult"),
]
DeleteResult = Annotated[
    DeleteSuccess | NotFoundError | PermissionDeniedError, strawberry.union("DeleteResult")
]
TestResult = Annotated[
    RoutingGroupTestResult | NotFoundError | ValidationError | PermissionDeniedError,
    strawberry.union("TestResult"),
]
TeamResult = Annotated[
    Team | ValidationError | ConflictError | PermissionDeniedError, strawberry.union("TeamResult")
]
UpdateTeamResult = Annotated[
    Team | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("UpdateTeamResult"),
]
GenerateKeyResult = Annotated[
    GeneratedKey | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("GenerateKeyResult"),
]
RevokeKeyResult = Annotated[
    ApiKey | NotFoundError | PermissionDeniedError, strawberry.union("RevokeKeyResult")
]


@strawberry.type
class DeleteTeamSuccess:
    team_id: strawberry.ID
    updated_routing_group_ids: list[strawberry.ID]
    access_change: AccessChange = strawberry.field(description="the team's keys, deleted too")


@strawberry.type
class DeleteKeySuccess:
    key_id: strawberry.ID
    updated_routing_group_ids: list[strawberry.ID]
    access_change: AccessChange


DeleteTeamResult = Annotated[
    DeleteTeamSuccess | NotFoundError | PermissionDeniedError, strawberry.union("DeleteTeamResult")
]
DeleteKeyResult = Annotated[
    DeleteKeySuccess | NotFoundError | PermissionDeniedError, strawberry.union("DeleteKeyResult")
]


async def _attempt(run: Callable[[], Awaitable[T]]) -> Any:
    """The result, or the domain error as data. Typed Any because each mutation's union names
    only the errors it can produce; Strawberry checks the member against the union at run time,
    so an error kind a union lacks surfaces as a (masked, logged) internal error, not a lie."""
    try:
        return await run()
    except DomainError as exc:
        return to_graphql_error(exc)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_routing_group(
        self, info: Info, input: RoutingGroupInput
    ) -> RoutingGroupResult:
        ctx = info.context

        async def run() -> RoutingGroup:
            group = await ctx.services.groups.create(ctx.who, input.to_domain())
            return RoutingGroup.from_domain(group, await ctx.deployment_registry())

        return await _attempt(run)

    @strawberry.mutation(
        description="Change a group. With expectedVersion, a stale version gets ConflictError."
    )
    async def update_routing_group(
        self,
        info: Info,
        id: strawberry.ID,
        input: RoutingGroupPatch,
        expected_version: int | None = None,
    ) -> RoutingGroupResult:
        ctx = info.context

        async def run() -> RoutingGroup:
            group = await ctx.services.groups.update(
                ctx.who, str(id), input.changes(), expected_version
            )
            return RoutingGroup.from_domain(group, await ctx.deployment_registry())

        return await _attempt(run)

    @strawberry.mutation(
        description=(
            "A new version whose settings equal version toVersion's (history keeps both). "
            "With expectedVersion, a stale version gets ConflictError."
        )
    )
    async def rollback_routing_group(
        self,
        info: Info,
        id: strawberry.ID,
        to_version: int,
        expected_version: int | None = None,
    ) -> RoutingGroupResult:
        ctx = info.context

        async def run() -> RoutingGroup:
            group = await ctx.services.groups.rollback(
                ctx.who, str(id), to_version, expected_version
            )
            return RoutingGroup.from_domain(group, await ctx.deployment_registry())

        return await _attempt(run)

    @strawberry.mutation
    async def delete_routing_group(self, info: Info, id: strawberry.ID) -> DeleteResult:
        ctx = info.context

        async def run() -> DeleteSuccess:
            deleted = await ctx.services.groups.delete(ctx.who, str(id))
            return DeleteSuccess(routing_group_id=strawberry.ID(deleted))

        return await _attempt(run)

    @strawberry.mutation
    async def create_deployment(self, info: Info, input: DeploymentInput) -> DeploymentResult:
        ctx = info.context

        async def run() -> Deployment:
            created = await ctx.services.deployments.create(ctx.who, input.to_domain())
            return Deployment.from_domain(created)

        return await _attempt(run)

    @strawberry.mutation(
        description="Send one request through a throwaway copy of the group's Router."
    )
    async def test_routing_group(
        self,
        info: Info,
        id: strawberry.ID,
        messages: list[ChatMessageInput] | None = None,
        mock: bool = True,
        failure_injection: list[DeploymentFailureInput] | None = None,
    ) -> TestResult:
        ctx = info.context

        async def run() -> RoutingGroupTestResult:
            plan = InjectionPlan(failures=dict(f.to_domain() for f in failure_injection or ()))
            outcome = await ctx.services.testing.test(
                ctx.who,
                str(id),
                [{"role": m.role, "content": m.content} for m in messages] if messages else None,
                mock=mock,
                plan=plan,
            )
            return RoutingGroupTestResult.from_domain(outcome)

        return await _attempt(run)

    @strawberry.mutation
    async def create_team(self, info: Info, input: TeamInput) -> TeamResult:
        ctx = info.context

        async def run() -> Team:
            return Team.from_domain(
                await ctx.services.access.create_team(
                    ctx.who, input.team_alias, input.limits.to_domain() if input.limits else None
                )
            )

        return await _attempt(run)

    @strawberry.mutation(description="Rename a team; its keys and group assignments stay.")
    async def update_team(
        self, info: Info, team_id: strawberry.ID, input: TeamInput
    ) -> UpdateTeamResult:
        ctx = info.context

        async def run() -> Team:
            return Team.from_domain(
                await ctx.services.access.rename_team(ctx.who, str(team_id), input.team_alias)
            )

        return await _attempt(run)

    @strawberry.mutation(description="Delete a team and its keys; it is taken off every group.")
    async def delete_team(self, info: Info, team_id: strawberry.ID) -> DeleteTeamResult:
        ctx = info.context

        async def run() -> DeleteTeamSuccess:
            deleted = await ctx.services.access.delete_team(ctx.who, str(team_id))
            return DeleteTeamSuccess(
                team_id=team_id,
                updated_routing_group_ids=[strawberry.ID(g) for g in deleted.changed_group_ids],
                access_change=AccessChange.from_domain(deleted.propagation),
            )

        return await _attempt(run)

    @strawberry.mutation(description="A new API key, shown only in this response.")
    async def generate_key(self, info: Info, input: GenerateKeyInput) -> GenerateKeyResult:
        ctx = info.context

        async def run() -> GeneratedKey:
            made = await ctx.services.access.generate_key(
                ctx.who,
                input.key_alias,
                str(input.team_id) if input.team_id else None,
                input.limits.to_domain() if input.limits else None,
            )
            rec = made.record
            return GeneratedKey(
                key_id=strawberry.ID(rec.key_id),
                key=made.key,
                key_alias=rec.key_alias,
                team_id=strawberry.ID(rec.team_id) if rec.team_id else None,
            )

        return await _attempt(run)

    @strawberry.mutation(description="Revoke a key: it fails from the next request on.")
    async def revoke_key(self, info: Info, key_id: strawberry.ID) -> RevokeKeyResult:
        ctx = info.context

        async def run() -> ApiKey:
            revoked = await ctx.services.access.revoke_key(ctx.who, str(key_id))
            answer = ApiKey.from_domain(revoked.record)
            answer.access_change = AccessChange.from_domain(revoked.propagation)
            return answer

        return await _attempt(run)

    @strawberry.mutation(description="Delete a key; it is taken off every routing group.")
    async def delete_key(self, info: Info, key_id: strawberry.ID) -> DeleteKeyResult:
        ctx = info.context

        async def run() -> DeleteKeySuccess:
            deleted = await ctx.services.access.delete_key(ctx.who, str(key_id))
            return DeleteKeySuccess(
                key_id=key_id,
                updated_routing_group_ids=[strawberry.ID(g) for g in deleted.changed_group_ids],
                access_change=AccessChange.from_domain(deleted.propagation),
            )

        return await _attempt(run)

    @strawberry.mutation(
        description="Finish a running simulation early; its subscription still receives a "
        "summary marked cancelled. False when no such simulation is running here."
    )
    async def stop_simulation(self, info: Info, simulation_id: strawberry.ID) -> bool:
        ctx = info.context
        return await ctx.services.simulations.stop(ctx.who, str(simulation_id))
