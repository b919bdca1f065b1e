"""Reads that never hand back a stale row.

Writes go through SQL statements, not the ORM's change tracking, so a row object already in
the session's identity map would keep its old values; `populate_existing` refreshes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result, Select
from sqlalchemy.ext.asyncio import AsyncSession

RowT = TypeVar("RowT")


async def fetch_all(session: AsyncSession, query: Select[RowT]) -> Sequence[RowT]:
    result = await session.scalars(query.execution_options(populate_existing=True))
    return result.all()


async def fetch_one(session: AsyncSession, query: Select[RowT]) -> RowT | None:
    result = await session.scalars(query.execution_options(populate_existing=True))
    return result.one_or_none()


def affected_rows(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (the session types every result as plain Result)."""
    return cast("CursorResult[Any]", result).rowcount
