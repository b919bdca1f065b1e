import { graphql } from '@/gql';

export const KeysPageQuery = graphql(`
  query KeysPage {
    keys {
      keyId
      keyAlias
      keyPrefix
      teamId
      createdAt
      revoked
    }
    teams {
      teamId
      teamAlias
    }
  }
`);

export const GenerateKeyMutation = graphql(`
  mutation GenerateKey($input: GenerateKeyInput!) {
    generateKey(input: $input) {
      __typename
      ... on GeneratedKey {
        keyId
        key
        keyAlias
        teamId
      }
      ...ErrorFields
    }
  }
`);

export const RevokeKeyMutation = graphql(`
  mutation RevokeKey($keyId: ID!) {
    revokeKey(keyId: $keyId) {
      __typename
      ... on ApiKey {
        keyId
        revoked
      }
      ...ErrorFields
    }
  }
`);
