from __future__ import annotations

import strawberry

from gql_server.core.domain.errors import PermissionDeniedError
from schema.context import Info
from schema.simulation_types import RunningSimulation, SimulationRun
from schema.types import (
    ApiKey,
    Deployment,
    Me,
    RoutingGroup,
    RoutingGroupList,
    RoutingGroupRevision,
    Team,
)
from schema.usage_types import RequestLogFilter, RequestLogPage, SpendGroupBy, SpendRow


@strawberry.type
class Query:
    @strawberry.field(description="Routing groups the caller may see, by name.")
    async def routing_groups(self, info: Info, page: int = 1, size: int = 25) -> RoutingGroupList:
        ctx = info.context
        result = await ctx.services.groups.page(ctx.who, page, size)
        registry = await ctx.deployment_registry()
        return RoutingGroupList(
            items=[RoutingGroup.from_domain(g, registry) for g in result.items],
            total=result.total,
            page=result.page,
            size=result.size,
        )

    @strawberry.field(description="One routing group by id or by name; null when not visible.")
    async def routing_group(
        self, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> RoutingGroup | None:
        ctx = info.context
        group = await ctx.services.groups.get(
            ctx.who, group_id=str(id) if id is not None else None, name=name
        )
        if group is None:
            return None
        return RoutingGroup.from_domain(group, await ctx.deployment_registry())

    @strawberry.field(
        description="The model registry: all of it for the master key; for other keys, the "
        "deployments of their routing groups (without apiBase)."
    )
    async def deployments(self, info: Info) -> list[Deployment]:
        who = info.context.who
        visible = await info.context.services.deployments.visible(who)
        return [Deployment.from_domain(d, show_api_base=who.is_admin) for d in visible]

    @strawberry.field(description="Every saved change to a routing group, newest first.")
    async def routing_group_revisions(
        self, info: Info, routing_group_id: strawberry.ID
    ) -> list[RoutingGroupRevision]:
        ctx = info.context
        revisions = await ctx.services.groups.revisions(ctx.who, str(routing_group_id))
        return [RoutingGroupRevision.from_domain(r) for r in revisions]

    @strawberry.field
    async def teams(self, info: Info) -> list[Team]:
        ctx = info.context
        return [Team.from_domain(t) for t in await ctx.services.access.teams(ctx.who)]

    @strawberry.field
    async def keys(self, info: Info) -> list[ApiKey]:
        ctx = info.context
        return [ApiKey.from_domain(k) for k in await ctx.services.access.keys(ctx.who)]

    @strawberry.field(description="Saved simulations of a routing group, newest first.")
    async def simulations(self, info: Info, routing_group_id: strawberry.ID) -> list[SimulationRun]:
        ctx = info.context
        runs = await ctx.services.simulations.history(ctx.who, str(routing_group_id))
        return [SimulationRun.from_record(r) for r in runs]

    @strawberry.field(description="Simulations running on this instance (master key only).")
    def running_simulations(self, info: Info) -> int:
        ctx = info.context
        if not ctx.who.is_admin:
            raise PermissionDeniedError("only the master key may see running simulations")
        return ctx.services.simulations.running()

    @strawberry.field(
        description="Every simulation running on this instance: who started it, on which "
        "group, how far it is (master key only; stop one with stopSimulation)."
    )
    def active_simulations(self, info: Info) -> list[RunningSimulation]:
        ctx = info.context
        runs = ctx.services.simulations.running_list(ctx.who)
        return [RunningSimulation.from_domain(r) for r in runs]

    @strawberry.field(description="Who the caller is.")
    def me(self, info: Info) -> Me:
        return Me.from_domain(info.context.who)

    @strawberry.field(
        description="Routed /v1 requests, newest first (the master key sees all, a key its own)."
    )
    async def request_log(
        self, info: Info, filter: RequestLogFilter | None = None, page: int = 1, size: int = 50
    ) -> RequestLogPage:
        ctx = info.context
        query = (filter or RequestLogFilter()).to_query()
        return RequestLogPage.from_page(
            await ctx.services.request_log.page(ctx.who, query, page, size)
        )

    @strawberry.field(description="Requests, tokens and cost per key, team or routing group.")
    async def spend(
        self, info: Info, group_by: SpendGroupBy, filter: RequestLogFilter | None = None
    ) -> list[SpendRow]:
        ctx = info.context
        query = (filter or RequestLogFilter()).to_query()
        totals = await ctx.services.request_log.spend(ctx.who, query, group_by.value)
        names: dict[str, str] = {}
        if group_by is SpendGroupBy.KEY:
            names = {
                k.key_id: k.key_alias or k.key_prefix
                for k in await ctx.services.access.keys(ctx.who)
            }
        elif group_by is SpendGroupBy.TEAM:
            names = {t.team_id: t.team_alias for t in await ctx.services.access.teams(ctx.who)}
        return [
            SpendRow.from_total(
                group_by,
                t,
                t.subject_name if group_by is SpendGroupBy.GROUP else names.get(t.subject_id or ""),
            )
            for t in totals
        ]
