"""testRoutingGroup and simulateTraffic through `schema.execute` / `schema.subscribe`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from gql_server.auth import Principal
from tests.support.operations import CREATE, SIMULATE, TEST, failover_input
from tests.support.stack import SchemaClient

NEBIUS, FIREWORKS, AZURE = "nebius-llama-3.3-70b", "fireworks-llama-v3p3-70b", "azure-gpt-4o"


async def _group(gql: SchemaClient, **overrides: Any) -> str:
    created = (await gql.execute(CREATE, input=failover_input(**overrides)))["createRoutingGroup"]
    return str(created["routingGroupId"])


async def test_one_request_shows_its_path(gql: SchemaClient) -> None:
    gid = await _group(gql)
    failing = [{"modelId": NEBIUS, "failureRate": 1.0, "errorKind": "RATE_LIMIT"}]
    result = (await gql.execute(TEST, id=gid, mock=True, failures=failing))["testRoutingGroup"]
    assert result["__typename"] == "RoutingGroupTestResult"
    assert result["success"] is True
    assert result["finalProvider"] == "fireworks_ai"
    assert [t["deploymentId"] for t in result["traces"]] == [NEBIUS, FIREWORKS]
    first, second = result["traces"]
    assert (first["status"], first["errorKind"]) == ("ERROR", "RATE_LIMIT")
    assert (second["status"], second["wasFallback"], second["fallbackDepth"]) == (
        "SUCCESS",
        True,
        1,
    )
    assert result["responseText"] == "Hello from Fireworks AI (mock)."


async def test_a_test_request_never_cools_down_the_live_router(gql: SchemaClient) -> None:
    gid = await _group(gql, cooldownConfig={"allowedFails": 0, "cooldownTimeSeconds": 600})
    failing = [{"modelId": NEBIUS, "failureRate": 1.0, "errorKind": "RATE_LIMIT"}]
    for _ in range(3):
        await gql.execute(TEST, id=gid, mock=True, failures=failing)
    live = gql.runtime.registry.get("llama-failover")
    outcome = await live.call([{"role": "user", "content": "hi"}])
    assert [a.deployment_id for a in outcome.trace.attempts] == [NEBIUS]


async def test_injection_naming_a_foreign_deployment_is_rejected(gql: SchemaClient) -> None:
    gid = await _group(gql)
    bad = [{"modelId": "openai-gpt-4o-mini", "failureRate": 0.5, "errorKind": "TIMEOUT"}]
    result = (await gql.execute(TEST, id=gid, mock=True, failures=bad))["testRoutingGroup"]
    assert result["__typename"] == "ValidationError"
    assert result["fieldErrors"][0]["field"] == "failureInjection[0].modelId"


async def _run(gql: SchemaClient, gid: str, sim_input: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["simulateTraffic"] async for e in gql.subscribe(SIMULATE, id=gid, input=sim_input)]


SEED_SCENARIO = {
    "numRequests": 1000,
    "concurrency": 50,
    "seed": 42,
    "failureInjection": [
        {"modelId": NEBIUS, "failureRate": 0.5, "errorKind": "RATE_LIMIT"},
        {"modelId": FIREWORKS, "failureRate": 0.2, "errorKind": "SERVER_ERROR"},
    ],
}


async def test_seed_scenario_streams_batches_that_add_up_to_the_summary(gql: SchemaClient) -> None:
    gid = await _group(gql)
    events = await _run(gql, gid, SEED_SCENARIO)
    progress = [e for e in events if e["__typename"] == "SimulationProgress"]
    summaries = [e for e in events if e["__typename"] == "SimulationSummary"]
    assert len(summaries) == 1 and events[-1] is summaries[0]
    assert len(progress) > 1
    summary = summaries[0]
    requests = [r for p in progress for r in p["requests"]]
    assert sorted(r["requestIndex"] for r in requests) == list(range(1000))
    assert progress[-1]["completed"] == 1000

    attempts = Counter(a["deploymentId"] for r in requests for a in r["attempts"])
    # Nebius takes every request; half fail over to Fireworks (+-50), a fifth of those to Azure.
    assert attempts[NEBIUS] == 1000
    assert abs(attempts[FIREWORKS] - 500) <= 50
    assert abs(attempts[AZURE] - 100) <= 30
    stats = {t["deploymentId"]: t for t in summary["trafficDistribution"]}
    assert {k: v["requestCount"] for k, v in stats.items()} == dict(attempts)
    assert stats[NEBIUS]["wasPrimary"] and not stats[AZURE]["wasPrimary"]
    assert summary["successfulRequests"] == sum(r["success"] for r in requests)

    flow = {
        (f["fromDeployment"], f["toDeployment"], f["reason"]): f["requestCount"]
        for f in summary["flowData"]
    }
    assert flow[(None, NEBIUS, "primary")] == 1000
    assert flow[(NEBIUS, FIREWORKS, "fallback_rate_limit")] == attempts[FIREWORKS]
    assert flow[(FIREWORKS, AZURE, "fallback_server_error")] == attempts[AZURE]
    assert flow[(NEBIUS, NEBIUS, "success")] == 1000 - attempts[FIREWORKS]

    again = await _run(gql, gid, SEED_SCENARIO)
    assert _routes(again) == _routes(events), "the same seed routes every request the same way"
    assert _counts(again[-1]) == _counts(summary)

    saved = await gql.execute(
        "query($id: ID!) { simulations(routingGroupId: $id) { simulationId input "
        "summary { totalRequests successfulRequests } } }",
        id=gid,
    )
    runs = saved["simulations"]
    assert len(runs) == 2
    assert runs[1]["simulationId"] == summary["simulationId"]
    assert runs[1]["summary"]["successfulRequests"] == summary["successfulRequests"]
    assert runs[1]["input"]["seed"] == 42


def _routes(events: list[dict[str, Any]]) -> dict[int, list[str]]:
    return {
        r["requestIndex"]: [a["deploymentId"] + a["status"] for a in r["attempts"]]
        for e in events
        if e["__typename"] == "SimulationProgress"
        for r in e["requests"]
    }


def _counts(summary: dict[str, Any]) -> tuple[Any, ...]:
    return (
        summary["totalRequests"],
        summary["successfulRequests"],
        sorted(
            (t["deploymentId"], t["requestCount"], t["successCount"])
            for t in summary["trafficDistribution"]
        ),
        sorted(
            (str(f["fromDeployment"]), str(f["toDeployment"]), f["reason"], f["requestCount"])
            for f in summary["flowData"]
        ),
    )


async def test_out_of_range_input_is_a_validation_error(gql: SchemaClient) -> None:
    gid = await _group(gql)
    bad = {
        "numRequests": 0,
        "concurrency": 5000,
        "failureInjection": [{"modelId": NEBIUS, "failureRate": 1.5}],
        "latency": [{"modelId": "nope", "meanMs": -1}],
    }
    (event,) = await _run(gql, gid, bad)
    assert event["__typename"] == "ValidationError"
    fields = {e["field"] for e in event["fieldErrors"]}
    assert {
        "numRequests",
        "concurrency",
        "failureInjection[0].failureRate",
        "latency[0].modelId",
        "latency[0].meanMs",
    } <= fields


async def test_the_per_key_cap_answers_with_a_clear_error(gql: SchemaClient) -> None:
    gid = await _group(gql)
    slow = {"numRequests": 100000, "concurrency": 1, "latency": [{"modelId": NEBIUS, "meanMs": 50}]}
    first = gql.subscribe(SIMULATE, id=gid, input=slow)
    second = gql.subscribe(SIMULATE, id=gid, input=slow)
    await anext(first)
    await anext(second)
    (third,) = await _run(gql, gid, slow)
    assert third["__typename"] == "LimitExceededError"
    assert third["limit"] == 2
    await first.aclose()
    await second.aclose()
    other = gql.as_(Principal(identity="key:other", is_admin=True, key_id="other"))
    event = await anext(other.subscribe(SIMULATE, id=gid, input={**slow, "numRequests": 3}))
    assert event["simulateTraffic"]["__typename"] == "SimulationProgress"
