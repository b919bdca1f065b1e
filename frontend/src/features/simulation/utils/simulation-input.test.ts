import { describe, expect, it } from 'vitest';
import { defaultForm, toSimulationInput, type SimulatorForm } from './simulation-input';

function form(overrides: Partial<SimulatorForm> = {}): SimulatorForm {
  return { ...defaultForm(['nebius', 'azure']), ...overrides };
}

describe('toSimulationInput', () => {
  it('sends only the failure and latency rules that were set', () => {
    const result = toSimulationInput(
      form({
        numRequests: '500',
        concurrency: '10',
        seed: '7',
        knobs: {
          nebius: { failurePercent: 50, errorKind: 'RATE_LIMIT', meanMs: '20', jitterMs: '' },
          azure: { failurePercent: 0, errorKind: 'TIMEOUT', meanMs: '', jitterMs: '' },
        },
      }),
    );
    expect(result.input).toEqual({
      numRequests: 500,
      concurrency: 10,
      mock: true,
      seed: 7,
      failureInjection: [{ modelId: 'nebius', failureRate: 0.5, errorKind: 'RATE_LIMIT' }],
      latency: [{ modelId: 'nebius', meanMs: 20, jitterMs: 0 }],
    });
  });

  it('leaves the seed out when the box is empty', () => {
    expect(toSimulationInput(form({ seed: ' ' })).input?.seed).toBeNull();
  });

  it('names each field that is out of range', () => {
    const result = toSimulationInput(
      form({
        numRequests: '0',
        concurrency: '1001',
        seed: '-3',
        knobs: { nebius: { failurePercent: 0, errorKind: 'RATE_LIMIT', meanMs: '-1', jitterMs: '5' } },
      }),
    );
    expect(result.input).toBeNull();
    expect(Object.keys(result.errors ?? {}).sort()).toEqual(['concurrency', 'nebius.meanMs', 'numRequests', 'seed']);
  });

  it('asks for a mean when only a jitter is given', () => {
    const result = toSimulationInput(
      form({ knobs: { nebius: { failurePercent: 0, errorKind: 'RATE_LIMIT', meanMs: '', jitterMs: '5' } } }),
    );
    expect(result.errors).toEqual({ 'nebius.meanMs': 'Set a mean for the jitter to apply to' });
  });
});
