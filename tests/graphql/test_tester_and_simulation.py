"""testRoutingGroup and simulateTraffic through `schema.execute` / `schema.subscribe`."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

import pytest

from gql_server.auth import Principal
from gql_server.core.domain.scenario import SimulationClock
from gql_server.core.simulation import stats
from gql_server.services.common import utcnow
from gql_server.services.ports import SimulationRecord
from gql_server.settings import Settings
from tests.support.operations import CREATE, SIMULATE, TEST, USER_STORY, failover_input
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


# --- the worker pool: caps, stop, death, deletion, shutdown, what-if -------------------------

SLOW = {"numRequests": 100000, "concurrency": 1, "latency": [{"modelId": NEBIUS, "meanMs": 50}]}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Room for more runs than one key may start, so the per-key cap is what is tested."""
    return settings.model_copy(update={"simulation_workers": 6})


async def _first_events(gql: SchemaClient, gid: str, n: int) -> list[dict[str, Any]]:
    streams = [gql.subscribe(SIMULATE, id=gid, input=SLOW) for _ in range(n)]
    firsts = await asyncio.gather(*(anext(s) for s in streams))
    for stream in streams:
        await stream.aclose()
    return [f["simulateTraffic"] for f in firsts]


async def test_a_burst_of_starts_by_one_key_runs_only_as_many_as_its_cap(
    gql: SchemaClient,
) -> None:
    gid = await _group(gql)
    events = await _first_events(gql, gid, 6)
    kinds = Counter(e["__typename"] for e in events)
    assert kinds == {"SimulationProgress": 2, "LimitExceededError": 4}, kinds
    await _settled(gql)


async def _settled(gql: SchemaClient) -> None:
    """Closing a subscription ends its run in the background (graphql-core cancels the
    resolver's task): wait until it has."""
    for _ in range(500):
        if gql.runtime.services.simulations.running() == 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("a closed subscription left its simulation running")


async def test_the_pool_size_caps_simulations_across_keys(
    gql: SchemaClient, settings: Settings
) -> None:
    gid = await _group(gql)
    pool = gql.runtime.services.simulations.pool
    assert pool.size == 6
    keys = [
        gql.as_(Principal(identity=f"key:{n}", is_admin=True, key_id=f"k{n}")) for n in range(7)
    ]
    streams = [k.subscribe(SIMULATE, id=gid, input=SLOW) for k in keys]
    firsts = [(await anext(s))["simulateTraffic"] for s in streams]
    kinds = [e["__typename"] for e in firsts]
    assert kinds == ["SimulationProgress"] * 6 + ["LimitExceededError"]
    assert firsts[-1]["limit"] == 6 and "on this server" in firsts[-1]["message"]
    for stream in streams:
        await stream.aclose()


async def test_closing_cancels_at_once_and_the_worker_is_reused(gql: SchemaClient) -> None:
    gid = await _group(gql)
    pool = gql.runtime.services.simulations.pool
    stream = gql.subscribe(SIMULATE, id=gid, input=SLOW)
    await anext(stream)
    (pid,) = pool.processes()
    await stream.aclose()  # 100,000 requests of 50 ms: only a cancel ends this in time
    await _settled(gql)
    events = await _run(gql, gid, {"numRequests": 5, "concurrency": 1})
    assert events[-1]["totalRequests"] == 5
    assert pool.processes() == [pid]


async def test_simulation_workers_yield_the_cpu_to_live_traffic(gql: SchemaClient) -> None:
    """A busy machine serves the gateway's own requests first: the workers run niced."""
    gid = await _group(gql)
    await _run(gql, gid, {"numRequests": 2, "concurrency": 1})
    (pid,) = gql.runtime.services.simulations.pool.processes()
    server = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, pid) >= min(server + 10, 19)


