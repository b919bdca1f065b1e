"""Send one request through a throwaway copy of a group's Router."""

from __future__ import annotations

from dataclasses import dataclass

from gql_server.auth import Principal
from gql_server.core.domain.errors import FieldError, ValidationError
from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.models import RoutingGroup
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.routing.tester import TestOutcome, test_one_request
from gql_server.services.access.service import AccessService, real_call_refusal
from gql_server.services.routing_groups import RoutingGroupService


class TestingService:
    __test__ = False  # not a pytest class

    def __init__(self, groups: RoutingGroupService, access: AccessService | None = None) -> None:
        self._groups = groups
        self._access = access

    async def test(
        self,
        who: Principal,
        group_id: str,
        messages: list[dict[str, str]] | None,
        *,
        mock: bool,
        plan: InjectionPlan,
    ) -> TestOutcome:
        group = await usable_group(self._groups, who, group_id)
        check_plan(group, plan)
        deployments = await self._groups.deployments_of(group)
        # A throwaway Router: injected failures must never cool down live deployments.
        gate = None
        if not mock and self._access is not None and not who.is_admin:
            gate = KeyCalls(self._access, who)
        with build_router(group, deployments, mock=mock, plan=plan, call_gate=gate) as built:
            return await test_one_request(built, messages)


@dataclass(frozen=True)
class KeyCalls:
    """A key's real provider calls, each admitted by its rpm/tpm and real-call windows."""

    access: AccessService
    who: Principal

    async def admit(self) -> str | None:
        wait = await self.access.admit_real_call(self.who)
        return None if wait is None else real_call_refusal(wait)

    def used(self, tokens: int) -> None:
        self.access.charge_tokens(self.who, tokens)


async def usable_group(groups: RoutingGroupService, who: Principal, group_id: str) -> RoutingGroup:
    """The group if `who` may use it. A group `who` may not see is answered exactly like one
    that does not exist (NotFoundError), so a key cannot probe for other teams' groups."""
    return await groups.get_visible(who, group_id)


def check_plan(group: RoutingGroup, plan: InjectionPlan) -> None:
    members = {d.model_id for d in group.deployments}
    errors: list[FieldError] = []
    for i, (model_id, rule) in enumerate(plan.failures.items()):
        where = f"failureInjection[{i}]"
        if model_id not in members:
            errors.append(FieldError(f"{where}.modelId", f"{model_id!r} is not in this group"))
        if not 0.0 <= rule.failure_rate <= 1.0:
            errors.append(FieldError(f"{where}.failureRate", "must be between 0 and 1"))
    if errors:
        raise ValidationError(errors)
