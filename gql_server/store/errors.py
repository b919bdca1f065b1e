"""Turns the drivers' unique-violation errors into `ports.DuplicateKey(public field name)`, and
an unreachable database into `ports.StoreUnavailable` where a caller answers that with 503."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError

from gql_server.services.ports import DuplicateKey, StoreUnavailable
from gql_server.store.tables import Base

# The public (GraphQL) name of each unique column.
PUBLIC_FIELD = {
    "model_id": "modelId",
    "routing_group_id": "routingGroupId",
    "routing_group_name": "routingGroupName",
    "revision_id": "revisionId",
    "team_id": "teamId",
    "team_alias": "teamAlias",
    "key_id": "keyId",
    "key_hash": "keyHash",
    "simulation_id": "simulationId",
    "request_id": "requestId",
}

# SQLite names the column: "UNIQUE constraint failed: teams.team_alias".
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: [\w\"]+\.(\w+)")
# PostgreSQL names the index: 'duplicate key value violates unique constraint "teams_pkey"'.
_POSTGRES_UNIQUE = re.compile(r'duplicate key value violates unique constraint "([^"]+)"')


def _unique_index_columns() -> dict[str, str]:
    """Index or primary-key name -> its (first) column, from the declared tables."""
    columns: dict[str, str] = {}
    for table in Base.metadata.tables.values():
        primary_key = table.primary_key
        if primary_key.name:
            columns[str(primary_key.name)] = primary_key.columns.values()[0].name
        for index in table.indexes:
            if index.unique and index.name:
                columns[str(index.name)] = index.columns.values()[0].name
    return columns


_COLUMN_OF_INDEX = _unique_index_columns()


def duplicated_column(error: IntegrityError) -> str | None:
    message = str(error.orig)
    if match := _SQLITE_UNIQUE.search(message):
        return match.group(1)
    if match := _POSTGRES_UNIQUE.search(message):
        return _COLUMN_OF_INDEX.get(match.group(1))
    return None


@asynccontextmanager
async def duplicate_key_as_domain_error() -> AsyncIterator[None]:
    """Re-raise a unique violation as DuplicateKey; other integrity errors pass unchanged.

    The transaction is unusable afterwards (PostgreSQL aborts it): the caller's unit of work
    must end, which rolls it back.
    """
    try:
        yield
    except IntegrityError as error:
        column = duplicated_column(error)
        if column is None:
            raise
        raise DuplicateKey(PUBLIC_FIELD.get(column, column)) from error


@asynccontextmanager
async def unreachable_as_store_unavailable() -> AsyncIterator[None]:
    """Re-raise a failure to reach the database (the driver's connection and operational
    errors, refused or timed-out connections) as StoreUnavailable, the cause chained."""
    try:
        yield
    except IntegrityError:
        raise
    except (DBAPIError, OSError, TimeoutError) as error:
        raise StoreUnavailable(type(error).__name__) from error
