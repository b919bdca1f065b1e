"""A fast local OpenAI-compatible provider for the production bench.

`python -m benchmarks.fake_provider --port P` answers every POST `.../chat/completions` with one
fixed completion (usage 5 + 5 tokens) and every GET with a model list, over HTTP/1.1 keep-alive,
on uvloop + httptools with no framework, so that the provider costs far less than either gateway
in front of it and its own latency can be measured and subtracted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import httptools
import uvloop

_COMPLETION = {
    "id": "chatcmpl-bench",
    "object": "chat.completion",
    "created": int(time.time()),
    "model": "bench-model",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "Hello."}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
}
_MODELS = {"object": "list", "data": [{"id": "bench-model", "object": "model", "owned_by": "x"}]}


def _response(payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode()
    head = (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


_CHAT = _response(_COMPLETION)
_LIST = _response(_MODELS)


class _Provider(asyncio.Protocol):
    def __init__(self) -> None:
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._method = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            if self._transport is not None:
                self._transport.close()

    def on_message_complete(self) -> None:
        if self._transport is not None:
            is_get = self._parser.get_method() == b"GET"
            self._transport.write(_LIST if is_get else _CHAT)


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Provider, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fake_provider")
    parser.add_argument("--port", type=int, required=True)
    uvloop.run(serve(parser.parse_args().port))
