"""Two real server processes on one PostgreSQL and one Redis: the request log, /metrics and the
key cache behave as one gateway."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.access_helpers import create_group, generate_key, revoke_key
from tests.support.graphql_client import GraphQLClient
from tests.support.polling import eventually
from tests.support.processes import ServerProcess, server_process
from tests.support.server import MASTER_KEY
from tests.support.stack import DEMO_CONFIG

REDIS = os.environ.get("TEST_REDIS_URL")
POSTGRES = os.environ.get("TEST_POSTGRES_URL")
pytestmark = [pytest.mark.redis, pytest.mark.postgres]
CALLS = 500
LOG_PAGE = """query($f: RequestLogFilter, $p: Int!, $s: Int!) {
  requestLog(filter: $f, page: $p, size: $s) { total items { requestId routingGroupName
    keyId deploymentId success statusCode attempts { deploymentId status } messagesJson } } }"""


@pytest.fixture
def two_instances(
    postgres_database_url: str, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    assert REDIS is not None
    env = {
        "DATABASE_URL": postgres_database_url,
        "REDIS_URL": REDIS,
        "REDIS_NAMESPACE": f"rl-{time.monotonic_ns()}",
        "SEED_GROUPS": "false",
        "LOG_MESSAGES": "true",
        "MASTER_KEY": MASTER_KEY,
        "LOG_LEVEL": "WARNING",
    }
    config = ("--config", str(DEMO_CONFIG))
    with (
        server_process(env, tmp_path / "a.log", *config) as a,
        server_process(env, tmp_path / "b.log", *config) as b,
    ):
        yield a, b


def _all_rows(admin: GraphQLClient, group_id: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    page = 1
    while True:
        data = admin(LOG_PAGE, {"f": {"routingGroupId": group_id}, "p": page, "s": 200})
        rows += data["requestLog"]["items"]
        if len(rows) >= data["requestLog"]["total"]:
            return rows
        page += 1


def _wait_for_total(admin: GraphQLClient, group_id: str, total: int) -> None:
    def logged() -> bool:
        data = admin(LOG_PAGE, {"f": {"routingGroupId": group_id}, "p": 1, "s": 1})
        return bool(data["requestLog"]["total"] >= total)

    eventually(logged, timeout=30, every=0.2)


async def _call_concurrently(servers: list[ServerProcess], key: str, group: str) -> list[int]:
    # No keep-alive: a pooled connection the server closes as it idles would fail a call.
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def call(n: int) -> int:
            server = servers[n % len(servers)]
            body = {"model": group, "messages": [{"role": "user", "content": f"request-{n}"}]}
            answer = await client.post(
                f"{server.base_url}/v1/chat/completions",
                json=body,
                headers={"Authorization": f"Bearer {key}"},
            )
            return answer.status_code

        return await asyncio.gather(*(call(n) for n in range(CALLS)))


def _counter(text: str, name: str) -> Counter[tuple[str, ...]]:
    found: Counter[tuple[str, ...]] = Counter()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                labels = tuple(sorted(sample.labels.items()))
                found[tuple(f"{k}={v}" for k, v in labels)] += int(sample.value)
    return found


def test_every_request_is_logged_exactly_once_and_metrics_agree(
    two_instances: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_instances
    admin = GraphQLClient(a.base_url, MASTER_KEY)
    key_id, key = generate_key(admin, "load")
    group_id = create_group(
        admin,
        "logged",
        routingStrategy="SIMPLE_SHUFFLE",
        deployments=[{"modelId": "nebius-llama-3.3-70b"}, {"modelId": "fireworks-llama-v3p3-70b"}],
        assignedKeyIds=[key_id],
    )
    # No wait for B: an instance that has not heard of the group yet builds its Router from the
    # database on the first request.
    statuses = asyncio.run(_call_concurrently([a, b], key, "logged"))
    assert Counter(statuses) == {200: CALLS}

    _wait_for_total(admin, group_id, CALLS)
    rows = _all_rows(admin, group_id)
    contents = Counter(
        json.loads(str(row["messagesJson"]))["request"][0]["content"] for row in rows
    )
    assert contents == {f"request-{n}": 1 for n in range(CALLS)}  # each once, none missing
    assert {row["keyId"] for row in rows} == {key_id}
    assert all(row["success"] and row["statusCode"] == 200 for row in rows)

    # /metrics of both instances, added up, count what the log holds.
    texts = [
        httpx.get(f"{s.base_url}/metrics", headers={"Authorization": f"Bearer {MASTER_KEY}"}).text
        for s in (a, b)
    ]
    requests = sum((_counter(t, "routing_groups_requests_total") for t in texts), Counter())
    assert requests == {("group=logged", "status=success"): CALLS}
    attempts = sum((_counter(t, "routing_groups_attempts_total") for t in texts), Counter())
    logged_attempts: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        for attempt in row["attempts"]:  # type: ignore[attr-defined]
            status = "success" if attempt["status"] == "SUCCESS" else "failure"
            logged_attempts[
                (f"deployment={attempt['deploymentId']}", "group=logged", f"status={status}")
            ] += 1
    assert attempts == logged_attempts
    assert all(key_id not in t and key not in t for t in texts)  # no key ids, no secrets
    admin.close()


def test_a_key_revoked_on_one_instance_is_refused_by_the_other_within_a_second(
    two_instances: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_instances
    admin = GraphQLClient(a.base_url, MASTER_KEY)
    key_id, key = generate_key(admin, "soon-revoked")
    create_group(admin, "guarded", assignedKeyIds=[key_id])
    body = {"model": "guarded", "messages": [{"role": "user", "content": "hi"}]}
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(3):  # B has the key in its cache now
        assert httpx.post(
            f"{b.base_url}/v1/chat/completions", json=body, headers=headers
        ).is_success

    revoke_key(admin, key_id)
    revoked_at = time.monotonic()
    while True:
        status = httpx.post(f"{b.base_url}/v1/chat/completions", json=body, headers=headers)
        if status.status_code == 401:
            break
        assert time.monotonic() - revoked_at < 1.0, "B still accepts a key revoked on A"
        time.sleep(0.02)
    admin.close()
