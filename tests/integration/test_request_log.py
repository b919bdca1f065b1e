"""The request log on one instance: content stays out by default, retention, queries, spend."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from gql_server.auth import Principal, master_principal
from gql_server.services.ports import RequestLogEntry, RequestLogQuery
from gql_server.services.request_log import RequestLogService
from gql_server.store import Database
from tests.integration.access_helpers import create_group, generate_key
from tests.support.graphql_client import GraphQLClient
from tests.support.server import running_server
from tests.support.settings import DATABASE_FILE, demo_settings

LOG = """query($f: RequestLogFilter, $p: Int, $s: Int) { requestLog(filter: $f, page: $p, size: $s)
  { total page size items { requestId keyId deploymentId success messagesJson } } }"""
SPEND = """query($by: SpendGroupBy!) { spend(groupBy: $by)
  { groupBy id name requests failures promptTokens completionTokens costUsd } }"""


def _entry(request_id: str, started_at: datetime, **changes: object) -> RequestLogEntry:
    fields: dict[str, object] = {
        "request_id": request_id,
        "started_at": started_at,
        "routing_group_id": "g1",
        "routing_group_name": "group-one",
        "key_id": "k1",
        "team_id": "t1",
        "deployment_id": "d1",
        "success": True,
        "status_code": 200,
        "attempts": [{"deploymentId": "d1", "status": "SUCCESS"}],
        "latency_ms": 12.5,
        "prompt_tokens": 10,
        "completion_tokens": 20,
        "cost_usd": 0.001,
        "streamed": False,
        "error_message": None,
        "messages": None,
    }
    return RequestLogEntry(**(fields | changes))  # type: ignore[arg-type]


async def test_retention_deletes_rows_older_than_the_period(database: Database) -> None:
    service = RequestLogService(database.uow_factory(), retention=timedelta(days=7))
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    async with database.uow_factory()() as uow:
        await uow.request_log.add_many(
            [
                _entry("old", now - timedelta(days=8)),
                _entry("edge", now - timedelta(days=7, seconds=1)),
                _entry("recent", now - timedelta(days=6, hours=23)),
                _entry("today", now - timedelta(minutes=1)),
            ]
        )
        await uow.commit()
    assert await service.delete_expired(now) == 2
    page = await service.page(master_principal(), RequestLogQuery(), 1, 10)
    assert [e.request_id for e in page.items] == ["today", "recent"]


async def test_filters_pagination_and_spend(database: Database) -> None:
    service = RequestLogService(database.uow_factory())
    base = datetime(2026, 11, 28, 12, tzinfo=UTC)
    entries = [
        _entry(f"r{n}", base + timedelta(seconds=n), key_id="k1" if n % 2 else "k2")
        for n in range(7)
    ]
    entries.append(
        _entry("bad", base + timedelta(seconds=9), success=False, deployment_id=None, cost_usd=0.0)
    )
    async with database.uow_factory()() as uow:
        await uow.request_log.add_many(entries)
        await uow.commit()
    admin = master_principal()
    first = await service.page(admin, RequestLogQuery(), 1, 3)
    second = await service.page(admin, RequestLogQuery(), 2, 3)
    assert first.total == 8
    assert [e.request_id for e in first.items + second.items] == [
        "bad",
        "r6",
        "r5",
        "r4",
        "r3",
        "r2",
    ]
    failed = await service.page(admin, RequestLogQuery(success=False), 1, 10)
    assert [e.request_id for e in failed.items] == ["bad"]
    window = RequestLogQuery(since=base + timedelta(seconds=2), until=base + timedelta(seconds=4))
    assert [e.request_id for e in (await service.page(admin, window, 1, 10)).items] == ["r3", "r2"]
    by_deployment = await service.page(admin, RequestLogQuery(deployment_id="d1"), 1, 10)
    assert by_deployment.total == 7

    # A key sees only its own requests, whatever it filters on.
    k2 = Principal(identity="key:k2", is_admin=False, key_id="k2", team_id="t1")
    mine = await service.page(k2, RequestLogQuery(key_id="k1"), 1, 10)
    assert {e.key_id for e in mine.items} == {"k2"}

    spend = {t.subject_id: t for t in await service.spend(admin, RequestLogQuery(), "key")}
    assert spend["k1"].requests == 4  # r1 r3 r5 + "bad" (key k1 by default)
    assert spend["k1"].failures == 1
    assert spend["k2"].requests == 4
    assert abs(spend["k2"].cost_usd - 0.004) < 1e-12
    groups = await service.spend(admin, RequestLogQuery(), "group")
    assert [(g.subject_id, g.subject_name, g.requests) for g in groups] == [("g1", "group-one", 8)]


def test_message_content_is_not_stored_unless_enabled(tmp_path: Path) -> None:
    with running_server(demo_settings(tmp_path)) as server:
        admin = GraphQLClient(server.base_url, server.master_key)
        key_id, key = generate_key(admin, "private")
        create_group(admin, "quiet", assignedKeyIds=[key_id])
        secret = "my password is hunter2"
        answer = httpx.post(
            f"{server.base_url}/v1/chat/completions",
            json={"model": "quiet", "messages": [{"role": "user", "content": secret}]},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert answer.status_code == 200
        deadline = time.monotonic() + 10
        while (rows := admin(LOG, {})["requestLog"])["total"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert rows["items"][0]["keyId"] == key_id
        assert rows["items"][0]["messagesJson"] is None
        spend = admin(SPEND, {"by": "KEY"})["spend"]
        assert [(s["id"], s["name"], s["requests"]) for s in spend] == [(key_id, "private", 1)]
        admin.close()
    raw = (tmp_path / DATABASE_FILE).read_bytes()
    assert b"hunter2" not in raw
