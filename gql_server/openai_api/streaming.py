"""Server-sent events for a streamed answer: fair to the event loop, stopped when the client goes.

litellm's mock stream (and a fast provider's) is an async iterator that may never wait on I/O:
iterated straight into the response, a 100 KB mock answer held the server's loop for seconds and
ran on after its client had left. Here every chunk yields to the loop, and the stream is closed
as soon as the client disconnects.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

log = logging.getLogger(__name__)

DISCONNECT_CHECK_EVERY = 16  # chunks
_CHARS_PER_TOKEN = 4  # litellm's own rough estimate, for a stream that reports no usage


@dataclass(frozen=True)
class StreamEnd:
    """How a stream ended: its tokens, the provider's last usage chunk (if it sent one), and
    the error it broke off with (None when it finished or its client left)."""

    tokens: int
    usage: object = None
    broke_off: BaseException | None = None


def stream_response(
    request: Request,
    stream: Any,
    headers: dict[str, str],
    *,
    on_done: Callable[[StreamEnd], None],
) -> StreamingResponse:
    return StreamingResponse(
        _events(request, stream, on_done), media_type="text/event-stream", headers=headers
    )


async def _events(
    request: Request, stream: Any, on_done: Callable[[StreamEnd], None]
) -> AsyncIterator[str]:
    tokens, chars, sent = 0, 0, 0
    last_usage: object = None
    broke_off: BaseException | None = None
    try:
        async for chunk in stream:
            usage = getattr(chunk, "usage", None)
            if usage is not None and getattr(usage, "total_tokens", None):
                tokens = int(usage.total_tokens)
                last_usage = usage
            chars += sum(len(_delta_text(choice)) for choice in getattr(chunk, "choices", ()))
            yield f"data: {chunk.model_dump_json(exclude_none=True)}\n\n"
            sent += 1
            await asyncio.sleep(0)  # let every other request run between chunks
            if sent % DISCONNECT_CHECK_EVERY == 0 and await request.is_disconnected():
                log.info("stream client left after %d chunks; stream closed", sent)
                return
        yield "data: [DONE]\n\n"
    except Exception as exc:
        broke_off = exc
        log.warning("a stream broke off: %s", type(exc).__name__)
        err = {"error": {"message": "the provider stream broke off", "type": "api_error"}}
        yield f"data: {json.dumps(err)}\n\n"
    finally:
        closer = getattr(stream, "aclose", None)
        if closer is not None:
            try:
                await closer()
            except Exception:  # closing a finished or broken stream is best-effort
                log.debug("closing the stream failed", exc_info=True)
        on_done(StreamEnd(tokens or chars // _CHARS_PER_TOKEN, last_usage, broke_off))


def _delta_text(choice: Any) -> str:
    """A chat chunk's delta, or a text-completion chunk's text."""
    delta = getattr(choice, "delta", None)
    content = (
        getattr(delta, "content", None) if delta is not None else getattr(choice, "text", None)
    )
    return content if isinstance(content, str) else ""
