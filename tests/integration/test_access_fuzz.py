"""500 generated operations with a team key: no 5xx, and nothing of another team's comes back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from schema.export import sdl
from tests.integration.access_helpers import create_group, create_team, generate_key
from tests.support.graphql_client import GraphQLClient
from tests.support.server import MASTER_KEY, running_server
from tests.support.settings import demo_settings

SCHEMA = sdl()
# Subscriptions run over websockets; over HTTP the fuzzer sends queries and mutations.
# Input DateTimes (replay windows, startAt): ISO 8601 strings, as clients send them.
DATETIMES = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
).map(lambda moment: nodes.String(moment.isoformat()))
OPERATIONS = from_schema(SCHEMA, fields=None, custom_scalars={"DateTime": DATETIMES}).filter(
    lambda q: not str(q).lstrip().startswith("subscription")
)


class World:
    client: httpx.Client
    secrets: list[str]


WORLD = World()


@pytest.fixture(scope="module", autouse=True)
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    with running_server(demo_settings(tmp)) as server:
        admin = GraphQLClient(server.base_url, server.master_key)
        red, blue = create_team(admin, "red"), create_team(admin, "blue")
        _, red_key = generate_key(admin, "red-key", red)
        blue_key_id, blue_key = generate_key(admin, "blue-key", blue)
        blue_group = create_group(admin, "blue-secret-group", assignedTeamIds=[blue])
        create_group(admin, "red-group", assignedTeamIds=[red])
        WORLD.secrets = [blue, blue_key_id, blue_key, blue_group, "blue-secret-group", MASTER_KEY]
        WORLD.client = httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {red_key}"}, timeout=30
        )
        yield
        WORLD.client.close()
        admin.close()


@seed(20261127)
@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(query=OPERATIONS)
def test_generated_operations_never_fail_the_server_or_leak(query: object) -> None:
    response = WORLD.client.post("/graphql", json={"query": str(query)})
    assert response.status_code < 500, response.text
    for secret in WORLD.secrets:
        assert secret not in response.text, f"{secret!r} leaked for query {query}"
