import { describe, expect, it } from 'vitest';
import type { StreamedRequest } from '../hooks/use-simulation-run';
import { CHANGED_LIMIT, ChangedRequests } from './changed-requests';

function request(requestIndex: number, finalDeploymentId: string | null, failedFirst?: string): StreamedRequest {
  const attempts = [
    ...(failedFirst
      ? [{ deploymentId: failedFirst, deploymentName: failedFirst, provider: 'p', status: 'ERROR' as const, errorKind: 'RATE_LIMIT', fallbackDepth: 0, latencyMs: 5 }]
      : []),
    ...(finalDeploymentId
      ? [{ deploymentId: finalDeploymentId, deploymentName: finalDeploymentId, provider: 'p', status: 'SUCCESS' as const, errorKind: null, fallbackDepth: 1, latencyMs: 40 }]
      : []),
  ];
  return { requestIndex, success: finalDeploymentId !== null, finalDeploymentId, latencyMs: 45, startedAtMs: requestIndex * 10, attempts };
}

describe('ChangedRequests', () => {
  it('pairs the two replays by request index, whichever side arrives first', () => {
    const changes = new ChangedRequests();
    changes.add('saved', [request(0, 'nebius'), request(1, 'nebius'), request(2, 'nebius')]);
    changes.add('draft', [request(1, 'fireworks', 'nebius'), request(0, 'nebius')]);
    changes.add('draft', [request(3, null)]);
    changes.add('saved', [request(3, 'azure')]);
    const snapshot = changes.snapshot();
    expect(snapshot.compared).toBe(3);
    expect(snapshot.changed).toBe(2);
    expect(snapshot.first.map((c) => [c.requestIndex, c.saved.finalDeploymentId, c.draft.finalDeploymentId])).toEqual([
      [1, 'nebius', 'fireworks'],
      [3, 'azure', null],
    ]);
    expect(snapshot.first[0]!.draft.attempts.map((a) => [a.deploymentId, a.status, a.errorKind])).toEqual([
      ['nebius', 'ERROR', 'RATE_LIMIT'],
      ['fireworks', 'SUCCESS', null],
    ]);
    expect(snapshot.first[0]!.startedAtMs).toBe(10);
  });

  it('keeps the first 100 changed requests by arrival and counts the rest', () => {
    const changes = new ChangedRequests();
    const indexes = Array.from({ length: 250 }, (_, i) => 249 - i); // latest first
    changes.add('draft', indexes.map((i) => request(i, 'fireworks')));
    changes.add('saved', indexes.map((i) => request(i, 'nebius')));
    const snapshot = changes.snapshot();
    expect(snapshot.changed).toBe(250);
    expect(snapshot.first).toHaveLength(CHANGED_LIMIT);
    expect(snapshot.first[0]!.requestIndex).toBe(0);
    expect(snapshot.first.at(-1)!.requestIndex).toBe(99);
  });
});
