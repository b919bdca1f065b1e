import { graphql } from '@/gql';

export const HistoryTeamsQuery = graphql(`
  query HistoryTeams {
    teams {
      teamId
      teamAlias
    }
  }
`);

export const RollbackRoutingGroupMutation = graphql(`
  mutation RollbackRoutingGroup($id: ID!, $toVersion: Int!, $expectedVersion: Int) {
    rollbackRoutingGroup(id: $id, toVersion: $toVersion, expectedVersion: $expectedVersion) {
      __typename
      ... on RoutingGroup {
        routingGroupId
        version
      }
      ... on ConflictError {
        currentVersion
      }
      ...ErrorFields
    }
  }
`);

/** "Apply this change": a what-if draft saved as the group's next version. */
export const ApplyRoutingGroupChangeMutation = graphql(`
  mutation ApplyRoutingGroupChange($id: ID!, $input: RoutingGroupPatch!, $expectedVersion: Int) {
    updateRoutingGroup(id: $id, input: $input, expectedVersion: $expectedVersion) {
      __typename
      ... on RoutingGroup {
        routingGroupId
        version
      }
      ... on ConflictError {
        currentVersion
      }
      ...ErrorFields
    }
  }
`);
