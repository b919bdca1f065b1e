"""The committed schema.graphql is what the code serves, and keeps every contract name."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType
from graphql import build_schema as parse_sdl

from schema.export import sdl

ROOT = Path(__file__).resolve().parents[2]

# CONTRACT.md: names clients rely on (type -> fields). Add, don't rename.
WITH_FIELDS = (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)
CONTRACT: dict[str, set[str]] = {
    "Query": {
        "routingGroups",
        "routingGroup",
        "deployments",
        "teams",
        "keys",
        "simulations",
        "requestLog",
        "spend",
    },
    "Mutation": {
        "createRoutingGroup",
        "updateRoutingGroup",
        "deleteRoutingGroup",
        "createDeployment",
        "testRoutingGroup",
        "createTeam",
        "updateTeam",
        "generateKey",
        "revokeKey",
    },
    "Subscription": {"simulateTraffic", "liveTraffic"},
    "RequestLogPage": {"items", "total", "page", "size"},
    "RequestLogEntry": {
        "requestId",
        "startedAt",
        "routingGroupId",
        "keyId",
        "teamId",
        "deploymentId",
        "success",
        "statusCode",
        "attempts",
        "latencyMs",
        "promptTokens",
        "completionTokens",
        "costUsd",
        "messagesJson",
    },
    "SpendRow": {"groupBy", "id", "name", "requests", "failures", "costUsd"},
    "LiveTrafficBatch": {"routingGroupId", "requests"},
    "DeploymentHealth": {
        "deploymentId",
        "coolingDown",
        "cooldownEndsAt",
        "rpmUsed",
        "tpmUsed",
        "requestsLastMinute",
        "failuresLastMinute",
        "p50LatencyMs",
    },
    "Deployment": {
        "modelId",
        "modelName",
        "provider",
        "displayName",
        "apiBase",
        "rpm",
        "tpm",
        "inputCostPerToken",
        "outputCostPerToken",
    },
    "RoutingGroup": {
        "routingGroupId",
        "routingGroupName",
        "description",
        "routingStrategy",
        "deployments",
        "retryConfig",
        "cooldownConfig",
        "settings",
        "assignedTeamIds",
        "assignedKeyIds",
        "isActive",
        "version",
        "createdAt",
        "createdBy",
        "updatedAt",
        "updatedBy",
        "health",
    },
    "RoutingGroupDeployment": {
        "modelId",
        "modelName",
        "provider",
        "priority",
        "weight",
        "displayName",
    },
    "RoutingGroupList": {"items", "total", "page", "size"},
    "RoutingTrace": {
        "deploymentId",
        "deploymentName",
        "provider",
        "latencyMs",
        "wasFallback",
        "fallbackDepth",
        "retryIndex",
        "status",
        "errorKind",
        "errorMessage",
        "startedAtMs",
    },
    "RoutingGroupTestResult": {
        "success",
        "responseText",
        "traces",
        "totalLatencyMs",
        "finalDeployment",
        "finalProvider",
    },
    "RequestTrace": {
        "requestIndex",
        "success",
        "latencyMs",
        "finalDeploymentId",
        "attempts",
        "startedAtMs",
        "skipped",
    },
    "SkippedDeployment": {"deploymentId", "reason"},
    "SimulationProgress": {"simulationId", "completed", "total", "requests", "simulatedMs"},
    "SimulationInput": {
        "numRequests",
        "concurrency",
        "mock",
        "seed",
        "failureInjection",
        "latency",
        "messages",
        "clock",
        "traffic",
        "incidents",
        "draft",
        "timelineBucketSeconds",
    },
    "TrafficInput": {"ratePerSecond", "durationSeconds", "pattern"},
    "IncidentInput": {
        "modelId",
        "startSeconds",
        "endSeconds",
        "failureRate",
        "errorKind",
        "addedLatencyMs",
    },
    "DeploymentBucket": {
        "deploymentId",
        "attempts",
        "successes",
        "failures",
        "coolingDown",
        "p50LatencyMs",
    },
    "TimelineBucket": {"startMs", "endMs", "requests", "failedRequests", "deployments"},
    "CooldownEvent": {"deploymentId", "startMs", "endMs"},
    "DeploymentTrafficStats": {
        "deploymentId",
        "deploymentName",
        "provider",
        "requestCount",
        "successCount",
        "failureCount",
        "avgLatencyMs",
        "percentOfTotal",
        "wasPrimary",
        "costUsd",
    },
    "FlowStep": {"fromDeployment", "toDeployment", "requestCount", "reason"},
    "SimulationSummary": {
        "simulationId",
        "totalRequests",
        "successfulRequests",
        "failedRequests",
        "trafficDistribution",
        "flowData",
        "avgLatencyMs",
        "p50LatencyMs",
        "p95LatencyMs",
        "p99LatencyMs",
        "durationMs",
        "cancelled",
        "clock",
        "simulatedDurationMs",
        "timeline",
        "cooldowns",
        "totalCostUsd",
        "seed",
    },
    "Team": {"teamId", "teamAlias", "limits"},
    "ApiKey": {"keyId", "keyAlias", "teamId", "keyPrefix", "createdAt", "revoked", "limits"},
    "AccessLimits": {"rpmLimit", "tpmLimit", "maxSimulations", "maxRealRequests"},
    "AccessLimitsInput": {"rpmLimit", "tpmLimit", "maxSimulations", "maxRealRequests"},
    "TeamInput": {"teamAlias", "limits"},
    "GenerateKeyInput": {"keyAlias", "teamId", "limits"},
    "GeneratedKey": {"keyId", "key", "keyAlias", "teamId"},
    "SimulationRun": {
        "simulationId",
        "routingGroupId",
        "createdAt",
        "createdBy",
        "input",
        "summary",
    },
    "ValidationError": {"message", "fieldErrors"},
    "ConflictError": {"message", "currentVersion"},
    "NotFoundError": {"message"},
    "PermissionDeniedError": {"message"},
    "DeleteSuccess": {"routingGroupId"},
}
UNIONS = {
    "LiveTrafficEvent": {"LiveTrafficBatch", "NotFoundError", "PermissionDeniedError"},
    "RoutingGroupResult": {
        "RoutingGroup",
        "ValidationError",
        "NotFoundError",
        "ConflictError",
        "PermissionDeniedError",
    },
    "DeploymentResult": {"Deployment", "ValidationError", "ConflictError", "PermissionDeniedError"},
    "DeleteResult": {"DeleteSuccess", "NotFoundError", "PermissionDeniedError"},
    "TestResult": {
        "RoutingGroupTestResult",
        "NotFoundError",
        "ValidationError",
        "PermissionDeniedError",
    },
    "SimulationEvent": {
        "SimulationProgress",
        "SimulationSummary",
        "NotFoundError",
        "ValidationError",
        "PermissionDeniedError",
    },
}
ENUMS = {
    "RoutingStrategy": {
        "PRIORITY_FAILOVER",
        "SIMPLE_SHUFFLE",
        "WEIGHTED",
        "LEAST_BUSY",
        "LATENCY_BASED",
        "COST_BASED",
        "USAGE_BASED",
    },
    "ErrorKind": {
        "RATE_LIMIT",
        "TIMEOUT",
        "SERVER_ERROR",
        "CONTEXT_WINDOW",
        "CONTENT_POLICY",
        "AUTH",
    },
    "TraceStatus": {"SUCCESS", "ERROR"},
    "SimulationClock": {"VIRTUAL", "WALL"},
    "TrafficPattern": {"CONSTANT", "POISSON", "RAMP"},
}


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == sdl(), "schema.graphql is stale: run `make schema` and commit it"


def test_every_contract_name_exists() -> None:
    schema = parse_sdl(sdl())
    for type_name, fields in CONTRACT.items():
        graphql_type = schema.get_type(type_name)
        assert isinstance(graphql_type, WITH_FIELDS), type_name
        missing = fields - set(graphql_type.fields)
        assert not missing, f"{type_name} lacks {missing}"
    for union, members in UNIONS.items():
        found = {t.name for t in schema.get_type(union).types}  # type: ignore[union-attr]
        assert members <= found, f"{union} lacks {members - found}"
    for enum, values in ENUMS.items():
        assert values == set(schema.get_type(enum).values), enum  # type: ignore[union-attr]
