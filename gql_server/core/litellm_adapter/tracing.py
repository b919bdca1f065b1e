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

import asyncio
import dataclasses
import itertools
import os
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import litellm
from litellm.integrations.custom_logger import CustomLogger
from litellm.router_rust.core import retry_after_seconds  # the header read litellm cools down by

from gql_server.core.domain.redaction import scrub
from gql_server.core.domain.traces import (
    AttemptTrace,
    RequestTrace,
    SkippedDeployment,
    SkipReason,
    TraceStatus,
)
from gql_server.core.litellm_adapter.failures import error_kind_of
from gql_server.core.litellm_adapter.run_context import current_run

REQUEST_KEY = "routing_groups_request_key"
# Between a throwaway Router's namespace and a deployment's id. Not ":": litellm's usage-based
# routing reads a deployment id back out of its usage keys ("<id>:<model>:rpm:<minute>") by
# splitting on the first ":".
NAMESPACE_SEPARATOR = "~"

# Keys need only be unique in this process (recorders never leave it); uuid4 costs a syscall.
_KEY_PREFIX = f"{os.getpid()}-{time.monotonic_ns()}-"
_key_counter = itertools.count()

# (attempt kwargs, deployment id, attempt number on that deployment) -> kwargs for the attempt
BeforeAttempt = Callable[[dict[str, Any], str, int], Awaitable[dict[str, Any]]]
# (deployments already visited, the tier reached) -> the ones passed over on the way, with why
SkipProbe = Callable[[Collection[str], int], Iterable[SkippedDeployment]]
# (deployment id, the attempt's answer) -> what the attempt cost in USD
Pricing = Callable[[str, object], float]


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
    provider_mark: object = None  # litellm's provider timing as it stood when the attempt began


def _loop_now() -> float:
    return asyncio.get_running_loop().time()


class RequestRecorder:
    """The attempts (and skips) of one request, in the order the Router made them.

    Times are read from the running loop's clock (simulated time on a virtual clock), so an
    attempt's latency is what it waited, not the simulator's CPU time. `started_at_ms` counts
    from the run's origin (see run_context), or from the request's own start outside a run.
    A throwaway Router's deployment ids carry its `namespace`; traces name the real ids.
    """

    def __init__(
        self,
        request_index: int,
        labels: Mapping[str, DeploymentLabel],
        before_attempt: BeforeAttempt | None = None,
        *,
        namespace: str = "",
        skip_probe: SkipProbe | None = None,
        pricing: Pricing | None = None,
        attempt_seconds: dict[str, float] | None = None,
    ) -> None:
        self.key = f"{_KEY_PREFIX}{next(_key_counter)}"
        self.request_index = request_index
        self.attempts: list[AttemptTrace] = []
        self.skipped: list[SkippedDeployment] = []
        self.started = _loop_now()
        run = current_run.get()
        self.origin = run.origin if run is not None else self.started
        self._labels = labels
        self._before_attempt = before_attempt
        self._prefix = f"{namespace}{NAMESPACE_SEPARATOR}" if namespace else ""
        self._skip_probe = skip_probe
        self._pricing = pricing
        self._attempt_seconds = attempt_seconds
        self.call_id: str | None = None  # litellm's id of the request (its logging object's)
        self._visited: set[str] = set()
        self._tries: Counter[str] = Counter()
        self._open: _OpenAttempt | None = None

    def real_id(self, deployment_id: str) -> str:
        return deployment_id.removeprefix(self._prefix) if self._prefix else deployment_id

    def _note_skips(self, depth: int) -> None:
        if self._skip_probe is None:
            return
        for skip in self._skip_probe(self._visited, depth):
            self._visited.add(skip.deployment_id)
            label = self._labels.get(skip.deployment_id)
            self.skipped.append(
                dataclasses.replace(
                    skip,
                    before_attempt=len(self.attempts),
                    fallback_depth=label.fallback_depth if label is not None else 0,
                )
            )

    def passed_over(self, deployment_id: str, reason: SkipReason) -> None:
        """The Router passed over `deployment_id` (its id as the Router knows it) for `reason`
        while picking for this request. Recorded once: a deployment this request already
        attempted or passed over is not a new visit."""
        real = self.real_id(deployment_id)
        if real in self._visited:
            return
        self._visited.add(real)
        label = self._labels.get(real)
        self.skipped.append(
            SkippedDeployment(
                real,
                reason,
                before_attempt=len(self.attempts),
                fallback_depth=label.fallback_depth if label is not None else 0,
            )
        )

    async def attempt_started(self, kwargs: dict[str, Any]) -> dict[str, Any] | None:
        deployment_id = self.real_id(_deployment_id(kwargs))
        label = self._labels.get(deployment_id)
        self._note_skips(label.fallback_depth if label is not None else 0)
        self._visited.add(deployment_id)
        attempt = self._tries[deployment_id]
        self._tries[deployment_id] += 1
        retries = _metadata(kwargs).get("attempted_retries")
        self._open = _OpenAttempt(
            deployment_id,
            _loop_now(),
            retries if isinstance(retries, int) else 0,
            _provider_timing(kwargs),
        )
        if self._before_attempt is None:
            return None
        return await self._before_attempt(kwargs, deployment_id, attempt)

    def attempt_failed(self, request_data: Mapping[str, Any], error: BaseException) -> None:
        self._close(request_data, error, None)

    def attempt_succeeded(self, request_data: Mapping[str, Any], response: object = None) -> None:
        self._close(request_data, None, response)

    def _close(
        self, request_data: Mapping[str, Any], error: BaseException | None, response: object
    ) -> None:
        deployment_id = self.real_id(_deployment_id(request_data))
        opened = self._open
        self._open = None
        now = _loop_now()
        if opened is None or opened.deployment_id != deployment_id:
            # A failure litellm reports without a matching start (raised before the pre-call
            # hook ran) still happened to this deployment: record it with no latency.
            opened = _OpenAttempt(deployment_id, now, 0, _provider_timing(request_data))
            self._visited.add(deployment_id)
        latency_s = now - opened.started
        if error is None and self._attempt_seconds is not None and self.call_id is not None:
            self._attempt_seconds[self.call_id] = latency_s
        label = self._labels.get(deployment_id, DeploymentLabel(deployment_id, "unknown"))
        cost = 0.0
        if error is None and self._pricing is not None:
            cost = self._pricing(deployment_id, response)
        self.attempts.append(
            AttemptTrace(
                deployment_id=deployment_id,
                deployment_name=label.name,
                provider=label.provider,
                latency_ms=latency_s * 1000,
                status=TraceStatus.SUCCESS if error is None else TraceStatus.ERROR,
                retry_index=opened.retry_index,
                fallback_depth=label.fallback_depth,
                error_kind=None if error is None else error_kind_of(error),
                error_message=None if error is None else _short(error),
                started_at_ms=(opened.started - self.origin) * 1000,
                cost_usd=cost,
                retry_after_s=None if error is None else retry_after_seconds(error),
                provider_latency_ms=_provider_ms(opened, request_data, latency_s * 1000),
            )
        )

    def finish(
        self,
        *,
        latency_ms: float | None = None,
        final_deployment_id: str | None,
        response_text: str | None = None,
        error: BaseException | None = None,
    ) -> RequestTrace:
        if error is not None:
            self._note_skips(
                max((label.fallback_depth for label in self._labels.values()), default=0)
            )
        if latency_ms is None:
            latency_ms = (_loop_now() - self.started) * 1000
        return RequestTrace(
            request_index=self.request_index,
            success=error is None,
            latency_ms=latency_ms,
            final_deployment_id=(
                None if final_deployment_id is None else self.real_id(final_deployment_id)
            ),
            attempts=tuple(self.attempts),
            response_text=response_text,
            error_message=None if error is None else _short(error),
            started_at_ms=(self.started - self.origin) * 1000,
            skipped=tuple(self.skipped),
        )


