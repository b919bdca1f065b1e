from __future__ import annotations

import dataclasses
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.services.ports import (
    LoggedAttempt,
    RequestLogEntry,
    RequestLogQuery,
    SpendTotal,
)
from gql_server.store.errors import duplicate_key_as_domain_error
from gql_server.store.repositories._rows import affected_rows, fetch_all
from gql_server.store.tables import RequestLogAttemptRow, RequestLogRow

_FIELDS = tuple(f.name for f in dataclasses.fields(RequestLogEntry))
_FIELDS_BUT_MESSAGES = tuple(name for name in _FIELDS if name != "messages")
_ATTEMPT_COLUMNS = (
    RequestLogAttemptRow.request_id,
    RequestLogAttemptRow.deployment_id,
    RequestLogAttemptRow.started_at,
    RequestLogAttemptRow.latency_ms,
    RequestLogAttemptRow.error_kind,
    RequestLogAttemptRow.retry_after_seconds,
    RequestLogAttemptRow.provider_latency_ms,
)
_SUBJECT = {
    "key": RequestLogRow.key_id,
    "team": RequestLogRow.team_id,
    "group": RequestLogRow.routing_group_id,
}


class SqlRequestLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, entries: list[RequestLogEntry]) -> None:
        if entries:
            rows = [{name: getattr(e, name) for name in _FIELDS} for e in entries]
            async with duplicate_key_as_domain_error():
                await self._session.execute(insert(RequestLogRow), rows)
            attempts = [row for e in entries for row in _attempt_rows(e)]
            if attempts:
                await self._session.execute(insert(RequestLogAttemptRow), attempts)

    async def page(
        self, query: RequestLogQuery, offset: int, limit: int
    ) -> tuple[list[RequestLogEntry], int]:
        where = _conditions(query)
        total = await self._session.scalar(
            select(func.count()).select_from(RequestLogRow).where(*where)
        )
        rows = await fetch_all(
            self._session,
            select(RequestLogRow)
            .where(*where)
            .order_by(RequestLogRow.started_at.desc(), RequestLogRow.request_id.desc())
            .offset(offset)
            .limit(limit),
        )
        return [_entry(row) for row in rows], int(total or 0)

    async def count(self, query: RequestLogQuery) -> int:
        total = await self._session.scalar(
            select(func.count()).select_from(RequestLogRow).where(*_conditions(query))
        )
        return int(total or 0)

    async def in_order(self, query: RequestLogQuery) -> list[RequestLogEntry]:
        columns = [getattr(RequestLogRow, name) for name in _FIELDS if name != "messages"]
        result = await self._session.execute(
            select(*columns)
            .where(*_conditions(query))
            .order_by(RequestLogRow.started_at, RequestLogRow.request_id)
        )
        return [
            RequestLogEntry(**dict(zip(_FIELDS_BUT_MESSAGES, row, strict=True)), messages=None)
            for row in result.all()
        ]

    async def attempts(
        self, query: RequestLogQuery, deployment_ids: Collection[str]
    ) -> list[LoggedAttempt]:
        if not deployment_ids:
            return []
        statement = (
            select(*_ATTEMPT_COLUMNS)
            .where(
                RequestLogAttemptRow.deployment_id.in_(list(deployment_ids)),
                *_attempt_scope(query),
            )
            .order_by(RequestLogAttemptRow.started_at)
        )
        if query.since is not None:
            statement = statement.where(RequestLogAttemptRow.started_at >= query.since)
        if query.until is not None:
            statement = statement.where(RequestLogAttemptRow.started_at < query.until)
        result = await self._session.execute(statement)
        return [LoggedAttempt(*row) for row in result.all()]

    async def attempts_nearest(
        self, query: RequestLogQuery, deployment_id: str, at: datetime, limit: int
    ) -> list[LoggedAttempt]:
        base = select(*_ATTEMPT_COLUMNS).where(
            RequestLogAttemptRow.deployment_id == deployment_id, *_attempt_scope(query)
        )
        before = await self._session.execute(
            base.where(RequestLogAttemptRow.started_at < at)
            .order_by(RequestLogAttemptRow.started_at.desc())
            .limit(limit)
        )
        after = await self._session.execute(
            base.where(RequestLogAttemptRow.started_at >= at)
            .order_by(RequestLogAttemptRow.started_at)
            .limit(limit)
        )
        found = [LoggedAttempt(*row) for row in [*before.all(), *after.all()]]
        found.sort(key=lambda a: abs((a.started_at - at).total_seconds()))
        return sorted(found[:limit], key=lambda a: a.started_at)

    async def spend(self, query: RequestLogQuery, by: str) -> list[SpendTotal]:
        subject = _SUBJECT[by]
        name = func.max(RequestLogRow.routing_group_name) if by == "group" else None
        columns: list[Any] = [
            subject,
            func.count(),
            func.sum(_failed()),
            func.coalesce(func.sum(RequestLogRow.prompt_tokens), 0),
            func.coalesce(func.sum(RequestLogRow.completion_tokens), 0),
            func.coalesce(func.sum(RequestLogRow.cost_usd), 0.0),
        ]
        if name is not None:
            columns.append(name)
        statement: Select[Any] = (
            select(*columns)
            .where(*_conditions(query))
            .group_by(subject)
            .order_by(func.sum(RequestLogRow.cost_usd).desc(), func.count().desc())
        )
        result = await self._session.execute(statement)
        return [
            SpendTotal(
                subject_id=row[0],
                subject_name=row[6] if name is not None else None,
                requests=int(row[1]),
                failures=int(row[2] or 0),
                prompt_tokens=int(row[3]),
                completion_tokens=int(row[4]),
                cost_usd=float(row[5]),
            )
            for row in result.all()
        ]

    async def delete_before(self, cutoff: datetime) -> int:
        await self._session.execute(
            delete(RequestLogAttemptRow).where(RequestLogAttemptRow.started_at < cutoff)
        )
        result = await self._session.execute(
            delete(RequestLogRow).where(RequestLogRow.started_at < cutoff)
        )
        return affected_rows(result)


