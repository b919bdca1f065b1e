import { graphql } from '@/gql';

export const RoutingGroupFieldsFragment = graphql(`
  fragment RoutingGroupFields on RoutingGroup {
    routingGroupId
    routingGroupName
    description
    routingStrategy
    deployments {
      modelId
      modelName
      provider
      priority
      weight
      displayName
    }
    retryConfig {
      numRetries
    }
    cooldownConfig {
      allowedFails
      cooldownTimeSeconds
    }
    settings {
      maxFallbacks
      timeoutSeconds
    }
    assignedTeamIds
    assignedKeyIds
    isActive
    version
    createdAt
    createdBy
    updatedAt
    updatedBy
  }
`);

export const RoutingGroupListQuery = graphql(`
  query RoutingGroupList($page: Int!, $size: Int!) {
    routingGroups(page: $page, size: $size) {
      items {
        ...RoutingGroupFields
      }
      total
      page
      size
    }
  }
`);

export const RoutingGroupQuery = graphql(`
  query RoutingGroup($id: ID!) {
    routingGroup(id: $id) {
      ...RoutingGroupFields
    }
  }
`);

// Three separate queries: a key that may not list teams or keys still gets the deployments.
export const DeploymentsQuery = graphql(`
  query Deployments {
    deployments {
      modelId
      modelName
      provider
      displayName
      apiBase
      rpm
      tpm
      inputCostPerToken
      outputCostPerToken
      publicModelName
      mock
    }
  }
`);

export const TeamsQuery = graphql(`
  query Teams {
    teams {
      teamId
      teamAlias
    }
  }
`);

export const KeysQuery = graphql(`
  query Keys {
    keys {
      keyId
      keyAlias
      teamId
      keyPrefix
      revoked
    }
  }
`);

export const CreateRoutingGroupMutation = graphql(`
  mutation CreateRoutingGroup($input: RoutingGroupInput!) {
    createRoutingGroup(input: $input) {
      __typename
      ... on RoutingGroup {
        ...RoutingGroupFields
      }
      ...ErrorFields
      ... on ConflictError {
        currentVersion
      }
    }
  }
`);

export const UpdateRoutingGroupMutation = graphql(`
  mutation UpdateRoutingGroup($id: ID!, $input: RoutingGroupPatch!, $expectedVersion: Int) {
    updateRoutingGroup(id: $id, input: $input, expectedVersion: $expectedVersion) {
      __typename
      ... on RoutingGroup {
        ...RoutingGroupFields
      }
      ...ErrorFields
      ... on ConflictError {
        currentVersion
      }
    }
  }
`);

export const DeleteRoutingGroupMutation = graphql(`
  mutation DeleteRoutingGroup($id: ID!) {
    deleteRoutingGroup(id: $id) {
      __typename
      ... on DeleteSuccess {
        routingGroupId
      }
      ...ErrorFields
    }
  }
`);
