import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
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
      costUsd: 0.002,
    },
  ],
  clock: 'VIRTUAL',
  seed: 42,
  gatewayOverheadMs: 10.3,
  gatewayOverheadSource: 'RECORDED',
  gatewayOverheadSamples: 32,
  simulatedDurationMs: 2000,
  totalCostUsd: 0.002,
  timeline: [
    {
      startMs: 0,
      endMs: 1000,
      requests: 2,
      failedRequests: 1,
      deployments: [{ deploymentId: 'nebius-llama-3.3-70b', attempts: 2, successes: 1, failures: 1, coolingDown: false, p50LatencyMs: 10 }],
    },
    {
      startMs: 1000,
      endMs: 2000,
      requests: 0,
      failedRequests: 0,
      deployments: [{ deploymentId: 'nebius-llama-3.3-70b', attempts: 0, successes: 0, failures: 0, coolingDown: true, p50LatencyMs: null }],
    },
  ],
  cooldowns: [{ deploymentId: 'nebius-llama-3.3-70b', startMs: 900, endMs: null }],
  flowData: [
    { fromDeployment: null, toDeployment: 'nebius-llama-3.3-70b', requestCount: 2, reason: 'primary' },
    { fromDeployment: 'nebius-llama-3.3-70b', toDeployment: 'nebius-llama-3.3-70b', requestCount: 1, reason: 'success' },
    { fromDeployment: 'nebius-llama-3.3-70b', toDeployment: null, requestCount: 1, reason: 'failed' },
  ],
};

// The server's CAPPED_REASON (gql_server/core/simulation/engine.py).
const CAPPED =
  'reached the cap of 86,400 simulated seconds (24 hours): requests still in flight were dropped and no more were started';

const group = { routing_group_name: 'llama-prod', version: 1, retry_config: { num_retries: 0 } };

function renderHistory(rollback: (variables: Record<string, unknown>) => unknown = () => ({})) {
  const mock = mockClient({
    RollbackRoutingGroup: rollback,
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
        {
          simulationId: 'sim-2',
          routingGroupId: 'rg-1',
          createdAt: '2026-11-26T10:05:00Z',
          createdBy: 'admin',
          input: { traffic: { ratePerSecond: 10, durationSeconds: 180, pattern: 'CONSTANT' }, mock: true, clock: 'VIRTUAL', seed: 42 },
          summary: { ...summary, simulationId: 'sim-2', totalRequests: 3, successfulRequests: 3, failedRequests: 0, cancelled: false },
        },
        {
          simulationId: 'sim-3',
          routingGroupId: 'rg-1',
          createdAt: '2026-11-26T10:10:00Z',
          createdBy: 'admin',
          input: { numRequests: 200, concurrency: 1, mock: true, clock: 'VIRTUAL', seed: 1 },
          summary: { ...summary, simulationId: 'sim-3', stoppedReason: CAPPED },
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
          after: { ...group, version: 2, retry: { num_retries: 2 } },
          diff: [
            { path: 'retry.num_retries', before: 0, after: 2 },
            { path: 'strategy', before: 'PRIORITY_FAILOVER', after: 'SIMPLE_SHUFFLE' },
            { path: 'deployments[0].priority', before: 1, after: 2 },
            { path: 'cooldown.cooldown_time_seconds', before: 30, after: 60 },
          ],
        },
        {
          revisionId: 'r1',
          version: 1,
          action: 'create',
          changedBy: 'admin',
          changedAt: '2026-11-26T10:00:00Z',
          before: null,
          after: group,
          diff: [{ path: 'name', before: null, after: 'llama-prod' }],
        },
      ],
    }),
  });
  render(
    <Provider value={mock.client}>
      <MemoryRouter initialEntries={['/groups/rg-1/history']}>
        <Routes>
          <Route path="/groups/:id/history" element={<HistoryTab group={savedGroup()} />} />
          <Route path="/groups/:id/simulator" element={<p>simulator tab</p>} />
        </Routes>
      </MemoryRouter>
    </Provider>,
  );
  return mock;
}

