"""RouterRegistry: live Routers by group, swapped atomically."""

from __future__ import annotations

import asyncio

import pytest

from gql_server.core.domain.errors import NoSuchRoutingGroupError
from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.routing.registry import RouterRegistry
from tests.fakes import MESSAGES, deployments_for, make_group

FIRST_THEN_SECOND = [
    GroupDeployment(model_id="a", priority=1),
    GroupDeployment(model_id="b", priority=2),
]
SECOND_THEN_FIRST = [
    GroupDeployment(model_id="a", priority=2),
    GroupDeployment(model_id="b", priority=1),
]


async def test_get_by_name_and_id_returns_the_live_router() -> None:
    registry = RouterRegistry(mock=True)
    group = make_group(Strategy.PRIORITY_FAILOVER, FIRST_THEN_SECOND, name="live")
    built = await registry.put(group, deployments_for(group))
    assert built is not None
    assert registry.get("live") is built
    assert registry.get_by_id(group.group_id) is built
    assert registry.names() == ["live"]
    outcome = await registry.get("live").call(MESSAGES)
    assert outcome.trace.final_deployment_id == "a"
    registry.close()


async def test_replacing_a_group_the_very_next_call_follows_the_new_config() -> None:
    registry = RouterRegistry(mock=True)
    group = make_group(Strategy.PRIORITY_FAILOVER, FIRST_THEN_SECOND, name="swap")
    await registry.put(group, deployments_for(group))
    assert (await registry.get("swap").call(MESSAGES)).trace.final_deployment_id == "a"

    reordered = group.model_copy(update={"deployments": tuple(SECOND_THEN_FIRST), "version": 2})
    await registry.put(reordered, deployments_for(reordered))
    assert (await registry.get("swap").call(MESSAGES)).trace.final_deployment_id == "b"

    weighted = group.model_copy(
        update={
            "strategy": Strategy.WEIGHTED,
            "deployments": (
                GroupDeployment(model_id="a", weight=0),
                GroupDeployment(model_id="b", weight=1),
            ),
            "version": 3,
        }
    )
    await registry.put(weighted, deployments_for(weighted))
    assert registry.get("swap").group.strategy is Strategy.WEIGHTED
    served = {
        (await registry.get("swap").call(MESSAGES)).trace.final_deployment_id for _ in range(10)
    }
    assert served == {"b"}
    registry.close()


async def test_after_remove_calls_by_name_raise_no_such_group() -> None:
    registry = RouterRegistry(mock=True)
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")], name="gone")
    await registry.put(group, deployments_for(group))
    registry.remove(group.group_id)
    with pytest.raises(NoSuchRoutingGroupError):
        registry.get("gone")
    with pytest.raises(NoSuchRoutingGroupError):
        registry.get_by_id(group.group_id)
    registry.remove(group.group_id)  # removing twice is harmless


async def test_inactive_groups_are_not_live() -> None:
    registry = RouterRegistry(mock=True)
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")], name="paused")
    await registry.put(group, deployments_for(group))
    assert (
        await registry.put(group.model_copy(update={"is_active": False}), deployments_for(group))
        is None
    )
    assert "paused" not in registry
    with pytest.raises(NoSuchRoutingGroupError):
        registry.get("paused")


async def test_a_renamed_group_is_reachable_only_by_its_new_name() -> None:
    registry = RouterRegistry(mock=True)
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")], name="old-name")
    await registry.put(group, deployments_for(group))
    await registry.put(group.model_copy(update={"name": "new-name"}), deployments_for(group))
    assert registry.names() == ["new-name"]
    assert registry.get("new-name").entry_model == "new-name"
    registry.close()


async def test_an_in_flight_call_on_the_old_router_completes_after_a_swap() -> None:
    group = make_group(Strategy.PRIORITY_FAILOVER, FIRST_THEN_SECOND, name="inflight")
    slow = InjectionPlan(latency={"a": LatencyRule(150)}, seed=1)

    def builder(g, deployments):  # type: ignore[no-untyped-def]
        return build_router(g, deployments, mock=True, plan=slow if g.version == 1 else None)

    registry = RouterRegistry(mock=True, builder=builder)
    await registry.put(group, deployments_for(group))
    old = registry.get("inflight")
    assert old.injector is not None
    inside = asyncio.Event()
    prepare = old.injector.prepare

    async def noting(*args, **kwargs):  # type: ignore[no-untyped-def]
        inside.set()
        return await prepare(*args, **kwargs)

    old.injector.prepare = noting  # type: ignore[method-assign]
    in_flight = asyncio.create_task(old.call(MESSAGES))
    await asyncio.wait_for(inside.wait(), timeout=10)  # the old Router is inside its attempt
    reordered = group.model_copy(update={"deployments": tuple(SECOND_THEN_FIRST), "version": 2})
    await registry.put(reordered, deployments_for(reordered))
    assert (await registry.get("inflight").call(MESSAGES)).trace.final_deployment_id == "b"

    finished = await in_flight
    assert finished.error is None
    assert finished.trace.final_deployment_id == "a"


async def test_an_unpriced_live_deployment_is_reported_once_when_its_router_is_built(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """litellm's per-answer zero-cost diagnosis is off on every Router (a third of a call's CPU);
    what it told the operator is said once per deployment, when it goes live."""
    registry = RouterRegistry(mock=False)
    group = make_group(
        Strategy.SIMPLE_SHUFFLE,
        [GroupDeployment(model_id=m) for m in ("free", "priced", "known")],
        name="prices",
    )
    deployments = deployments_for(group, api_base="http://127.0.0.1:9/v1", api_key="sk-x")
    deployments["priced"] = deployments["priced"].model_copy(
        update={"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}
    )
    deployments["known"] = deployments["known"].model_copy(update={"litellm_model": "gpt-4o"})
    with caplog.at_level("WARNING", logger="gql_server.core.routing.registry"):
        await registry.put(group, deployments)
        await registry.put(group.model_copy(update={"version": 2}), deployments)
    reported = [r.getMessage() for r in caplog.records if "has no price" in r.getMessage()]
    assert len(reported) == 1
    assert reported[0].startswith("deployment free (openai/model-free)")
    registry.close()