class AttemptHooks(CustomLogger):
    """Routes litellm's per-attempt deployment hooks to the recorder named in the metadata."""

    def __init__(self) -> None:
        super().__init__()
        self._recorders: dict[str, RequestRecorder] = {}

    @contextmanager
    def recording(self, recorder: RequestRecorder) -> Iterator[str]:
        self._recorders[recorder.key] = recorder
        token = _recording_now.set(recorder)
        try:
            yield recorder.key
        finally:
            _recording_now.reset(token)
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
        recorder = self._recorder(kwargs)
        return None if recorder is None else await recorder.attempt_started(kwargs)

    async def async_post_call_success_deployment_hook(
        self, request_data: dict[str, Any], response: object, call_type: object
    ) -> None:
        recorder = self._recorder(request_data)
        if recorder is not None:
            recorder.attempt_succeeded(request_data, response)

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


# The recorder of the request whose Router call runs in this context: what the Router decides
# while picking (no hook carries the request's metadata there) reaches its request through it.
_recording_now: ContextVar[RequestRecorder | None] = ContextVar(
    "routing_groups_recording", default=None
)


def recording_now() -> RequestRecorder | None:
    """The recorder of the request being routed in this context, if any."""
    return _recording_now.get()


_install_lock = threading.Lock()
_hooks: list[AttemptHooks] = []


def attempt_hooks() -> AttemptHooks:
    """The process's one `AttemptHooks`, put into `litellm.callbacks` by `install.install()`
    (and on first use, should a caller come first)."""
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


def deployment_id_of(data: Mapping[str, Any]) -> str | None:
    """The Router's id of a deployment (or of a call's deployment): its `model_info.id`."""
    model_info = data.get("model_info")
    if not isinstance(model_info, Mapping):
        model_info = _metadata(data).get("model_info")
    found = model_info.get("id") if isinstance(model_info, Mapping) else None
    return str(found) if found is not None else None


def _deployment_id(data: Mapping[str, Any]) -> str:
    return deployment_id_of(data) or "unknown"


# litellm's provider HTTP handlers time the request they send (sent to answered, or to the
# error) into their logging object under this key, once per provider call.
_PROVIDER_TIMING = "llm_api_duration_ms"


def _provider_timing(data: Mapping[str, Any]) -> object:
    details = getattr(data.get("litellm_logging_obj"), "model_call_details", None)
    return details.get(_PROVIDER_TIMING) if isinstance(details, Mapping) else None


def _provider_ms(opened: _OpenAttempt, data: Mapping[str, Any], attempt_ms: float) -> float | None:
    """The provider's part of an attempt: litellm's timing of its provider call, when this
    attempt made one. A timing already there when the attempt began is an earlier call's (a
    logging object may serve several attempts): each call stores a new float object, so an
    unchanged object means no call. None when nothing timed it (a mock, a refused call, or a
    stream, closed with no logging object when it ends)."""
    found = _provider_timing(data)
    if not isinstance(found, int | float) or found is opened.provider_mark:
        return None
    return min(max(0.0, float(found)), attempt_ms)  # two clocks: never more than the attempt


def _short(error: BaseException, limit: int = 500) -> str:
    """What a trace says about an error: bounded, with secrets and server paths scrubbed."""
    return scrub(f"{type(error).__name__}: {error}", limit=limit)
