"""Two real server processes, one database, one Redis: one gateway.

A deployment cooled down through one instance is skipped by the other; an rpm limit holds for
both together; live traffic and health are the same whichever instance is asked; a key revoked
on one is refused by the other.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import yaml

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import create_group, create_team, generate_key, revoke_key
from tests.support.graphql_client import GraphQLClient
from tests.support.processes import ServerProcess, server_process
from tests.support.server import MASTER_KEY
from tests.support.ws_client import GraphQLWebSocket

REDIS = os.environ.get("TEST_REDIS_URL")
POSTGRES = os.environ.get("TEST_POSTGRES_URL")
HELLO = [{"role": "user", "content": "Hello"}]
pytestmark = pytest.mark.skipif(REDIS is None, reason="needs TEST_REDIS_URL (set by .ci/run)")

# Deployments on the fake provider; each test uses its own, so shared state never leaks
# between tests. `limited` and `overflow` answer, `busy*` always answer 429.
DEPLOYMENTS = {
    "busy-shared": ("busy-shared-model", None),
    "calm-shared": ("calm-model", None),
    "busy-live": ("busy-live-model", None),
    "calm-live": ("calm-model", None),
    "limited": ("limited-model", 10),
    "overflow": ("overflow-model", None),
    "calm-keys": ("calm-model", None),
    "calm-limits": ("calm-model", None),
}
HEALTH = """
query($id: ID!) { routingGroup(id: $id) { health {
  deploymentId coolingDown cooldownEndsAt rpmUsed tpmUsed
  requestsLastMinute failuresLastMinute p50LatencyMs } } }"""
LIVE = """
subscription($id: ID!) { liveTraffic(routingGroupId: $id) {
  __typename
  ... on LiveTrafficBatch { routingGroupId requests {
      success finalDeploymentId finishedAtMs startedAtMs
      latencyMs attempts { deploymentId status errorKind } skipped { deploymentId reason } } }
  ... on NotFoundError { message }
} }"""


@dataclass
class Fleet:
    a: ServerProcess
    b: ServerProcess
    provider: FakeOpenAIServer
    admin: GraphQLClient  # on instance A
    admin_b: GraphQLClient


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    assert REDIS is not None
    try:
        redis.Redis.from_url(REDIS, socket_timeout=5).ping()
    except redis.RedisError as error:
        pytest.fail(f"TEST_REDIS_URL={REDIS} is set but Redis cannot be reached: {error!r}")
    tmp = tmp_path_factory.mktemp("fleet")
    with FakeOpenAIServer() as provider:
        for model_id, (model, _) in DEPLOYMENTS.items():
            if model_id.startswith("busy"):
                provider.answer(model, status=429)
        config = tmp / "config.yaml"
        config.write_text(yaml.safe_dump({"model_list": _model_list(provider)}))
        env = {
            "DATABASE_URL": _database_url(tmp),
            "REDIS_URL": REDIS,
            "REDIS_NAMESPACE": f"rg-test-{uuid.uuid4().hex[:8]}",
            "MASTER_KEY": MASTER_KEY,
            "SEED_GROUPS": "false",
            "UI_DIST": str(tmp / "no-ui"),
            "LOG_LEVEL": "WARNING",
        }
        with (
            server_process(env, tmp / "a.log", "--config", str(config)) as a,
            server_process(env, tmp / "b.log", "--config", str(config)) as b,
        ):
            admin, admin_b = (
                GraphQLClient(a.base_url, MASTER_KEY),
                GraphQLClient(b.base_url, MASTER_KEY),
            )
            yield Fleet(a, b, provider, admin, admin_b)
            admin.close()
            admin_b.close()


def _model_list(provider: FakeOpenAIServer) -> list[dict[str, Any]]:
    return [
        {
            "model_name": model_id,
            "litellm_params": {
                "model": f"openai/{model}",
                "api_base": provider.base_url,
                "api_key": "sk-provider",
                "input_cost_per_token": 1e-6,
                "output_cost_per_token": 2e-6,
                **({"rpm": rpm} if rpm else {}),
            },
            "model_info": {"id": model_id},
        }
        for model_id, (model, rpm) in DEPLOYMENTS.items()
    ]


def _database_url(tmp: Path) -> str:
    if not POSTGRES:
        return f"sqlite+aiosqlite:///{tmp / 'shared.db'}"
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES)
    name = f"rg_fleet_{uuid.uuid4().hex[:12]}"
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)

    async def create() -> None:
        connection = await asyncpg.connect(dsn, timeout=10)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    try:
        asyncio.run(create())
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        pytest.fail(f"TEST_POSTGRES_URL is set but unusable: {error!r}", pytrace=False)
    return server.set(database=name).render_as_string(hide_password=False)


def _chat(server: ServerProcess, model: str, key: str = MASTER_KEY) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/v1/chat/completions",
        json={"model": model, "messages": HELLO},
        headers={"authorization": f"Bearer {key}"},
        timeout=30,
    )


def _group(fleet: Fleet, name: str, **settings: Any) -> str:
    return create_group(fleet.admin, name, **settings)


def _until(check: Callable[[], Any], timeout: float, every: float = 0.05) -> Any:
    """`check()` once it returns something truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {check}")
        time.sleep(every)


