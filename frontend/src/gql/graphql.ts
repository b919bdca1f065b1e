/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

/** A time window (simulated seconds since the start) in which a deployment fails and/or slows down, on top of failureInjection/latency; overlapping windows combine. */
export type IncidentInput = {
  addedLatencyMs?: number;
  endSeconds: number;
  errorKind?: ErrorKind;
  failureRate?: number;
  modelId: string | number;
  startSeconds: number;
};

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
  incidents?: Array<IncidentInput> | null | undefined;
  latency?: Array<DeploymentLatencyInput> | null | undefined;
  messages?: Array<ChatMessageInput> | null | undefined;
  mock?: boolean;
  /** Closed loop: how many requests (0 when traffic is set) */
  numRequests?: number;
  seed?: number | null | undefined;
  /** null: chosen so the run has about 60 buckets */
  timelineBucketSeconds?: number | null | undefined;
  traffic?: TrafficInput | null | undefined;
};

export type TraceStatus =
  | 'ERROR'
  | 'SUCCESS';

/** Open-loop traffic: requests start on schedule, whatever is in flight. */
export type TrafficInput = {
  durationSeconds: number;
  pattern?: TrafficPattern;
  ratePerSecond: number;
};

/** Arrivals: fixed spacing | exponential gaps | 0 -> rate linearly */
export type TrafficPattern =
  | 'CONSTANT'
  | 'POISSON'
  | 'RAMP';

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { identity: string, isAdmin: boolean } };

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
    | { __typename: 'ConflictError', message: string, currentVersion: number | null }
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
    | { __typename: 'ConflictError', message: string, currentVersion: number | null }
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

export type SimulationSummaryFieldsFragment = { simulationId: string, totalRequests: number, successfulRequests: number, failedRequests: number, cancelled: boolean, durationMs: number, avgLatencyMs: number, p50LatencyMs: number, p95LatencyMs: number, p99LatencyMs: number, trafficDistribution: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean }>, flowData: Array<{ fromDeployment: string | null, toDeployment: string | null, requestCount: number, reason: string }> };

export type TestRoutingGroupMutationVariables = Exact<{
  id: string | number;
  messages?: Array<ChatMessageInput> | ChatMessageInput | null | undefined;
  mock: boolean;
  failureInjection?: Array<DeploymentFailureInput> | DeploymentFailureInput | null | undefined;
}>;


export type TestRoutingGroupMutation = { testRoutingGroup:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RoutingGroupTestResult', success: boolean, responseText: string | null, totalLatencyMs: number, finalDeployment: string | null, finalProvider: string | null, errorMessage: string | null, traces: Array<{ deploymentId: string, deploymentName: string, provider: string, latencyMs: number, wasFallback: boolean, fallbackDepth: number, retryIndex: number, status: TraceStatus, errorKind: ErrorKind | null, errorMessage: string | null }> }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type SimulateTrafficSubscriptionVariables = Exact<{
  id: string | number;
  input: SimulationInput;
}>;


export type SimulateTrafficSubscription = { simulateTraffic:
    | { __typename: 'LimitExceededError', message: string, limit: number }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'SimulationProgress', simulationId: string, completed: number, total: number, requests: Array<{ requestIndex: number, success: boolean, latencyMs: number, finalDeploymentId: string | null, attempts: Array<{ deploymentId: string, deploymentName: string, provider: string, status: TraceStatus, errorKind: ErrorKind | null, fallbackDepth: number, retryIndex: number, latencyMs: number }> }> }
    | { __typename: 'SimulationSummary', simulationId: string, totalRequests: number, successfulRequests: number, failedRequests: number, cancelled: boolean, durationMs: number, avgLatencyMs: number, p50LatencyMs: number, p95LatencyMs: number, p99LatencyMs: number, trafficDistribution: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean }>, flowData: Array<{ fromDeployment: string | null, toDeployment: string | null, requestCount: number, reason: string }> }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ field: string, message: string }> }
   };

export type StopSimulationMutationVariables = Exact<{
  simulationId: string | number;
}>;


export type StopSimulationMutation = { stopSimulation: boolean };

export type SimulationHistoryQueryVariables = Exact<{
  routingGroupId: string | number;
}>;


export type SimulationHistoryQuery = { simulations: Array<{ simulationId: string, routingGroupId: string, createdAt: string, createdBy: string, input: unknown, summary: { simulationId: string, totalRequests: number, successfulRequests: number, failedRequests: number, cancelled: boolean, durationMs: number, avgLatencyMs: number, p50LatencyMs: number, p95LatencyMs: number, p99LatencyMs: number, trafficDistribution: Array<{ deploymentId: string, deploymentName: string, provider: string, requestCount: number, successCount: number, failureCount: number, avgLatencyMs: number, percentOfTotal: number, wasPrimary: boolean }>, flowData: Array<{ fromDeployment: string | null, toDeployment: string | null, requestCount: number, reason: string }> } }> };

export type RoutingGroupRevisionsQueryVariables = Exact<{
  routingGroupId: string | number;
}>;


export type RoutingGroupRevisionsQuery = { routingGroupRevisions: Array<{ revisionId: string, version: number, action: string, changedBy: string, changedAt: string, before: unknown, after: unknown }> };

