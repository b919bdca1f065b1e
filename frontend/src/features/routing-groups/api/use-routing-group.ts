import { useCallback } from 'react';
import { useQuery } from 'urql';
import { RoutingGroupQuery } from './documents';

export function useRoutingGroup(id: string) {
  const [result, reexecute] = useQuery({
    query: RoutingGroupQuery,
    variables: { id },
    requestPolicy: 'network-only',
  });
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  return {
    group: result.data?.routingGroup ?? null,
    fetching: result.fetching,
    error: result.error,
    loaded: result.data !== undefined,
    refetch,
  };
}
