import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TraceTimeline, type AttemptTrace } from './TraceTimeline';

function attempt(overrides: Partial<AttemptTrace>): AttemptTrace {
  return {
    deploymentId: 'nebius-llama-3.3-70b',
    deploymentName: 'Nebius Llama 3.3 70B',
    provider: 'nebius',
    latencyMs: 12.5,
    wasFallback: false,
    fallbackDepth: 0,
    retryIndex: 0,
    status: 'SUCCESS',
    errorKind: null,
    errorMessage: null,
    ...overrides,
  };
}

describe('TraceTimeline', () => {
  it('draws a retry, then a fallback, then the answering deployment', () => {
    render(
      <TraceTimeline
        models={{ 'nebius-llama-3.3-70b': 'llama-3.3-70b', 'azure-gpt-4o': 'gpt-4o' }}
        traces={[
          attempt({ status: 'ERROR', errorKind: 'RATE_LIMIT', errorMessage: '429 Too Many Requests' }),
          attempt({ status: 'ERROR', errorKind: 'TIMEOUT', retryIndex: 1 }),
          attempt({
            deploymentId: 'azure-gpt-4o',
            deploymentName: 'Azure GPT-4o',
            provider: 'azure',
            wasFallback: true,
            fallbackDepth: 1,
            latencyMs: 340,
          }),
        ]}
      />,
    );
    const attempts = screen.getAllByTestId('trace-attempt');
    expect(attempts.map((a) => a.dataset.status)).toEqual(['ERROR', 'ERROR', 'SUCCESS']);
    expect(within(attempts[0]!).getByText('Error: rate limit')).toBeInTheDocument();
    expect(within(attempts[0]!).getByText('429 Too Many Requests')).toBeInTheDocument();
    expect(within(attempts[0]!).getByText('llama-3.3-70b')).toBeInTheDocument();
    expect(within(attempts[2]!).getByText('Azure GPT-4o')).toBeInTheDocument();
    expect(within(attempts[2]!).getByText('Azure')).toBeInTheDocument();
    expect(within(attempts[2]!).getByText(/340 ms/)).toBeInTheDocument();

    const transitions = screen.getAllByTestId('trace-transition');
    expect(transitions.map((t) => [t.dataset.kind, t.textContent])).toEqual([
      ['retry', '↻ retry (rate limit)'],
      ['fallback', '↓ fallback triggered (timeout)'],
    ]);
  });

  it('shows no marker for a request answered at once', () => {
    render(<TraceTimeline traces={[attempt({})]} />);
    expect(screen.getAllByTestId('trace-attempt')).toHaveLength(1);
    expect(screen.queryByTestId('trace-transition')).toBeNull();
    expect(screen.getByText('Success')).toBeInTheDocument();
  });

  it('says so when no deployment was called', () => {
    render(<TraceTimeline traces={[]} />);
    expect(screen.getByText(/No deployment was called/)).toBeInTheDocument();
  });
});