export const RoutingGroupFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<RoutingGroupFieldsFragment, unknown>;
export const RoutingTraceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingTraceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingTrace"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"wasFallback"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}},{"kind":"Field","name":{"kind":"Name","value":"retryIndex"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}}]}}]} as unknown as DocumentNode<RoutingTraceFieldsFragment, unknown>;
export const SimulationSummaryFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SimulationSummaryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"totalRequests"}},{"kind":"Field","name":{"kind":"Name","value":"successfulRequests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p99LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"trafficDistribution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flowData"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"toDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]} as unknown as DocumentNode<SimulationSummaryFieldsFragment, unknown>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"}},{"kind":"Field","name":{"kind":"Name","value":"isAdmin"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const RoutingGroupListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RoutingGroupList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"size"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroups"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}},{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"Variable","name":{"kind":"Name","value":"size"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"page"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<RoutingGroupListQuery, RoutingGroupListQueryVariables>;
export const RoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<RoutingGroupQuery, RoutingGroupQueryVariables>;
export const DeploymentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"apiBase"}},{"kind":"Field","name":{"kind":"Name","value":"rpm"}},{"kind":"Field","name":{"kind":"Name","value":"tpm"}},{"kind":"Field","name":{"kind":"Name","value":"inputCostPerToken"}},{"kind":"Field","name":{"kind":"Name","value":"outputCostPerToken"}},{"kind":"Field","name":{"kind":"Name","value":"publicModelName"}},{"kind":"Field","name":{"kind":"Name","value":"mock"}}]}}]}}]} as unknown as DocumentNode<DeploymentsQuery, DeploymentsQueryVariables>;
export const TeamsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Teams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"teamAlias"}}]}}]}}]} as unknown as DocumentNode<TeamsQuery, TeamsQueryVariables>;
export const KeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"keyAlias"}},{"kind":"Field","name":{"kind":"Name","value":"teamId"}},{"kind":"Field","name":{"kind":"Name","value":"keyPrefix"}},{"kind":"Field","name":{"kind":"Name","value":"revoked"}}]}}]}}]} as unknown as DocumentNode<KeysQuery, KeysQueryVariables>;
export const CreateRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroupInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConflictError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PermissionDeniedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<CreateRoutingGroupMutation, CreateRoutingGroupMutationVariables>;
export const UpdateRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroupPatch"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingGroupFields"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConflictError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PermissionDeniedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingGroupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupName"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"routingStrategy"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"retryConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"numRetries"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cooldownConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedFails"}},{"kind":"Field","name":{"kind":"Name","value":"cooldownTimeSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"settings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxFallbacks"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignedTeamIds"}},{"kind":"Field","name":{"kind":"Name","value":"assignedKeyIds"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}}]}}]} as unknown as DocumentNode<UpdateRoutingGroupMutation, UpdateRoutingGroupMutationVariables>;
export const DeleteRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PermissionDeniedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteRoutingGroupMutation, DeleteRoutingGroupMutationVariables>;
export const TestRoutingGroupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TestRoutingGroup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"messages"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ChatMessageInput"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"mock"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"failureInjection"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeploymentFailureInput"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"testRoutingGroup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"messages"},"value":{"kind":"Variable","name":{"kind":"Name","value":"messages"}}},{"kind":"Argument","name":{"kind":"Name","value":"mock"},"value":{"kind":"Variable","name":{"kind":"Name","value":"mock"}}},{"kind":"Argument","name":{"kind":"Name","value":"failureInjection"},"value":{"kind":"Variable","name":{"kind":"Name","value":"failureInjection"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingGroupTestResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"responseText"}},{"kind":"Field","name":{"kind":"Name","value":"totalLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"finalDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"finalProvider"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"traces"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RoutingTraceFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PermissionDeniedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RoutingTraceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RoutingTrace"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"wasFallback"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}},{"kind":"Field","name":{"kind":"Name","value":"retryIndex"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}}]}}]} as unknown as DocumentNode<TestRoutingGroupMutation, TestRoutingGroupMutationVariables>;
export const SimulateTrafficDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"SimulateTraffic"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulateTraffic"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"requests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestIndex"}},{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"finalDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errorKind"}},{"kind":"Field","name":{"kind":"Name","value":"fallbackDepth"}},{"kind":"Field","name":{"kind":"Name","value":"retryIndex"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SimulationSummaryFields"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PermissionDeniedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LimitExceededError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SimulationSummaryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"totalRequests"}},{"kind":"Field","name":{"kind":"Name","value":"successfulRequests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p99LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"trafficDistribution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flowData"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"toDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]} as unknown as DocumentNode<SimulateTrafficSubscription, SimulateTrafficSubscriptionVariables>;
export const StopSimulationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StopSimulation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"simulationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopSimulation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"simulationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"simulationId"}}}]}]}}]} as unknown as DocumentNode<StopSimulationMutation, StopSimulationMutationVariables>;
export const SimulationHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SimulationHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"routingGroupId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"routingGroupId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"input"}},{"kind":"Field","name":{"kind":"Name","value":"summary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SimulationSummaryFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SimulationSummaryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SimulationSummary"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulationId"}},{"kind":"Field","name":{"kind":"Name","value":"totalRequests"}},{"kind":"Field","name":{"kind":"Name","value":"successfulRequests"}},{"kind":"Field","name":{"kind":"Name","value":"failedRequests"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p50LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p95LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"p99LatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"trafficDistribution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentName"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"successCount"}},{"kind":"Field","name":{"kind":"Name","value":"failureCount"}},{"kind":"Field","name":{"kind":"Name","value":"avgLatencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"percentOfTotal"}},{"kind":"Field","name":{"kind":"Name","value":"wasPrimary"}}]}},{"kind":"Field","name":{"kind":"Name","value":"flowData"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"toDeployment"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]} as unknown as DocumentNode<SimulationHistoryQuery, SimulationHistoryQueryVariables>;
export const RoutingGroupRevisionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RoutingGroupRevisions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"routingGroupRevisions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"routingGroupId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"routingGroupId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revisionId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"before"}},{"kind":"Field","name":{"kind":"Name","value":"after"}}]}}]}}]} as unknown as DocumentNode<RoutingGroupRevisionsQuery, RoutingGroupRevisionsQueryVariables>;