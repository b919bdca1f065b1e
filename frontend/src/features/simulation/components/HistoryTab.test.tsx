import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { savedGroup } from '@/test/fixtures';
import { mockClient } from '@/test/mock-client';
import { HistoryTab } from './HistoryTab';

const summary = {
  simulationId: 'sim-1',
  totalRequests: 2,
  successfulRequests: 1,
  failedRequests: 1,
  cancelled: true,
  durationMs: 50,
  avgLatencyMs: 15,
  p50LatencyMs: 10,
  p95LatencyMs: 20,
  p99LatencyMs: 20,
  trafficDistribution: [
    {
      deploymentId: 'nebius-llama-3.3-70b',
      deploymentName: 'llama-3.3-70b',
      provider: 'nebius',
      requestCount: 2,
      successCount: 1,
      failureCount: 1,
      avgLatencyMs: 15,
      percentOfTotal: 100,
      wasPrimary: true,
    },
  ],
  flowData: [
    { fromDeployment: null, toDeployment: 'nebius-llama-3.3-70b', requestCount: 2, reason: 'primary' },
    { fromDeployment: 'nebius-llama-3.3-70b', toDeployment: 'nebius-llama-3.3-70b', requestCount: 1, reason: 'success' },
    { fromDeployment: 'nebius-llama-3.3-70b', toDeployment: null, requestCount: 1, reason: 'failed' },
  ],
};

const group = { routing_group_name: 'llama-prod', version: 1, retry_config: { num_retries: 0 } };

function renderHistory() {
  const mock = mockClient({
    SimulationHistory: () => ({
      simulations: [
        {
          simulationId: 'sim-1',
          routingGroupId: 'rg-1',
          createdAt: '2026-11-26T10:00:00Z',
          createdBy: 'admin',
          input: {
            numRequests: 500,
            concurrency: 10,
            mock: true,
            seed: 42,
            failureInjection: [{ modelId: 'nebius-llama-3.3-70b', failureRate: 0.5, errorKind: 'RATE_LIMIT' }],
          },
          summary,
        },
      ],
    }),
    RoutingGroupRevisions: () => ({
      routingGroupRevisions: [
        {
          revisionId: 'r2',
          version: 2,
          action: 'update',
          changedBy: 'alice',
          changedAt: '2026-11-26T11:00:00Z',
          before: group,
          after: { ...group, version: 2, retry_config: { num_retries: 2 } },
        },
        { revisionId: 'r1', version: 1, action: 'create', changedBy: 'admin', changedAt: '2026-11-26T10:00:00Z', before: null, after: group },
      ],
    }),
  });
  render(
    <Provider value={mock.client}>
      <HistoryTab group={savedGroup()} />
    </Provider>,
  );
  return mock;
}

describe('HistoryTab', () => {
  it('lists saved runs and reopens one with its summary numbers', async () => {
    const user = userEvent.setup();
    const mock = renderHistory();
    expect(mock.callsOf('SimulationHistory')[0]?.variables).toEqual({ routingGroupId: 'rg-1' });
    const run = await screen.findByTestId('saved-simulation');
    expect(run).toHaveTextContent('500 requests · concurrency 10 · mock · seed 42 · failing: nebius-llama-3.3-70b 50% rate limit');
    expect(run).toHaveTextContent('cancelled');
    await user.click(within(run).getByRole('button'));
    expect(screen.getByTestId('stat-total')).toHaveAttribute('data-value', '2');
    expect(screen.getByTestId('stat-p95')).toHaveAttribute('data-value', '20');
    expect(screen.getAllByTestId('flow-step').map((s) => s.dataset.count)).toEqual(['2', '1', '1']);
  });

  it('shows who changed which fields, and when', async () => {
    renderHistory();
    const [update, create] = await screen.findAllByTestId('revision');
    expect(update).toHaveTextContent('v2');
    expect(update).toHaveTextContent('alice');
    expect(within(update!).getAllByTestId('revision-change').map((c) => c.textContent)).toEqual([
      'retry_config.num_retries: 0 → 2',
    ]);
    expect(create).toHaveTextContent('Created.');
  });
});
