"""A streamed answer with the same per-request trace a non-streamed call gets.

litellm fires the per-attempt hooks while the stream is being opened (failed attempts, retries,
fallbacks, and the start of the attempt that answers) but no success hook for the stream that
answers: that attempt is closed here when the stream ends, so its latency covers the whole stream.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from gql_server.core.domain.errors import RoutingFailedError
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.built_router import BuiltRouter, answering_deployment
from gql_server.core.litellm_adapter.call_setup import inline_call_setup
from gql_server.core.litellm_adapter.tracing import REQUEST_KEY, RequestRecorder, attempt_hooks

if TYPE_CHECKING:
    from litellm.litellm_core_utils.streaming_handler import CustomStreamWrapper


@dataclass
class TracedStream:
    stream: CustomStreamWrapper | None  # None when every deployment failed (see `error`)
    error: RoutingFailedError | None
    recorder: RequestRecorder
    started: float

    @property
    def final_deployment_id(self) -> str | None:
        return None if self.stream is None else answering_deployment(self.stream)

    def finish(self, broke_off: BaseException | None = None) -> RequestTrace:
        """The request's trace once the stream has ended (or never opened)."""
        final = self.final_deployment_id
        if final is not None:
            closing = {"model_info": {"id": final}}
            if broke_off is None:
                self.recorder.attempt_succeeded(closing)
            else:
                self.recorder.attempt_failed(closing, broke_off)
        error = self.error if broke_off is None else broke_off
        return self.recorder.finish(
            latency_ms=(time.perf_counter() - self.started) * 1000,
            final_deployment_id=final if error is None else None,
            error=error,
        )


async def open_traced_stream(
    built: BuiltRouter, messages: list[dict[str, Any]], **kwargs: Any
) -> TracedStream:
    """Open a stream on the group's Router; never raises for a routing failure."""
    recorder = RequestRecorder(0, built.labels, pricing=built._price)
    metadata = {**kwargs.pop("metadata", {}), REQUEST_KEY: recorder.key}
    started = time.perf_counter()
    # Bound to the Router like every other call, so its outcome bookkeeping (cooldowns, usage,
    # latency) runs for the stream too.
    logging_obj = built._request_logging(messages, metadata, recorder, stream=True)
    # The stream reads the caller's include_usage from its logging object.
    logging_obj.stream_options = kwargs.get("stream_options")
    with attempt_hooks().recording(recorder), inline_call_setup(built.inline_setup):
        try:
            stream = await built.router.acompletion(
                model=built.entry_model,
                messages=cast(Any, messages),
                stream=True,
                metadata=metadata,
                litellm_logging_obj=logging_obj,
                **kwargs,
            )
        except Exception as exc:  # the Router's final error after retries and fallbacks
            return TracedStream(None, built.routing_failed(exc), recorder, started)
    return TracedStream(stream, None, recorder, started)
