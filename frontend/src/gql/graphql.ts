/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Per-key or per-team limits; null means not limited. */
export type AccessLimitsInput = {
  /** Requests one real-mode simulation may send */
  maxRealRequests?: number | null | undefined;
  /** Simulations running at once */
  maxSimulations?: number | null | undefined;
  /** Gateway (/v1) requests per minute */
  rpmLimit?: number | null | undefined;
  /** Gateway (/v1) tokens per minute */
  tpmLimit?: number | null | undefined;
};

export type ChatMessageInput = {
  content: string;
  role: string;
};

export type CooldownConfigInput = {
  allowedFails?: number;
  cooldownTimeSeconds?: number;
};

export type DeploymentFailureInput = {
  errorKind?: ErrorKind;
  failureRate: number;
  modelId: string | number;
  /** The failures carry a Retry-After header of this many seconds (whole seconds, rounded up), as a provider's 429 does: litellm cools the deployment down and sleeps retries for as long */
  retryAfterSeconds?: number | null | undefined;
};

/** apiKey is write-only: it is stored and never returned. */
export type DeploymentInput = {
  apiBase?: string | null | undefined;
  apiKey?: string | null | undefined;
  displayName?: string | null | undefined;
  inputCostPerToken?: number | null | undefined;
  /** Answer with this text instead of calling the provider */
  mockResponse?: string | null | undefined;
  modelId: string | number;
  /** The litellm model, e.g. openai/gpt-4o */
  modelName: string;
  outputCostPerToken?: number | null | undefined;
  provider?: string | null | undefined;
  publicModelName?: string | null | undefined;
  rpm?: number | null | undefined;
  tpm?: number | null | undefined;
};

export type DeploymentLatencyInput = {
  jitterMs?: number;
  meanMs: number;
  modelId: string | number;
};

export type ErrorKind =
  | 'AUTH'
  | 'CONTENT_POLICY'
  | 'CONTEXT_WINDOW'
  | 'RATE_LIMIT'
  | 'SERVER_ERROR'
  | 'TIMEOUT';

export type GenerateKeyInput = {
  keyAlias?: string | null | undefined;
  limits?: AccessLimitsInput | null | undefined;
  teamId?: string | number | null | undefined;
};

/** A time window (simulated seconds since the start) in which a deployment fails and/or slows down, on top of failureInjection/latency; overlapping windows combine. */
export type IncidentInput = {
  addedLatencyMs?: number;
  endSeconds: number;
  errorKind?: ErrorKind;
  failureRate?: number;
  modelId: string | number;
  /** The window's failures carry a Retry-After header of this many seconds, as a provider's 429 does */
  retryAfterSeconds?: number | null | undefined;
  startSeconds: number;
};

/** A window of the group's request log to replay */
export type ReplayInput = {
  from: string;
  /** Only this key's requests (within what the caller may read) */
  keyId?: string | number | null | undefined;
  /** Only this team's requests (within what the caller may read) */
  teamId?: string | number | null | undefined;
  to: string;
};

export type RequestLogFilter = {
  deploymentId?: string | number | null | undefined;
  keyId?: string | number | null | undefined;
  routingGroupId?: string | number | null | undefined;
  since?: string | null | undefined;
  status?: RequestStatus | null | undefined;
  teamId?: string | number | null | undefined;
  until?: string | null | undefined;
};

export type RequestStatus =
  | 'FAILURE'
  | 'SUCCESS';

export type RetryConfigInput = {
  numRetries?: number;
};

export type RoutingGroupDeploymentInput = {
  displayName?: string | null | undefined;
  modelId: string | number;
  priority?: number | null | undefined;
  weight?: number | null | undefined;
};

export type RoutingGroupInput = {
  assignedKeyIds?: Array<string | number> | null | undefined;
  assignedTeamIds?: Array<string | number> | null | undefined;
  cooldownConfig?: CooldownConfigInput | null | undefined;
  deployments: Array<RoutingGroupDeploymentInput>;
  description?: string | null | undefined;
  isActive?: boolean | null | undefined;
  retryConfig?: RetryConfigInput | null | undefined;
  routingGroupName: string;
  routingStrategy: RoutingStrategy;
  settings?: RoutingGroupSettingsInput | null | undefined;
};

/** Only the fields given change; the rest stay as they are. */
export type RoutingGroupPatch = {
  assignedKeyIds?: Array<string | number> | null | undefined;
  assignedTeamIds?: Array<string | number> | null | undefined;
  cooldownConfig?: CooldownConfigInput | null | undefined;
  deployments?: Array<RoutingGroupDeploymentInput> | null | undefined;
  description?: string | null | undefined;
  isActive?: boolean | null | undefined;
  retryConfig?: RetryConfigInput | null | undefined;
  routingGroupName?: string | null | undefined;
  routingStrategy?: RoutingStrategy | null | undefined;
  settings?: RoutingGroupSettingsInput | null | undefined;
};

