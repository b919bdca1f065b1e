"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine


class UtcDateTime(TypeDecorator[datetime]):
    """`timestamptz` on PostgreSQL; on SQLite, which keeps no zone, a UTC wall-clock string.

    Values always come back timezone-aware in UTC so that code never compares naive and aware
    datetimes; a naive value written in is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_type() -> TypeEngine[Any]:
    """JSON text on SQLite, `jsonb` on PostgreSQL (what Prisma's `Json` is there).

    A Python None is written as SQL NULL, never as the JSON literal `null`, so `IS NULL` and
    Prisma's `Json?` agree with what the code stored.
    """
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
