"""Persistence: SQLAlchemy (asyncio) on SQLite or PostgreSQL, implementing
`gql_server.services.ports`. Run `upgrade_to_head(url)` once at start-up, then make units of
work with `Database.from_url(url).uow_factory()`.
"""

from gql_server.store.database import Database, create_engine_for
from gql_server.store.migrate import downgrade_to_base, upgrade_to_head
from gql_server.store.unit_of_work import SqlUnitOfWork

__all__ = [
    "Database",
    "SqlUnitOfWork",
    "create_engine_for",
    "downgrade_to_base",
    "upgrade_to_head",
]
