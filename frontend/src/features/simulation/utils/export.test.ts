import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../hooks/use-simulation-run';
import { runJson } from './export';

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