describe('HistoryTab', () => {
  it('lists saved runs and reopens one with its summary numbers', async () => {
    const user = userEvent.setup();
    const mock = renderHistory();
    expect(mock.callsOf('SimulationHistory')[0]?.variables).toEqual({ routingGroupId: 'rg-1' });
    const [run] = await screen.findAllByTestId('saved-simulation');
    expect(run).toHaveTextContent('500 requests · concurrency 10 · mock · seed 42 · failing: nebius-llama-3.3-70b 50% rate limit');
    expect(run).toHaveTextContent('cancelled');
    await user.click(within(run!).getByRole('button', { expanded: false }));
    expect(screen.getByTestId('stat-total')).toHaveAttribute('data-value', '2');
    expect(screen.getByTestId('stat-p95')).toHaveAttribute('data-value', '20');
    expect(screen.getByTestId('stat-cost')).toHaveAttribute('data-value', '0.002');
    // the gateway overhead the run added to every attempt, and where it came from
    expect(screen.getByTestId('stat-overhead')).toHaveAttribute('data-value', '10.3');
    expect(screen.getByTestId('note-overhead')).toHaveTextContent('median of 32 recorded attempts');
    expect(screen.getAllByTestId('flow-step').map((s) => s.dataset.count)).toEqual(['2', '1', '1']);
    expect(screen.getByTestId('timeline-chart')).toHaveAttribute('data-requests', '2');
    expect(screen.getByTestId('cooldown-band')).toHaveAttribute('data-start-ms', '900');
    expect(screen.queryByTestId('sim-stopped-reason')).toBeNull(); // a user's stop: no reason
  }, 20_000);

  it('says why a saved run stopped itself', async () => {
    const user = userEvent.setup();
    renderHistory();
    const runs = await screen.findAllByTestId('saved-simulation');
    const capped = runs[2]!;
    expect(within(capped).getByTestId('history-stopped')).toHaveAttribute('title', CAPPED);
    expect(capped).not.toHaveTextContent('cancelled');
    expect(runs[0]).not.toHaveTextContent('stopped early');
    await user.click(within(capped).getByRole('button', { expanded: false }));
    expect(screen.getByTestId('sim-stopped-reason')).toHaveTextContent(`Stopped early: ${CAPPED}`);
  });

  it('re-runs a saved run on the simulator tab with the same input', async () => {
    const user = userEvent.setup();
    renderHistory();
    const [, second] = await screen.findAllByTestId('saved-simulation');
    expect(second).toHaveTextContent('10 req/s for 180 s · virtual clock · mock · seed 42');
    await user.click(within(second!).getByRole('button', { name: 'Run again' }));
    expect(await screen.findByText('simulator tab')).toBeInTheDocument();
    expect(JSON.parse(sessionStorage.getItem('routing-groups:simulator:rerun') ?? '{}')).toEqual({
      groupId: 'rg-1',
      input: { traffic: { ratePerSecond: 10, durationSeconds: 180, pattern: 'CONSTANT' }, mock: true, clock: 'VIRTUAL', seed: 42 },
    });
  });

  it('compares two saved runs side by side, marking the differences', async () => {
    const user = userEvent.setup();
    renderHistory();
    await screen.findAllByTestId('saved-simulation');
    expect(screen.getByTestId('compare-saved')).toBeDisabled();
    await user.click(screen.getByLabelText('Pick sim-1 to compare'));
    await user.click(screen.getByLabelText('Pick sim-2 to compare'));
    await user.click(screen.getByTestId('compare-saved'));
    const compare = screen.getByTestId('saved-compare');
    expect(within(compare).getAllByTestId('sim-results')).toHaveLength(2);
    expect(within(compare).getAllByTestId('stat-total').map((s) => s.dataset.value)).toEqual(['2', '3']);
    expect(within(compare).getByTestId('delta-total')).toHaveTextContent('+1');
    expect(within(compare).getByTestId('delta-failed')).toHaveTextContent('−1');
  });

  it('shows who changed which fields, and when', async () => {
    renderHistory();
    const [update, create] = await screen.findAllByTestId('revision');
    expect(update).toHaveTextContent('v2');
    expect(update).toHaveTextContent('alice');
    expect(within(update!).getAllByTestId('revision-change').map((c) => c.textContent)).toEqual([
      'Retries: 0 → 2',
      'Strategy: Priority Failover → Round Robin',
      'Deployment 1: priority: 1 → 2',
      'Cooldown: 30 s → 60 s',
    ]);
    expect(create).toHaveTextContent('Created with 1 settings');
    expect(within(create!).getByTestId('revision-change')).toHaveTextContent('Name: llama-prod');
  });

  it('rolls back to a version after confirming, with the version this page loaded as expectedVersion', async () => {
    const user = userEvent.setup();
    const mock = renderHistory(() => ({ rollbackRoutingGroup: { __typename: 'RoutingGroup', routingGroupId: 'rg-1', version: 4 } }));
    const [, first] = await screen.findAllByTestId('revision');
    await user.click(within(first!).getByRole('button', { name: /^Roll back to this version ?\(version 1\)$/ }));
    expect(mock.callsOf('RollbackRoutingGroup')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    expect(mock.callsOf('RollbackRoutingGroup')[0]?.variables).toEqual({ id: 'rg-1', toVersion: 1, expectedVersion: 3 });
    expect(await screen.findByTestId('rollback-saved')).toHaveTextContent('Rolled back to version 1: saved as version 4.');
    // the list is asked for again, so the new version appears at the top
    expect(mock.callsOf('RoutingGroupRevisions').length).toBeGreaterThan(1);
  });

  it('shows a stale rollback as a conflict naming the version that won', async () => {
    const user = userEvent.setup();
    renderHistory(() => ({
      rollbackRoutingGroup: { __typename: 'ConflictError', message: 'version 3 is stale', currentVersion: 5 },
    }));
    const [, first] = await screen.findAllByTestId('revision');
    await user.click(within(first!).getByRole('button', { name: /^Roll back to this version ?\(version 1\)$/ }));
    await user.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    const conflict = await screen.findByTestId('conflict-notice');
    expect(conflict).toHaveTextContent('someone else saved version 5');
    expect(conflict).toHaveAttribute('data-current-version', '5');
    expect(screen.queryByTestId('rollback-saved')).toBeNull();
  });
});
