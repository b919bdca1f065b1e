import { graphql } from '@/gql';

export const LiveTrafficSubscription = graphql(`
  subscription LiveTraffic($id: ID!) {
    liveTraffic(routingGroupId: $id) {
      __typename
      ... on LiveTrafficBatch {
        routingGroupId
        requests {
          success
          latencyMs
          startedAtMs
          finishedAtMs
          finalDeploymentId
          attempts {
            deploymentId
            deploymentName
            provider
            status
            errorKind
            fallbackDepth
            latencyMs
          }
          skipped {
            deploymentId
            reason
          }
        }
      }
      ...ErrorFields
    }
  }
`);

export const GroupHealthQuery = graphql(`
  query GroupHealth($id: ID!) {
    routingGroup(id: $id) {
      routingGroupId
      health {
        deploymentId
        coolingDown
        cooldownEndsAt
        rpmUsed
        tpmUsed
        requestsLastMinute
        failuresLastMinute
        p50LatencyMs
      }
    }
  }
`);
