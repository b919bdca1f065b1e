import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../hooks/use-simulation-run';
import { runCsv, runJson } from './export';

describe('runJson', () => {
  it('leaves out the __typename urql adds to every object', () => {
    const summary = {
      __typename: 'SimulationSummary',
      simulationId: 'sim-1',
      trafficDistribution: [{ __typename: 'DeploymentTraffic', deploymentId: 'nebius' }],
    } as unknown as RunSummary;
    const text = runJson({ simulationId: 'sim-1', routingGroupId: 'rg-1', input: { numRequests: 3 }, summary });
    expect(text).not.toContain('__typename');
    expect(JSON.parse(text)).toMatchObject({ summary: { simulationId: 'sim-1', trafficDistribution: [{ deploymentId: 'nebius' }] } });
  });
});

describe('runCsv', () => {
  it("includes a replay's report: recorded vs replayed, and what was recorded per deployment", () => {
    const summary = {
      simulationId: 'sim-2',
      trafficDistribution: [],
      timeline: [],
      flowData: [],
      cooldowns: [],
      replay: {
        recordedRequests: 40,
        replayedRequests: 40,
        sameFinalDeployment: 0.25,
        recordedCostUsd: 0.0012,
        recordedP50LatencyMs: 12,
        recordedP95LatencyMs: 30,
        assumedDeployments: ['fireworks', 'azure'],
        recorded: [
          { deploymentId: 'nebius', deploymentName: 'n', provider: 'nebius', requestCount: 40, successCount: 40, failureCount: 0, avgLatencyMs: 12, percentOfTotal: 100, wasPrimary: false, costUsd: 0.0012 },
        ],
      },
    } as unknown as RunSummary;
    const csv = runCsv({ simulationId: 'sim-2', routingGroupId: 'rg-1', input: {}, summary });
    expect(csv).toContain('# replay\nrecordedRequests,replayedRequests,sameFinalDeployment,recordedCostUsd,recordedP50LatencyMs,recordedP95LatencyMs,assumedDeployments\n40,40,0.25,0.0012,12,30,fireworks azure');
    expect(csv).toContain('# recorded deployments\n');
    expect(csv).toContain('nebius,n,nebius,40,40,0,12,100,0.0012');
  });
});