async def test_a_worker_that_dies_ends_its_run_with_a_clear_error(gql: SchemaClient) -> None:
    gid = await _group(gql)
    pool = gql.runtime.services.simulations.pool
    stream = await gql.schema.subscribe(
        SIMULATE, variable_values={"id": gid, "input": SLOW}, context_value=gql.context()
    )
    first = await anext(stream)
    assert first.data is not None
    assert first.data["simulateTraffic"]["__typename"] == "SimulationProgress"
    (pid,) = pool.processes()
    os.kill(pid, signal.SIGKILL)
    results = [r async for r in stream]
    errors = [e for r in results for e in r.errors or ()]
    assert len(errors) == 1
    assert "worker process ended unexpectedly" in errors[0].message
    await _settled(gql)
    events = await _run(gql, gid, {"numRequests": 3, "concurrency": 1})
    assert events[-1]["totalRequests"] == 3  # a new worker took its place
    assert pid not in pool.processes()


async def test_finished_runs_leave_no_event_loop_behind(gql: SchemaClient) -> None:
    gid = await _group(gql)
    await _run(gql, gid, {"numRequests": 2, "concurrency": 1})  # the pool is warm
    gc.collect()
    before = _event_loops()
    for _ in range(5):
        await _run(gql, gid, {"numRequests": 2, "concurrency": 1})
    gc.collect()
    assert _event_loops() == before


def _event_loops() -> int:
    return sum(isinstance(o, asyncio.AbstractEventLoop) for o in gc.get_objects())


async def test_deleting_a_group_stops_its_simulations_without_saving_them(
    gql: SchemaClient,
) -> None:
    gid = await _group(gql)
    stream = gql.subscribe(SIMULATE, id=gid, input=SLOW)
    await anext(stream)
    await gql.execute("mutation($id: ID!) { deleteRoutingGroup(id: $id) { __typename } }", id=gid)
    rest = [e["simulateTraffic"] async for e in stream]
    assert rest[-1]["__typename"] == "SimulationSummary" and rest[-1]["cancelled"] is True
    async with gql.runtime.database.uow_factory()() as uow:
        assert await uow.simulations.for_group(gid) == []


async def test_shutdown_sends_and_saves_each_cancelled_summary(gql: SchemaClient) -> None:
    gid = await _group(gql)
    stream = gql.subscribe(SIMULATE, id=gid, input=SLOW)
    await anext(stream)
    rest_task = asyncio.create_task(_drain(stream))
    await gql.runtime.services.simulations.shutdown(within_s=10)
    rest = await rest_task
    summary = rest[-1]
    assert summary["__typename"] == "SimulationSummary" and summary["cancelled"] is True
    async with gql.runtime.database.uow_factory()() as uow:
        (saved,) = await uow.simulations.for_group(gid)
    assert saved.simulation_id == summary["simulationId"]
    assert gql.runtime.services.simulations.pool.processes() == []
    late = await _run(gql, gid, {"numRequests": 1, "concurrency": 1})
    assert late[0]["__typename"] == "LimitExceededError"