def _routable_on_both(fleet: Fleet, name: str) -> None:
    for server in (fleet.a, fleet.b):
        _until(lambda s=server: _chat(s, name).status_code != 404, timeout=10, every=0.1)  # type: ignore[misc]


def _health(client: GraphQLClient, group_id: str) -> dict[str, dict[str, Any]]:
    rows = client(HEALTH, {"id": group_id})["routingGroup"]["health"]
    return {row["deploymentId"]: row for row in rows}


def test_a_deployment_cooled_down_through_a_is_skipped_by_b(fleet: Fleet) -> None:
    gid = _group(
        fleet,
        "shared-cooldown",
        deployments=[
            {"modelId": "busy-shared", "priority": 1},
            {"modelId": "calm-shared", "priority": 2},
        ],
        cooldownConfig={"allowedFails": 0, "cooldownTimeSeconds": 60},
    )
    _until(lambda: gid in {g["routingGroupId"] for g in _groups(fleet.admin_b)}, timeout=5)

    first = _chat(fleet.a, "shared-cooldown")
    assert first.status_code == 200 and first.headers["x-litellm-model-id"] == "calm-shared"
    assert fleet.provider.calls["busy-shared-model"] == 1, "the 429 came from the provider"

    # B's very next request goes straight to the second tier: B never calls the cooled one.
    second = _chat(fleet.b, "shared-cooldown")
    assert second.status_code == 200 and second.headers["x-litellm-model-id"] == "calm-shared"
    assert fleet.provider.calls["busy-shared-model"] == 1

    def health_agrees() -> dict[str, dict[str, Any]] | None:
        on_a, on_b = _health(fleet.admin, gid), _health(fleet.admin_b, gid)
        settled = on_a["calm-shared"]["requestsLastMinute"] == 2
        return on_a if on_a == on_b and settled else None

    health = _until(health_agrees, timeout=5)
    busy, calm = health["busy-shared"], health["calm-shared"]
    assert busy["coolingDown"] is True and calm["coolingDown"] is False
    ends = datetime.fromisoformat(busy["cooldownEndsAt"])
    assert 30 < (ends - datetime.now(UTC)).total_seconds() <= 60
    assert (busy["requestsLastMinute"], busy["failuresLastMinute"]) == (1, 1)
    assert (calm["requestsLastMinute"], calm["failuresLastMinute"]) == (2, 0)
    assert calm["rpmUsed"] is None, "litellm counts usage only for deployments with a limit"
    assert calm["p50LatencyMs"] > 0 and busy["p50LatencyMs"] is None


def test_an_rpm_limit_holds_for_both_instances_together(fleet: Fleet) -> None:
    gid = _group(
        fleet,
        "metered",
        routingStrategy="USAGE_BASED",
        deployments=[{"modelId": "limited"}, {"modelId": "overflow"}],
    )
    _routable_on_both(fleet, "metered")
    _wait_for_a_fresh_minute(needed_seconds=15)
    served_before = fleet.provider.calls["limited-model"]
    answers = []
    for n in range(30):
        reply = _chat(fleet.a if n % 2 == 0 else fleet.b, "metered")
        assert reply.status_code == 200, reply.text
        answers.append(reply.headers["x-litellm-model-id"])
        # litellm adds each instance's rpm counts to Redis every 0.1 s (usage-based routing's
        # batched sync): requests closer together than that on two instances can both pass.
        time.sleep(0.2)
    limited = answers.count("limited")
    # litellm's usage-based selection leaves a deployment out once usage + 1 >= rpm, so it
    # serves rpm - 1 = 9 requests a minute through selection (its own off-by-one); its pre-call
    # check alone would allow 10. Either way: never more than the limit across both.
    assert 9 <= limited <= 10, answers
    assert fleet.provider.calls["limited-model"] - served_before == limited
    assert answers.count("overflow") == 30 - limited

    seen: list[tuple[int | None, int | None]] = []

    def usage_agrees() -> int | None:
        on_a = _health(fleet.admin, gid)["limited"]["rpmUsed"]
        on_b = _health(fleet.admin_b, gid)["limited"]["rpmUsed"]
        seen.append((on_a, on_b))
        return on_a if on_a == on_b and on_a is not None and on_a >= limited else None

    # litellm's counter also counts the requests its pre-call check refused on the way.
    assert limited <= _until(usage_agrees, timeout=5) <= 10 + 1, seen[-3:]


