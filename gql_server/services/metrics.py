"""Prometheus metrics for `/v1` traffic, fed by the TrafficHook; rendered by `GET /metrics`.

Labels are group names, deployment ids, statuses and error kinds: never a key, a team or a
secret. Each app has its own CollectorRegistry (tests start several apps in one process).

Several workers behind one port (`--workers N`) are one scrape target: there the counters use
prometheus_client's multiprocess mode (`PROMETHEUS_MULTIPROC_DIR`, set up by `--workers`), each
worker writes its values to a file of its own, and whichever worker answers a scrape adds up
every worker's files, so counters never go backwards between scrapes. The cooldown gauge is read
from the live Routers at each scrape (shared through Redis), so it needs no aggregation.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from gql_server.core.litellm_adapter.state.deployment_state import deployment_states
from gql_server.core.routing.registry import RouterRegistry
from gql_server.services.traffic import FinishedRequest

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# The group label of a request that named no group of the caller's (a typo, a 401 before the
# body was read): callers must not be able to mint label values.
UNKNOWN_GROUP = "(unknown)"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


class TrafficMetrics:
    def __init__(self) -> None:
        # prometheus_client picks its value store when it is first imported, from this variable.
        self.multiprocess = MULTIPROCESS_DIR_ENV in os.environ
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "routing_groups_requests",
            "Answered /v1 requests to routing endpoints, by group and outcome: success, failure "
            "(routed, every deployment failed) or rejected (refused before routing: 400, 401, "
            "404, 429).",
            ["group", "status"],
            registry=r,
        )
        self.responses = Counter(
            "routing_groups_responses",
            "Answered /v1 requests to routing endpoints, by group and HTTP status code.",
            ["group", "code"],
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

    def on_finished(self, finished: FinishedRequest) -> None:
        group = finished.group_name if finished.group_id else UNKNOWN_GROUP
        self.responses.labels(group, str(finished.status_code)).inc()
        if not finished.routed:
            self.requests.labels(group, "rejected").inc()
            return
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
        cooling_down = GaugeMetricFamily(
            "routing_groups_deployment_cooling_down",
            "1 while the deployment is in cooldown for the group's live Router, else 0.",
            labels=["group", "deployment"],
        )
        for name in routers.names():
            try:
                built = routers.get(name)
                for state in await deployment_states(built):
                    cooling_down.add_metric(
                        [name, state.deployment_id], 1 if state.cooling_down else 0
                    )
            except Exception:
                log.exception("could not read the cooldowns of %s for /metrics", name)
        return generate_latest(self._counted()) + generate_latest(_Families([cooling_down]))

    def _counted(self) -> CollectorRegistry:
        if not self.multiprocess:
            return self.registry
        every_worker = CollectorRegistry()
        # Reads every worker's files at each collect (prometheus_client leaves it unannotated).
        MultiProcessCollector(every_worker)  # type: ignore[no-untyped-call]
        return every_worker


class _Families(Collector):
    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families
