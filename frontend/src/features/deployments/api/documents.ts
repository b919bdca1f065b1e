import { graphql } from '@/gql';

export const DeploymentsPageQuery = graphql(`
  query DeploymentsPage {
    deployments {
      modelId
      modelName
      publicModelName
      provider
      displayName
      apiBase
      rpm
      tpm
      inputCostPerToken
      outputCostPerToken
      mock
    }
    routingGroups(page: 1, size: 100) {
      items {
        routingGroupId
        routingGroupName
        deployments {
          modelId
        }
      }
    }
  }
`);

export const CreateDeploymentMutation = graphql(`
  mutation CreateDeployment($input: DeploymentInput!) {
    createDeployment(input: $input) {
      __typename
      ... on Deployment {
        modelId
      }
      ...ErrorFields
    }
  }
`);