def test_live_traffic_on_b_streams_the_requests_a_served_in_order(fleet: Fleet) -> None:
    gid = _group(
        fleet,
        "watched-live",
        deployments=[
            {"modelId": "busy-live", "priority": 1},
            {"modelId": "calm-live", "priority": 2},
        ],
        cooldownConfig={"allowedFails": 0, "cooldownTimeSeconds": 60},
    )
    _until(lambda: gid in {g["routingGroupId"] for g in _groups(fleet.admin_b)}, timeout=5)

    async def watch_on_b() -> list[dict[str, Any]]:
        socket = await GraphQLWebSocket.open(fleet.b.ws_url, MASTER_KEY)
        assert await socket.acknowledged()
        await socket.subscribe(LIVE, {"id": gid})
        seen: list[dict[str, Any]] = []
        sent = False
        async for message in socket.messages():
            batch = message["payload"]["data"]["liveTraffic"]
            assert batch["__typename"] == "LiveTrafficBatch" and batch["routingGroupId"] == gid
            seen.extend(batch["requests"])
            if not sent:  # the first (empty) batch: the subscription is in place
                await asyncio.to_thread(lambda: [_chat(fleet.a, "watched-live") for _ in range(5)])
                sent = True
            if len(seen) >= 5:
                break
        await socket.close()
        return seen

    seen = asyncio.run(asyncio.wait_for(watch_on_b(), timeout=60))
    assert len(seen) == 5
    finished = [r["finishedAtMs"] for r in seen]
    assert finished == sorted(finished), "in the order A finished them"
    assert all(1.7e12 < r["startedAtMs"] <= r["finishedAtMs"] for r in seen), "epoch ms"
    paths = [[(a["deploymentId"], a["status"]) for a in r["attempts"]] for r in seen]
    assert paths[0] == [("busy-live", "ERROR"), ("calm-live", "SUCCESS")]
    assert seen[0]["attempts"][0]["errorKind"] == "RATE_LIMIT"
    # After the 429 the first tier cools down: no attempt on it, the request goes to tier 2.
    assert paths[1:] == [[("calm-live", "SUCCESS")]] * 4
    assert seen[0]["skipped"] == []
    assert [r["skipped"] for r in seen[1:]] == [
        [{"deploymentId": "busy-live", "reason": "cooldown"}]
    ] * 4
    assert all(r["success"] and r["finalDeploymentId"] == "calm-live" for r in seen)


def test_a_key_revoked_on_a_is_refused_by_b_within_a_second(fleet: Fleet) -> None:
    key_id, key = generate_key(fleet.admin, "short-lived")
    _group(
        fleet,
        "keyed",
        deployments=[{"modelId": "calm-keys", "priority": 1}],
        assignedKeyIds=[key_id],
    )
    _until(lambda: _chat(fleet.b, "keyed", key).status_code == 200, timeout=10, every=0.1)
    revoke_key(fleet.admin, key_id)
    refused = _until(
        lambda: _chat(fleet.b, "keyed", key).status_code == 401, timeout=1.0, every=0.02
    )
    assert refused


def test_a_teams_keys_stop_on_b_within_a_second_of_deleting_the_team_on_a(fleet: Fleet) -> None:
    # Issue 20, item E: they kept working on both instances until the key cache expired
    # (164 answers of 200 over 58.8 s after the team's row was gone).
    team = create_team(fleet.admin, "short-lived-team")
    by_team_id, by_team = generate_key(fleet.admin, "by-team", team)
    named_id, named = generate_key(fleet.admin, "named", team)
    _group(
        fleet,
        "team-keyed",
        deployments=[{"modelId": "calm-keys", "priority": 1}],
        assignedTeamIds=[team],
        assignedKeyIds=[named_id],
    )
    for key in (by_team, named):
        _until(lambda k=key: _chat(fleet.b, "team-keyed", k).status_code == 200, timeout=10)  # type: ignore[misc]
    answer = fleet.admin(
        "mutation($t: ID!) { deleteTeam(teamId: $t) { ... on DeleteTeamSuccess { "
        "accessChange { keyIds everyInstanceTold } } } }",
        {"t": team},
    )["deleteTeam"]["accessChange"]
    assert sorted(answer["keyIds"]) == sorted([by_team_id, named_id])
    assert answer["everyInstanceTold"] is True
    for key in (by_team, named):
        refused = _until(
            lambda k=key: _chat(fleet.b, "team-keyed", k).status_code == 401,  # type: ignore[misc]
            timeout=1.0,
            every=0.02,
        )
        assert refused


