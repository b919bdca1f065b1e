"""The routing-group invariants, on the domain objects alone."""

from __future__ import annotations

import pytest

from gql_server.core.domain.errors import ValidationError
from gql_server.core.domain.models import (
    GroupDeployment,
    GroupSettings,
    RoutingGroupSpec,
    Strategy,
    provider_of,
    validate_spec,
)

KNOWN = {"a", "b", "c"}


def spec(**changes: object) -> RoutingGroupSpec:
    base: dict[str, object] = {
        "name": "tiered",
        "strategy": Strategy.PRIORITY_FAILOVER,
        "deployments": (
            GroupDeployment(model_id="a", priority=1),
            GroupDeployment(model_id="b", priority=2),
        ),
    }
    base.update(changes)
    return RoutingGroupSpec.model_validate(base)


def fields(s: RoutingGroupSpec) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_spec(s, KNOWN)
    return [e.field for e in caught.value.field_errors]


def test_a_sound_group_passes() -> None:
    validate_spec(spec(), KNOWN)


@pytest.mark.parametrize(
    "name", ["llama-3.3:70b", "team/prod_v2", "A", "x" * 64], ids=lambda n: n[:12]
)
def test_safe_model_aliases_are_names(name: str) -> None:
    validate_spec(spec(name=name), KNOWN)


@pytest.mark.parametrize("name", ["", " ", "-lead", "with space", "x" * 65, "é", "a;b"])
def test_unsafe_names_are_refused(name: str) -> None:
    assert fields(spec(name=name)) == ["routingGroupName"]


def test_every_problem_is_reported_at_once() -> None:
    bad = spec(
        name="",
        description="d" * 2001,
        deployments=(
            GroupDeployment(model_id="zzz", priority=1),
            GroupDeployment(model_id="zzz", priority=0),
        ),
        settings=GroupSettings(max_fallbacks=21),
    )
    assert fields(bad) == [
        "routingGroupName",
        "description",
        "deployments[0].modelId",
        "deployments[1].modelId",
        "deployments[1].modelId",
        "deployments[1].priority",
        "settings.maxFallbacks",
    ]


def test_equal_priorities_form_one_tier_and_are_accepted() -> None:
    tiered = (
        GroupDeployment(model_id="a", priority=1),
        GroupDeployment(model_id="b", priority=1),
    )
    validate_spec(spec(deployments=tiered), KNOWN)


def test_weighted_needs_a_positive_total() -> None:
    zero = (GroupDeployment(model_id="a", weight=0), GroupDeployment(model_id="b", weight=0))
    assert fields(spec(strategy=Strategy.WEIGHTED, deployments=zero)) == ["deployments"]
    some = (GroupDeployment(model_id="a", weight=0), GroupDeployment(model_id="b", weight=3))
    validate_spec(spec(strategy=Strategy.WEIGHTED, deployments=some), KNOWN)


def test_priorities_are_ignored_by_other_strategies() -> None:
    unordered = (GroupDeployment(model_id="a"), GroupDeployment(model_id="b"))
    validate_spec(spec(strategy=Strategy.LEAST_BUSY, deployments=unordered), KNOWN)


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("nebius/meta-llama/Llama-3.3-70B", "nebius"),
        ("azure/gpt-4o", "azure"),
        ("gpt-4o", "openai"),
    ],
)
def test_provider_is_the_model_prefix(model: str, provider: str) -> None:
    assert provider_of(model) == provider
