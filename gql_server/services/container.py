"""The use cases, wired together once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from gql_server.services.access.service import AccessService
from gql_server.services.deployments import DeploymentService
from gql_server.services.live_traffic import LiveTrafficService
from gql_server.services.metrics import TrafficMetrics
from gql_server.services.request_log import RequestLogService
from gql_server.services.routing_groups import RoutingGroupService
from gql_server.services.simulation.service import SimulationService
from gql_server.services.testing import TestingService
from gql_server.services.traffic import TrafficHook


@dataclass(frozen=True)
class Services:
    groups: RoutingGroupService
    deployments: DeploymentService
    access: AccessService
    testing: TestingService
    simulations: SimulationService
    traffic: TrafficHook
    live_traffic: LiveTrafficService
    request_log: RequestLogService
    metrics: TrafficMetrics
