"""The OpenAI surface as a third-party client sees it: routes, bodies, errors, other endpoints.

Through the real server with the official `openai` client, against the fake provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import (
    add_provider_deployment,
    create_group,
    create_team,
    generate_key,
)
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer

PROVIDER_KEY = "sk-provider-secret-0123456789abcdef"
HELLO: Any = [{"role": "user", "content": "Hello"}]


@pytest.fixture
def provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        fake.answer("calm-model", text="hello from calm")
        fake.answer("leaky-model", echo_key=True)
        yield fake


def _client(server: RunningServer, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, max_retries=0)


def _real_group(
    admin: GraphQLClient, provider: FakeOpenAIServer, name: str, model: str, key_id: str
) -> None:
    add_provider_deployment(admin, f"{name}-dep", model, provider.base_url, PROVIDER_KEY)
    create_group(
        admin,
        name,
        deployments=[{"modelId": f"{name}-dep", "priority": 1}],
        assignedKeyIds=[key_id],
        retryConfig={"numRetries": 2},
    )


# --- routes -----------------------------------------------------------------------------------


def test_models_by_id_and_unknown_routes_answer_openai_json(
    server: RunningServer, admin: GraphQLClient
) -> None:
    key_id, key = generate_key(admin, "lister")
    create_group(admin, "mine", assignedKeyIds=[key_id])
    create_group(admin, "theirs")
    client = _client(server, key)
    assert client.models.retrieve("mine").id == "mine"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("theirs")
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("no-such-group")

    auth = {"authorization": f"Bearer {key}"}
    listed = httpx.get(f"{server.base_url}/models", headers=auth)
    assert listed.headers["content-type"] == "application/json"
    assert [m["id"] for m in listed.json()["data"]] == ["mine"]

    for path in ("/v1/fine_tuning/jobs", "/v1", "/v1/"):
        unknown = httpx.post(f"{server.base_url}{path}", headers=auth, json={})
        assert unknown.status_code == 404, path
        assert unknown.json()["error"]["code"] == "unknown_url"

    wrong = httpx.get(f"{server.base_url}/v1/chat/completions", headers=auth)
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    assert wrong.json()["error"]["type"] == "invalid_request_error"


# --- bodies -----------------------------------------------------------------------------------

BAD_BODIES = {
    "message without content": {"messages": [{"role": "user"}]},
    "unknown role": {"messages": [{"role": "wizard", "content": "hi"}]},
    "max_tokens not a number": {"messages": HELLO, "max_tokens": "lots"},
    "n above 16": {"messages": HELLO, "n": 10000},
    "content a number": {"messages": [{"role": "user", "content": 12345}]},
    "too many messages": {"messages": HELLO * 3000},
    "a message too large": {"messages": [{"role": "user", "content": "x" * 1_100_000}]},
    "no messages": {"messages": []},
    "a litellm control kwarg": {"messages": HELLO, "api_base": "http://attacker.example"},
    "mock_response": {"messages": HELLO, "mock_response": "forged"},
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_bodies_are_400_and_never_reach_the_provider(
    case: str, server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    key_id, key = generate_key(admin, "caller")
    _real_group(admin, provider, "validated", "calm-model", key_id)
    body = {"model": "validated", **BAD_BODIES[case]}
    answer = httpx.post(
        f"{server.base_url}/v1/chat/completions",
        headers={"authorization": f"Bearer {key}"},
        json=body,
        timeout=30,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["type"] == "invalid_request_error"
    assert provider.calls["calm-model"] == 0, (
        "a caller's mistake is never sent, retried or failed over"
    )


def test_documented_chat_parameters_reach_the_provider(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    key_id, key = generate_key(admin, "params")
    _real_group(admin, provider, "passing", "calm-model", key_id)
    tool: Any = {
        "type": "function",
        "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}},
    }
    completion = _client(server, key).chat.completions.create(
        model="passing",
        messages=HELLO,
        user="user-42",
        parallel_tool_calls=False,
        logprobs=True,
        top_logprobs=2,
        service_tier="default",
        reasoning_effort="low",
        metadata={"purpose": "test"},
        tools=[tool],
        tool_choice="auto",
        response_format={"type": "json_object"},
        seed=7,
        extra_body={"custom_vendor_flag": "on"},
    )
    assert completion.choices[0].message.content == "hello from calm"
    sent = provider.requests[-1].body
    expected = {
        "user": "user-42",
        "parallel_tool_calls": False,
        "logprobs": True,
        "top_logprobs": 2,
        "service_tier": "default",
        "reasoning_effort": "low",
        "metadata": {"purpose": "test"},
        "tools": [tool],
        "tool_choice": "auto",
        "response_format": {"type": "json_object"},
        "seed": 7,
        "custom_vendor_flag": "on",
    }
    assert {k: sent.get(k) for k in expected} == expected


# --- other endpoints --------------------------------------------------------------------------


def test_embeddings_completions_and_responses_are_routed_through_the_group(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    key_id, key = generate_key(admin, "multi")
    _real_group(admin, provider, "real", "calm-model", key_id)
    create_group(admin, "mocked", assignedKeyIds=[key_id])
    client = _client(server, key)

    embedded = client.embeddings.with_raw_response.create(model="real", input=["a", "b"])
    assert [d.embedding for d in embedded.parse().data] == [[0.25, -0.5, 0.0], [0.25, -0.5, 1.0]]
    assert embedded.headers["x-litellm-model-id"] == "real-dep"
    text = client.completions.create(model="real", prompt="Say hi")
    assert text.choices[0].text == "hello from calm"
    answered = client.responses.create(model="real", input="Say hi")
    assert answered.output_text == "hello from calm"
    paths = [r.path for r in provider.requests]
    assert paths == ["/v1/embeddings", "/v1/completions", "/v1/responses"]
    assert all(r.authorization == f"Bearer {PROVIDER_KEY}" for r in provider.requests)

    assert len(client.embeddings.create(model="mocked", input="a").data[0].embedding) == 8
    mocked = client.completions.create(model="mocked", prompt="Say hi")
    assert mocked.choices[0].text == "Hello from Nebius (mock)."
    pieces = client.completions.create(model="mocked", prompt="Say hi", stream=True)
    assert "".join(c.choices[0].text or "" for c in pieces if c.choices) == (
        "Hello from Nebius (mock)."
    )
    assert client.responses.create(model="mocked", input="Say hi").output_text


# --- upstream errors --------------------------------------------------------------------------


def test_a_provider_echoing_its_key_never_reaches_a_team_key(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    team = create_team(admin, "devs")
    key_id, key = generate_key(admin, "dev", team)
    _real_group(admin, provider, "leaky", "leaky-model", key_id)
    with pytest.raises(openai.APIStatusError) as failed:
        _client(server, key).chat.completions.create(model="leaky", messages=HELLO)
    assert provider.requests[0].authorization == f"Bearer {PROVIDER_KEY}"
    body = failed.value.response.json()["error"]
    assert PROVIDER_KEY not in failed.value.response.text
    assert "provider-secret" not in failed.value.response.text
    assert "Incorrect API key provided" in body["message"]
    assert (body["status"], body["provider"], body["deployment"]) == (401, "openai", "leaky-dep")
    assert failed.value.status_code == 502
    for marker in ("Traceback", "site-packages", ".py"):
        assert marker not in failed.value.response.text

    tested = admin(
        "mutation($id: ID!) { testRoutingGroup(id: $id, mock: false) {"
        " ... on RoutingGroupTestResult { errorMessage traces { errorMessage } } } }",
        {"id": _group_id(admin, "leaky")},
    )
    text = str(tested)
    assert "Incorrect API key" in text
    assert "provider-secret" not in text


def _group_id(admin: GraphQLClient, name: str) -> str:
    groups = admin("{ routingGroups { items { routingGroupId routingGroupName } } }")[
        "routingGroups"
    ]["items"]
    return str(next(g["routingGroupId"] for g in groups if g["routingGroupName"] == name))
