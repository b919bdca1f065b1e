"""Developers call a routing group by name with the official `openai` client."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import create_group, create_team, generate_key, revoke_key
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer


@pytest.fixture
def provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        fake.answer("busy-model", status=429)
        fake.answer("calm-model", text="hello from calm")
        yield fake


def _add_real_deployments(admin: GraphQLClient, provider: FakeOpenAIServer) -> None:
    for model_id, model in (("busy", "busy-model"), ("calm", "calm-model")):
        result = admin(
            "mutation($i: DeploymentInput!) { createDeployment(input: $i) { __typename } }",
            {
                "i": {
                    "modelId": model_id,
                    "modelName": f"openai/{model}",
                    "apiBase": provider.base_url,
                    "apiKey": "sk-provider-secret",
                }
            },
        )
        assert result["createDeployment"]["__typename"] == "Deployment"


def _client(server: RunningServer, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, max_retries=0)


HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hello"}]


def test_assigned_key_gets_an_answer_after_one_fallback(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    _add_real_deployments(admin, provider)
    team = create_team(admin, "devs")
    _, key = generate_key(admin, "dev-key", team)
    create_group(
        admin,
        "llama-prod",
        deployments=[{"modelId": "busy", "priority": 1}, {"modelId": "calm", "priority": 2}],
        assignedTeamIds=[team],
    )
    raw = _client(server, key).chat.completions.with_raw_response.create(
        model="llama-prod",
        messages=HELLO,
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "hello from calm"
    assert raw.headers["x-litellm-model-id"] == "calm"
    assert raw.headers["x-litellm-attempted-fallbacks"] == "1"
    assert provider.calls["busy-model"] == 1, "the 429 came from the real first deployment"
    assert provider.calls["calm-model"] == 1
    assert provider.requests[0].authorization == "Bearer sk-provider-secret"


def test_streaming_yields_chunks(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    _add_real_deployments(admin, provider)
    key_id, key = generate_key(admin, "streamer")
    create_group(
        admin,
        "streamed",
        deployments=[{"modelId": "calm", "priority": 1}],
        assignedKeyIds=[key_id],
    )
    stream = _client(server, key).chat.completions.create(
        model="streamed",
        messages=HELLO,
        stream=True,
    )
    pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
    assert len(pieces) > 1
    assert "".join(pieces) == "hello from calm"


def test_mock_group_answers_without_a_provider(server: RunningServer, admin: GraphQLClient) -> None:
    key_id, key = generate_key(admin, "demo")
    create_group(admin, "demo-failover", assignedKeyIds=[key_id])
    completion = _client(server, key).chat.completions.create(
        model="demo-failover",
        messages=HELLO,
    )
    assert completion.choices[0].message.content == "Hello from Nebius (mock)."


def test_access_errors_use_openai_status_codes(server: RunningServer, admin: GraphQLClient) -> None:
    owner_id, _ = generate_key(admin, "owner")
    _, stranger = generate_key(admin, "stranger")
    revoked_id, revoked = generate_key(admin, "leaver")
    create_group(admin, "private", assignedKeyIds=[owner_id, revoked_id])
    revoke_key(admin, revoked_id)

    # Another team's group answers exactly like a missing one: its existence does not leak.
    with pytest.raises(openai.NotFoundError) as hidden:
        _client(server, stranger).chat.completions.create(model="private", messages=HELLO)
    assert hidden.value.status_code == 404
    with pytest.raises(openai.AuthenticationError) as unauthenticated:
        _client(server, revoked).chat.completions.create(model="private", messages=HELLO)
    assert unauthenticated.value.status_code == 401
    with pytest.raises(openai.NotFoundError) as missing:
        _client(server, stranger).chat.completions.create(model="no-such-group", messages=HELLO)
    assert missing.value.status_code == 404
    assert "no-such-group" in str(missing.value)
    assert isinstance(missing.value.body, dict)
    assert hidden.value.body == {
        **missing.value.body,
        "message": str(missing.value.body["message"]).replace("no-such-group", "private"),
    }


def test_every_deployment_failing_maps_to_the_last_provider_error(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    _add_real_deployments(admin, provider)
    key_id, key = generate_key(admin, "k")
    create_group(
        admin, "all-busy", deployments=[{"modelId": "busy", "priority": 1}], assignedKeyIds=[key_id]
    )
    with pytest.raises(openai.RateLimitError) as limited:
        _client(server, key).chat.completions.create(model="all-busy", messages=HELLO)
    assert limited.value.status_code == 429
    assert "all-busy" in str(limited.value)


def test_models_lists_only_the_groups_a_key_may_use(
    server: RunningServer, admin: GraphQLClient
) -> None:
    key_id, key = generate_key(admin, "lister")
    create_group(admin, "mine", assignedKeyIds=[key_id])
    create_group(admin, "theirs")
    names = [m.id for m in _client(server, key).models.list()]
    assert names == ["mine"]
    admin_names = sorted(m.id for m in _client(server, server.master_key).models.list())
    assert admin_names == ["mine", "theirs"]
