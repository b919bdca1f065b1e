"""A local OpenAI-compatible HTTP server for tests: real HTTP, told per model what to answer.

    with FakeOpenAIServer() as server:
        server.answer("model-a", status=429)          # every call to model-a: 429
        server.answer("model-b", text="hello from b")  # 200 with this text
        ... litellm model "openai/model-a", api_base=server.base_url ...
        assert server.calls["model-a"] == 1

It serves POST /v1/chat/completions (JSON, or SSE when "stream": true) and GET /v1/models, on
127.0.0.1 and a free port, from uvicorn in a background thread. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Behaviour:
    status: int = 200
    text: str = "Hello from the fake server."
    delay_s: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    model: str | None
    body: dict[str, Any]
    authorization: str | None


@dataclass
class FakeOpenAIServer:
    default: Behaviour = field(default_factory=Behaviour)
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)  # chat completions per model
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def answer(
        self, model: str, *, status: int = 200, text: str | None = None, delay_s: float = 0.0
    ) -> None:
        self.behaviours[model] = Behaviour(
            status=status, text=text if text is not None else self.default.text, delay_s=delay_s
        )

    def start(self) -> FakeOpenAIServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
            ]
        )

    async def _models(self, request: Request) -> Response:
        self.requests.append(
            RecordedRequest("/v1/models", None, {}, request.headers.get("authorization"))
        )
        names = sorted(self.behaviours)
        return JSONResponse({"object": "list", "data": [_model_card(name) for name in names]})

    async def _chat(self, request: Request) -> Response:
        body = await request.json()
        model = str(body.get("model"))
        self.requests.append(
            RecordedRequest(
                "/v1/chat/completions", model, body, request.headers.get("authorization")
            )
        )
        self.calls[model] += 1
        behaviour = self.behaviours.get(model, self.default)
        if behaviour.delay_s:
            await asyncio.sleep(behaviour.delay_s)
        if behaviour.status != 200:
            return JSONResponse(_error_body(behaviour.status), status_code=behaviour.status)
        if body.get("stream"):
            return StreamingResponse(
                _sse_chunks(model, behaviour.text), media_type="text/event-stream"
            )
        return JSONResponse(_completion(model, behaviour.text))


def _model_card(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "fake"}


def _error_body(status: int) -> dict[str, Any]:
    kinds = {429: "rate_limit_exceeded", 401: "invalid_api_key", 500: "server_error"}
    return {
        "error": {
            "message": f"fake server answered {status}",
            "type": kinds.get(status, "error"),
            "code": kinds.get(status),
        }
    }


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
    }


async def _sse_chunks(model: str, text: str) -> AsyncIterator[bytes]:
    stream_id = f"chatcmpl-{uuid.uuid4().hex}"
    words = text.split(" ")
    for i, word in enumerate(words):
        piece = word if i == 0 else f" {word}"
        delta: dict[str, Any] = {"content": piece}
        if i == 0:
            delta["role"] = "assistant"
        yield _sse(stream_id, model, delta, None)
    yield _sse(stream_id, model, {}, "stop")
    yield b"data: [DONE]\n\n"


def _sse(stream_id: str, model: str, delta: dict[str, Any], finish: str | None) -> bytes:
    chunk = {
        "id": stream_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()
