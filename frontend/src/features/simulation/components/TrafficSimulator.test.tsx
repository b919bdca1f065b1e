import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { beforeEach, describe, expect, it } from 'vitest';
import { savedGroup } from '@/test/fixtures';
import { streamingClient } from '../test/streaming-client';
import { TrafficSimulator } from './TrafficSimulator';

const NEBIUS = { deploymentId: 'nebius-llama-3.3-70b', deploymentName: 'llama-3.3-70b', provider: 'nebius' };
const FIREWORKS = { deploymentId: 'fireworks-llama-v3p3-70b', deploymentName: 'llama-3.3-70b', provider: 'fireworks_ai' };

function attempt(ref: typeof NEBIUS, ok: boolean, fallbackDepth: number, startedAtMs = 0) {
  return {
    startedAtMs,
    ...ref,
    status: ok ? 'SUCCESS' : 'ERROR',
    errorKind: ok ? null : 'RATE_LIMIT',
    fallbackDepth,
    retryIndex: 0,
    latencyMs: 10,
  };
}

const direct = (i: number) => ({
  requestIndex: i,
  success: true,
  latencyMs: 10,
  startedAtMs: i * 1000,
  skipped: [],
  finalDeploymentId: NEBIUS.deploymentId,
  attempts: [attempt(NEBIUS, true, 0, i * 1000)],
});
const fallback = (i: number) => ({
  requestIndex: i,
  success: true,
  latencyMs: 20,
  startedAtMs: i * 1000,
  skipped: [],
  finalDeploymentId: FIREWORKS.deploymentId,
  attempts: [attempt(NEBIUS, false, 0, i * 1000), attempt(FIREWORKS, true, 1, i * 1000 + 10)],
});

function progress(completed: number, requests: { startedAtMs: number }[]) {
  const simulatedMs = Math.max(0, ...requests.map((r) => r.startedAtMs + 20));
  return { __typename: 'SimulationProgress', simulationId: 'sim-1', completed, total: 3, simulatedMs, requests };
}

function bucket(i: number, nebius: [number, number], fireworks: [number, number], failed = 0) {
  const cell = (deploymentId: string, [successes, failures]: [number, number]) => ({
    deploymentId,
    attempts: successes + failures,
    successes,
    failures,
    coolingDown: false,
    p50LatencyMs: successes + failures ? 10 : null,
  });
  return {
    startMs: i * 1000,
    endMs: (i + 1) * 1000,
    requests: 1,
    failedRequests: failed,
    deployments: [cell(NEBIUS.deploymentId, nebius), cell(FIREWORKS.deploymentId, fireworks), cell('azure-gpt-4o', [0, 0])],
  };
}

function summary(cancelled: boolean, total: number) {
  const viaFallback = total - 2 > 0 ? 1 : 0;
  return {
    __typename: 'SimulationSummary',
    simulationId: 'sim-1',
    totalRequests: total,
    successfulRequests: total,
    failedRequests: 0,
    cancelled,
    durationMs: 123.4,
    avgLatencyMs: 13.333333333333334,
    p50LatencyMs: 10,
    p95LatencyMs: 20,
    p99LatencyMs: 20,
    trafficDistribution: [
      { ...NEBIUS, requestCount: total, successCount: 2, failureCount: viaFallback, avgLatencyMs: 10, percentOfTotal: 75, wasPrimary: true, costUsd: 0.001 },
      { ...FIREWORKS, requestCount: viaFallback, successCount: viaFallback, failureCount: 0, avgLatencyMs: 10, percentOfTotal: 25, wasPrimary: false, costUsd: 0.0005 },
    ],
    clock: 'VIRTUAL',
    seed: 42,
    simulatedDurationMs: total * 1000,
    totalCostUsd: 0.0015,
    timeline: [bucket(0, [1, 0], [0, 0]), ...(viaFallback ? [bucket(1, [0, 1], [1, 0])] : [bucket(1, [1, 0], [0, 0])]), bucket(2, [1, 0], [0, 0])].slice(0, total),
    cooldowns: [],
    flowData: [
      { fromDeployment: null, toDeployment: NEBIUS.deploymentId, requestCount: total, reason: 'primary' },
      { fromDeployment: NEBIUS.deploymentId, toDeployment: NEBIUS.deploymentId, requestCount: 2, reason: 'success' },
      ...(viaFallback
        ? [
            { fromDeployment: NEBIUS.deploymentId, toDeployment: FIREWORKS.deploymentId, requestCount: 1, reason: 'fallback_rate_limit' },
            { fromDeployment: FIREWORKS.deploymentId, toDeployment: FIREWORKS.deploymentId, requestCount: 1, reason: 'success' },
          ]
        : []),
    ],
  };
}

