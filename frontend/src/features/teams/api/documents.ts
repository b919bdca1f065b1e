import { graphql } from '@/gql';

// Teams with what hangs off them: their keys, and the groups that list them.
export const TeamsPageQuery = graphql(`
  query TeamsPage {
    teams {
      teamId
      teamAlias
      createdAt
    }
    keys {
      keyId
      keyAlias
      keyPrefix
      teamId
      revoked
    }
    routingGroups(page: 1, size: 100) {
      items {
        routingGroupId
        routingGroupName
        assignedTeamIds
      }
    }
  }
`);

export const CreateTeamMutation = graphql(`
  mutation CreateTeam($input: TeamInput!) {
    createTeam(input: $input) {
      __typename
      ... on Team {
        teamId
        teamAlias
      }
      ...ErrorFields
    }
  }
`);

export const UpdateTeamMutation = graphql(`
  mutation UpdateTeam($teamId: ID!, $input: TeamInput!) {
    updateTeam(teamId: $teamId, input: $input) {
      __typename
      ... on Team {
        teamId
        teamAlias
      }
      ...ErrorFields
    }
  }
`);

export const DeleteTeamMutation = graphql(`
  mutation DeleteTeam($teamId: ID!) {
    deleteTeam(teamId: $teamId) {
      __typename
      ... on DeleteTeamSuccess {
        teamId
        updatedRoutingGroupIds
      }
      ...ErrorFields
    }
  }
`);