export type RoutingGroupSettingsInput = {
  maxFallbacks?: number;
  timeoutSeconds?: number | null | undefined;
};

export type RoutingStrategy =
  | 'COST_BASED'
  | 'LATENCY_BASED'
  | 'LEAST_BUSY'
  | 'PRIORITY_FAILOVER'
  | 'SIMPLE_SHUFFLE'
  | 'USAGE_BASED'
  | 'WEIGHTED';

/** VIRTUAL: simulated time (the default for mock runs); WALL: real time */
export type SimulationClock =
  | 'VIRTUAL'
  | 'WALL';

export type SimulationInput = {
  /** null: VIRTUAL when mock, WALL when real */
  clock?: SimulationClock | null | undefined;
  /** Closed loop: requests in flight at once (0 when traffic is set) */
  concurrency?: number;
  /** What-if: simulate the group with these unsaved changes applied (validated like updateRoutingGroup; nothing is saved) */
  draft?: RoutingGroupPatch | null | undefined;
  failureInjection?: Array<DeploymentFailureInput> | null | undefined;
  /** Added to every attempt's latency: the gateway's own time around a provider's answer. null: the overhead measured in this group's recorded traffic, else 0 */
  gatewayOverheadMs?: number | null | undefined;
  incidents?: Array<IncidentInput> | null | undefined;
  latency?: Array<DeploymentLatencyInput> | null | undefined;
  messages?: Array<ChatMessageInput> | null | undefined;
  mock?: boolean;
  /** Closed loop: how many requests (0 when traffic is set) */
  numRequests?: number;
  /** Replay this window of the group's request log on the virtual clock (open loop on the recorded arrivals; excludes traffic and numRequests; never calls a provider) */
  replay?: ReplayInput | null | undefined;
  seed?: number | null | undefined;
  /** The wall time the run's clock starts at (rpm/tpm windows are calendar minutes, so where in its minute a run starts matters); virtual clock only. null: the replay window's start when replaying, else now */
  startAt?: string | null | undefined;
  /** null: chosen so the run has about 60 buckets */
  timelineBucketSeconds?: number | null | undefined;
  traffic?: TrafficInput | null | undefined;
};

export type SpendGroupBy =
  | 'GROUP'
  | 'KEY'
  | 'TEAM';

export type TeamInput = {
  limits?: AccessLimitsInput | null | undefined;
  teamAlias: string;
};

export type TraceStatus =
  | 'ERROR'
  | 'SUCCESS';

/** Open-loop traffic: requests start on schedule, whatever is in flight. */
export type TrafficInput = {
  /** Mean completion tokens an answer has; null: 200 */
  completionTokens?: number | null | undefined;
  durationSeconds: number;
  pattern?: TrafficPattern;
  /** Mean prompt tokens a request sends; null: 500 */
  promptTokens?: number | null | undefined;
  ratePerSecond: number;
};

/** Arrivals: fixed spacing | exponential gaps | 0 -> rate linearly */
export type TrafficPattern =
  | 'CONSTANT'
  | 'POISSON'
  | 'RAMP';

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { identity: string, isAdmin: boolean } };

export type DeploymentsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type DeploymentsPageQuery = { deployments: Array<{ modelId: string, modelName: string, publicModelName: string, provider: string, displayName: string | null, apiBase: string | null, rpm: number | null, tpm: number | null, inputCostPerToken: number | null, outputCostPerToken: number | null, mock: boolean }>, routingGroups: { items: Array<{ routingGroupId: string, routingGroupName: string, deployments: Array<{ modelId: string }> }> } };

export type CreateDeploymentMutationVariables = Exact<{
  input: DeploymentInput;
}>;