function renderSimulator() {
  const mock = streamingClient();
  render(
    <Provider value={mock.client}>
      <TrafficSimulator group={savedGroup()} />
    </Provider>,
  );
  return mock;
}

const stat = (id: string) => screen.getByTestId(`stat-${id}`).dataset.value;

describe('TrafficSimulator', () => {
  // The simulator remembers the last scenario per group; every test starts from the defaults.
  beforeEach(() => localStorage.clear());

  it('runs with the knobs set, grows with each batch and ends on the summary', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.clear(screen.getByLabelText('Number of requests'));
    await user.type(screen.getByLabelText('Number of requests'), '3');
    await user.clear(screen.getByLabelText('Failure rate for nebius-llama-3.3-70b'));
    await user.type(screen.getByLabelText('Failure rate for nebius-llama-3.3-70b'), '50');
    await user.type(screen.getByLabelText('Latency mean for azure-gpt-4o'), '5');
    await user.click(screen.getByRole('button', { name: 'Run' }));

    expect(mock.calls[0]).toEqual({
      name: 'SimulateTraffic',
      variables: {
        id: 'rg-1',
        input: {
          numRequests: 3,
          concurrency: 20,
          mock: true,
          clock: 'VIRTUAL',
          seed: 42,
          failureInjection: [{ modelId: 'nebius-llama-3.3-70b', failureRate: 0.5, errorKind: 'RATE_LIMIT' }],
          latency: [{ modelId: 'azure-gpt-4o', meanMs: 5, jitterMs: 0 }],
          incidents: [],
        },
      },
    });
    expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'running');

    mock.emit(progress(2, [direct(0), fallback(1)]));
    await waitFor(() => expect(screen.getByTestId('sim-counter')).toHaveTextContent('2 / 3'));
    expect(stat('total')).toBe('2');
    const rows = () => screen.getAllByTestId('deployment-row').map((r) => [r.dataset.deploymentId, r.dataset.success, r.dataset.failure]);
    expect(rows()).toEqual([
      ['nebius-llama-3.3-70b', '1', '1'],
      ['fireworks-llama-v3p3-70b', '1', '0'],
      ['azure-gpt-4o', '0', '0'],
    ]);

    mock.emit(progress(3, [direct(2)]));
    mock.emit(summary(false, 3));
    await waitFor(() => expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'completed'));
    expect(screen.getByTestId('sim-counter')).toHaveTextContent('3 / 3');
    expect(screen.getByTestId('sim-check')).toHaveAttribute('data-mismatches', '0');
    expect(screen.getByTestId('sim-check')).toHaveAttribute('data-timeline-mismatches', '0');
    expect(screen.getByTestId('timeline-chart')).toHaveAttribute('data-requests', '3');
    expect(stat('cost')).toBe('0.0015');
    expect([stat('total'), stat('successful'), stat('failed'), stat('avg'), stat('p50'), stat('p95'), stat('p99')]).toEqual(
      ['3', '3', '0', '13.333333333333334', '10', '20', '20'],
    );
    const steps = screen.getAllByTestId('flow-step').map((s) => [s.dataset.from, s.dataset.to, s.dataset.reason, s.dataset.count]);
    expect(steps).toEqual([
      ['', 'nebius-llama-3.3-70b', 'primary', '3'],
      ['nebius-llama-3.3-70b', 'nebius-llama-3.3-70b', 'success', '2'],
      ['nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b', 'fallback_rate_limit', '1'],
      ['fireworks-llama-v3p3-70b', 'fireworks-llama-v3p3-70b', 'success', '1'],
    ]);
  }, 20_000); // typing into several fields is slow on a busy machine

  it('flags live counts that disagree with the summary, and shows the summary', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Run' }));
    mock.emit(progress(1, [direct(0)]));
    mock.emit(summary(false, 3)); // two requests never arrived as progress
    await waitFor(() => expect(screen.getByTestId('sim-check')).toHaveTextContent(/differed from the server's summary/));
    expect(Number(screen.getByTestId('sim-check').dataset.mismatches)).toBeGreaterThan(0);
    expect(stat('total')).toBe('3');
  });

  it('says why when the run stopped itself (the 24 h cap), and a user stop says nothing', async () => {
    const reason = 'reached the cap of 86,400 simulated seconds (24 hours): requests still in flight were dropped';
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Run' }));
    mock.emit(progress(2, [direct(0), direct(1)]));
    mock.emit({ ...summary(true, 2), stoppedReason: reason });
    await waitFor(() => expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'stopped'));
    expect(screen.getByTestId('sim-status')).toHaveTextContent('Stopped early');
    expect(screen.getByTestId('sim-status')).toHaveAttribute('title', reason);
    expect(screen.getByTestId('sim-stopped-reason')).toHaveTextContent(reason);
  });

  it('stops through stopSimulation and shows the cancelled summary', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Run' }));
    mock.emit(progress(2, [direct(0), direct(1)]));
    await waitFor(() => expect(screen.getByTestId('sim-counter')).toHaveTextContent('2 / 3'));
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(mock.calls.find((c) => c.name === 'StopSimulation')?.variables).toEqual({ simulationId: 'sim-1' });
    mock.emit(summary(true, 2));
    await waitFor(() => expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'cancelled'));
    expect(screen.getByTestId('sim-check')).toHaveAttribute('data-mismatches', '0');
    expect(screen.queryByTestId('sim-stopped-reason')).toBeNull();
  });

  it('asks before running against real providers', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('checkbox', { name: /Mock responses/ }));
    expect(screen.getByRole('note')).toHaveTextContent(/cost real money/);
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(mock.calls).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Run against providers' }));
    expect(mock.calls[0]?.variables).toMatchObject({ input: { mock: false } });
  });

  it('keeps a run from starting with bad numbers', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.clear(screen.getByLabelText('Concurrency'));
    await user.type(screen.getByLabelText('Concurrency'), '5000');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByText('Between 1 and 1,000')).toBeInTheDocument();
    expect(mock.calls).toHaveLength(0);
  });

  it('remembers the last scenario of the group across a reload, and offers its incidents', async () => {
    const user = userEvent.setup();
    renderSimulator();
    await user.click(screen.getByLabelText(/Traffic over time/));
    await user.clear(screen.getByLabelText('Requests per second'));
    await user.type(screen.getByLabelText('Requests per second'), '25');
    await user.click(screen.getByRole('button', { name: '+ Add incident' }));
    cleanup();
    renderSimulator();
    expect(screen.getByLabelText('Requests per second')).toHaveValue('25');
    // Not silently back in the next run: offered.
    expect(screen.queryAllByTestId('incident-row')).toHaveLength(0);
    await user.click(within(screen.getByTestId('incident-offer')).getByRole('button', { name: 'Restore it' }));
    expect(screen.getAllByTestId('incident-row')).toHaveLength(1);
    expect(screen.queryByTestId('incident-offer')).toBeNull();
  });

  it('runs the saved group and a draft side by side, at once, on one seed', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.clear(screen.getByLabelText('Seed'));
    await user.click(screen.getByRole('button', { name: 'Compare with a change' }));
    await user.selectOptions(screen.getByLabelText('Draft strategy'), 'WEIGHTED');
    expect(screen.getByTestId('draft-changes')).toHaveTextContent('strategy Priority Failover → Weighted');
    await user.click(screen.getByRole('button', { name: 'Run both' }));
    const runs = () => mock.calls.filter((c) => c.name === 'SimulateTraffic');
    // Both at once: the draft does not wait for the saved group.
    expect(runs()).toHaveLength(2);
    mock.emitTo(1, progress(2, [direct(0), direct(1)]));
    mock.emitTo(0, progress(3, [direct(0), fallback(1), direct(2)]));
    mock.emitTo(1, { ...summary(false, 2), simulationId: 'sim-2' });
    mock.emitTo(0, summary(false, 3));
    await waitFor(() => expect(screen.getByTestId('sim-status-draft')).toHaveAttribute('data-status', 'completed'));
    await waitFor(() => expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'completed'));
    const [saved, draft] = runs().map((c) => c.variables.input as Record<string, unknown>);
    expect(saved?.draft).toBeUndefined();
    expect(draft?.draft).toMatchObject({ routingStrategy: 'WEIGHTED' });
    expect(typeof saved?.seed).toBe('number');
    expect(draft?.seed).toBe(saved?.seed);
    expect(screen.getByTestId('sim-compare')).toBeInTheDocument();
    expect(screen.getAllByTestId('sim-results')).toHaveLength(2);
    // Display names, and one sentence about both summaries.
    expect(screen.getByText('Saved group · Priority Failover')).toBeInTheDocument();
    expect(screen.getByText('Draft · Weighted')).toBeInTheDocument();
    expect(screen.getAllByTestId(/^sim-check/)).toHaveLength(1);
    expect(screen.getByTestId('sim-check')).toHaveTextContent("the server's summaries");
    // The draft's column marks where it differs from the saved group.
    const draftColumn = within(screen.getByTestId('sim-compare-draft'));
    expect(draftColumn.getByTestId('stat-total')).toHaveAttribute('data-value', '2');
    expect(draftColumn.getByTestId('delta-total')).toHaveTextContent('−1');
    expect(draftColumn.getAllByTestId('deployment-row').filter((r) => r.classList.contains('sim-row-changed'))).toHaveLength(2);
  });

  it('starts the draft after the saved run when the server takes one simulation at a time', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Compare with a change' }));
    await user.click(screen.getByRole('button', { name: 'Run both' }));
    const runs = () => mock.calls.filter((c) => c.name === 'SimulateTraffic');
    expect(runs()).toHaveLength(2);
    mock.emitTo(1, { __typename: 'LimitExceededError', message: 'the server runs 1 simulation at once', limit: 1 });
    await waitFor(() => expect(screen.getByTestId('sim-status-draft')).toHaveTextContent('Next'));
    expect(screen.queryByRole('alert')).toBeNull();
    mock.emitTo(0, progress(3, [direct(0), fallback(1), direct(2)]));
    mock.emitTo(0, summary(false, 3));
    await waitFor(() => expect(runs()).toHaveLength(3));
    expect(runs()[2]?.variables.input).toMatchObject({ draft: expect.anything() });
  });

  it('says the worker is starting until the first progress arrives', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByTestId('sim-starting')).toHaveTextContent('Starting the simulation worker');
    mock.emit(progress(2, [direct(0), direct(1)]));
    await waitFor(() => expect(screen.queryByTestId('sim-starting')).toBeNull());
  });

  it('says a run was interrupted when the connection to the server is lost', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Run' }));
    mock.emit(progress(2, [direct(0), direct(1)]));
    mock.fail(new Error('socket closed'));
    await waitFor(() => expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'interrupted'));
    expect(screen.getByRole('alert')).toHaveTextContent('Lost the connection to the server');
    expect(screen.queryByText(/matched it exactly/)).toBeNull();
  });

  it('says the server stopped a run whose summary gives the shutdown as its reason', async () => {
    const reason = 'the server is shutting down: requests still in flight were dropped and no more were started';
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Run' }));
    mock.emit(progress(2, [direct(0), direct(1)]));
    mock.emit({ ...summary(true, 2), stoppedReason: reason });
    await waitFor(() => expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'server-stopped'));
    expect(screen.getByTestId('sim-check')).toHaveTextContent('The server stopped this run before it finished');
    expect(screen.queryByText(/matched it exactly/)).toBeNull();
  });

  it('says the server stopped a run that was cancelled without anyone pressing Stop', async () => {
    const user = userEvent.setup();
    const mock = renderSimulator();
    await user.click(screen.getByRole('button', { name: 'Run' }));
    mock.emit(progress(2, [direct(0), direct(1)]));
    mock.emit(summary(true, 2));
    await waitFor(() => expect(screen.getByTestId('sim-status')).toHaveAttribute('data-status', 'server-stopped'));
    expect(screen.getByTestId('sim-check')).toHaveTextContent('The server stopped this run before it finished');
    expect(screen.queryByText(/matched it exactly/)).toBeNull();
  });

  it('starts the run History asked to repeat', async () => {
    sessionStorage.setItem(
      'routing-groups:simulator:rerun',
      JSON.stringify({ groupId: 'rg-1', input: { traffic: { ratePerSecond: 5, durationSeconds: 60, pattern: 'RAMP' }, mock: true, seed: 3 } }),
    );
    const mock = renderSimulator();
    await waitFor(() => expect(mock.calls.filter((c) => c.name === 'SimulateTraffic')).toHaveLength(1));
    expect(mock.calls[0]?.variables.input).toMatchObject({
      traffic: { ratePerSecond: 5, durationSeconds: 60, pattern: 'RAMP' },
      seed: 3,
      timelineBucketSeconds: 1,
    });
    expect(screen.getByLabelText('Requests per second')).toHaveValue('5');
    expect(sessionStorage.getItem('routing-groups:simulator:rerun')).toBeNull();
  });
});
