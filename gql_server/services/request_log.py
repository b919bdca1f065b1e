"""The request log: every `/v1` request to a routing endpoint persisted once, off the hot path.

`on_finished` (a TrafficHook listener) only turns the report into a row and appends it to a
buffer; `run()` writes the buffer in one transaction per batch (every `flush_interval_s`, or at
once when a batch is full) and deletes rows older than the retention period. A failed write is
kept and retried; the buffer is bounded, and what it had to drop is counted and logged. Message
content is stored only with `log_messages` (LOG_MESSAGES=true), never otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.errors import FieldError, ValidationError
from gql_server.services.ports import (
    DuplicateKey,
    RequestLogEntry,
    RequestLogQuery,
    SpendTotal,
    UnitOfWorkFactory,
)
from gql_server.services.traffic import FinishedRequest

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 200
SPEND_BY = ("key", "team", "group")


@dataclass(frozen=True)
class RequestLogPage:
    items: list[RequestLogEntry]
    total: int
    page: int
    size: int


class RequestLogService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        *,
        log_messages: bool = False,
        retention: timedelta = timedelta(days=7),
        flush_interval_s: float = 0.5,
        batch_size: int = 500,
        max_buffer: int = 100_000,
        cleanup_interval_s: float = 3600.0,
    ) -> None:
        self._uow = uow
        self._log_messages = log_messages
        self._retention = retention
        self._flush_interval_s = flush_interval_s
        self._batch_size = batch_size
        self._cleanup_interval_s = cleanup_interval_s
        self._buffer: deque[RequestLogEntry] = deque(maxlen=max_buffer)
        self._full = asyncio.Event()
        self.dropped = 0

    def on_finished(self, finished: FinishedRequest) -> None:
        if len(self._buffer) == self._buffer.maxlen:
            self.dropped += 1  # the deque drops the oldest: the database has been down long
        self._buffer.append(entry_for(finished, log_messages=self._log_messages))
        if len(self._buffer) >= self._batch_size:
            self._full.set()

    async def run(self) -> None:
        """Flush and clean up until cancelled; a last flush on the way out."""
        next_cleanup = 0.0
        loop = asyncio.get_running_loop()
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._flush_interval_s):
                        await self._full.wait()
                self._full.clear()
                await self.flush()
                if loop.time() >= next_cleanup:
                    next_cleanup = loop.time() + self._cleanup_interval_s
                    await self._cleanup_quietly()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.flush())

    async def flush(self) -> int:
        """Write everything buffered so far; returns how many rows were written."""
        written = 0
        while self._buffer:
            batch = [
                self._buffer.popleft() for _ in range(min(self._batch_size, len(self._buffer)))
            ]
            try:
                try:
                    await self._write(batch)
                except DuplicateKey:
                    await self._write_one_by_one(batch)
            except Exception:
                self._buffer.extendleft(reversed(batch))  # keep them, oldest first, for next time
                log.exception("could not write %d request-log rows; will retry", len(batch))
                return written
            written += len(batch)
        if self.dropped:
            log.warning("the request log dropped %d rows while it could not write", self.dropped)
            self.dropped = 0
        return written

    async def _write(self, batch: list[RequestLogEntry]) -> None:
        async with self._uow() as uow:
            await uow.request_log.add_many(batch)
            await uow.commit()

    async def _write_one_by_one(self, batch: list[RequestLogEntry]) -> None:
        """A caller may send the same x-request-id twice: its later requests are logged too,
        under the id with a suffix, rather than lost or holding up the rest of the batch."""
        for entry in batch:
            try:
                await self._write([entry])
            except DuplicateKey:
                again = f"{entry.request_id}~{uuid.uuid4().hex[:8]}"
                await self._write([dataclasses.replace(entry, request_id=again)])

    async def delete_expired(self, now: datetime | None = None) -> int:
        cutoff = (now or datetime.now(UTC)) - self._retention
        async with self._uow() as uow:
            deleted = await uow.request_log.delete_before(cutoff)
            await uow.commit()
        return deleted

    async def _cleanup_quietly(self) -> None:
        try:
            deleted = await self.delete_expired()
        except Exception:
            log.exception("request-log retention cleanup failed")
            return
        if deleted:
            log.info("request log: deleted %d rows past retention", deleted)

    async def page(
        self, who: Principal, query: RequestLogQuery, page: int, size: int
    ) -> RequestLogPage:
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError([FieldError("page" if page < 1 else "size", "out of range")])
        async with self._uow() as uow:
            items, total = await uow.request_log.page(_visible(who, query), (page - 1) * size, size)
        return RequestLogPage(items=items, total=total, page=page, size=size)

    async def spend(self, who: Principal, query: RequestLogQuery, by: str) -> list[SpendTotal]:
        if by not in SPEND_BY:
            raise ValidationError([FieldError("groupBy", f"must be one of {', '.join(SPEND_BY)}")])
        async with self._uow() as uow:
            return await uow.request_log.spend(_visible(who, query), by)


def _visible(who: Principal, query: RequestLogQuery) -> RequestLogQuery:
    """The master key sees every row; any other key only its own requests."""
    if who.is_admin:
        return query
    return RequestLogQuery(**{**query.__dict__, "key_id": who.key_id or "-"})


def entry_for(finished: FinishedRequest, *, log_messages: bool) -> RequestLogEntry:
    trace = finished.trace
    messages: dict[str, Any] | None = None
    if log_messages:
        messages = {"request": finished.messages, "response": trace.response_text}
    return RequestLogEntry(
        request_id=finished.request_id,
        started_at=datetime.fromtimestamp(finished.started_at_ms / 1000, UTC),
        routing_group_id=finished.group_id,
        routing_group_name=finished.group_name,
        key_id=finished.key_id,
        team_id=finished.team_id,
        deployment_id=finished.final_deployment_id,
        success=finished.success,
        status_code=finished.status_code,
        attempts=[
            {
                "deploymentId": a.deployment_id,
                "status": a.status.value,
                "errorKind": a.error_kind.value if a.error_kind is not None else None,
                "latencyMs": round(a.latency_ms, 3),
                "startedAtMs": round(max(0.0, a.started_at_ms - trace.started_at_ms), 3),
                "retryAfterSeconds": a.retry_after_s,
                "providerLatencyMs": (
                    None if a.provider_latency_ms is None else round(a.provider_latency_ms, 3)
                ),
            }
            for a in trace.attempts
        ],
        latency_ms=trace.latency_ms,
        prompt_tokens=finished.tokens.prompt,
        completion_tokens=finished.tokens.completion,
        cost_usd=finished.cost_usd,
        streamed=finished.streamed,
        error_message=trace.error_message,
        messages=messages,
    )
