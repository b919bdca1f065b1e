import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { streamingClient } from '../test/streaming-client';
import { useSimulationRun } from './use-simulation-run';

const NEBIUS = { deploymentId: 'nebius', deploymentName: 'llama', provider: 'nebius' };

function request(i: number) {
  return {
    requestIndex: i,
    success: true,
    latencyMs: 1,
    finalDeploymentId: 'nebius',
    attempts: [{ ...NEBIUS, status: 'SUCCESS', errorKind: null, fallbackDepth: 0, retryIndex: 0, latencyMs: 1 }],
  };
}

describe('useSimulationRun', () => {
  it('folds every batch that arrived before a frame into one update', async () => {
    const mock = streamingClient();
    const wrapper = ({ children }: { children: ReactNode }) => <Provider value={mock.client}>{children}</Provider>;
    const deployments = [NEBIUS];
    const { result } = renderHook(() => useSimulationRun('rg-1', deployments), { wrapper });

    act(() => result.current.start({ numRequests: 50, concurrency: 5, mock: true }));
    const framesBefore = result.current.state.frame;
    act(() => {
      for (let batch = 0; batch < 5; batch += 1) {
        const requests = Array.from({ length: 10 }, (_, i) => request(batch * 10 + i));
        mock.emit({ __typename: 'SimulationProgress', simulationId: 's', completed: (batch + 1) * 10, total: 50, requests });
      }
    });
    await waitFor(() => expect(result.current.state.completed).toBe(50));
    expect(result.current.state.frame - framesBefore).toBe(1);
    expect(result.current.state.counts.totalRequests).toBe(50);
    expect(result.current.state.recent).toEqual({ '\u0001nebius\u0001primary': 50, 'nebius\u0001nebius\u0001success': 50 });
  });
});
