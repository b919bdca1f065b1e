import { graphql } from '@/gql';

export const RoutingTraceFieldsFragment = graphql(`
  fragment RoutingTraceFields on RoutingTrace {
    deploymentId
    deploymentName
    provider
    latencyMs
    wasFallback
    fallbackDepth
    retryIndex
    status
    errorKind
    errorMessage
  }
`);

export const DeploymentTrafficStatsFieldsFragment = graphql(`
  fragment DeploymentTrafficStatsFields on DeploymentTrafficStats {
    deploymentId
    deploymentName
    provider
    requestCount
    successCount
    failureCount
    avgLatencyMs
    percentOfTotal
    wasPrimary
    costUsd
  }
`);

/** One bucket of a timeline: a run's, or the request log's (`RoutingGroup.recorded`). */
export const TimelineBucketFieldsFragment = graphql(`
  fragment TimelineBucketFields on TimelineBucket {
    startMs
    endMs
    requests
    failedRequests
    deployments {
      deploymentId
      attempts
      successes
      failures
      coolingDown
      p50LatencyMs
    }
  }
`);

export const SimulationSummaryFieldsFragment = graphql(`
  fragment SimulationSummaryFields on SimulationSummary {
    simulationId
    totalRequests
    successfulRequests
    failedRequests
    cancelled
    stoppedReason
    durationMs
    avgLatencyMs
    p50LatencyMs
    p95LatencyMs
    p99LatencyMs
    trafficDistribution {
      ...DeploymentTrafficStatsFields
    }
    flowData {
      fromDeployment
      toDeployment
      requestCount
      reason
    }
    clock
    seed
    simulatedDurationMs
    totalCostUsd
    timeline {
      ...TimelineBucketFields
    }
    cooldowns {
      deploymentId
      startMs
      endMs
    }
    startAt
    gatewayOverheadMs
    gatewayOverheadSource
    gatewayOverheadSamples
    replay {
      recordedRequests
      replayedRequests
      sameFinalDeployment
      recorded {
        ...DeploymentTrafficStatsFields
      }
      recordedCostUsd
      recordedP50LatencyMs
      recordedP95LatencyMs
      assumedDeployments
    }
  }
`);

export const TestRoutingGroupMutation = graphql(`
  mutation TestRoutingGroup(
    $id: ID!
    $messages: [ChatMessageInput!]
    $mock: Boolean!
    $failureInjection: [DeploymentFailureInput!]
  ) {
    testRoutingGroup(id: $id, messages: $messages, mock: $mock, failureInjection: $failureInjection) {
      __typename
      ... on RoutingGroupTestResult {
        success
        responseText
        totalLatencyMs
        finalDeployment
        finalProvider
        errorMessage
        traces {
          ...RoutingTraceFields
          startedAtMs
        }
      }
      ...ErrorFields
    }
  }
`);

// Attempts carry only what the live counters need: every byte here is paid 20,000 times.
export const SimulateTrafficSubscription = graphql(`
  subscription SimulateTraffic($id: ID!, $input: SimulationInput!) {
    simulateTraffic(id: $id, input: $input) {
      __typename
      ... on SimulationProgress {
        simulationId
        completed
        total
        simulatedMs
        requests {
          requestIndex
          success
          latencyMs
          startedAtMs
          finalDeploymentId
          skipped {
            deploymentId
            reason
            beforeAttempt
            fallbackDepth
          }
          attempts {
            startedAtMs
            deploymentId
            deploymentName
            provider
            status
            errorKind
            fallbackDepth
            retryIndex
            latencyMs
          }
        }
      }
      ... on SimulationSummary {
        ...SimulationSummaryFields
      }
      ...ErrorFields
      ... on LimitExceededError {
        limit
      }
    }
  }
`);

export const StopSimulationMutation = graphql(`
  mutation StopSimulation($simulationId: ID!) {
    stopSimulation(simulationId: $simulationId)
  }
`);

export const SimulationHistoryQuery = graphql(`
  query SimulationHistory($routingGroupId: ID!) {
    simulations(routingGroupId: $routingGroupId) {
      simulationId
      routingGroupId
      createdAt
      createdBy
      input
      summary {
        ...SimulationSummaryFields
      }
    }
  }
`);

export const RoutingGroupRevisionsQuery = graphql(`
  query RoutingGroupRevisions($routingGroupId: ID!) {
    routingGroupRevisions(routingGroupId: $routingGroupId) {
      revisionId
      version
      action
      changedBy
      changedAt
      before
      after
      diff {
        path
        before
        after
      }
    }
  }
`);

export const TesterDeploymentsQuery = graphql(`
  query TesterDeployments {
    deployments {
      modelId
      mock
    }
  }
`);
