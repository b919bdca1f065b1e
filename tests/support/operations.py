"""GraphQL documents the tests share, written as a client would write them."""

from __future__ import annotations

from typing import Any

GROUP_FIELDS = """
  routingGroupId routingGroupName description routingStrategy version isActive
  createdBy updatedBy assignedTeamIds assignedKeyIds
  deployments { modelId modelName provider priority weight displayName }
  retryConfig { numRetries } cooldownConfig { allowedFails cooldownTimeSeconds }
  settings { maxFallbacks timeoutSeconds }
"""

ERRORS = """
  ... on ValidationError { message fieldErrors { field message } }
  ... on NotFoundError { message }
  ... on ConflictError { message currentVersion }
  ... on PermissionDeniedError { message }
"""

CREATE = f"""
mutation($input: RoutingGroupInput!) {{
  createRoutingGroup(input: $input) {{
    __typename ... on RoutingGroup {{ {GROUP_FIELDS} }} {ERRORS}
  }}
}}"""

UPDATE = f"""
mutation($id: ID!, $input: RoutingGroupPatch!, $v: Int) {{
  updateRoutingGroup(id: $id, input: $input, expectedVersion: $v) {{
    __typename ... on RoutingGroup {{ {GROUP_FIELDS} }} {ERRORS}
  }}
}}"""

DELETE = """
mutation($id: ID!) {
  deleteRoutingGroup(id: $id) {
    __typename ... on DeleteSuccess { routingGroupId } ... on Error { message }
  }
}"""

GET = f"""
query($id: ID, $name: String) {{ routingGroup(id: $id, name: $name) {{ {GROUP_FIELDS} }} }}"""

LIST = f"""
query($page: Int, $size: Int) {{
  routingGroups(page: $page, size: $size) {{ total page size items {{ {GROUP_FIELDS} }} }}
}}"""

TEST = """
mutation($id: ID!, $mock: Boolean, $failures: [DeploymentFailureInput!]) {
  testRoutingGroup(id: $id, mock: $mock, failureInjection: $failures) {
    __typename
    ... on RoutingGroupTestResult {
      success responseText totalLatencyMs finalDeployment finalProvider
      traces { deploymentId provider status errorKind errorMessage retryIndex fallbackDepth
               wasFallback latencyMs }
    }
    ... on ValidationError { fieldErrors { field message } }
    ... on NotFoundError { message }
    ... on PermissionDeniedError { message }
  }
}"""

SIMULATE = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationProgress {
      simulationId completed total
      requests { requestIndex success latencyMs finalDeploymentId finishedAtMs
                 attempts { deploymentId status errorKind fallbackDepth retryIndex } }
    }
    ... on SimulationSummary {
      simulationId totalRequests successfulRequests failedRequests cancelled durationMs
      avgLatencyMs p50LatencyMs p95LatencyMs p99LatencyMs
      trafficDistribution { deploymentId requestCount successCount failureCount
                            percentOfTotal wasPrimary avgLatencyMs }
      flowData { fromDeployment toDeployment requestCount reason }
    }
    ... on ValidationError { message fieldErrors { field message } }
    ... on NotFoundError { message }
    ... on PermissionDeniedError { message }
    ... on LimitExceededError { message limit }
  }
}"""

USER_STORY = ["nebius-llama-3.3-70b", "fireworks-llama-v3p3-70b", "azure-gpt-4o"]


def failover_input(name: str = "llama-failover", **overrides: Any) -> dict[str, Any]:
    """The user story's group: Nebius first (cheap), Fireworks AI on error, then Azure."""
    base: dict[str, Any] = {
        "routingGroupName": name,
        "description": "Nebius first because it is cheap; Fireworks AI on error; then Azure.",
        "routingStrategy": "PRIORITY_FAILOVER",
        "deployments": [
            {"modelId": model_id, "priority": i + 1} for i, model_id in enumerate(USER_STORY)
        ],
        "retryConfig": {"numRetries": 0},
        "cooldownConfig": {"allowedFails": 1000, "cooldownTimeSeconds": 0},
        "settings": {"maxFallbacks": 5},
    }
    base.update(overrides)
    return base
