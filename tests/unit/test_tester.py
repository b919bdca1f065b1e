"""One test request through the real Router (mock mode): what the Live Tester shows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gql_server.core.domain.errors import ValidationError
from gql_server.core.domain.injection import FailureRule, InjectionPlan
from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.traces import TraceStatus
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import DEFAULT_MOCK_RESPONSE, build_router
from gql_server.core.routing import tester
from tests.unit.test_simulation_router import AZURE, DEPLOYMENTS, FIREWORKS, NEBIUS, STORY_GROUP


async def story_router(plan: InjectionPlan | None = None) -> AsyncIterator[BuiltRouter]:
    built = build_router(STORY_GROUP, DEPLOYMENTS, mock=True, plan=plan)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
async def healthy() -> AsyncIterator[BuiltRouter]:
    async for built in story_router():
        yield built


@pytest.fixture
async def nebius_down() -> AsyncIterator[BuiltRouter]:
    plan = InjectionPlan(failures={NEBIUS: FailureRule(1.0, ErrorKind.RATE_LIMIT)}, seed=1)
    async for built in story_router(plan):
        yield built


@pytest.fixture
async def all_down() -> AsyncIterator[BuiltRouter]:
    plan = InjectionPlan(failures={d: FailureRule(1.0) for d in DEPLOYMENTS}, seed=1)
    async for built in story_router(plan):
        yield built


async def test_a_healthy_group_answers_from_its_first_deployment(healthy: BuiltRouter) -> None:
    outcome = await tester.test_one_request(healthy, None)

    assert outcome.success
    assert outcome.response_text == DEFAULT_MOCK_RESPONSE
    assert [(t.deployment_id, t.status) for t in outcome.traces] == [(NEBIUS, TraceStatus.SUCCESS)]
    # Nebius and Fireworks share the display name "llama-3.3-70b": the model id says which.
    assert (outcome.final_deployment, outcome.final_provider) == (NEBIUS, "nebius")
    assert outcome.error_message is None
    assert outcome.total_latency_ms >= outcome.traces[0].latency_ms > 0


async def test_a_failing_primary_shows_the_fallback_hop(nebius_down: BuiltRouter) -> None:
    outcome = await tester.test_one_request(
        nebius_down, [{"role": "user", "content": "Which model are you?"}]
    )

    assert outcome.success
    first, second = outcome.traces
    assert (first.deployment_id, first.status, first.error_kind) == (
        NEBIUS,
        TraceStatus.ERROR,
        ErrorKind.RATE_LIMIT,
    )
    assert (second.deployment_id, second.status, second.was_fallback) == (
        FIREWORKS,
        TraceStatus.SUCCESS,
        True,
    )
    assert outcome.final_provider == "fireworks_ai"


async def test_when_every_deployment_fails_the_outcome_says_so(all_down: BuiltRouter) -> None:
    outcome = await tester.test_one_request(all_down)

    assert not outcome.success
    assert outcome.response_text is None
    assert [t.deployment_id for t in outcome.traces] == [NEBIUS, FIREWORKS, AZURE]
    assert all(t.error_kind is ErrorKind.SERVER_ERROR for t in outcome.traces)
    assert (outcome.final_deployment, outcome.final_provider) == (None, None)
    assert outcome.error_message is not None
    assert "every deployment failed" in outcome.error_message


@pytest.mark.parametrize(
    ("messages", "fields"),
    [
        ([], {"messages"}),
        ([{"role": "user", "content": "  "}], {"messages[0].content"}),
        (
            [{"role": "user", "content": "hi"}, {"role": "robot", "content": "beep"}],
            {"messages[1].role"},
        ),
    ],
)
async def test_bad_messages_are_rejected_before_any_call(
    all_down: BuiltRouter, messages: list[dict[str, str]], fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as raised:
        await tester.test_one_request(all_down, messages)

    assert {e.field for e in raised.value.field_errors} == fields


def test_no_messages_means_the_default_prompt() -> None:
    assert tester.chat_messages(None) == [
        {"role": "user", "content": "Hello, respond with one word."}
    ]


async def test_final_deployment_is_the_display_name_when_it_is_unique_in_the_group() -> None:
    plan = InjectionPlan(failures={NEBIUS: FailureRule(1.0), FIREWORKS: FailureRule(1.0)}, seed=1)
    async for built in story_router(plan):
        outcome = await tester.test_one_request(built, None)
        assert outcome.traces[-1].deployment_id == AZURE
        assert (outcome.final_deployment, outcome.final_provider) == ("gpt-4o", "azure")


def test_unambiguous_name_falls_back_to_the_model_id_only_for_shared_names() -> None:
    built = build_router(STORY_GROUP, DEPLOYMENTS, mock=True)
    try:
        names = {d: tester.unambiguous_name(d, built.labels) for d in DEPLOYMENTS}
    finally:
        built.close()
    assert names == {NEBIUS: NEBIUS, FIREWORKS: FIREWORKS, AZURE: "gpt-4o"}


async def test_an_all_failed_result_names_the_last_error_without_internal_group_ids() -> None:
    plan = InjectionPlan(
        failures={
            NEBIUS: FailureRule(1.0, ErrorKind.RATE_LIMIT),
            FIREWORKS: FailureRule(1.0, ErrorKind.SERVER_ERROR),
            AZURE: FailureRule(1.0, ErrorKind.TIMEOUT),
        },
        seed=1,
    )
    async for built in story_router(plan):
        outcome = await tester.test_one_request(built, None)
        assert not outcome.success
        assert outcome.error_message == (
            "every deployment failed (3 attempts); the last, gpt-4o, failed with "
            "Timeout: injected timeout"
        )


def test_readable_error_drops_internal_group_ids_and_repeated_prefixes() -> None:
    raw = (
        "RateLimitError: litellm.RateLimitError: slow down. "
        "Fallback to story#d8179135::tier2 also failed"
    )
    assert tester.readable_error(raw) == (
        "RateLimitError: slow down. Fallback to story also failed"
    )
