"""A streamed answer with the same per-request trace, usage and cost a non-streamed call gets.

litellm fires the per-attempt hooks while the stream is being opened (failed attempts, retries,
fallbacks, and the start of the attempt that answers) but no success hook for the stream that
answers: that attempt is closed here when the stream ends, so its latency covers the whole stream.

Every chat and text-completion stream asks for its usage (`stream_options.include_usage`), whether
the caller did or not: the provider's usage when it sends one, else litellm's own token count of
what was streamed, arrives as the stream's last chunk. A caller who did not ask never sees that
chunk. A Responses stream always ends with its usage (`response.completed`).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gql_server.core.domain.errors import RoutingFailedError
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.tracing import RequestRecorder


class Endpoint(StrEnum):
    """An OpenAI endpoint, by the Router method that serves it."""

    CHAT = "acompletion"
    COMPLETIONS = "atext_completion"
    EMBEDDINGS = "aembedding"
    RESPONSES = "aresponses"


_STREAM_OPTIONS_ENDPOINTS = (Endpoint.CHAT, Endpoint.COMPLETIONS)

# (answering deployment, text streamed so far) -> usage counted by litellm, when none came
UsageCounter = Callable[[str | None, str], object]


def usage_stream_options(endpoint: Endpoint, caller: object) -> dict[str, Any] | None:
    """The `stream_options` sent on: the caller's, with `include_usage` on where it exists."""
    options = dict(caller) if isinstance(caller, Mapping) else None
    if endpoint not in _STREAM_OPTIONS_ENDPOINTS:
        return options
    return {**(options or {}), "include_usage": True}


def answering_deployment(response: object) -> str | None:
    hidden = getattr(response, "_hidden_params", None)
    found = hidden.get("model_id") if isinstance(hidden, Mapping) else None
    return str(found) if found is not None else None


@dataclass
class TracedStream:
    stream: Any  # litellm's stream; None when every deployment failed (see `error`)
    error: RoutingFailedError | None
    recorder: RequestRecorder
    started: float
    endpoint: Endpoint = Endpoint.CHAT
    caller_options: object = None  # the caller's own stream_options
    count_usage: UsageCounter | None = None
    usage: object = None  # the stream's usage, once it has come (or been counted)
    trace: RequestTrace | None = None  # set when the request was routed whole (see answered)
    _text: list[str] = field(default_factory=list)

    @classmethod
    def answered(
        cls, response: Any, error: Any, trace: RequestTrace, caller_options: object
    ) -> TracedStream:
        """A text completion routed whole, streamed as its one chunk then its usage."""
        stream = None if response is None else _Replayed(response)
        return cls(
            stream,
            error,
            RequestRecorder(0, {}),
            0.0,
            Endpoint.COMPLETIONS,
            caller_options,
            trace=trace,
        )

    @property
    def final_deployment_id(self) -> str | None:
        return None if self.stream is None else answering_deployment(self.stream)

    @property
    def caller_asked_for_usage(self) -> bool:
        options = self.caller_options
        return isinstance(options, Mapping) and options.get("include_usage") is True

    async def chunks(self) -> AsyncIterator[Any]:
        """The stream's chunks (or Responses events) as the caller is to see them."""
        if self.endpoint is Endpoint.RESPONSES:
            stream = self.stream
            if not hasattr(stream, "__aiter__"):  # a mock answers whole, even when asked to stream
                stream = _ResponseEvents(stream)
            async for event in stream:
                done = getattr(event, "response", None)
                if done is not None and getattr(done, "usage", None) is not None:
                    self.usage = done.usage
                delta = getattr(event, "delta", None)
                if isinstance(delta, str) and getattr(event, "type", "").endswith("text.delta"):
                    self._text.append(delta)
                yield event
            return
        keep_usage = self.caller_asked_for_usage
        async for chunk in self.stream:
            choices = getattr(chunk, "choices", None)
            for choice in choices or ():
                text = _delta_text(choice)
                if text:
                    self._text.append(text)
            usage = getattr(chunk, "usage", None)
            if usage is not None:
                self.usage = usage
                if not keep_usage:
                    if not choices:
                        continue  # the usage chunk asked for on the caller's behalf
                    chunk.usage = None
            yield chunk

    def finish(self, broke_off: BaseException | None = None) -> RequestTrace:
        """The request's trace once the stream has ended (or never opened); counts the usage
        with litellm's tokenizer when the stream ended without one."""
        if self.trace is not None:
            return self.trace
        final = self.final_deployment_id
        if final is not None:
            closing = {"model_info": {"id": final}}
            if broke_off is None:
                self.recorder.attempt_succeeded(closing)
            else:
                self.recorder.attempt_failed(closing, broke_off)
            if self.usage is None and self.count_usage is not None:
                self.usage = self.count_usage(final, "".join(self._text))
        error = self.error if broke_off is None else broke_off
        return self.recorder.finish(
            latency_ms=(time.perf_counter() - self.started) * 1000,
            final_deployment_id=final if error is None else None,
            error=error,
        )


def _delta_text(choice: Any) -> str:
    """A chat chunk's delta, or a text-completion chunk's text."""
    delta = getattr(choice, "delta", None)
    content = (
        getattr(delta, "content", None) if delta is not None else getattr(choice, "text", None)
    )
    return content if isinstance(content, str) else ""


class _Replayed:
    """A whole text completion as a stream: its choices, then a usage-only chunk."""

    def __init__(self, response: Any) -> None:
        self._hidden_params = getattr(response, "_hidden_params", {})
        usage_only = response.model_copy(update={"choices": []})
        response.usage = None
        self._chunks = [response, usage_only]

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        for chunk in self._chunks:
            yield chunk


class _Event:
    """A Responses API stream event, as the SSE writer reads one (`type`, `model_dump_json`)."""

    def __init__(self, data: dict[str, Any], response: Any = None) -> None:
        self.type = str(data["type"])
        self.response = response
        self.delta = data.get("delta")
        self._data = data

    def model_dump_json(self, exclude_none: bool = True) -> str:
        return json.dumps(self._data)


class _ResponseEvents:
    """A whole Responses answer as the events OpenAI streams: created, the text, completed."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def __aiter__(self) -> AsyncIterator[_Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[_Event]:
        done = self._response.model_dump(mode="json", exclude_none=True)
        started = {**done, "status": "in_progress", "output": []}
        started.pop("usage", None)
        text = getattr(self._response, "output_text", None) or ""
        item: dict[str, Any] = next(
            (o for o in done.get("output") or () if o.get("type") == "message"), {}
        )
        at = {"item_id": item.get("id", ""), "output_index": 0, "content_index": 0}
        events: list[dict[str, Any]] = [
            {"type": "response.created", "response": started},
            {"type": "response.output_text.delta", **at, "delta": text},
            {"type": "response.output_text.done", **at, "text": text},
            {"type": "response.completed", "response": done},
        ]
        for number, event in enumerate(events):
            event["sequence_number"] = number
            last = event["type"] == "response.completed"
            yield _Event(event, self._response if last else None)
