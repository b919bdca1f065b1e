"""A local OpenAI-compatible HTTP server for tests: real HTTP, told per model what to answer.

    with FakeOpenAIServer() as server:
        server.answer("model-a", status=429)          # every call to model-a: 429
        server.answer("model-b", text="hello from b")  # 200 with this text
        ... litellm model "openai/model-a", api_base=server.base_url ...
        assert server.calls["model-a"] == 1

It serves POST /v1/chat/completions (JSON, or SSE when "stream": true), /v1/completions,
/v1/embeddings, /v1/responses and GET /v1/models, on
127.0.0.1 and a free port, from uvicorn in a background thread. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import struct
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
    # Answer 401 with the caller's key in the message, as OpenAI's "Incorrect API key" does.
    echo_key: bool = False
    retry_after_s: float | None = None  # a Retry-After header on an error answer
    # Streams end with a usage chunk when asked (stream_options.include_usage), as OpenAI's do;
    # False: never, as many OpenAI-compatible servers do.
    stream_usage: bool = True


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
        self,
        model: str,
        *,
        status: int = 200,
        text: str | None = None,
        delay_s: float = 0.0,
        echo_key: bool = False,
        retry_after_s: float | None = None,
        stream_usage: bool = True,
    ) -> None:
        self.behaviours[model] = Behaviour(
            status=status,
            text=text if text is not None else self.default.text,
            delay_s=delay_s,
            echo_key=echo_key,
            retry_after_s=retry_after_s,
            stream_usage=stream_usage,
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
                Route("/v1/completions", self._other, methods=["POST"]),
                Route("/v1/embeddings", self._other, methods=["POST"]),
                Route("/v1/responses", self._other, methods=["POST"]),
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
        refused = _refusal(behaviour, request)
        if refused is not None:
            return refused
        if body.get("stream"):
            return StreamingResponse(
                _sse_chunks(model, behaviour.text, _wants_usage(body, behaviour)),
                media_type="text/event-stream",
            )
        return JSONResponse(_completion(model, behaviour.text))

    async def _other(self, request: Request) -> Response:
        """/v1/completions, /v1/embeddings and /v1/responses, answered in their own shapes."""
        body = await request.json()
        model = str(body.get("model"))
        path = request.url.path
        self.requests.append(
            RecordedRequest(path, model, body, request.headers.get("authorization"))
        )
        self.calls[model] += 1
        behaviour = self.behaviours.get(model, self.default)
        refused = _refusal(behaviour, request)
        if refused is not None:
            return refused
        if path.endswith("/embeddings"):
            inputs = body.get("input")
            count = len(inputs) if isinstance(inputs, list) else 1
            return JSONResponse(_embeddings(model, count, body.get("encoding_format")))
        if path.endswith("/responses"):
            if body.get("stream"):
                return StreamingResponse(
                    _response_events(model, behaviour.text), media_type="text/event-stream"
                )
            return JSONResponse(_response(model, behaviour.text))
        if body.get("stream"):
            return StreamingResponse(
                _text_chunks(model, behaviour.text, _wants_usage(body, behaviour)),
                media_type="text/event-stream",
            )
        return JSONResponse(_text_completion(model, behaviour.text))


def _refusal(behaviour: Behaviour, request: Request) -> Response | None:
    if behaviour.echo_key:
        header = request.headers.get("authorization", "")
        given = header.removeprefix("Bearer ")
        message = (
            f"Incorrect API key provided: {given}. You can find your API key at "
            "https://platform.openai.com/account/api-keys."
        )
        body = {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
        }
        return JSONResponse(body, status_code=401)
    if behaviour.status != 200:
        headers = {}
        if behaviour.retry_after_s is not None:
            headers["retry-after"] = f"{behaviour.retry_after_s:g}"
        return JSONResponse(
            _error_body(behaviour.status), status_code=behaviour.status, headers=headers
        )
    return None


def _wants_usage(body: dict[str, Any], behaviour: Behaviour) -> bool:
    options = body.get("stream_options")
    asked = isinstance(options, dict) and options.get("include_usage") is True
    return asked and behaviour.stream_usage


def _embeddings(model: str, count: int, encoding: object = None) -> dict[str, Any]:
    vectors: list[Any] = [[0.25, -0.5, float(i)] for i in range(count)]
    if encoding == "base64":
        vectors = [base64.b64encode(struct.pack("<3f", *v)).decode() for v in vectors]
    return {
        "object": "list",
        "model": model,
        "data": [
            {"object": "embedding", "index": i, "embedding": vector}
            for i, vector in enumerate(vectors)
        ],
        "usage": {"prompt_tokens": 3 * count, "total_tokens": 3 * count},
    }


def _text_completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": f"cmpl-{uuid.uuid4().hex}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
    }


def _response(model: str, text: str) -> dict[str, Any]:
    return {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": model,
        "output": [
            {
                "type": "message",
                "id": f"msg_{uuid.uuid4().hex}",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {"input_tokens": 5, "output_tokens": 5, "total_tokens": 10},
    }


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


USAGE = {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}


def _stream_end(stream_id: str, kind: str, model: str, usage: bool) -> bytes:
    """The end of a chat or text stream: its usage chunk when asked for, then [DONE]."""
    last = {
        "id": stream_id,
        "object": kind,
        "created": int(time.time()),
        "model": model,
        "choices": [],
        "usage": USAGE,
    }
    return (f"data: {json.dumps(last)}\n\n" if usage else "").encode() + b"data: [DONE]\n\n"


async def _sse_chunks(model: str, text: str, usage: bool) -> AsyncIterator[bytes]:
    stream_id = f"chatcmpl-{uuid.uuid4().hex}"
    words = text.split(" ")
    for i, word in enumerate(words):
        piece = word if i == 0 else f" {word}"
        delta: dict[str, Any] = {"content": piece}
        if i == 0:
            delta["role"] = "assistant"
        yield _sse(stream_id, model, delta, None)
    yield _sse(stream_id, model, {}, "stop")
    yield _stream_end(stream_id, "chat.completion.chunk", model, usage)


async def _text_chunks(model: str, text: str, usage: bool) -> AsyncIterator[bytes]:
    stream_id = f"cmpl-{uuid.uuid4().hex}"
    words = text.split(" ")
    for i, word in enumerate(words):
        finish = "stop" if i == len(words) - 1 else None
        choice = {"index": 0, "text": word if i == 0 else f" {word}", "finish_reason": finish}
        chunk = {
            "id": stream_id,
            "object": "text_completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{**choice, "logprobs": None}],
        }
        yield f"data: {json.dumps(chunk)}\n\n".encode()
    yield _stream_end(stream_id, "text_completion", model, usage)


async def _response_events(model: str, text: str) -> AsyncIterator[bytes]:
    """A Responses API stream as OpenAI sends it: created, text deltas, done, completed."""
    done = _response(model, text)
    started = {**done, "status": "in_progress", "output": [], "usage": None}
    item = done["output"][0]
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": started},
        {"type": "response.in_progress", "response": started},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**item, "status": "in_progress", "content": []},
        },
        {
            "type": "response.content_part.added",
            "item_id": item["id"],
            "output_index": 0,
            "content_index": 0,
            "part": {"type": "output_text", "text": "", "annotations": []},
        },
    ]
    for i, word in enumerate(text.split(" ")):
        events.append(
            {
                "type": "response.output_text.delta",
                "item_id": item["id"],
                "output_index": 0,
                "content_index": 0,
                "delta": word if i == 0 else f" {word}",
            }
        )
    events += [
        {
            "type": "response.output_text.done",
            "item_id": item["id"],
            "output_index": 0,
            "content_index": 0,
            "text": text,
        },
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {"type": "response.completed", "response": done},
    ]
    for number, event in enumerate(events):
        event["sequence_number"] = number
        yield f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def _sse(stream_id: str, model: str, delta: dict[str, Any], finish: str | None) -> bytes:
    chunk = {
        "id": stream_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()
