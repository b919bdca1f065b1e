/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      identity\n      isAdmin\n    }\n  }\n": typeof types.MeDocument,
    "\n  fragment RoutingGroupFields on RoutingGroup {\n    routingGroupId\n    routingGroupName\n    description\n    routingStrategy\n    deployments {\n      modelId\n      modelName\n      provider\n      priority\n      weight\n      displayName\n    }\n    retryConfig {\n      numRetries\n    }\n    cooldownConfig {\n      allowedFails\n      cooldownTimeSeconds\n    }\n    settings {\n      maxFallbacks\n      timeoutSeconds\n    }\n    assignedTeamIds\n    assignedKeyIds\n    isActive\n    version\n    createdAt\n    createdBy\n    updatedAt\n    updatedBy\n  }\n": typeof types.RoutingGroupFieldsFragmentDoc,
    "\n  query RoutingGroupList($page: Int!, $size: Int!) {\n    routingGroups(page: $page, size: $size) {\n      items {\n        ...RoutingGroupFields\n      }\n      total\n      page\n      size\n    }\n  }\n": typeof types.RoutingGroupListDocument,
    "\n  query RoutingGroup($id: ID!) {\n    routingGroup(id: $id) {\n      ...RoutingGroupFields\n    }\n  }\n": typeof types.RoutingGroupDocument,
    "\n  query Deployments {\n    deployments {\n      modelId\n      modelName\n      provider\n      displayName\n      apiBase\n      rpm\n      tpm\n      inputCostPerToken\n      outputCostPerToken\n    }\n  }\n": typeof types.DeploymentsDocument,
    "\n  query Teams {\n    teams {\n      teamId\n      teamAlias\n    }\n  }\n": typeof types.TeamsDocument,
    "\n  query Keys {\n    keys {\n      keyId\n      keyAlias\n      teamId\n      keyPrefix\n      revoked\n    }\n  }\n": typeof types.KeysDocument,
    "\n  mutation CreateRoutingGroup($input: RoutingGroupInput!) {\n    createRoutingGroup(input: $input) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n": typeof types.CreateRoutingGroupDocument,
    "\n  mutation UpdateRoutingGroup($id: ID!, $input: RoutingGroupPatch!, $expectedVersion: Int) {\n    updateRoutingGroup(id: $id, input: $input, expectedVersion: $expectedVersion) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n": typeof types.UpdateRoutingGroupDocument,
    "\n  mutation DeleteRoutingGroup($id: ID!) {\n    deleteRoutingGroup(id: $id) {\n      __typename\n      ... on DeleteSuccess {\n        routingGroupId\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n": typeof types.DeleteRoutingGroupDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      identity\n      isAdmin\n    }\n  }\n": types.MeDocument,
    "\n  fragment RoutingGroupFields on RoutingGroup {\n    routingGroupId\n    routingGroupName\n    description\n    routingStrategy\n    deployments {\n      modelId\n      modelName\n      provider\n      priority\n      weight\n      displayName\n    }\n    retryConfig {\n      numRetries\n    }\n    cooldownConfig {\n      allowedFails\n      cooldownTimeSeconds\n    }\n    settings {\n      maxFallbacks\n      timeoutSeconds\n    }\n    assignedTeamIds\n    assignedKeyIds\n    isActive\n    version\n    createdAt\n    createdBy\n    updatedAt\n    updatedBy\n  }\n": types.RoutingGroupFieldsFragmentDoc,
    "\n  query RoutingGroupList($page: Int!, $size: Int!) {\n    routingGroups(page: $page, size: $size) {\n      items {\n        ...RoutingGroupFields\n      }\n      total\n      page\n      size\n    }\n  }\n": types.RoutingGroupListDocument,
    "\n  query RoutingGroup($id: ID!) {\n    routingGroup(id: $id) {\n      ...RoutingGroupFields\n    }\n  }\n": types.RoutingGroupDocument,
    "\n  query Deployments {\n    deployments {\n      modelId\n      modelName\n      provider\n      displayName\n      apiBase\n      rpm\n      tpm\n      inputCostPerToken\n      outputCostPerToken\n    }\n  }\n": types.DeploymentsDocument,
    "\n  query Teams {\n    teams {\n      teamId\n      teamAlias\n    }\n  }\n": types.TeamsDocument,
    "\n  query Keys {\n    keys {\n      keyId\n      keyAlias\n      teamId\n      keyPrefix\n      revoked\n    }\n  }\n": types.KeysDocument,
    "\n  mutation CreateRoutingGroup($input: RoutingGroupInput!) {\n    createRoutingGroup(input: $input) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n": types.CreateRoutingGroupDocument,
    "\n  mutation UpdateRoutingGroup($id: ID!, $input: RoutingGroupPatch!, $expectedVersion: Int) {\n    updateRoutingGroup(id: $id, input: $input, expectedVersion: $expectedVersion) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n": types.UpdateRoutingGroupDocument,
    "\n  mutation DeleteRoutingGroup($id: ID!) {\n    deleteRoutingGroup(id: $id) {\n      __typename\n      ... on DeleteSuccess {\n        routingGroupId\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n": types.DeleteRoutingGroupDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      identity\n      isAdmin\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      identity\n      isAdmin\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RoutingGroupFields on RoutingGroup {\n    routingGroupId\n    routingGroupName\n    description\n    routingStrategy\n    deployments {\n      modelId\n      modelName\n      provider\n      priority\n      weight\n      displayName\n    }\n    retryConfig {\n      numRetries\n    }\n    cooldownConfig {\n      allowedFails\n      cooldownTimeSeconds\n    }\n    settings {\n      maxFallbacks\n      timeoutSeconds\n    }\n    assignedTeamIds\n    assignedKeyIds\n    isActive\n    version\n    createdAt\n    createdBy\n    updatedAt\n    updatedBy\n  }\n"): (typeof documents)["\n  fragment RoutingGroupFields on RoutingGroup {\n    routingGroupId\n    routingGroupName\n    description\n    routingStrategy\n    deployments {\n      modelId\n      modelName\n      provider\n      priority\n      weight\n      displayName\n    }\n    retryConfig {\n      numRetries\n    }\n    cooldownConfig {\n      allowedFails\n      cooldownTimeSeconds\n    }\n    settings {\n      maxFallbacks\n      timeoutSeconds\n    }\n    assignedTeamIds\n    assignedKeyIds\n    isActive\n    version\n    createdAt\n    createdBy\n    updatedAt\n    updatedBy\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoutingGroupList($page: Int!, $size: Int!) {\n    routingGroups(page: $page, size: $size) {\n      items {\n        ...RoutingGroupFields\n      }\n      total\n      page\n      size\n    }\n  }\n"): (typeof documents)["\n  query RoutingGroupList($page: Int!, $size: Int!) {\n    routingGroups(page: $page, size: $size) {\n      items {\n        ...RoutingGroupFields\n      }\n      total\n      page\n      size\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoutingGroup($id: ID!) {\n    routingGroup(id: $id) {\n      ...RoutingGroupFields\n    }\n  }\n"): (typeof documents)["\n  query RoutingGroup($id: ID!) {\n    routingGroup(id: $id) {\n      ...RoutingGroupFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deployments {\n    deployments {\n      modelId\n      modelName\n      provider\n      displayName\n      apiBase\n      rpm\n      tpm\n      inputCostPerToken\n      outputCostPerToken\n    }\n  }\n"): (typeof documents)["\n  query Deployments {\n    deployments {\n      modelId\n      modelName\n      provider\n      displayName\n      apiBase\n      rpm\n      tpm\n      inputCostPerToken\n      outputCostPerToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Teams {\n    teams {\n      teamId\n      teamAlias\n    }\n  }\n"): (typeof documents)["\n  query Teams {\n    teams {\n      teamId\n      teamAlias\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Keys {\n    keys {\n      keyId\n      keyAlias\n      teamId\n      keyPrefix\n      revoked\n    }\n  }\n"): (typeof documents)["\n  query Keys {\n    keys {\n      keyId\n      keyAlias\n      teamId\n      keyPrefix\n      revoked\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRoutingGroup($input: RoutingGroupInput!) {\n    createRoutingGroup(input: $input) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateRoutingGroup($input: RoutingGroupInput!) {\n    createRoutingGroup(input: $input) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRoutingGroup($id: ID!, $input: RoutingGroupPatch!, $expectedVersion: Int) {\n    updateRoutingGroup(id: $id, input: $input, expectedVersion: $expectedVersion) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateRoutingGroup($id: ID!, $input: RoutingGroupPatch!, $expectedVersion: Int) {\n    updateRoutingGroup(id: $id, input: $input, expectedVersion: $expectedVersion) {\n      __typename\n      ... on RoutingGroup {\n        ...RoutingGroupFields\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on ConflictError {\n        message\n        currentVersion\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteRoutingGroup($id: ID!) {\n    deleteRoutingGroup(id: $id) {\n      __typename\n      ... on DeleteSuccess {\n        routingGroupId\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteRoutingGroup($id: ID!) {\n    deleteRoutingGroup(id: $id) {\n      __typename\n      ... on DeleteSuccess {\n        routingGroupId\n      }\n      ... on NotFoundError {\n        message\n      }\n      ... on PermissionDeniedError {\n        message\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;