import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { bearer } from './auth';
import { connectionLost, connectionRestored, trackingFetch } from './connection';

export const GRAPHQL_PATH = '/graphql';

// Close codes the server uses for a missing or bad key on the websocket.
const UNAUTHORIZED_CLOSE_CODES = new Set([4401, 4403]);

export function graphqlWsUrl(location: Location = window.location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${GRAPHQL_PATH}`;
}

// 1000 is graphql-ws closing an idle lazy socket itself: not a lost server.
function isLost(event: unknown): boolean {
  return !(event instanceof CloseEvent && (event.code === 1000 || UNAUTHORIZED_CLOSE_CODES.has(event.code)));
}

const MAX_RETRY_WAIT_MS = 3000;

export interface WsOptions {
  /** Reconnect and resubscribe after the server comes back (false: the sinks get the error). */
  resubscribe: boolean;
}

export function createWsClientFor(
  apiKey: string,
  onUnauthorized: () => void,
  { resubscribe }: WsOptions = { resubscribe: true },
): WsClient {
  return createWsClient({
    url: graphqlWsUrl(),
    lazy: true,
    connectionParams: { authorization: bearer(apiKey) },
    retryAttempts: resubscribe ? Number.POSITIVE_INFINITY : 0,
    // graphql-ws doubles its wait each retry; capped, the page is back within seconds of the server.
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, 500 * 2 ** retries))),
    shouldRetry: (event) =>
      !(event instanceof CloseEvent && UNAUTHORIZED_CLOSE_CODES.has(event.code)),
    on: {
      connected: () => connectionRestored(),
      closed: (event) => {
        if (event instanceof CloseEvent && UNAUTHORIZED_CLOSE_CODES.has(event.code)) {
          onUnauthorized();
        } else if (isLost(event)) {
          connectionLost();
        }
      },
    },
  });
}

/**
 * A simulation subscription starts a run: resubscribing after an outage would start a second
 * run, so simulations go over a socket that never resubscribes and report the outage instead.
 */
export function startsWork(query: string): boolean {
  return /\bsimulateTraffic\b/.test(query);
}

export interface GraphqlClientOptions {
  apiKey: string;
  onUnauthorized: () => void;
  fetch?: typeof fetch;
}

export function createGraphqlClient({ apiKey, onUnauthorized, fetch }: GraphqlClientOptions): Client {
  const ws = createWsClientFor(apiKey, onUnauthorized);
  const runs = createWsClientFor(apiKey, onUnauthorized, { resubscribe: false });
  return new Client({
    url: GRAPHQL_PATH,
    fetch: trackingFetch(fetch),
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
              const socket = startsWork(input.query) ? runs : ws;
              const unsubscribe = socket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
