import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { savedGroup } from '@/test/fixtures';
import { streamingClient } from '../test/streaming-client';
import { ReplayMode } from './ReplayMode';

const NEBIUS = 'nebius-llama-3.3-70b';
const AZURE = 'azure-gpt-4o';

function trace(requestIndex: number, deploymentId: string) {
  return {
    requestIndex,
    success: true,
    latencyMs: 20,
    startedAtMs: requestIndex * 1000,
    finalDeploymentId: deploymentId,
    skipped: [],
    attempts: [
      { startedAtMs: requestIndex * 1000, deploymentId, deploymentName: deploymentId, provider: 'p', status: 'SUCCESS', errorKind: null, fallbackDepth: 0, retryIndex: 0, latencyMs: 20 },
    ],
  };
}

function progress(simulationId: string, requests: ReturnType<typeof trace>[]) {
  return { __typename: 'SimulationProgress', simulationId, completed: requests.length, total: 2, simulatedMs: 2000, requests };
}

function summary(simulationId: string, finals: string[], same: number) {
  const counts = new Map<string, number>();
  for (const f of finals) counts.set(f, (counts.get(f) ?? 0) + 1);
  return {
    __typename: 'SimulationSummary',
    simulationId,
    totalRequests: 2,
    successfulRequests: 2,
    failedRequests: 0,
    cancelled: false,
    stoppedReason: null,
    durationMs: 10,
    avgLatencyMs: 20,
    p50LatencyMs: 20,
    p95LatencyMs: 20,
    p99LatencyMs: 20,
    trafficDistribution: [...counts].map(([deploymentId, n]) => ({
      deploymentId,
      deploymentName: deploymentId,
      provider: 'p',
      requestCount: n,
      successCount: n,
      failureCount: 0,
      avgLatencyMs: 20,
      percentOfTotal: (100 * n) / 2,
      wasPrimary: false,
      costUsd: 0.001,
    })),
    flowData: [...counts].map(([deploymentId, n]) => ({ fromDeployment: null, toDeployment: deploymentId, requestCount: n, reason: 'primary' })),
    clock: 'VIRTUAL',
    seed: 1,
    simulatedDurationMs: 2000,
    totalCostUsd: 0.002,
    timeline: [],
    cooldowns: [],
    startAt: '2026-12-03T11:00:00Z',
    gatewayOverheadMs: 0,
    replay: {
      recordedRequests: 2,
      replayedRequests: 2,
      sameFinalDeployment: same,
      recorded: [
        { deploymentId: NEBIUS, deploymentName: NEBIUS, provider: 'p', requestCount: 2, successCount: 2, failureCount: 0, avgLatencyMs: 30, percentOfTotal: 100, wasPrimary: false, costUsd: 0.002 },
      ],
      recordedCostUsd: 0.002,
      recordedP50LatencyMs: 30,
      recordedP95LatencyMs: 40,
      assumedDeployments: [AZURE],
    },
  };
}

function renderReplay() {
  const mock = streamingClient();
  render(
    <Provider value={mock.client}>
      <ReplayMode group={savedGroup()} />
    </Provider>,
  );
  return mock;
}

describe('ReplayMode', () => {
  it('replays one window on the saved group and the draft, beside what was recorded, and lists what the draft changed', async () => {
    const user = userEvent.setup();
    const mock = renderReplay();
    await user.clear(screen.getByLabelText(`Draft priority for ${NEBIUS}`));
    await user.type(screen.getByLabelText(`Draft priority for ${NEBIUS}`), '3');
    await user.clear(screen.getByLabelText(`Draft priority for ${AZURE}`));
    await user.type(screen.getByLabelText(`Draft priority for ${AZURE}`), '1');
    await user.click(screen.getByRole('button', { name: 'Replay both' }));

    const runs = mock.calls.filter((c) => c.name === 'SimulateTraffic').map((c) => c.variables.input as Record<string, unknown>);
    expect(runs).toHaveLength(2);
    expect(runs[0]!.replay).toEqual(runs[1]!.replay);
    expect(runs[0]!.seed).toBe(runs[1]!.seed);
    expect(runs[0]!.draft).toBeUndefined();
    expect((runs[1]!.draft as { deployments: unknown[] }).deployments).toContainEqual({ modelId: AZURE, priority: 1 });
    // A replay starts at its window's start: no startAt of the client's own.
    expect(runs[0]!.startAt).toBeUndefined();

    act(() => {
      mock.emitTo(0, progress('sim-saved', [trace(0, NEBIUS), trace(1, NEBIUS)]));
      mock.emitTo(1, progress('sim-draft', [trace(1, NEBIUS), trace(0, AZURE)]));
      mock.emitTo(0, summary('sim-saved', [NEBIUS, NEBIUS], 1));
      mock.emitTo(1, summary('sim-draft', [AZURE, NEBIUS], 0.5));
    });

    for (const column of ['saved', 'draft', 'recorded']) {
      expect(screen.getByTestId(`replay-${column}-requests`)).toHaveAttribute('data-value', '2');
    }
    expect(screen.getByTestId('replay-recorded-p95')).toHaveAttribute('data-value', '40');
    expect(screen.getByTestId('replay-draft-same')).toHaveAttribute('data-value', '0.5');
    const assumedRow = within(screen.getByTestId('replay-column-draft'))
      .getAllByTestId('replay-distribution-row')
      .find((r) => r.dataset.deploymentId === AZURE);
    expect(assumedRow).toHaveAttribute('data-assumed', 'true');
    expect(assumedRow).toHaveTextContent('assumed');
    expect(screen.getByTestId('replay-assumptions')).toHaveTextContent('no attempt on gpt-4o');

    const changed = await screen.findByTestId('changed-request');
    expect(screen.getByTestId('changed-requests')).toHaveAttribute('data-changed', '1');
    expect(changed).toHaveAttribute('data-request-index', '0');
    expect(changed).toHaveTextContent('Saved: ended on llama-3.3-70b');
    expect(changed).toHaveTextContent('Draft: ended on gpt-4o');
    expect(screen.getByRole('button', { name: 'Apply this change' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Export JSON (draft)' })).toBeInTheDocument();
  });

  it("shows the server's objection to the window at the field it names", async () => {
    const user = userEvent.setup();
    const mock = renderReplay();
    await user.click(screen.getByLabelText('Custom'));
    await user.click(screen.getByRole('button', { name: 'Replay both' }));
    const error = {
      __typename: 'ValidationError',
      message: 'Invalid input',
      fieldErrors: [{ field: 'replay.to', message: 'must be after replay.from (the window is empty)' }],
    };
    act(() => {
      mock.emitTo(0, error);
      mock.emitTo(1, error);
    });
    expect(screen.getByTestId('replay-to-error')).toHaveTextContent('must be after replay.from (the window is empty)');
    expect(screen.getByLabelText('To')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByText(/The replay failed/)).toBeNull();
  });
});
