"""Streams never stall the server: no tokenizer fetched from the Hub; mock streams yield, stop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import litellm.utils
import openai
import pytest

from gql_server.core.litellm_adapter.traced_stream import TracedStream
from gql_server.core.litellm_adapter.tracing import RequestRecorder
from gql_server.openai_api import streaming
from tests.integration.access_helpers import create_group, generate_key
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer


@pytest.fixture
def hub_fetches(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every Hugging Face tokenizer litellm tries to load (from the Hub: no network here)."""
    tried: list[str] = []

    def refuse(kind: str) -> Any:
        tried.append(kind)
        raise OSError("no network in this test")

    monkeypatch.setattr(litellm.utils, "_load_huggingface_tokenizer", refuse)
    yield tried


def test_the_first_stream_fetches_no_tokenizer(
    hub_fetches: list[str], server: RunningServer, admin: GraphQLClient
) -> None:
    key_id, key = generate_key(admin, "streamer")
    # The demo's first deployment is a Llama 3 model: litellm's choice for a Hub tokenizer.
    create_group(admin, "llama-stream", assignedKeyIds=[key_id])
    client = openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, max_retries=0)
    stream = client.chat.completions.create(
        model="llama-stream",
        messages=[{"role": "user", "content": "Hello"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "Hello from Nebius (mock)."
    assert httpx.get(f"{server.base_url}/healthz").status_code == 200
    assert hub_fetches == [], "litellm tried to fetch a tokenizer from the Hub"


class _Chunk:
    def __init__(self, text: str) -> None:
        self.text = text
        self.choices: list[Any] = []
        self.usage = None

    def model_dump_json(self, exclude_none: bool = True) -> str:
        return f'{{"text": "{self.text}"}}'


class _BusyStream:
    """Like litellm's mock stream: an async iterator that never waits on anything."""

    def __init__(self, chunks: int) -> None:
        self.produced = 0
        self.chunks = chunks
        self.closed = False

    def __aiter__(self) -> _BusyStream:
        return self

    async def __anext__(self) -> _Chunk:
        if self.produced >= self.chunks:
            raise StopAsyncIteration
        self.produced += 1
        return _Chunk("abc")

    async def aclose(self) -> None:
        self.closed = True


class _Request:
    def __init__(self, leaves_after_checks: int | None) -> None:
        self.checks = 0
        self.leaves_after = leaves_after_checks

    async def is_disconnected(self) -> bool:
        self.checks += 1
        return self.leaves_after is not None and self.checks >= self.leaves_after


async def _drain(events: AsyncIterator[str]) -> int:
    return len([event async for event in events])


def _traced(source: _BusyStream) -> TracedStream:
    return TracedStream(source, None, RequestRecorder(0, {}), 0.0, caller_options=None)


async def test_a_busy_stream_lets_other_work_run_between_chunks() -> None:
    source, ticks = _BusyStream(200), 0
    done: list[BaseException | None] = []

    async def other_work() -> None:
        nonlocal ticks
        while source.produced < source.chunks:
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_work())
    sent = await _drain(streaming._chunk_events(_Request(None), _traced(source), done.append))  # type: ignore[arg-type]
    await other
    assert sent == 201  # 200 chunks and [DONE]
    assert ticks >= 199, "the stream held the loop between chunks"
    assert source.closed and done == [None]


async def test_a_stream_stops_when_its_client_leaves() -> None:
    source, done = _BusyStream(100_000), list[BaseException | None]()
    request = _Request(leaves_after_checks=2)
    sent = await _drain(streaming._chunk_events(request, _traced(source), done.append))  # type: ignore[arg-type]
    assert sent == 2 * streaming.DISCONNECT_CHECK_EVERY
    assert source.produced == sent and source.closed
    assert len(done) == 1
