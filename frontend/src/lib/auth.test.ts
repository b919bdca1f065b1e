import { describe, expect, it } from 'vitest';
import { getApiKey, getSignOutReason, signIn, signInFromUrlHash, signOut, subscribeToAuth } from './auth';

describe('auth', () => {
  it('signs in from #key= and strips the key from the address', () => {
    window.history.replaceState(null, '', '/groups?page=2#key=sk-master-123');
    expect(signInFromUrlHash()).toBe(true);
    expect(getApiKey()).toBe('sk-master-123');
    expect(window.location.href).not.toContain('sk-master-123');
    expect(window.location.pathname + window.location.search).toBe('/groups?page=2');
  });

  it('keeps other hash parameters', () => {
    window.history.replaceState(null, '', '/#key=sk-1&tab=x');
    signInFromUrlHash();
    expect(window.location.hash).toBe('#tab=x');
  });

  it('does nothing without a key in the hash', () => {
    window.history.replaceState(null, '', '/#other=1');
    expect(signInFromUrlHash()).toBe(false);
    expect(getApiKey()).toBeNull();
  });

  it('forgets the key on sign-out, tells listeners, and remembers why', () => {
    let changes = 0;
    const unsubscribe = subscribeToAuth(() => changes++);
    signIn('sk-x');
    signOut('rejected');
    unsubscribe();
    expect(getApiKey()).toBeNull();
    expect(getSignOutReason()).toBe('rejected');
    expect(changes).toBe(2);
  });
});
