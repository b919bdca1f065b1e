"""The memo of litellm's capability look-ups answers exactly as litellm does, and forgets when a
Router registers prices (the only time this service changes litellm's price map)."""

from __future__ import annotations

import litellm.utils
import pytest

from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.litellm_adapter.call_cost import memo as litellm_memo
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import deployments_for, make_group

MODELS = [
    ("fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct", None),
    ("llama-v3p3-70b-instruct", "fireworks_ai"),
    ("nebius/meta-llama/Llama-3.3-70B-Instruct", None),
    ("gpt-4o", "openai"),
    ("azure/gpt-4o", None),
    ("openai/no-such-model", None),
    ("claude-3-5-sonnet-20240620", "anthropic"),
]
KEYS = ["supports_function_calling", "supports_reasoning", "supports_tool_choice"]


@pytest.mark.parametrize(("model", "provider"), MODELS)
def test_the_memo_answers_as_litellm_does(model: str, provider: str | None) -> None:
    assert litellm.utils.supports_factory is litellm_memo._supports_factory  # installed
    for key in KEYS:
        expected = litellm_memo._original(model=model, custom_llm_provider=provider, key=key)
        assert litellm.utils.supports_factory(model, provider, key) is expected
        assert litellm.utils.supports_factory(model, provider, key) is expected  # from the memo
        assert litellm.utils.supports_function_calling(model, provider) is (
            litellm_memo._original(
                model=model, custom_llm_provider=provider, key="supports_function_calling"
            )
        )


def test_building_a_router_forgets_what_the_memo_knew() -> None:
    litellm.utils.supports_factory("gpt-4o", "openai", "supports_function_calling")
    assert litellm_memo._memo
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
    priced = deployments_for(group, input_cost_per_token=1e-6, output_cost_per_token=2e-6)
    build_router(group, priced, mock=True).close()
    assert not litellm_memo._memo
