"""Writes server-summary.json: random request traces and the server's own summary of them.

The web UI's live counters must end on exactly the numbers the server's summary reports, so
the UI's reducer tests replay these traces and compare with what `summarize` computed here.

    cd frontend/src/features/simulation/utils/__fixtures__
    PYTHONPATH=../../../../../.. ../../../../../../.venv/bin/python make_server_summary.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from gql_server.core.domain.models import ErrorKind
from gql_server.core.simulation.stats import DeploymentRef, summarize
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, TraceStatus

DEPLOYMENTS = [
    DeploymentRef("nebius-llama-3.3-70b", "llama-3.3-70b", "nebius"),
    DeploymentRef("fireworks-llama-v3p3-70b", "llama-3.3-70b", "fireworks_ai"),
    DeploymentRef("azure-gpt-4o", "gpt-4o", "azure"),
]
KINDS = [ErrorKind.RATE_LIMIT, ErrorKind.TIMEOUT, ErrorKind.SERVER_ERROR, None]


def random_trace(rng: random.Random, index: int) -> RequestTrace:
    attempts: list[AttemptTrace] = []
    depth = 0
    retry = 0
    success = False
    while depth < len(DEPLOYMENTS) and not success and len(attempts) < 6:
        ref = DEPLOYMENTS[depth]
        success = rng.random() < 0.55
        kind = None if success else rng.choice(KINDS)
        attempts.append(
            AttemptTrace(
                deployment_id=ref.deployment_id,
                deployment_name=ref.deployment_name,
                provider=ref.provider,
                latency_ms=round(rng.uniform(5, 400), 3),
                status=TraceStatus.SUCCESS if success else TraceStatus.ERROR,
                retry_index=retry,
                fallback_depth=depth,
                error_kind=kind,
            )
        )
        if not success:
            if rng.random() < 0.25 and retry < 1:
                retry += 1  # the Router retries the same tier
            else:
                retry = 0
                depth += 1
    if rng.random() < 0.02:
        attempts = []  # the Router gave up before calling anything
    latency = sum(a.latency_ms for a in attempts)
    final = attempts[-1].deployment_id if attempts and success else None
    return RequestTrace(index, bool(attempts) and success, latency, final, tuple(attempts))


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
    }


def main() -> None:
    rng = random.Random(20261126)  # noqa: S311 - reproducible test data, not security
    traces = [random_trace(rng, i) for i in range(400)]
    summary = summarize(
        "fixture",
        traces,
        deployments=DEPLOYMENTS,
        primary_ids=[DEPLOYMENTS[0].deployment_id],
    )
    out = {
        "requests": [
            {
                "requestIndex": t.request_index,
                "success": t.success,
                "latencyMs": t.latency_ms,
                "finalDeploymentId": t.final_deployment_id,
                "attempts": [attempt_json(a) for a in t.attempts],
            }
            for t in traces
        ],
        "summary": {
            "totalRequests": summary.total_requests,
            "successfulRequests": summary.successful_requests,
            "failedRequests": summary.failed_requests,
            "avgLatencyMs": summary.avg_latency_ms,
            "p50LatencyMs": summary.p50_latency_ms,
            "p95LatencyMs": summary.p95_latency_ms,
            "p99LatencyMs": summary.p99_latency_ms,
            "trafficDistribution": [
                {
                    "deploymentId": d.deployment_id,
                    "deploymentName": d.deployment_name,
                    "provider": d.provider,
                    "requestCount": d.request_count,
                    "successCount": d.success_count,
                    "failureCount": d.failure_count,
                    "avgLatencyMs": d.avg_latency_ms,
                    "percentOfTotal": d.percent_of_total,
                    "wasPrimary": d.was_primary,
                }
                for d in summary.traffic_distribution
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
        },
    }
    path = Path(__file__).with_name("server-summary.json")
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