export type CreateDeploymentMutation = { createDeployment:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'Deployment', modelId: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type KeysPageQueryVariables = Exact<{ [key: string]: never; }>;


export type KeysPageQuery = { keys: Array<{ keyId: string, keyAlias: string | null, keyPrefix: string, teamId: string | null, createdAt: string, revoked: boolean }>, teams: Array<{ teamId: string, teamAlias: string }> };

export type GenerateKeyMutationVariables = Exact<{
  input: GenerateKeyInput;
}>;


export type GenerateKeyMutation = { generateKey:
    | { __typename: 'GeneratedKey', keyId: string, key: string, keyAlias: string | null, teamId: string | null }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type RevokeKeyMutationVariables = Exact<{
  keyId: string | number;
}>;


export type RevokeKeyMutation = { revokeKey:
    | { __typename: 'ApiKey', keyId: string, revoked: boolean }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
   };

export type LiveTrafficSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type LiveTrafficSubscription = { liveTraffic:
    | { __typename: 'LimitExceededError', message: string }
    | { __typename: 'LiveTrafficBatch', routingGroupId: string, requests: Array<{ success: boolean, latencyMs: number, startedAtMs: number, finishedAtMs: number | null, finalDeploymentId: string | null, attempts: Array<{ deploymentId: string, deploymentName: string, provider: string, status: TraceStatus, errorKind: ErrorKind | null, fallbackDepth: number, latencyMs: number }>, skipped: Array<{ deploymentId: string, reason: string }> }> }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
   };

export type GroupHealthQueryVariables = Exact<{
  id: string | number;
}>;


export type GroupHealthQuery = { routingGroup: { routingGroupId: string, health: Array<{ deploymentId: string, coolingDown: boolean, cooldownEndsAt: string | null, rpmUsed: number | null, tpmUsed: number | null, requestsLastMinute: number, failuresLastMinute: number, p50LatencyMs: number | null }> } | null };

export type RoutingGroupFieldsFragment = { routingGroupId: string, routingGroupName: string, description: string | null, routingStrategy: RoutingStrategy, assignedTeamIds: Array<string>, assignedKeyIds: Array<string>, isActive: boolean, version: number, createdAt: string, createdBy: string, updatedAt: string, updatedBy: string, deployments: Array<{ modelId: string, modelName: string, provider: string, priority: number | null, weight: number | null, displayName: string | null }>, retryConfig: { numRetries: number }, cooldownConfig: { allowedFails: number, cooldownTimeSeconds: number }, settings: { maxFallbacks: number, timeoutSeconds: number | null } };

export type RoutingGroupListQueryVariables = Exact<{
  page: number;
  size: number;
}>;


export type RoutingGroupListQuery = { routingGroups: { total: number, page: number, size: number, items: Array<{ routingGroupId: string, routingGroupName: string, description: string | null, routingStrategy: RoutingStrategy, assignedTeamIds: Array<string>, assignedKeyIds: Array<string>, isActive: boolean, version: number, createdAt: string, createdBy: string, updatedAt: string, updatedBy: string, deployments: Array<{ modelId: string, modelName: string, provider: string, priority: number | null, weight: number | null, displayName: string | null }>, retryConfig: { numRetries: number }, cooldownConfig: { allowedFails: number, cooldownTimeSeconds: number }, settings: { maxFallbacks: number, timeoutSeconds: number | null } }> } };

export type RoutingGroupQueryVariables = Exact<{
  id: string | number;
}>;


export type RoutingGroupQuery = { routingGroup: { routingGroupId: string, routingGroupName: string, description: string | null, routingStrategy: RoutingStrategy, assignedTeamIds: Array<string>, assignedKeyIds: Array<string>, isActive: boolean, version: number, createdAt: string, createdBy: string, updatedAt: string, updatedBy: string, deployments: Array<{ modelId: string, modelName: string, provider: string, priority: number | null, weight: number | null, displayName: string | null }>, retryConfig: { numRetries: number }, cooldownConfig: { allowedFails: number, cooldownTimeSeconds: number }, settings: { maxFallbacks: number, timeoutSeconds: number | null } } | null };

export type DeploymentsQueryVariables = Exact<{ [key: string]: never; }>;


export type DeploymentsQuery = { deployments: Array<{ modelId: string, modelName: string, provider: string, displayName: string | null, apiBase: string | null, rpm: number | null, tpm: number | null, inputCostPerToken: number | null, outputCostPerToken: number | null, publicModelName: string, mock: boolean }> };

export type TeamsQueryVariables = Exact<{ [key: string]: never; }>;


export type TeamsQuery = { teams: Array<{ teamId: string, teamAlias: string }> };

export type KeysQueryVariables = Exact<{ [key: string]: never; }>;


export type KeysQuery = { keys: Array<{ keyId: string, keyAlias: string | null, teamId: string | null, keyPrefix: string, revoked: boolean }> };

export type CreateRoutingGroupMutationVariables = Exact<{
  input: RoutingGroupInput;
}>;


export type CreateRoutingGroupMutation = { createRoutingGroup:
    | { __typename: 'ConflictError', currentVersion: number | null, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RoutingGroup', routingGroupId: string, routingGroupName: string, description: string | null, routingStrategy: RoutingStrategy, assignedTeamIds: Array<string>, assignedKeyIds: Array<string>, isActive: boolean, version: number, createdAt: string, createdBy: string, updatedAt: string, updatedBy: string, deployments: Array<{ modelId: string, modelName: string, provider: string, priority: number | null, weight: number | null, displayName: string | null }>, retryConfig: { numRetries: number }, cooldownConfig: { allowedFails: number, cooldownTimeSeconds: number }, settings: { maxFallbacks: number, timeoutSeconds: number | null } }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type UpdateRoutingGroupMutationVariables = Exact<{
  id: string | number;
  input: RoutingGroupPatch;
  expectedVersion?: number | null | undefined;
}>;


export type UpdateRoutingGroupMutation = { updateRoutingGroup:
    | { __typename: 'ConflictError', currentVersion: number | null, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RoutingGroup', routingGroupId: string, routingGroupName: string, description: string | null, routingStrategy: RoutingStrategy, assignedTeamIds: Array<string>, assignedKeyIds: Array<string>, isActive: boolean, version: number, createdAt: string, createdBy: string, updatedAt: string, updatedBy: string, deployments: Array<{ modelId: string, modelName: string, provider: string, priority: number | null, weight: number | null, displayName: string | null }>, retryConfig: { numRetries: number }, cooldownConfig: { allowedFails: number, cooldownTimeSeconds: number }, settings: { maxFallbacks: number, timeoutSeconds: number | null } }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type DeleteRoutingGroupMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteRoutingGroupMutation = { deleteRoutingGroup:
    | { __typename: 'DeleteSuccess', routingGroupId: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
   };

export type RoutingTraceFieldsFragment = { deploymentId: string, deploymentName: string, provider: string, latencyMs: number, wasFallback: boolean, fallbackDepth: number, retryIndex: number, status: TraceStatus, errorKind: ErrorKind | null, errorMessage: string | null };

export type SimulationSummaryFieldsFragment = { simulationId: string, totalRequests: number, successfulRequests: number, failedRequests: number, cancelled: boolean, stoppedReason: string | null, durationMs: number, avgLatencyMs: number, p50LatencyMs: number, p95LatencyMs: number, p99LatencyMs: number, clock: SimulationClock, seed: number | null, simulatedDurationMs: number, totalCostUsd: number, startAt: string, gatewayOverheadMs: number, trafficDistribution: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean, costUsd: number }>, flowData: Array<{ fromDeployment: string | null, toDeployment: string | null, requestCount: number, reason: string }>, timeline: Array<{ startMs: number, endMs: number, requests: number, failedRequests: number, deployments: Array<{ deploymentId: string, attempts: number, successes: number, failures: number, coolingDown: boolean, p50LatencyMs: number | null }> }>, cooldowns: Array<{ deploymentId: string, startMs: number, endMs: number | null }>, replay: { recordedRequests: number, replayedRequests: number, sameFinalDeployment: number, recordedCostUsd: number, recordedP50LatencyMs: number | null, recordedP95LatencyMs: number | null, assumedDeployments: Array<string>, recorded: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean, costUsd: number }> } | null };

export type TestRoutingGroupMutationVariables = Exact<{
  id: string | number;
  messages?: Array<ChatMessageInput> | ChatMessageInput | null | undefined;
  mock: boolean;
  failureInjection?: Array<DeploymentFailureInput> | DeploymentFailureInput | null | undefined;
}>;


export type TestRoutingGroupMutation = { testRoutingGroup:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RoutingGroupTestResult', success: boolean, responseText: string | null, totalLatencyMs: number, finalDeployment: string | null, finalProvider: string | null, errorMessage: string | null, traces: Array<{ startedAtMs: number, deploymentId: string, deploymentName: string, provider: string, latencyMs: number, wasFallback: boolean, fallbackDepth: number, retryIndex: number, status: TraceStatus, errorKind: ErrorKind | null, errorMessage: string | null }> }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type SimulateTrafficSubscriptionVariables = Exact<{
  id: string | number;
  input: SimulationInput;
}>;


export type SimulateTrafficSubscription = { simulateTraffic:
    | { __typename: 'LimitExceededError', limit: number, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'SimulationProgress', simulationId: string, completed: number, total: number, simulatedMs: number, requests: Array<{ requestIndex: number, success: boolean, latencyMs: number, startedAtMs: number, finalDeploymentId: string | null, skipped: Array<{ deploymentId: string, reason: string, beforeAttempt: number, fallbackDepth: number }>, attempts: Array<{ startedAtMs: number, deploymentId: string, deploymentName: string, provider: string, status: TraceStatus, errorKind: ErrorKind | null, fallbackDepth: number, retryIndex: number, latencyMs: number }> }> }
    | { __typename: 'SimulationSummary', simulationId: string, totalRequests: number, successfulRequests: number, failedRequests: number, cancelled: boolean, stoppedReason: string | null, durationMs: number, avgLatencyMs: number, p50LatencyMs: number, p95LatencyMs: number, p99LatencyMs: number, clock: SimulationClock, seed: number | null, simulatedDurationMs: number, totalCostUsd: number, startAt: string, gatewayOverheadMs: number, trafficDistribution: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean, costUsd: number }>, flowData: Array<{ fromDeployment: string | null, toDeployment: string | null, requestCount: number, reason: string }>, timeline: Array<{ startMs: number, endMs: number, requests: number, failedRequests: number, deployments: Array<{ deploymentId: string, attempts: number, successes: number, failures: number, coolingDown: boolean, p50LatencyMs: number | null }> }>, cooldowns: Array<{ deploymentId: string, startMs: number, endMs: number | null }>, replay: { recordedRequests: number, replayedRequests: number, sameFinalDeployment: number, recordedCostUsd: number, recordedP50LatencyMs: number | null, recordedP95LatencyMs: number | null, assumedDeployments: Array<string>, recorded: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean, costUsd: number }> } | null }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type StopSimulationMutationVariables = Exact<{
  simulationId: string | number;
}>;


export type StopSimulationMutation = { stopSimulation: boolean };

export type SimulationHistoryQueryVariables = Exact<{
  routingGroupId: string | number;
}>;


export type SimulationHistoryQuery = { simulations: Array<{ simulationId: string, routingGroupId: string, createdAt: string, createdBy: string, input: unknown, summary: { simulationId: string, totalRequests: number, successfulRequests: number, failedRequests: number, cancelled: boolean, stoppedReason: string | null, durationMs: number, avgLatencyMs: number, p50LatencyMs: number, p95LatencyMs: number, p99LatencyMs: number, clock: SimulationClock, seed: number | null, simulatedDurationMs: number, totalCostUsd: number, startAt: string, gatewayOverheadMs: number, trafficDistribution: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean, costUsd: number }>, flowData: Array<{ fromDeployment: string | null, toDeployment: string | null, requestCount: number, reason: string }>, timeline: Array<{ startMs: number, endMs: number, requests: number, failedRequests: number, deployments: Array<{ deploymentId: string, attempts: number, successes: number, failures: number, coolingDown: boolean, p50LatencyMs: number | null }> }>, cooldowns: Array<{ deploymentId: string, startMs: number, endMs: number | null }>, replay: { recordedRequests: number, replayedRequests: number, sameFinalDeployment: number, recordedCostUsd: number, recordedP50LatencyMs: number | null, recordedP95LatencyMs: number | null, assumedDeployments: Array<string>, recorded: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean, costUsd: number }> } | null } }> };

