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
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

from gql_server.core.litellm_adapter.traced_stream import Endpoint, TracedStream

log = logging.getLogger(__name__)

DISCONNECT_CHECK_EVERY = 16  # chunks


def stream_response(
    request: Request,
    traced: TracedStream,
    headers: dict[str, str],
    *,
    on_done: Callable[[BaseException | None], None],
) -> StreamingResponse:
    """The stream as server-sent events; `on_done(broke_off)` once it has ended, however."""
    events = _responses_events if traced.endpoint is Endpoint.RESPONSES else _chunk_events
    return StreamingResponse(
        events(request, traced, on_done), media_type="text/event-stream", headers=headers
    )


async def _chunk_events(
    request: Request, traced: TracedStream, on_done: Callable[[BaseException | None], None]
) -> AsyncIterator[str]:
    """Chat and text-completion chunks: `data: {chunk}` lines, then `data: [DONE]`."""
    broke_off: BaseException | None = None
    sent = 0
    try:
        async for chunk in traced.chunks():
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
        await _close(traced.stream)
        on_done(broke_off)


async def _responses_events(
    request: Request, traced: TracedStream, on_done: Callable[[BaseException | None], None]
) -> AsyncIterator[str]:
    """Responses API events: `event: <type>` and `data: {event}` each, as OpenAI sends them."""
    broke_off: BaseException | None = None
    sent = 0
    try:
        async for event in traced.chunks():
            kind = getattr(event, "type", None) or "message"
            yield f"event: {kind}\ndata: {event.model_dump_json(exclude_none=True)}\n\n"
            sent += 1
            await asyncio.sleep(0)
            if sent % DISCONNECT_CHECK_EVERY == 0 and await request.is_disconnected():
                log.info("stream client left after %d events; stream closed", sent)
                return
    except Exception as exc:
        broke_off = exc
        log.warning("a stream broke off: %s", type(exc).__name__)
        err = {"type": "error", "code": "api_error", "message": "the provider stream broke off"}
        yield f"event: error\ndata: {json.dumps(err)}\n\n"
    finally:
        await _close(traced.stream)
        on_done(broke_off)


async def _close(stream: Any) -> None:
    closer = getattr(stream, "aclose", None)
    if closer is not None:
        try:
            await closer()
        except Exception:  # closing a finished or broken stream is best-effort
            log.debug("closing the stream failed", exc_info=True)
