"""One execution and one JSON encoding per subscription event, whoever subscribed to it.

A subscription event whose root object is of a `shareable` type (a `liveTraffic` batch: the same
object goes to every subscriber of the group) is executed once per distinct operation (document
text, operation name, variables) and the result is reused by every other subscriber with that
operation; the websocket then sends it pre-encoded (`encoded_next`), so a group's batch costs one
execution and one `json.dumps` however many subscribers, and each subscriber only its own send.

Only results without errors are shared (an error may be masked or logged per operation), and
only types whose fields read nothing but the root object may be marked shareable: the result
must not depend on who asks (access is checked before the batch is handed out).
The shared entries live exactly as long as the root object (a weakref finalizer drops them).
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Callable
from typing import Any, TypeVar, cast

from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

T = TypeVar("T", bound=type)

_SHAREABLE: set[type] = set()


def shareable(cls: T) -> T:
    """Mark a subscription event type whose selection results depend on the object only."""
    _SHAREABLE.add(cls)
    return cls


class _Shared:
    __slots__ = ("encoded", "result")

    def __init__(self, result: ExecutionResult) -> None:
        self.result = result
        self.encoded: str | None = None


# id(root object) -> {operation key: shared result, or the task computing it}
_by_root: dict[int, dict[tuple[str, str | None, str], _Shared | asyncio.Future[Any]]] = {}
# id(result.data) -> its shared entry (for the encoder); dropped with the root
_by_data: dict[int, _Shared] = {}


def _operation_key(executor: Any) -> tuple[str, str | None, str] | None:
    operation = executor.operation
    if operation.loc is None:
        return None
    name = operation.name.value if operation.name else None
    variables = json.dumps(executor.variable_values.coerced, sort_keys=True, default=repr)
    return (operation.loc.source.body, name, variables)


def _forget(root_id: int) -> None:
    for entry in _by_root.pop(root_id, {}).values():
        if isinstance(entry, _Shared) and entry.result.data is not None:
            _by_data.pop(id(entry.result.data), None)


def _keep(root: object, key: tuple[str, str | None, str], result: ExecutionResult) -> None:
    entries = _by_root.get(id(root))
    if entries is None:
        return
    if result.errors or result.data is None:
        entries.pop(key, None)  # not shared: each operation executes (and reports) its own
        return
    shared = _Shared(result)
    entries[key] = shared
    _by_data[id(result.data)] = shared


class SharingExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with shareable subscription events executed once."""

    _shared_key: tuple[str, str | None, str] | bool | None = False  # False: not computed yet

    def build_per_event_executor(self, payload: Any) -> Any:
        if self._shared_key is False:  # once per subscription: each event's copy inherits it
            self._shared_key = _operation_key(self)
        return super().build_per_event_executor(payload)

    def execute_operation(self, serially: bool | None = None) -> Any:
        root = self.root_value
        if type(root) not in _SHAREABLE:
            return super().execute_operation(serially)
        if self._shared_key is False:
            self._shared_key = _operation_key(self)
        key = self._shared_key
        if not isinstance(key, tuple):
            return super().execute_operation(serially)
        entries = _by_root.get(id(root))
        if entries is None:
            entries = _by_root[id(root)] = {}
            weakref.finalize(root, _forget, id(root))
        known = entries.get(key)
        if isinstance(known, _Shared):
            return known.result
        if known is not None:  # another subscriber is executing it right now
            return _await_shared(known)
        result = super().execute_operation(serially)
        if not self.is_awaitable(result):
            _keep(root, key, cast("ExecutionResult", result))  # subscriptions: never incremental
            return result
        pending: asyncio.Future[Any] = asyncio.ensure_future(result)
        entries[key] = pending

        def done(task: asyncio.Future[Any]) -> None:
            if task.cancelled() or task.exception() is not None:
                entries.pop(key, None)
            else:
                _keep(root, key, task.result())

        pending.add_done_callback(done)
        return _await_shared(pending)


async def _await_shared(pending: asyncio.Future[Any]) -> Any:
    return await asyncio.shield(pending)


def encoded_next(operation_id: str, data: object, encode: Callable[[object], str]) -> str | None:
    """The whole `next` message for a shared result's `data`, encoding `data` only the first
    time; None when `data` is not a shared result."""
    shared = _by_data.get(id(data))
    if shared is None or shared.result.data is not data:
        return None
    if shared.encoded is None:
        shared.encoded = encode({"data": data})
    return f'{{"id":{json.dumps(operation_id)},"type":"next","payload":{shared.encoded}}}'
