"""Alembic environment and revisions; run them with `gql_server.store.upgrade_to_head`."""
