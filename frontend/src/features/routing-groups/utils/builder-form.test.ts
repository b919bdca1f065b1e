import { describe, expect, it } from 'vitest';
import { savedGroup } from '@/test/fixtures';
import { emptyForm, formFromGroup, numberFieldErrors, toGroupInput } from './builder-form';

describe('builder form', () => {
  it('round-trips a saved group into the same input', () => {
    const group = savedGroup({ settings: { maxFallbacks: 2, timeoutSeconds: 30 } });
    const input = toGroupInput(formFromGroup(group));
    expect(input).toMatchObject({
      routingGroupName: 'llama-prod',
      routingStrategy: 'PRIORITY_FAILOVER',
      retryConfig: { numRetries: 0 },
      cooldownConfig: { allowedFails: 3, cooldownTimeSeconds: 60 },
      settings: { maxFallbacks: 2, timeoutSeconds: 30 },
    });
    expect(input.deployments.map((d) => [d.modelId, d.priority])).toEqual([
      ['nebius-llama-3.3-70b', 1],
      ['fireworks-llama-v3p3-70b', 2],
      ['azure-gpt-4o', 3],
    ]);
  });

  it('sends weights only for weighted routing', () => {
    const form = { ...formFromGroup(savedGroup()), routingStrategy: 'WEIGHTED' as const };
    form.deployments = form.deployments.map((d, i) => ({ ...d, weight: i + 1 }));
    expect(toGroupInput(form).deployments.map((d) => d.weight)).toEqual([1, 2, 3]);
    expect(toGroupInput({ ...form, routingStrategy: 'LEAST_BUSY' }).deployments.map((d) => d.weight)).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('turns an empty timeout and description into null', () => {
    const input = toGroupInput({ ...emptyForm(), routingGroupName: ' g ', description: '  ' });
    expect(input.routingGroupName).toBe('g');
    expect(input.description).toBeNull();
    expect(input.settings?.timeoutSeconds).toBeNull();
  });

  it('flags number fields GraphQL would reject, by their server path', () => {
    const errors = numberFieldErrors({ ...emptyForm(), numRetries: '1.5', cooldownTimeSeconds: 'soon', maxFallbacks: '' });
    expect(errors).toEqual([
      { field: 'retryConfig.numRetries', message: 'must be a whole number' },
      { field: 'cooldownConfig.cooldownTimeSeconds', message: 'must be a number' },
      { field: 'settings.maxFallbacks', message: 'required' },
    ]);
    expect(numberFieldErrors(emptyForm())).toEqual([]);
  });
});