export type RoutingGroupRevisionsQueryVariables = Exact<{
  routingGroupId: string | number;
}>;


export type RoutingGroupRevisionsQuery = { routingGroupRevisions: Array<{ revisionId: string, version: number, action: string, changedBy: string, changedAt: string, before: unknown, after: unknown, diff: Array<{ path: string, before: unknown, after: unknown }> }> };

export type TesterDeploymentsQueryVariables = Exact<{ [key: string]: never; }>;


export type TesterDeploymentsQuery = { deployments: Array<{ modelId: string, mock: boolean }> };

export type RecordedTimelineQueryVariables = Exact<{
  id: string | number;
  from: string;
  to: string;
  bucketSeconds?: number | null | undefined;
}>;


export type RecordedTimelineQuery = { routingGroup: { routingGroupId: string, recorded: Array<{ startMs: number, endMs: number, requests: number, failedRequests: number, deployments: Array<{ deploymentId: string, attempts: number, successes: number, failures: number, coolingDown: boolean, p50LatencyMs: number | null }> }> } | null };

export type HistoryTeamsQueryVariables = Exact<{ [key: string]: never; }>;


export type HistoryTeamsQuery = { teams: Array<{ teamId: string, teamAlias: string }> };

export type RollbackRoutingGroupMutationVariables = Exact<{
  id: string | number;
  toVersion: number;
  expectedVersion?: number | null | undefined;
}>;


