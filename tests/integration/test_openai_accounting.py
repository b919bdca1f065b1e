"""Every answered `/v1` request is counted and billed once, the same way everywhere: the request
log, `spend`, `/metrics` and the caller's headers agree, streamed or not, refused or routed.

The official `openai` client against the real server and a local provider.
"""

from __future__ import annotations

import base64
import re
import struct
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import (
    add_provider_deployment,
    create_group,
    generate_key,
    revoke_key,
)
from tests.integration.test_openai_call_path import PROVIDER_KEY
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer

HELLO: Any = [{"role": "user", "content": "Hello"}]
LOG = """query($f: RequestLogFilter) { requestLog(filter: $f, size: 200) { total items {
  requestId routingGroupName keyId statusCode success promptTokens completionTokens costUsd
  streamed attempts { deploymentId } } } }"""
SPEND = """query { spend(groupBy: KEY) { id requests failures promptTokens completionTokens } }"""


@pytest.fixture
def provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        fake.answer("counted-model", text="four words of answer")
        fake.answer("silent-model", text="four words of answer", stream_usage=False)
        fake.answer("broken-model", status=500)
        yield fake


def _client(server: RunningServer, key: str, **options: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, **options)


def _group(
    admin: GraphQLClient,
    provider: FakeOpenAIServer,
    name: str,
    model: str,
    key_id: str,
    **more: Any,
) -> None:
    add_provider_deployment(
        admin, f"{name}-dep", model, provider.base_url, PROVIDER_KEY, priced=True
    )
    create_group(
        admin,
        name,
        deployments=[{"modelId": f"{name}-dep", "priority": 1}],
        assignedKeyIds=[key_id],
        **more,
    )


def _logged(admin: GraphQLClient, count: int) -> list[dict[str, Any]]:
    """The request log's rows once `count` have been written (it writes in batches)."""
    deadline = time.monotonic() + 15
    while True:
        rows = admin(LOG, {})["requestLog"]
        if rows["total"] >= count or time.monotonic() > deadline:
            return list(reversed(rows["items"]))  # oldest first
        time.sleep(0.1)


def _metric(server: RunningServer, name: str, **labels: str) -> float:
    text = httpx.get(
        f"{server.base_url}/metrics", headers={"authorization": f"Bearer {server.master_key}"}
    ).text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    total = 0.0
    for line in text.splitlines():
        found = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if found and ",".join(sorted(found.group(1).split(","))) == wanted:
            total += float(found.group(2))
    return total


