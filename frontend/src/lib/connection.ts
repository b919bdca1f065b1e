// Whether the server answers. HTTP failures (no response at all, or a gateway 502-504) and the
// websocket closing mark the connection lost; the next answer of either marks it back. Pages
// read it to say "can't reach the server" instead of "nothing yet", and to mark data stale.
import { useSyncExternalStore } from 'react';

export type ConnectionState = 'online' | 'reconnecting';

type Listener = () => void;
const listeners = new Set<Listener>();
let state: ConnectionState = 'online';
/** Bumped on every reconnect, so views can refetch what went stale. */
let reconnects = 0;

function set(next: ConnectionState): void {
  if (next === state) return;
  if (next === 'online') reconnects += 1;
  state = next;
  for (const listener of listeners) listener();
}

export function connectionLost(): void {
  set('reconnecting');
}

export function connectionRestored(): void {
  set('online');
}

export function getConnectionState(): ConnectionState {
  return state;
}

export function getReconnectCount(): number {
  return reconnects;
}

export function subscribeToConnection(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeToConnection, getConnectionState);
}

/** Changes on every reconnect: a dependency for effects that refetch after an outage. */
export function useReconnectCount(): number {
  return useSyncExternalStore(subscribeToConnection, getReconnectCount);
}

const GATEWAY_DOWN = new Set([502, 503, 504]);

/** fetch that reports reachability; errors and responses pass through unchanged. */
export function trackingFetch(inner: typeof fetch = (...args) => fetch(...args)): typeof fetch {
  return async (input, init) => {
    try {
      const response = await inner(input, init);
      if (GATEWAY_DOWN.has(response.status)) connectionLost();
      else connectionRestored();
      return response;
    } catch (error) {
      // An aborted request (a component unmounting) says nothing about the server.
      if (!(error instanceof DOMException && error.name === 'AbortError')) connectionLost();
      throw error;
    }
  };
}

const PROBE_MS = 2000;
let probe: ReturnType<typeof setInterval> | null = null;

/**
 * While the connection is lost, ask /healthz every two seconds: a page with no request in
 * flight would otherwise never find out that the server is back.
 */
export function probeWhileLost(inner: typeof fetch = (...args) => fetch(...args)): () => void {
  const check = () => {
    if (state === 'online') {
      if (probe !== null) clearInterval(probe);
      probe = null;
      return;
    }
    void inner('/healthz', { cache: 'no-store' }).then(
      (response) => {
        if (response.ok) connectionRestored();
      },
      () => undefined,
    );
  };
  return subscribeToConnection(() => {
    if (state === 'reconnecting' && probe === null) probe = setInterval(check, PROBE_MS);
  });
}
