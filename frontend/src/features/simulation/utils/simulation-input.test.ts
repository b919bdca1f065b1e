import { describe, expect, it } from 'vitest';
import { defaultForm, formFromInput, mergeStoredForm, newIncident, toSimulationInput, type SimulatorForm } from './simulation-input';

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
      clock: 'VIRTUAL',
      seed: 7,
      failureInjection: [{ modelId: 'nebius', failureRate: 0.5, errorKind: 'RATE_LIMIT' }],
      latency: [{ modelId: 'nebius', meanMs: 20, jitterMs: 0 }],
      incidents: [],
    });
  });

  it('sends traffic over time with incidents, and a timeline of 60 buckets', () => {
    const result = toSimulationInput(
      form({
        mode: 'traffic',
        ratePerSecond: '10',
        durationSeconds: '180',
        pattern: 'POISSON',
        incidents: [{ ...newIncident('nebius', 60, 120), errorKind: 'TIMEOUT', addedLatencyMs: '250' }],
      }),
    );
    expect(result.input).toMatchObject({
      traffic: { ratePerSecond: 10, durationSeconds: 180, pattern: 'POISSON' },
      timelineBucketSeconds: 3,
      clock: 'VIRTUAL',
      incidents: [{ modelId: 'nebius', startSeconds: 60, endSeconds: 120, failureRate: 1, errorKind: 'TIMEOUT', addedLatencyMs: 250 }],
    });
  });

  it('runs real providers on the wall clock', () => {
    expect(toSimulationInput(form({ mock: false, clock: 'VIRTUAL' })).input?.clock).toBe('WALL');
  });

  it('asks for incident windows that end after they start, and for traffic within the request limit', () => {
    const incident = { ...newIncident('nebius', 60, 120), endSeconds: '30' };
    const result = toSimulationInput(form({ mode: 'traffic', ratePerSecond: '2000', durationSeconds: '1000', incidents: [incident] }));
    expect(result.errors).toEqual({
      durationSeconds: 'At most 1,000,000 requests (rate × duration)',
      [`incident.${incident.key}.end`]: 'After the start',
    });
  });

  it('turns a saved input back into the form that sends it', () => {
    const sent = toSimulationInput(
      form({ mode: 'traffic', seed: '5', incidents: [newIncident('azure', 10, 20)], knobs: { nebius: { failurePercent: 30, errorKind: 'AUTH', meanMs: '40', jitterMs: '4' }, azure: { failurePercent: 0, errorKind: 'RATE_LIMIT', meanMs: '', jitterMs: '' } } }),
    ).input;
    expect(toSimulationInput(formFromInput(sent, ['nebius', 'azure'])).input).toEqual(sent);
  });

  it('loads a stored scenario over the defaults, dropping deployments the group no longer has', () => {
    const stored = { ...form({ seed: '9' }), incidents: [newIncident('gone', 1, 2), newIncident('nebius', 1, 2)] };
    const merged = mergeStoredForm(JSON.parse(JSON.stringify(stored)), ['nebius', 'fireworks']);
    expect(merged.seed).toBe('9');
    expect(Object.keys(merged.knobs)).toEqual(['nebius', 'fireworks']);
    expect(merged.incidents.map((w) => w.modelId)).toEqual(['nebius']);
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
