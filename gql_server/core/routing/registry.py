"""The live Routers, one per active routing group, swapped atomically when a group changes.

`put` builds the new Router before it touches the maps and then replaces the entries with no
await in between, so a request sees either the old Router or the new one, never a half-built
state. A request that already holds the old BuiltRouter finishes on it; the old Router is
retired (its process-wide strategy callbacks released), which litellm allows while it still
serves calls.

With `shared_state` (REDIS_URL set) every live Router keeps cooldowns and rpm/tpm usage in
litellm's Redis-backed routing cache, keyed by deployment id: groups sharing a deployment, and
every instance, see one cooldown and one budget per deployment, as one provider account would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from gql_server.core.domain.errors import FieldError, NoSuchRoutingGroupError, ValidationError
from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.core.domain.redaction import scrub
from gql_server.core.litellm_adapter.built_router import BuiltRouter, SharedState
from gql_server.core.litellm_adapter.router_builder import build_router, unpriced_deployments

log = logging.getLogger(__name__)

Builder = Callable[[RoutingGroup, Mapping[str, Deployment]], BuiltRouter]


class RouterRegistry:
    def __init__(
        self,
        *,
        mock: bool = False,
        lean: bool = False,
        builder: Builder | None = None,
        shared_state: SharedState | None = None,
    ):
        self.mock = mock
        self.lean = lean
        self.shared_state = shared_state
        self._build = builder or self._default_builder
        self._by_id: dict[str, BuiltRouter] = {}
        self._by_name: dict[str, BuiltRouter] = {}
        self._reported_unpriced: set[str] = set()

    def _default_builder(
        self, group: RoutingGroup, deployments: Mapping[str, Deployment]
    ) -> BuiltRouter:
        return build_router(
            group, deployments, mock=self.mock, lean=self.lean, shared_state=self.shared_state
        )

    async def put(
        self, group: RoutingGroup, deployments: Mapping[str, Deployment]
    ) -> BuiltRouter | None:
        """Make `group` live with a freshly built Router (None, and not live, when inactive)."""
        built = self.build(group, deployments)
        if built is None:
            self.remove(group.group_id)
            return None
        self.install(built)
        return built

    def build(
        self, group: RoutingGroup, deployments: Mapping[str, Deployment]
    ) -> BuiltRouter | None:
        """The group's Router, built but not live yet (None when the group is inactive), so a
        change can be refused before anything is written. A group litellm cannot build a Router
        for (a provider it does not know, ...) is a ValidationError naming the deployment."""
        if not group.is_active:
            return None
        try:
            return self._build(group, deployments)
        except Exception as exc:  # litellm raises its own types, or bare Exception
            raise _unbuildable(group, deployments, exc) from exc

    def install(self, built: BuiltRouter) -> None:
        """Make a built Router live, in place of the group's previous one."""
        group = built.group
        self._report_unpriced(built)
        previous = self._by_id.get(group.group_id)
        self._by_id[group.group_id] = built
        if previous is not None and previous.group.name != group.name:
            self._by_name.pop(previous.group.name, None)
        self._by_name[group.name] = built
        if previous is not None:
            previous.close()

    def _report_unpriced(self, built: BuiltRouter) -> None:
        for deployment in unpriced_deployments(built):
            if deployment.model_id not in self._reported_unpriced:
                self._reported_unpriced.add(deployment.model_id)
                log.warning(
                    "deployment %s (%s) has no price in the registry or in litellm's price map: "
                    "its requests cost $0 in spend and the request log; set its "
                    "input/output_cost_per_token",
                    deployment.model_id,
                    deployment.litellm_model,
                )

    def remove(self, group_id: str) -> None:
        previous = self._by_id.pop(group_id, None)
        if previous is None:
            return
        if self._by_name.get(previous.group.name) is previous:
            del self._by_name[previous.group.name]
        previous.close()

    def get(self, name: str) -> BuiltRouter:
        try:
            return self._by_name[name]
        except KeyError:
            raise NoSuchRoutingGroupError(name) from None

    def get_by_id(self, group_id: str) -> BuiltRouter:
        try:
            return self._by_id[group_id]
        except KeyError:
            raise NoSuchRoutingGroupError(group_id) from None

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def live(self) -> dict[str, BuiltRouter]:
        """Every live group's Router, by group id (a copy)."""
        return dict(self._by_id)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __len__(self) -> int:
        return len(self._by_id)

    def close(self) -> None:
        """Retire every live Router (application shutdown)."""
        for group_id in list(self._by_id):
            self.remove(group_id)


def _unbuildable(
    group: RoutingGroup, deployments: Mapping[str, Deployment], exc: Exception
) -> ValidationError:
    text = str(exc)
    reason = scrub(text.splitlines()[0] if text else type(exc).__name__)[:300]
    named = [
        n
        for n, member in enumerate(group.deployments)
        if member.model_id in deployments and deployments[member.model_id].litellm_model in text
    ] or list(range(len(group.deployments)))
    return ValidationError(
        [
            FieldError(
                f"deployments[{n}].modelId",
                f"litellm cannot route to {group.deployments[n].model_id!r}: {reason}",
            )
            for n in named
        ]
    )
