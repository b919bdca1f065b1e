"""Per-request traces, captured from the Router's own per-attempt callbacks.

litellm calls three deployment hooks on every attempt the Router makes (first try, each retry,
each fallback hop), inline and in order: `async_pre_call_deployment_hook` once the Router has
picked the deployment, then `async_post_call_success_deployment_hook` or
`async_post_call_failure_deployment_hook`. litellm reads those hooks only from its process-wide
`litellm.callbacks` (a per-call `callbacks=[...]` kwarg is appended to the global lists for good,
so it would leak into every later call). One `AttemptHooks` instance is therefore installed once,
and it holds no trace itself: each request carries its own key in `metadata[REQUEST_KEY]` and the
hooks hand each event to the `RequestRecorder` registered under that key. Concurrent requests,
Routers and runs never share a recorder, so their traces cannot mix.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import litellm
from litellm.integrations.custom_logger import CustomLogger

from gql_server.core.failures import error_kind_of
from gql_server.core.traces import AttemptTrace, RequestTrace, TraceStatus

REQUEST_KEY = "routing_groups_request_key"
ROUTER_KEY = "routing_groups_router_key"

# Keys need only be unique in this process (recorders never leave it); uuid4 costs a syscall.
_KEY_PREFIX = f"{os.getpid()}-{time.monotonic_ns()}-"
_key_counter = itertools.count()

# (attempt kwargs, deployment id, attempt number on that deployment) -> kwargs for the attempt
BeforeAttempt = Callable[[dict[str, Any], str, int], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class DeploymentLabel:
    name: str
    provider: str
    fallback_depth: int = 0  # the priority tier it sits in: the Router reaches tier n by n hops


@dataclass
class _OpenAttempt:
    deployment_id: str
    started: float
    retry_index: int


class RequestRecorder:
    """The attempts of one request, in the order the Router made them."""

    def __init__(
        self,
        request_index: int,
        labels: Mapping[str, DeploymentLabel],
        before_attempt: BeforeAttempt | None = None,
    ) -> None:
        self.key = f"{_KEY_PREFIX}{next(_key_counter)}"
        self.request_index = request_index
        self.attempts: list[AttemptTrace] = []
        self._labels = labels
        self._before_attempt = before_attempt
        self._tries: Counter[str] = Counter()
        self._open: _OpenAttempt | None = None

    async def attempt_started(self, kwargs: dict[str, Any]) -> dict[str, Any] | None:
        deployment_id = _deployment_id(kwargs)
        attempt = self._tries[deployment_id]
        self._tries[deployment_id] += 1
        retries = _metadata(kwargs).get("attempted_retries")
        self._open = _OpenAttempt(
            deployment_id, time.perf_counter(), retries if isinstance(retries, int) else 0
        )
        if self._before_attempt is None:
            return None
        return await self._before_attempt(kwargs, deployment_id, attempt)

    def attempt_failed(self, request_data: Mapping[str, Any], error: BaseException) -> None:
        self._close(request_data, error)

    def attempt_succeeded(self, request_data: Mapping[str, Any]) -> None:
        self._close(request_data, None)

    def _close(self, request_data: Mapping[str, Any], error: BaseException | None) -> None:
        deployment_id = _deployment_id(request_data)
        opened = self._open
        self._open = None
        if opened is None or opened.deployment_id != deployment_id:
            # A failure litellm reports without a matching start (raised before the pre-call
            # hook ran) still happened to this deployment: record it with no latency.
            opened = _OpenAttempt(deployment_id, time.perf_counter(), 0)
        label = self._labels.get(deployment_id, DeploymentLabel(deployment_id, "unknown"))
        self.attempts.append(
            AttemptTrace(
                deployment_id=deployment_id,
                deployment_name=label.name,
                provider=label.provider,
                latency_ms=(time.perf_counter() - opened.started) * 1000,
                status=TraceStatus.SUCCESS if error is None else TraceStatus.ERROR,
                retry_index=opened.retry_index,
                fallback_depth=label.fallback_depth,
                error_kind=None if error is None else error_kind_of(error),
                error_message=None if error is None else _short(error),
            )
        )

    def finish(
        self,
        *,
        latency_ms: float,
        final_deployment_id: str | None,
        response_text: str | None = None,
        error: BaseException | None = None,
    ) -> RequestTrace:
        return RequestTrace(
            request_index=self.request_index,
            success=error is None,
            latency_ms=latency_ms,
            final_deployment_id=final_deployment_id,
            attempts=tuple(self.attempts),
            response_text=response_text,
            error_message=None if error is None else _short(error),
        )


class ObservedRouter(Protocol):
    def observe(self, logging_obj: Any = None, *, request_scoped: bool = False) -> object: ...


class AttemptHooks(CustomLogger):
    """Routes litellm's per-attempt deployment hooks to the recorder named in the metadata, and
    binds the request's logging to the Router that serves it.

    litellm keeps one strategy callback per class in its process-wide lists, so only the first
    LATENCY_BASED (USAGE_BASED, COST_BASED, ...) Router in a process would ever be fed. Every
    Router therefore serves its strategy request-scoped (`observe(request_scoped=True)`, at
    build) and each attempt's logging object is bound to its own Router's selectors here
    (`observe(logging_obj)`), so each Router learns from its own traffic only."""

    def __init__(self) -> None:
        super().__init__()
        self._recorders: dict[str, RequestRecorder] = {}
        self._routers: weakref.WeakValueDictionary[str, ObservedRouter] = (
            weakref.WeakValueDictionary()
        )

    def serve(self, router: ObservedRouter) -> str:
        """Make `router` request-scoped; put the key returned in each call's metadata."""
        router.observe(request_scoped=True)
        key = f"{_KEY_PREFIX}r{next(_key_counter)}"
        self._routers[key] = router
        return key

    @contextmanager
    def recording(self, recorder: RequestRecorder) -> Iterator[str]:
        self._recorders[recorder.key] = recorder
        try:
            yield recorder.key
        finally:
            del self._recorders[recorder.key]

    @property
    def active(self) -> int:
        return len(self._recorders)

    def _recorder(self, data: Mapping[str, Any]) -> RequestRecorder | None:
        key = _metadata(data).get(REQUEST_KEY)
        return self._recorders.get(key) if isinstance(key, str) else None

    async def async_pre_call_deployment_hook(
        self, kwargs: dict[str, Any], call_type: object
    ) -> dict[str, Any] | None:
        metadata = _metadata(kwargs)
        router_key = metadata.get(ROUTER_KEY)
        if isinstance(router_key, str):
            router = self._routers.get(router_key)
            logging_obj = kwargs.get("litellm_logging_obj")
            if router is not None and logging_obj is not None:
                router.observe(logging_obj)
        recorder = self._recorder(kwargs)
        return None if recorder is None else await recorder.attempt_started(kwargs)

    async def async_post_call_success_deployment_hook(
        self, request_data: dict[str, Any], response: object, call_type: object
    ) -> None:
        recorder = self._recorder(request_data)
        if recorder is not None:
            recorder.attempt_succeeded(request_data)

    async def async_post_call_failure_deployment_hook(
        self,
        request_data: Mapping[str, Any],
        exception: Exception,
        call_type: object,
        fallback_depth: int | None = None,
    ) -> None:
        recorder = self._recorder(request_data)
        if recorder is not None:
            recorder.attempt_failed(request_data, exception)


_install_lock = threading.Lock()
_hooks: list[AttemptHooks] = []


def attempt_hooks() -> AttemptHooks:
    """The process's one `AttemptHooks`, put into `litellm.callbacks` on first use."""
    with _install_lock:
        if not _hooks:
            _hooks.append(AttemptHooks())
        hooks = _hooks[0]
        if hooks not in litellm.callbacks:
            litellm.callbacks.append(hooks)
        return hooks


def _metadata(data: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = data.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _deployment_id(data: Mapping[str, Any]) -> str:
    model_info = data.get("model_info")
    if not isinstance(model_info, Mapping):
        model_info = _metadata(data).get("model_info")
    found = model_info.get("id") if isinstance(model_info, Mapping) else None
    return str(found) if found is not None else "unknown"


def _short(error: BaseException, limit: int = 500) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= limit else text[: limit - 1] + "…"