def _failed() -> ColumnElement[int]:
    return case((RequestLogRow.success.is_(False), 1), else_=0)


def _conditions(query: RequestLogQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.group_id is not None:
        where.append(RequestLogRow.routing_group_id == query.group_id)
    if query.key_id is not None:
        where.append(RequestLogRow.key_id == query.key_id)
    if query.team_id is not None:
        where.append(RequestLogRow.team_id == query.team_id)
    if query.success is not None:
        where.append(RequestLogRow.success.is_(query.success))
    if query.deployment_id is not None:
        where.append(RequestLogRow.deployment_id == query.deployment_id)
    if query.since is not None:
        where.append(RequestLogRow.started_at >= query.since)
    if query.until is not None:
        where.append(RequestLogRow.started_at < query.until)
    return where


def _attempt_scope(query: RequestLogQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.key_id is not None:
        where.append(RequestLogAttemptRow.key_id == query.key_id)
    if query.team_id is not None:
        where.append(RequestLogAttemptRow.team_id == query.team_id)
    return where


def _attempt_rows(entry: RequestLogEntry) -> list[dict[str, Any]]:
    rows = []
    for index, attempt in enumerate(entry.attempts):
        offset_ms = attempt.get("startedAtMs") or 0.0
        rows.append(
            {
                "request_id": entry.request_id,
                "attempt_index": index,
                "started_at": entry.started_at + timedelta(milliseconds=offset_ms),
                "routing_group_id": entry.routing_group_id,
                "key_id": entry.key_id,
                "team_id": entry.team_id,
                "deployment_id": attempt["deploymentId"],
                "success": attempt.get("status") == "SUCCESS",
                "error_kind": attempt.get("errorKind"),
                "latency_ms": float(attempt.get("latencyMs") or 0.0),
                "retry_after_seconds": attempt.get("retryAfterSeconds"),
                "provider_latency_ms": attempt.get("providerLatencyMs"),
            }
        )
    return rows


def _entry(row: RequestLogRow) -> RequestLogEntry:
    return RequestLogEntry(**{name: getattr(row, name) for name in _FIELDS})
