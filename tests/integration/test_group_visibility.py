"""A group is callable on every instance the moment it is saved, not once its announcement
arrives: an instance that does not know a group yet reads it from the database and builds its
Router on the spot. Two instances on one database and no bus between them (the worst case)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.access_helpers import create_group, generate_key
from tests.support.graphql_client import GraphQLClient
from tests.support.server import MASTER_KEY, RunningServer, running_server
from tests.support.settings import demo_settings


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[RunningServer, RunningServer]]:
    # One database; only `a` imports the demo deployments.
    a_settings = demo_settings(tmp_path)
    b_settings = demo_settings(tmp_path, config_path=None)
    with running_server(a_settings) as a, running_server(b_settings) as b:
        yield a, b


def test_a_group_saved_on_one_instance_answers_at_once_on_another(
    two_instances: tuple[RunningServer, RunningServer],
) -> None:
    a, b = two_instances
    admin = GraphQLClient(a.base_url, MASTER_KEY)
    key_id, key = generate_key(admin, "fresh-key")
    create_group(admin, "just-saved", assignedKeyIds=[key_id])
    admin.close()
    with httpx.Client(base_url=b.base_url, timeout=30) as client:
        replies = [
            client.post(
                "/v1/chat/completions",
                json={"model": "just-saved", "messages": [{"role": "user", "content": "Hi"}]},
                headers={"authorization": f"Bearer {key}"},
            )
            for _ in range(3)
        ]
        assert [r.status_code for r in replies] == [200, 200, 200]
        unknown = client.post(
            "/v1/chat/completions",
            json={"model": "never-saved", "messages": [{"role": "user", "content": "Hi"}]},
            headers={"authorization": f"Bearer {key}"},
        )
        assert unknown.status_code == 404
