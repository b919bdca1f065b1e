import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { bearer } from './auth';

export const GRAPHQL_PATH = '/graphql';

// Close codes the server uses for a missing or bad key on the websocket.
const UNAUTHORIZED_CLOSE_CODES = new Set([4401, 4403]);

export function graphqlWsUrl(location: Location = window.location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${GRAPHQL_PATH}`;
}

export function createWsClientFor(apiKey: string, onUnauthorized: () => void): WsClient {
  return createWsClient({
    url: graphqlWsUrl(),
    lazy: true,
    connectionParams: { authorization: bearer(apiKey) },
    retryAttempts: 3,
    shouldRetry: (event) =>
      !(event instanceof CloseEvent && UNAUTHORIZED_CLOSE_CODES.has(event.code)),
    on: {
      closed: (event) => {
        if (event instanceof CloseEvent && UNAUTHORIZED_CLOSE_CODES.has(event.code)) {
          onUnauthorized();
        }
      },
    },
  });
}

export interface GraphqlClientOptions {
  apiKey: string;
  onUnauthorized: () => void;
  fetch?: typeof fetch;
}

export function createGraphqlClient({ apiKey, onUnauthorized, fetch }: GraphqlClientOptions): Client {
  const ws = createWsClientFor(apiKey, onUnauthorized);
  return new Client({
    url: GRAPHQL_PATH,
    fetch,
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: bearer(apiKey) } }),
    exchanges: [
      mapExchange({
        onError(error) {
          const status = (error.response as Response | undefined)?.status;
          if (status === 401) onUnauthorized();
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
