"""Prometheus metrics for `/v1` traffic, fed by the TrafficHook; rendered by `GET /metrics`.

Labels are group names, deployment ids, statuses and error kinds: never a key, a team or a
secret. Each app has its own CollectorRegistry (tests start several apps in one process).
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from gql_server.core.deployment_state import deployment_states
from gql_server.core.registry import RouterRegistry
from gql_server.services.traffic import FinishedRequest

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class TrafficMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "routing_groups_requests",
            "Routed /v1 requests, by group and outcome (success | failure).",
            ["group", "status"],
            registry=r,
        )
        self.request_latency = Histogram(
            "routing_groups_request_latency_seconds",
            "Gateway latency of routed /v1 requests, retries and fallbacks included.",
            ["group"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.attempts = Counter(
            "routing_groups_attempts",
            "Calls to deployments (first tries, retries, fallbacks), by outcome.",
            ["group", "deployment", "status"],
            registry=r,
        )
        self.failures = Counter(
            "routing_groups_attempt_failures",
            "Failed calls to deployments, by error kind.",
            ["group", "deployment", "error_kind"],
            registry=r,
        )
        self.attempt_latency = Histogram(
            "routing_groups_attempt_latency_seconds",
            "Latency of single calls to deployments.",
            ["group", "deployment"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.tokens = Counter(
            "routing_groups_tokens",
            "Tokens of answered requests, by kind (prompt | completion).",
            ["group", "deployment", "kind"],
            registry=r,
        )
        self.cost = Counter(
            "routing_groups_cost_usd",
            "Cost of answered requests in US dollars.",
            ["group", "deployment"],
            registry=r,
        )
        self.cooling_down = Gauge(
            "routing_groups_deployment_cooling_down",
            "1 while the deployment is in cooldown for the group's live Router, else 0.",
            ["group", "deployment"],
            registry=r,
        )

    def on_finished(self, finished: FinishedRequest) -> None:
        group = finished.group_name
        self.requests.labels(group, "success" if finished.success else "failure").inc()
        self.request_latency.labels(group).observe(finished.trace.latency_ms / 1000)
        for attempt in finished.trace.attempts:
            deployment = attempt.deployment_id
            ok = attempt.error_kind is None and attempt.status.value == "SUCCESS"
            self.attempts.labels(group, deployment, "success" if ok else "failure").inc()
            if not ok:
                kind = attempt.error_kind.value if attempt.error_kind is not None else "UNKNOWN"
                self.failures.labels(group, deployment, kind).inc()
            self.attempt_latency.labels(group, deployment).observe(attempt.latency_ms / 1000)
        deployment_id = finished.final_deployment_id
        if finished.success and deployment_id is not None:
            self.tokens.labels(group, deployment_id, "prompt").inc(finished.tokens.prompt)
            self.tokens.labels(group, deployment_id, "completion").inc(finished.tokens.completion)
            self.cost.labels(group, deployment_id).inc(finished.cost_usd)

    async def render(self, routers: RouterRegistry) -> bytes:
        """The exposition, with each live group's cooldowns read now (shared through Redis
        when REDIS_URL is set)."""
        self.cooling_down.clear()
        for name in routers.names():
            try:
                built = routers.get(name)
                for state in await deployment_states(built):
                    self.cooling_down.labels(name, state.deployment_id).set(
                        1 if state.cooling_down else 0
                    )
            except Exception:
                log.exception("could not read the cooldowns of %s for /metrics", name)
        return generate_latest(self.registry)
