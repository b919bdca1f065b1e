import { graphql } from "@/gql";

export const SpendQuery = graphql(`
  query Spend($groupBy: SpendGroupBy!, $filter: RequestLogFilter) {
    spend(groupBy: $groupBy, filter: $filter) {
      groupBy
      id
      name
      requests
      failures
      promptTokens
      completionTokens
      costUsd
    }
  }
`);

export const RequestLogQuery = graphql(`
  query RequestLog($filter: RequestLogFilter, $page: Int!, $size: Int!) {
    requestLog(filter: $filter, page: $page, size: $size) {
      total
      page
      size
      items {
        requestId
        startedAt
        routingGroupName
        keyId
        deploymentId
        success
        statusCode
        latencyMs
        promptTokens
        completionTokens
        costUsd
        attempts {
          deploymentId
          status
          errorKind
        }
      }
    }
  }
`);

export const UsageKeysQuery = graphql(`
  query UsageKeys {
    keys {
      keyId
      keyAlias
      keyPrefix
    }
  }
`);