async def _drain(stream: AsyncIterator[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["simulateTraffic"] async for e in stream]


async def test_a_draft_is_simulated_validated_and_never_saved(gql: SchemaClient) -> None:
    gid = await _group(gql)
    sim = {"numRequests": 20, "concurrency": 2, "seed": 3}
    saved_run = await _run(gql, gid, sim)
    reordered = [
        {"modelId": m, "priority": i + 1} for i, m in enumerate([AZURE, NEBIUS, FIREWORKS])
    ]
    draft_run = await _run(gql, gid, {**sim, "draft": {"deployments": reordered}})
    assert all(r == [NEBIUS + "SUCCESS"] for r in _routes(saved_run).values())
    assert all(r == [AZURE + "SUCCESS"] for r in _routes(draft_run).values())

    bad = {**sim, "draft": {"deployments": [{"modelId": "no-such-model"}]}}
    (error,) = await _run(gql, gid, bad)
    assert error["__typename"] == "ValidationError"
    assert {e["field"] for e in error["fieldErrors"]} >= {"draft.deployments[0].modelId"}

    group = await gql.execute(
        "query($id: ID!) { routingGroup(id: $id) { version deployments { modelId } } }", id=gid
    )
    assert group["routingGroup"]["version"] == 1
    assert [d["modelId"] for d in group["routingGroup"]["deployments"]] == USER_STORY
    async with gql.runtime.database.uow_factory()() as uow:
        assert len(await uow.revisions.for_group(gid)) == 1  # the create, nothing since
        runs = await uow.simulations.for_group(gid)
    assert runs[0].input["draft"] == {
        "deployments": [{**d, "weight": None, "displayName": None} for d in reordered]
    }
    assert "draft" not in runs[1].input


async def test_a_saved_run_keeps_its_whole_input_and_summary(gql: SchemaClient) -> None:
    gid = await _group(gql)
    sim = {
        "mock": True,
        "seed": 11,
        "clock": "VIRTUAL",
        "traffic": {"ratePerSecond": 2.0, "durationSeconds": 5.0, "pattern": "POISSON"},
        "incidents": [
            {
                "modelId": NEBIUS,
                "startSeconds": 1.0,
                "endSeconds": 2.5,
                "failureRate": 0.5,
                "errorKind": "RATE_LIMIT",
                "addedLatencyMs": 30.0,
            }
        ],
        "timelineBucketSeconds": 0.5,
        "draft": {"retryConfig": {"numRetries": 2}},
    }
    events = await _run(gql, gid, sim)
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary", summary
    saved = await gql.execute(SAVED_RUNS, id=gid)
    (run,) = saved["simulations"]
    rerun = {**sim, "numRequests": 0, "concurrency": 0, "failureInjection": [], "latency": []}
    # what the input left open is saved as the run settled it, so a rerun is the same run
    settled = {"startAt": run["summary"]["startAt"], "gatewayOverheadMs": 0.0}
    assert run["input"] == {**rerun, **settled, "draft": {"retryConfig": {"numRetries": 2}}}
    assert run["summary"]["simulationId"] == summary["simulationId"]
    assert run["summary"]["gatewayOverheadMs"] == 0.0
    again = await _run(gql, gid, run["input"])  # History can run it again as it was
    assert again[-1]["__typename"] == "SimulationSummary"


SAVED_RUNS = (
    "query($id: ID!) { simulations(routingGroupId: $id) { input summary { simulationId "
    "clock simulatedDurationMs totalCostUsd seed startAt gatewayOverheadMs "
    "trafficDistribution { deploymentId costUsd } "
    "timeline { startMs endMs requests failedRequests deployments { deploymentId attempts "
    "successes failures coolingDown p50LatencyMs } } "
    "cooldowns { deploymentId startMs endMs } } } }"
)


async def test_a_summary_with_timeline_cooldowns_and_cost_round_trips(gql: SchemaClient) -> None:
    gid = await _group(gql)
    summary = stats.SimulationSummary(
        simulation_id="run-1",
        total_requests=3,
        successful_requests=2,
        failed_requests=1,
        traffic_distribution=[
            stats.DeploymentTrafficStats(
                NEBIUS, "Nebius", "nebius", 3, 2, 1, 5.0, 100.0, True, cost_usd=0.25
            )
        ],
        flow_data=[stats.FlowStep(None, NEBIUS, 3, "primary")],
        avg_latency_ms=5.0,
        p50_latency_ms=5.0,
        p95_latency_ms=5.0,
        p99_latency_ms=5.0,
        duration_ms=12.0,
        cancelled=False,
        clock=SimulationClock.VIRTUAL,
        simulated_duration_ms=90_000.0,
        timeline=[
            stats.TimelineBucket(
                0.0, 30_000.0, 3, 1, [stats.DeploymentBucket(NEBIUS, 3, 2, 1, True, 5.0)]
            ),
            stats.TimelineBucket(
                30_000.0, 60_000.0, 0, 0, [stats.DeploymentBucket(NEBIUS, 0, 0, 0, False, None)]
            ),
        ],
        cooldowns=[
            stats.CooldownEvent(NEBIUS, 1_000.0, 31_000.0),
            stats.CooldownEvent(NEBIUS, 80_000.0, None),
        ],
        total_cost_usd=0.25,
        seed=99,
    )
    record = SimulationRecord("run-1", gid, utcnow(), "test", {"seed": 99}, asdict(summary))
    async with gql.runtime.database.uow_factory()() as uow:
        await uow.simulations.add(record)
        await uow.commit()
    (run,) = (await gql.execute(SAVED_RUNS, id=gid))["simulations"]
    got = run["summary"]
    assert (got["clock"], got["simulatedDurationMs"], got["totalCostUsd"], got["seed"]) == (
        "VIRTUAL",
        90_000.0,
        0.25,
        99,
    )
    assert got["trafficDistribution"] == [{"deploymentId": NEBIUS, "costUsd": 0.25}]
    assert got["timeline"][0] == {
        "startMs": 0.0,
        "endMs": 30_000.0,
        "requests": 3,
        "failedRequests": 1,
        "deployments": [
            {
                "deploymentId": NEBIUS,
                "attempts": 3,
                "successes": 2,
                "failures": 1,
                "coolingDown": True,
                "p50LatencyMs": 5.0,
            }
        ],
    }
    assert got["timeline"][1]["deployments"][0]["p50LatencyMs"] is None
    assert got["cooldowns"] == [
        {"deploymentId": NEBIUS, "startMs": 1_000.0, "endMs": 31_000.0},
        {"deploymentId": NEBIUS, "startMs": 80_000.0, "endMs": None},
    ]


async def test_a_run_whose_clock_cannot_advance_is_refused_with_the_reason(
    gql: SchemaClient,
) -> None:
    gid = await _group(gql)
    frozen = {
        "numRequests": 100,
        "concurrency": 10,
        "gatewayOverheadMs": 0,
        "latency": [{"modelId": m, "meanMs": 0} for m in (NEBIUS, FIREWORKS, AZURE)],
        "failureInjection": [{"modelId": NEBIUS, "failureRate": 0.2}],
    }
    (event,) = await _run(gql, gid, frozen)
    assert event["__typename"] == "ValidationError"
    [error] = event["fieldErrors"]
    assert error["field"] == "latency" and "could never advance" in error["message"]


FIDELITY = (
    "subscription($id: ID!, $input: SimulationInput!) { simulateTraffic(id: $id, input: $input) "
    "{ __typename ... on SimulationSummary { startAt gatewayOverheadMs gatewayOverheadSource "
    "gatewayOverheadSamples totalCostUsd latencySources { deploymentId source meanMs jitterMs "
    "samples } } } }"
)


async def test_a_summary_says_where_its_latency_start_and_overhead_came_from(
    gql: SchemaClient,
) -> None:
    gid = await _group(gql)
    sim = {
        "seed": 3,
        "traffic": {"ratePerSecond": 2.0, "durationSeconds": 3.0},
        "latency": [{"modelId": NEBIUS, "meanMs": 120.0}],
        "startAt": "2026-12-01T09:30:35+00:00",
        "gatewayOverheadMs": 12.5,
    }
    events = [e["simulateTraffic"] async for e in gql.subscribe(FIDELITY, id=gid, input=sim)]
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary", summary
    assert summary["startAt"] == "2026-12-01T09:30:35+00:00"
    assert summary["gatewayOverheadMs"] == 12.5
    assert (summary["gatewayOverheadSource"], summary["gatewayOverheadSamples"]) == ("INPUT", 0)
    sources = {s["deploymentId"]: s for s in summary["latencySources"]}
    assert sources[NEBIUS]["source"] == "INPUT" and sources[NEBIUS]["meanMs"] == 120.0
    # nothing recorded in this test's request log: the documented default, never 0 ms
    for model_id in (FIREWORKS, AZURE):
        assert (sources[model_id]["source"], sources[model_id]["meanMs"]) == ("DEFAULT", 400.0)


async def test_with_no_recorded_traffic_a_run_given_no_overhead_says_it_added_none(
    gql: SchemaClient,
) -> None:
    gid = await _group(gql)
    sim = {"seed": 3, "traffic": {"ratePerSecond": 2.0, "durationSeconds": 3.0}}
    events = [e["simulateTraffic"] async for e in gql.subscribe(FIDELITY, id=gid, input=sim)]
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary", summary
    assert summary["gatewayOverheadMs"] == 0.0
    assert (summary["gatewayOverheadSource"], summary["gatewayOverheadSamples"]) == ("DEFAULT", 0)
