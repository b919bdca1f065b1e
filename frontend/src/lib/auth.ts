// The API key lives in sessionStorage: it survives reloads but not the browser tab, and the
// bundled GraphiQL page (same origin) reads it from the same place.
import { useSyncExternalStore } from 'react';

export const API_KEY_STORAGE_KEY = 'routing-groups.api-key';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function getApiKey(): string | null {
  return sessionStorage.getItem(API_KEY_STORAGE_KEY);
}

export function signIn(apiKey: string): void {
  signOutReason = null;
  sessionStorage.setItem(API_KEY_STORAGE_KEY, apiKey.trim());
  notify();
}

let signOutReason: string | null = null;

/** `reason` is shown on the sign-in page (e.g. the server rejected the key). */
export function signOut(reason: string | null = null): void {
  signOutReason = reason;
  sessionStorage.removeItem(API_KEY_STORAGE_KEY);
  notify();
}

export function getSignOutReason(): string | null {
  return signOutReason;
}

export function subscribeToAuth(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useApiKey(): string | null {
  return useSyncExternalStore(subscribeToAuth, getApiKey);
}

export function bearer(apiKey: string): string {
  return `Bearer ${apiKey}`;
}

/**
 * The server prints `http://HOST:PORT/#key=<master key>` when it generated the key: sign in
 * with it and take it out of the address bar so it is not bookmarked or shared.
 */
export function signInFromUrlHash(location: Location = window.location): boolean {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const apiKey = params.get('key');
  if (!apiKey) return false;
  signIn(apiKey);
  params.delete('key');
  const rest = params.toString();
  window.history.replaceState(
    window.history.state,
    '',
    `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
  );
  return true;
}
