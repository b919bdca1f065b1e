import { graphql } from '@/gql';

export const HistoryTeamsQuery = graphql(`
  query HistoryTeams {
    teams {
      teamId
      teamAlias
    }
  }
`);

export const RevertRoutingGroupMutation = graphql(`
  mutation RevertRoutingGroup($id: ID!, $input: RoutingGroupPatch!, $expectedVersion: Int) {
    updateRoutingGroup(id: $id, input: $input, expectedVersion: $expectedVersion) {
      __typename
      ... on RoutingGroup {
        routingGroupId
        version
      }
      ...ErrorFields
    }
  }
`);
