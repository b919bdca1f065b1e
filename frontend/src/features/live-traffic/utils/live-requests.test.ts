import { describe, expect, it } from 'vitest';
import { appendRequests, pathOf, secondsUntil, type LiveRequest } from './live-requests';

const req = (startedAtMs: number): LiveRequest => ({
  success: false,
  latencyMs: 5,
  startedAtMs,
  attempts: [
    { deploymentId: 'a', deploymentName: 'A', provider: 'openai', status: 'ERROR', errorKind: 'TIMEOUT', fallbackDepth: 0, latencyMs: 5 },
  ],
  skipped: [],
});

describe('live requests', () => {
  it('keeps the newest requests, in order, up to the cap', () => {
    let recent: readonly LiveRequest[] = [];
    for (let i = 0; i < 7; i++) recent = appendRequests(recent, [req(i), req(i + 0.5)], 5);
    expect(recent.map((r) => r.startedAtMs)).toEqual([4.5, 5, 5.5, 6, 6.5]);
    expect(appendRequests(recent, [], 5)).toBe(recent);
  });

  it('reads a request as its path, failures with their kind', () => {
    expect(pathOf(req(0))).toBe('A ✗ TIMEOUT');
    expect(pathOf({ ...req(0), attempts: [] })).toBe('no attempt');
  });

  it('counts the seconds left of a cooldown, never below zero', () => {
    expect(secondsUntil('2026-01-01T00:00:10Z', Date.parse('2026-01-01T00:00:00Z'))).toBe(10);
    expect(secondsUntil('2026-01-01T00:00:10Z', Date.parse('2026-01-01T00:01:00Z'))).toBe(0);
    expect(secondsUntil(null, 0)).toBeNull();
  });
});
