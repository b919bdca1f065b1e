import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TraceTimeline, waitBefore, type AttemptTrace } from './TraceTimeline';

const attempt = (over: Partial<AttemptTrace>): AttemptTrace => ({
  deploymentId: 'azure-gpt-4o',
  deploymentName: 'Azure GPT-4o',
  provider: 'azure',
  latencyMs: 5,
  wasFallback: false,
  fallbackDepth: 0,
  retryIndex: 0,
  status: 'ERROR',
  errorKind: 'SERVER_ERROR',
  errorMessage: 'InternalServerError: injected',
  ...over,
});

describe('backoff waits in the Live Tester path', () => {
  it('shows the wait between a failed attempt and its retry', () => {
    const traces = [
      attempt({ startedAtMs: 0, latencyMs: 4 }),
      attempt({ startedAtMs: 1154, latencyMs: 5, retryIndex: 1, status: 'SUCCESS', errorKind: null, errorMessage: null }),
    ];
    expect(waitBefore(traces[0]!, traces[1]!)).toBe(1150);
    render(<TraceTimeline traces={traces} />);
    expect(screen.getByTestId('trace-wait')).toHaveTextContent(/waiting 1[,.]?150 ms \(backoff\)/);
  });

  it('says nothing about waits when the next attempt started at once', () => {
    const traces = [attempt({ startedAtMs: 0, latencyMs: 4 }), attempt({ startedAtMs: 4.2, retryIndex: 1 })];
    render(<TraceTimeline traces={traces} />);
    expect(screen.queryByTestId('trace-wait')).toBeNull();
  });

  it("does not call the gateway's own few tens of ms between attempts a backoff", () => {
    const traces = [attempt({ startedAtMs: 0, latencyMs: 4 }), attempt({ startedAtMs: 43, retryIndex: 1 })];
    render(<TraceTimeline traces={traces} />);
    expect(screen.queryByTestId('trace-wait')).toBeNull();
  });
});
