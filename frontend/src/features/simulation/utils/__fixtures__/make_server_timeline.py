"""Writes server-timeline.json: timed request traces (with skips) and what the server's own
code makes of them: the flow steps (`summarize`) and the timeline (`Timeline`), for a fixed
bucket width and for an open-ended run.

The web UI's live timeline and skip edges must end on exactly these numbers, so its reducer
tests replay the traces in random batches and compare.

    cd frontend/src/features/simulation/utils/__fixtures__
    PYTHONPATH=../../../../../.. ../../../../../../.venv/bin/python make_server_timeline.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from gql_server.core.domain.models import ErrorKind
from gql_server.core.simulation.stats import DeploymentRef, TimelineBucket, summarize
from gql_server.core.simulation.timeline import Timeline
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, SkippedDeployment, TraceStatus

DEPLOYMENTS = [
    DeploymentRef("nebius-llama-3.3-70b", "llama-3.3-70b", "nebius"),
    DeploymentRef("fireworks-llama-v3p3-70b", "llama-3.3-70b", "fireworks_ai"),
    DeploymentRef("azure-gpt-4o", "gpt-4o", "azure"),
]
KINDS = [ErrorKind.RATE_LIMIT, ErrorKind.TIMEOUT, ErrorKind.SERVER_ERROR, None]


def random_trace(rng: random.Random, index: int) -> RequestTrace:
    start = round(index * 200 + rng.uniform(0, 199), 3)
    clock = start
    attempts: list[AttemptTrace] = []
    skipped: list[SkippedDeployment] = []
    success = False
    for depth, ref in enumerate(DEPLOYMENTS):
        if success:
            break
        if rng.random() < 0.2 and depth < len(DEPLOYMENTS) - 1:
            reason = rng.choice(["cooldown", "cooldown", "rpm_limit"])
            skipped.append(SkippedDeployment(ref.deployment_id, reason, len(attempts), depth))
            continue
        for retry in range(2):
            success = rng.random() < 0.55
            latency = round(rng.uniform(5, 400), 3)
            attempts.append(
                AttemptTrace(
                    deployment_id=ref.deployment_id,
                    deployment_name=ref.deployment_name,
                    provider=ref.provider,
                    latency_ms=latency,
                    status=TraceStatus.SUCCESS if success else TraceStatus.ERROR,
                    retry_index=retry,
                    fallback_depth=depth,
                    error_kind=None if success else rng.choice(KINDS),
                    started_at_ms=round(clock, 3),
                )
            )
            clock += latency
            if success or rng.random() > 0.25:
                break
    latency = round(clock - start, 3)
    final = attempts[-1].deployment_id if attempts and success else None
    return RequestTrace(
        request_index=index,
        success=bool(attempts) and success,
        latency_ms=latency,
        final_deployment_id=final,
        attempts=tuple(attempts),
        started_at_ms=start,
        skipped=tuple(skipped),
    )


def attempt_json(a: AttemptTrace) -> dict[str, Any]:
    return {
        "deploymentId": a.deployment_id,
        "deploymentName": a.deployment_name,
        "provider": a.provider,
        "status": a.status.value,
        "errorKind": a.error_kind.value if a.error_kind else None,
        "fallbackDepth": a.fallback_depth,
        "retryIndex": a.retry_index,
        "latencyMs": a.latency_ms,
        "startedAtMs": a.started_at_ms,
    }


def bucket_json(b: TimelineBucket) -> dict[str, Any]:
    return {
        "startMs": b.start_ms,
        "endMs": b.end_ms,
        "requests": b.requests,
        "failedRequests": b.failed_requests,
        "deployments": [
            {
                "deploymentId": d.deployment_id,
                "attempts": d.attempts,
                "successes": d.successes,
                "failures": d.failures,
                "coolingDown": d.cooling_down,
                "p50LatencyMs": d.p50_latency_ms,
            }
            for d in b.deployments
        ],
    }


def main() -> None:
    rng = random.Random(20261128)  # noqa: S311 - reproducible test data, not security
    traces = [random_trace(rng, i) for i in range(900)]  # 5 req/s for 180 s
    # Requests finish out of order: the stream delivers them by finish time.
    arrival = sorted(traces, key=lambda t: t.started_at_ms + t.latency_ms)
    end_ms = 180_000.0
    ids = [d.deployment_id for d in DEPLOYMENTS]
    fixed = Timeline(ids, width_ms=3000.0)
    open_ended = Timeline(ids, width_ms=None)
    for trace in arrival:
        fixed.add(trace)
        open_ended.add(trace)
    summary = summarize("fixture", arrival, deployments=DEPLOYMENTS, primary_ids=[ids[0]])
    out = {
        "endMs": end_ms,
        "requests": [
            {
                "requestIndex": t.request_index,
                "success": t.success,
                "latencyMs": t.latency_ms,
                "startedAtMs": t.started_at_ms,
                "finalDeploymentId": t.final_deployment_id,
                "attempts": [attempt_json(a) for a in t.attempts],
                "skipped": [
                    {
                        "deploymentId": s.deployment_id,
                        "reason": s.reason,
                        "beforeAttempt": s.before_attempt,
                        "fallbackDepth": s.fallback_depth,
                    }
                    for s in t.skipped
                ],
            }
            for t in arrival
        ],
        "flowData": [
            {
                "fromDeployment": s.from_deployment,
                "toDeployment": s.to_deployment,
                "requestCount": s.request_count,
                "reason": s.reason,
            }
            for s in summary.flow_data
        ],
        "timelineFixed": [bucket_json(b) for b in fixed.buckets(end_ms)],
        "openEndedWidthMs": open_ended.width_ms,
        "timelineOpen": [bucket_json(b) for b in open_ended.buckets(end_ms)],
    }
    path = Path(__file__).with_name("server-timeline.json")
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