def test_a_deleted_key_stops_on_b_within_a_second(fleet: Fleet) -> None:
    key_id, key = generate_key(fleet.admin, "deleted-soon")
    _group(
        fleet,
        "key-deleted",
        deployments=[{"modelId": "calm-keys", "priority": 1}],
        assignedKeyIds=[key_id],
    )
    _until(lambda: _chat(fleet.b, "key-deleted", key).status_code == 200, timeout=10, every=0.1)
    fleet.admin("mutation($k: ID!) { deleteKey(keyId: $k) { __typename } }", {"k": key_id})
    refused = _until(
        lambda: _chat(fleet.b, "key-deleted", key).status_code == 401, timeout=1.0, every=0.02
    )
    assert refused


def _limited_group(fleet: Fleet, name: str, **access: Any) -> None:
    _group(fleet, name, deployments=[{"modelId": "calm-limits", "priority": 1}], **access)
    _routable_on_both(fleet, name)  # with the master key: no limit counts these


def test_a_keys_rpm_limit_admits_its_limit_across_both_instances(fleet: Fleet) -> None:
    key_id, key = generate_key(fleet.admin, "rpm-ten", rpmLimit=10)
    _limited_group(fleet, "rpm-ten-group", assignedKeyIds=[key_id])
    replies = [_chat(fleet.a if n % 2 == 0 else fleet.b, "rpm-ten-group", key) for n in range(20)]
    statuses = [reply.status_code for reply in replies]
    # One window for the key, wherever the request lands: the first ten, then 429s.
    assert statuses == [200] * 10 + [429] * 10, statuses
    for refused in replies[10:12]:  # both instances answer the same way
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["error"]["type"] == "rate_limit_error"


def test_concurrent_calls_on_both_instances_admit_exactly_the_limit(fleet: Fleet) -> None:
    key_id, key = generate_key(fleet.admin, "rpm-burst", rpmLimit=10)
    _limited_group(fleet, "rpm-burst-group", assignedKeyIds=[key_id])
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(
            pool.map(
                lambda n: _chat(fleet.a if n % 2 == 0 else fleet.b, "rpm-burst-group", key),
                range(40),
            )
        )
    # Admission is one atomic step in Redis: no tolerance, exactly the limit gets through.
    assert Counter(r.status_code for r in statuses) == {200: 10, 429: 30}


def test_a_teams_rpm_limit_binds_its_keys_on_both_instances(fleet: Fleet) -> None:
    team = create_team(fleet.admin, "rpm-team", rpmLimit=6)
    _, first = generate_key(fleet.admin, "team-first", team)
    _, second = generate_key(fleet.admin, "team-second", team, rpmLimit=100)
    _limited_group(fleet, "rpm-team-group", assignedTeamIds=[team])
    statuses = [
        _chat(fleet.a if n % 2 == 0 else fleet.b, "rpm-team-group", (first, second)[n // 2 % 2])
        for n in range(12)
    ]
    assert [s.status_code for s in statuses] == [200] * 6 + [429] * 6


def test_a_keys_tpm_limit_counts_tokens_answered_by_either_instance(fleet: Fleet) -> None:
    key_id, key = generate_key(fleet.admin, "tpm-twenty", tpmLimit=20)
    _limited_group(fleet, "tpm-group", assignedKeyIds=[key_id])
    statuses = []
    for n in range(4):  # the fake provider answers 10 tokens a call
        statuses.append(_chat(fleet.a if n % 2 == 0 else fleet.b, "tpm-group", key).status_code)
        # Tokens are charged once a request has finished, off the response's path; the write
        # lands within milliseconds.
        time.sleep(0.1)
    assert statuses == [200, 200, 429, 429]


def _groups(client: GraphQLClient) -> list[dict[str, Any]]:
    data = client("{ routingGroups(size: 100) { items { routingGroupId } } }")
    items: list[dict[str, Any]] = data["routingGroups"]["items"]
    return items


def _wait_for_a_fresh_minute(needed_seconds: float) -> None:
    """rpm counters are per UTC minute: start where the whole run fits in one."""
    second = datetime.now(UTC).second + datetime.now(UTC).microsecond / 1e6
    if second > 60 - needed_seconds:
        time.sleep(60 - second + 0.5)