export type RollbackRoutingGroupMutation = { rollbackRoutingGroup:
    | { __typename: 'ConflictError', currentVersion: number | null, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RoutingGroup', routingGroupId: string, version: number }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type ApplyRoutingGroupChangeMutationVariables = Exact<{
  id: string | number;
  input: RoutingGroupPatch;
  expectedVersion?: number | null | undefined;
}>;


export type ApplyRoutingGroupChangeMutation = { updateRoutingGroup:
    | { __typename: 'ConflictError', currentVersion: number | null, message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RoutingGroup', routingGroupId: string, version: number }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type TeamsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type TeamsPageQuery = { teams: Array<{ teamId: string, teamAlias: string, createdAt: string }>, keys: Array<{ keyId: string, keyAlias: string | null, keyPrefix: string, teamId: string | null, revoked: boolean }>, routingGroups: { items: Array<{ routingGroupId: string, routingGroupName: string, assignedTeamIds: Array<string> }> } };

export type CreateTeamMutationVariables = Exact<{
  input: TeamInput;
}>;


export type CreateTeamMutation = { createTeam:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Team', teamId: string, teamAlias: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type UpdateTeamMutationVariables = Exact<{
  teamId: string | number;
  input: TeamInput;
}>;


export type UpdateTeamMutation = { updateTeam:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Team', teamId: string, teamAlias: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type DeleteTeamMutationVariables = Exact<{
  teamId: string | number;
}>;


export type DeleteTeamMutation = { deleteTeam:
    | { __typename: 'DeleteTeamSuccess', teamId: string, updatedRoutingGroupIds: Array<string> }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
   };

export type SpendQueryVariables = Exact<{
  groupBy: SpendGroupBy;
  filter?: RequestLogFilter | null | undefined;
}>;


export type SpendQuery = { spend: Array<{ groupBy: SpendGroupBy, id: string | null, name: string | null, requests: number, failures: number, promptTokens: number, completionTokens: number, costUsd: number }> };

export type RequestLogQueryVariables = Exact<{
  filter?: RequestLogFilter | null | undefined;
  page: number;
  size: number;
}>;


export type RequestLogQuery = { requestLog: { total: number, page: number, size: number, items: Array<{ requestId: string, startedAt: string, routingGroupName: string, keyId: string | null, deploymentId: string | null, success: boolean, statusCode: number, latencyMs: number, promptTokens: number, completionTokens: number, costUsd: number, attempts: Array<{ deploymentId: string, status: string, errorKind: string | null }> }> } };

export type UsageKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type UsageKeysQuery = { keys: Array<{ keyId: string, keyAlias: string | null, keyPrefix: string }> };

type ErrorFields_ConflictError_Fragment = { message: string };

type ErrorFields_LimitExceededError_Fragment = { message: string };

type ErrorFields_NotFoundError_Fragment = { message: string };

type ErrorFields_PermissionDeniedError_Fragment = { message: string };

type ErrorFields_ValidationError_Fragment = { message: string, fieldErrors: Array<{ field: string, message: string }> };

export type ErrorFieldsFragment =
  | ErrorFields_ConflictError_Fragment
  | ErrorFields_LimitExceededError_Fragment
  | ErrorFields_NotFoundError_Fragment
  | ErrorFields_PermissionDeniedError_Fragment
  | ErrorFields_ValidationError_Fragment
;

export const RoutingGroupFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<RoutingGroupFieldsFragment, unknown>;
export const RoutingTraceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingTraceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingTrace"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"wasFallback"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}},{"kind":"Field","name":{"kind":"Name","value":"retryIndex"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}}]}}]} as unknown as DocumentNode<RoutingTraceFieldsFragment, unknown>;
export const SimulationSummaryFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SimulationSummaryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"totalRequests"}},{"kind":"Field","name":{"kind":"Name","value":"successfulRequests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"stoppedReason"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p99LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"trafficDistribution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flowData"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"toDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"clock"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"simulatedDurationMs"}},{"kind":"Field","name":{"kind":"Name","value":"totalCostUsd"}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startMs"}},{"kind":"Field","name":{"kind":"Name","value":"endMs"}},{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"successes"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"coolingDown"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldowns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"startMs"}},{"kind":"Field","name":{"kind":"Name","value":"endMs"}}]}},{"kind":"Field","name":{"kind":"Name","value":"startAt"}},{"kind":"Field","name":{"kind":"Name","value":"gatewayOverheadMs"}},{"kind":"Field","name":{"kind":"Name","value":"replay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"replayedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"sameFinalDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"recorded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedCostUsd"}},{"kind":"Field","name":{"kind":"Name","value":"recordedP50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"recordedP95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"assumedDeployments"}}]}}]}}]} as unknown as DocumentNode<SimulationSummaryFieldsFragment, unknown>;
export const ErrorFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ErrorFieldsFragment, unknown>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}},{"kind":"Field","name":{"kind":"Name","value":"isAdmin"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const DeploymentsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DeploymentsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"publicModelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"apiBase"}},{"kind":"Field","name":{"kind":"Name","value":"rpm"}},{"kind":"Field","name":{"kind":"Name","value":"tpm"}},{"kind":"Field","name":{"kind":"Name","value":"inputCostPerToken"}},{"kind":"Field","name":{"kind":"Name","value":"outputCostPerToken"}},{"kind":"Field","name":{"kind":"Name","value":"mock"}}]}},{"kind":"Field","name":{"kind":"Name","value":"routingGroups"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DeploymentsPageQuery, DeploymentsPageQueryVariables>;
export const CreateDeploymentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateDeployment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeploymentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createDeployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateDeploymentMutation, CreateDeploymentMutationVariables>;
export const KeysPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeysPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"keyAlias"}},{"kind":"Field","name":{"kind":"Name","value":"keyPrefix"}},{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revoked"}}]}},{"kind":"Field","name":{"kind":"Name","value":"teams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"teamAlias"}}]}}]}}]} as unknown as DocumentNode<KeysPageQuery, KeysPageQueryVariables>;
export const GenerateKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GenerateKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generateKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GeneratedKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"keyAlias"}},{"kind":"Field","name":{"kind":"Name","value":"teamId"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<GenerateKeyMutation, GenerateKeyMutationVariables>;
export const RevokeKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"keyId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"keyId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"keyId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"revoked"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RevokeKeyMutation, RevokeKeyMutationVariables>;
export const LiveTrafficDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"LiveTraffic"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"liveTraffic"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"routingGroupId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LiveTrafficBatch"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"requests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"startedAtMs"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAtMs"}},{"kind":"Field","name":{"kind":"Name","value":"finalDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skipped"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<LiveTrafficSubscription, LiveTrafficSubscriptionVariables>;
export const GroupHealthDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GroupHealth"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"coolingDown"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"rpmUsed"}},{"kind":"Field","name":{"kind":"Name","value":"tpmUsed"}},{"kind":"Field","name":{"kind":"Name","value":"requestsLastMinute"}},{"kind":"Field","name":{"kind":"Name","value":"failuresLastMinute"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}}]}}]}}]}}]} as unknown as DocumentNode<GroupHealthQuery, GroupHealthQueryVariables>;
export const RoutingGroupListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RoutingGroupList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"size"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroups"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}},{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"Variable","name":{"kind":"Name","value":"size"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"page"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<RoutingGroupListQuery, RoutingGroupListQueryVariables>;
export const RoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<RoutingGroupQuery, RoutingGroupQueryVariables>;
export const DeploymentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"apiBase"}},{"kind":"Field","name":{"kind":"Name","value":"rpm"}},{"kind":"Field","name":{"kind":"Name","value":"tpm"}},{"kind":"Field","name":{"kind":"Name","value":"inputCostPerToken"}},{"kind":"Field","name":{"kind":"Name","value":"outputCostPerToken"}},{"kind":"Field","name":{"kind":"Name","value":"publicModelName"}},{"kind":"Field","name":{"kind":"Name","value":"mock"}}]}}]}}]} as unknown as DocumentNode<DeploymentsQuery, DeploymentsQueryVariables>;
export const TeamsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Teams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"teamAlias"}}]}}]}}]} as unknown as DocumentNode<TeamsQuery, TeamsQueryVariables>;
export const KeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"keyAlias"}},{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"keyPrefix"}},{"kind":"Field","name":{"kind":"Name","value":"revoked"}}]}}]}}]} as unknown as DocumentNode<KeysQuery, KeysQueryVariables>;
export const CreateRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroupInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConflictError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateRoutingGroupMutation, CreateRoutingGroupMutationVariables>;
export const UpdateRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroupPatch"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConflictError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateRoutingGroupMutation, UpdateRoutingGroupMutationVariables>;
export const DeleteRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteRoutingGroupMutation, DeleteRoutingGroupMutationVariables>;
export const TestRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TestRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"messages"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ChatMessageInput"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"mock"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"failureInjection"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeploymentFailureInput"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"testRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"messages"},"value":{"kind":"Variable","name":{"kind":"Name","value":"messages"}}},{"kind":"Argument","name":{"kind":"Name","value":"mock"},"value":{"kind":"Variable","name":{"kind":"Name","value":"mock"}}},{"kind":"Argument","name":{"kind":"Name","value":"failureInjection"},"value":{"kind":"Variable","name":{"kind":"Name","value":"failureInjection"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroupTestResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"responseText"}},{"kind":"Field","name":{"kind":"Name","value":"totalLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"finalDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"finalProvider"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"traces"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingTraceFields"}},{"kind":"Field","name":{"kind":"Name","value":"startedAtMs"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingTraceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingTrace"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"wasFallback"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}},{"kind":"Field","name":{"kind":"Name","value":"retryIndex"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<TestRoutingGroupMutation, TestRoutingGroupMutationVariables>;
export const SimulateTrafficDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"SimulateTraffic"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulateTraffic"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"simulatedMs"}},{"kind":"Field","name":{"kind":"Name","value":"requests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestIndex"}},{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"startedAtMs"}},{"kind":"Field","name":{"kind":"Name","value":"finalDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"beforeAttempt"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}}]}},{"kind":"Field","name":{"kind":"Name","value":"attempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startedAtMs"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}},{"kind":"Field","name":{"kind":"Name","value":"retryIndex"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SimulationSummaryFields"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LimitExceededError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"limit"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SimulationSummaryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"totalRequests"}},{"kind":"Field","name":{"kind":"Name","value":"successfulRequests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"stoppedReason"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p99LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"trafficDistribution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flowData"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"toDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"clock"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"simulatedDurationMs"}},{"kind":"Field","name":{"kind":"Name","value":"totalCostUsd"}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startMs"}},{"kind":"Field","name":{"kind":"Name","value":"endMs"}},{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"successes"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"coolingDown"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldowns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"startMs"}},{"kind":"Field","name":{"kind":"Name","value":"endMs"}}]}},{"kind":"Field","name":{"kind":"Name","value":"startAt"}},{"kind":"Field","name":{"kind":"Name","value":"gatewayOverheadMs"}},{"kind":"Field","name":{"kind":"Name","value":"replay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"replayedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"sameFinalDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"recorded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedCostUsd"}},{"kind":"Field","name":{"kind":"Name","value":"recordedP50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"recordedP95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"assumedDeployments"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SimulateTrafficSubscription, SimulateTrafficSubscriptionVariables>;
export const StopSimulationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StopSimulation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"simulationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopSimulation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"simulationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"simulationId"}}}]}]}}]} as unknown as DocumentNode<StopSimulationMutation, StopSimulationMutationVariables>;
export const SimulationHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SimulationHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"routingGroupId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"input"}},{"kind":"Field","name":{"kind":"Name","value":"summary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SimulationSummaryFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SimulationSummaryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"totalRequests"}},{"kind":"Field","name":{"kind":"Name","value":"successfulRequests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"stoppedReason"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p99LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"trafficDistribution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flowData"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"toDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"clock"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"simulatedDurationMs"}},{"kind":"Field","name":{"kind":"Name","value":"totalCostUsd"}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startMs"}},{"kind":"Field","name":{"kind":"Name","value":"endMs"}},{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"successes"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"coolingDown"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldowns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"startMs"}},{"kind":"Field","name":{"kind":"Name","value":"endMs"}}]}},{"kind":"Field","name":{"kind":"Name","value":"startAt"}},{"kind":"Field","name":{"kind":"Name","value":"gatewayOverheadMs"}},{"kind":"Field","name":{"kind":"Name","value":"replay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"replayedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"sameFinalDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"recorded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recordedCostUsd"}},{"kind":"Field","name":{"kind":"Name","value":"recordedP50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"recordedP95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"assumedDeployments"}}]}}]}}]} as unknown as DocumentNode<SimulationHistoryQuery, SimulationHistoryQueryVariables>;
export const RoutingGroupRevisionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RoutingGroupRevisions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupRevisions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"routingGroupId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revisionId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"before"}},{"kind":"Field","name":{"kind":"Name","value":"after"}},{"kind":"Field","name":{"kind":"Name","value":"diff"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"before"}},{"kind":"Field","name":{"kind":"Name","value":"after"}}]}}]}}]}}]} as unknown as DocumentNode<RoutingGroupRevisionsQuery, RoutingGroupRevisionsQueryVariables>;
export const TesterDeploymentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TesterDeployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"mock"}}]}}]}}]} as unknown as DocumentNode<TesterDeploymentsQuery, TesterDeploymentsQueryVariables>;
export const RecordedTimelineDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecordedTimeline"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bucketSeconds"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"recorded"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"bucketSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bucketSeconds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startMs"}},{"kind":"Field","name":{"kind":"Name","value":"endMs"}},{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"successes"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"coolingDown"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RecordedTimelineQuery, RecordedTimelineQueryVariables>;
export const HistoryTeamsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HistoryTeams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"teamAlias"}}]}}]}}]} as unknown as DocumentNode<HistoryTeamsQuery, HistoryTeamsQueryVariables>;
export const RollbackRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RollbackRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"toVersion"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rollbackRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"toVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"toVersion"}}},{"kind":"Argument","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConflictError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RollbackRoutingGroupMutation, RollbackRoutingGroupMutationVariables>;
export const ApplyRoutingGroupChangeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApplyRoutingGroupChange"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroupPatch"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConflictError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ApplyRoutingGroupChangeMutation, ApplyRoutingGroupChangeMutationVariables>;
export const TeamsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TeamsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"teamAlias"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"keyAlias"}},{"kind":"Field","name":{"kind":"Name","value":"keyPrefix"}},{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"revoked"}}]}},{"kind":"Field","name":{"kind":"Name","value":"routingGroups"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}}]}}]}}]}}]} as unknown as DocumentNode<TeamsPageQuery, TeamsPageQueryVariables>;
export const CreateTeamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateTeam"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TeamInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createTeam"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Team"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"teamAlias"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateTeamMutation, CreateTeamMutationVariables>;
export const UpdateTeamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateTeam"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"teamId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TeamInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateTeam"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"teamId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"teamId"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Team"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"teamAlias"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateTeamMutation, UpdateTeamMutationVariables>;
export const DeleteTeamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteTeam"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"teamId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteTeam"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"teamId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"teamId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteTeamSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"updatedRoutingGroupIds"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"ErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteTeamMutation, DeleteTeamMutationVariables>;
export const SpendDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Spend"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"groupBy"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SpendGroupBy"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestLogFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"spend"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"groupBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"groupBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"groupBy"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"requests"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"promptTokens"}},{"kind":"Field","name":{"kind":"Name","value":"completionTokens"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}}]}}]}}]} as unknown as DocumentNode<SpendQuery, SpendQueryVariables>;
export const RequestLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RequestLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestLogFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"size"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}},{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"Variable","name":{"kind":"Name","value":"size"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"page"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"statusCode"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"promptTokens"}},{"kind":"Field","name":{"kind":"Name","value":"completionTokens"}},{"kind":"Field","name":{"kind":"Name","value":"costUsd"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RequestLogQuery, RequestLogQueryVariables>;
export const UsageKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsageKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"keyAlias"}},{"kind":"Field","name":{"kind":"Name","value":"keyPrefix"}}]}}]}}]} as unknown as DocumentNode<UsageKeysQuery, UsageKeysQueryVariables>;