@pytest.mark.parametrize("provider_usage", [True, False], ids=["provider-usage", "no-usage"])
@pytest.mark.parametrize("caller_asks", [True, False], ids=["caller-asks", "caller-silent"])
def test_every_stream_is_counted_and_the_usage_chunk_goes_only_to_who_asked(
    provider_usage: bool,
    caller_asks: bool,
    server: RunningServer,
    admin: GraphQLClient,
    provider: FakeOpenAIServer,
) -> None:
    key_id, key = generate_key(admin, "streamer")
    model = "counted-model" if provider_usage else "silent-model"
    _group(admin, provider, "streams", model, key_id)
    options: Any = {"include_usage": True} if caller_asks else openai.NOT_GIVEN
    chunks = list(
        _client(server, key).chat.completions.create(
            model="streams", messages=HELLO, stream=True, stream_options=options
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "four words of answer"
    usage_chunks = [c for c in chunks if c.usage is not None]
    assert len(usage_chunks) == (1 if caller_asks else 0)
    sent = provider.requests[-1].body
    assert sent["stream_options"]["include_usage"] is True, "usage is always asked for"

    [row] = _logged(admin, 1)
    assert row["streamed"] and row["statusCode"] == 200
    if provider_usage:
        assert (row["promptTokens"], row["completionTokens"]) == (5, 5)
    else:  # litellm's own count of the prompt and the four streamed words
        assert row["promptTokens"] > 0 and 3 <= row["completionTokens"] <= 8
    if caller_asks:
        seen = usage_chunks[0].usage
        assert seen is not None
        assert (seen.prompt_tokens, seen.completion_tokens) == (
            row["promptTokens"],
            row["completionTokens"],
        )
    assert row["costUsd"] == pytest.approx(
        row["promptTokens"] * 1e-6 + row["completionTokens"] * 2e-6
    )
    dep = "streams-dep"
    assert (
        _metric(
            server, "routing_groups_tokens_total", group="streams", deployment=dep, kind="prompt"
        )
        == (row["promptTokens"])
    )
    assert (
        _metric(
            server,
            "routing_groups_tokens_total",
            group="streams",
            deployment=dep,
            kind="completion",
        )
        == (row["completionTokens"])
    )
    [spent] = [s for s in admin(SPEND)["spend"] if s["id"] == key_id]
    assert (spent["promptTokens"], spent["completionTokens"]) == (
        row["promptTokens"],
        row["completionTokens"],
    )


def test_responses_are_counted_streamed_or_not(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    key_id, key = generate_key(admin, "responder")
    _group(admin, provider, "answers", "counted-model", key_id)
    client = _client(server, key)
    assert client.responses.create(model="answers", input="Hi").output_text == (
        "four words of answer"
    )
    events = list(client.responses.create(model="answers", input="Hi", stream=True))
    assert events[-1].type == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == (
        "four words of answer"
    )
    rows = _logged(admin, 2)
    assert [(r["streamed"], r["promptTokens"], r["completionTokens"]) for r in rows] == [
        (False, 5, 5),
        (True, 5, 5),
    ]
    assert all(r["costUsd"] == pytest.approx(5 * 1e-6 + 5 * 2e-6) for r in rows)


def test_a_final_failure_is_sent_once_and_says_what_was_tried(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    key_id, key = generate_key(admin, "unlucky")
    _group(admin, provider, "broken", "broken-model", key_id, retryConfig={"numRetries": 1})
    client = _client(server, key)  # the SDK's default: two retries of a 5xx
    with pytest.raises(openai.APIStatusError) as failed:
        client.chat.completions.create(model="broken", messages=HELLO)
    reply = failed.value.response
    assert reply.status_code == 502
    assert reply.headers["x-should-retry"] == "false"
    assert reply.headers["x-litellm-attempted-retries"] == "1"
    assert reply.headers["x-litellm-attempted-fallbacks"] == "0"
    assert reply.headers["x-litellm-model-id"] == "broken-dep"
    [row] = _logged(admin, 1)
    assert len(row["attempts"]) == 2, "one gateway request: the first try and its retry"
    assert row["requestId"] == reply.headers["x-request-id"]
    time.sleep(0.3)
    assert admin(LOG, {})["requestLog"]["total"] == 1, "the SDK did not send it again"


def test_refused_requests_are_logged_counted_and_spent_as_failures(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    key_id, key = generate_key(admin, "limited", rpmLimit=1)
    _group(admin, provider, "metered", "counted-model", key_id)
    client = _client(server, key, max_retries=0)
    client.chat.completions.create(model="metered", messages=HELLO)
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="metered", messages=HELLO)
    with pytest.raises(openai.AuthenticationError):
        _client(server, "sk-wrong", max_retries=0).chat.completions.create(
            model="metered", messages=HELLO
        )
    other_id, other = generate_key(admin, "other")
    for name in (f"typo-{n}" for n in range(3)):
        with pytest.raises(openai.NotFoundError):
            _client(server, other, max_retries=0).chat.completions.create(
                model=name, messages=HELLO
            )

    rows = _logged(admin, 6)
    assert [(r["statusCode"], r["keyId"], r["success"]) for r in rows] == [
        (200, key_id, True),
        (429, key_id, False),
        (401, None, False),
        (404, other_id, False),
        (404, other_id, False),
        (404, other_id, False),
    ]
    # the 401's body named a live group: its row says which
    assert [r["routingGroupName"] for r in rows[:3]] == ["metered", "metered", "metered"]
    [spent] = [s for s in admin(SPEND)["spend"] if s["id"] == key_id]
    assert (spent["requests"], spent["failures"]) == (2, 1)

    requests = "routing_groups_requests_total"
    assert _metric(server, requests, group="metered", status="success") == 1
    assert _metric(server, requests, group="metered", status="rejected") == 2
    assert _metric(server, "routing_groups_responses_total", group="metered", code="429") == 1
    assert _metric(server, "routing_groups_responses_total", group="metered", code="401") == 1
    # Unknown names share one label value: a caller cannot mint new series.
    assert _metric(server, requests, group="(unknown)", status="rejected") == 3
    metrics = httpx.get(
        f"{server.base_url}/metrics", headers={"authorization": f"Bearer {server.master_key}"}
    ).text
    assert "typo-" not in metrics


def test_a_revoked_key_is_named_in_its_401_rows(
    server: RunningServer, admin: GraphQLClient, provider: FakeOpenAIServer
) -> None:
    """A 401 for a key that exists (revoked) is logged under that key, and under the group its
    body named; an unknown key or group name stays unnamed."""
    key_id, key = generate_key(admin, "soon-revoked")
    _group(admin, provider, "guarded", "counted-model", key_id)
    _client(server, key, max_retries=0).chat.completions.create(model="guarded", messages=HELLO)
    revoke_key(admin, key_id)
    with pytest.raises(openai.AuthenticationError):
        _client(server, key, max_retries=0).chat.completions.create(model="guarded", messages=HELLO)
    with pytest.raises(openai.AuthenticationError):
        _client(server, key, max_retries=0).embeddings.create(model="no-such-group", input="a")
    with pytest.raises(openai.AuthenticationError):
        _client(server, "sk-never-issued", max_retries=0).chat.completions.create(
            model="guarded", messages=HELLO
        )

    rows = _logged(admin, 4)
    assert [(r["statusCode"], r["keyId"], r["routingGroupName"]) for r in rows] == [
        (200, key_id, "guarded"),
        (401, key_id, "guarded"),
        (401, key_id, ""),
        (401, None, "guarded"),
    ]
    [spent] = [s for s in admin(SPEND)["spend"] if s["id"] == key_id]
    assert (spent["requests"], spent["failures"]) == (3, 2)


def test_mock_embeddings_are_one_vector_per_input_in_either_encoding(
    server: RunningServer, admin: GraphQLClient
) -> None:
    key_id, key = generate_key(admin, "embedder")
    create_group(admin, "mocked", assignedKeyIds=[key_id])
    client = _client(server, key)
    # The SDK asks for base64 unless told otherwise, and decodes it.
    default = client.embeddings.create(model="mocked", input=["a", "b", "a"])
    assert [len(d.embedding) for d in default.data] == [8, 8, 8]
    assert default.data[0].embedding == default.data[2].embedding != default.data[1].embedding
    sized = client.embeddings.create(model="mocked", input="a", dimensions=32)
    assert len(sized.data[0].embedding) == 32

    auth = {"authorization": f"Bearer {key}"}
    raw = httpx.post(
        f"{server.base_url}/v1/embeddings",
        headers=auth,
        json={"model": "mocked", "input": ["a", "b"], "encoding_format": "base64"},
    ).json()["data"]
    floats = httpx.post(
        f"{server.base_url}/v1/embeddings",
        headers=auth,
        json={"model": "mocked", "input": ["a", "b"], "encoding_format": "float"},
    ).json()["data"]
    for encoded, plain in zip(raw, floats, strict=True):
        decoded = struct.unpack("<8f", base64.b64decode(encoded["embedding"]))
        assert decoded == pytest.approx(plain["embedding"], rel=1e-6)


def test_a_mock_group_streams_responses_and_counts_them(
    server: RunningServer, admin: GraphQLClient
) -> None:
    key_id, key = generate_key(admin, "mock-streamer")
    create_group(admin, "mocked", assignedKeyIds=[key_id])
    events = list(_client(server, key).responses.create(model="mocked", input="Hi", stream=True))
    assert events[0].type == "response.created"
    assert events[-1].type == "response.completed"
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "Hello from Nebius (mock)."
    [row] = _logged(admin, 1)
    assert row["streamed"] and row["success"]
    assert row["promptTokens"] > 0 and row["completionTokens"] > 0
